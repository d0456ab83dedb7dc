"""Commands for the people who keep the data: ``diff`` (what changed between two versions),
``dedupe`` (likely duplicates, and the decisions about them) and ``extract`` (candidate
facts from an article, for review)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import Format, FormatOpt, MkdirOpt, SeedsOpt, emit_csv, emit_json, err_console, print_lines
from .main import app


class DiffFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


@app.command()
def diff(
    old: Optional[Path] = typer.Argument(None, help="The old seed folder (or, with --git, the folder "
                                                    "whose history is read; default --seeds)."),
    new: Optional[Path] = typer.Argument(None, help="The new seed folder."),
    git: Optional[str] = typer.Option(None, "--git", metavar="REV1..REV2",
                                      help="Compare the seed folder between two git revisions "
                                           "(HEAD~1..HEAD); REV1 alone compares it with the working tree."),
    seeds: Optional[Path] = SeedsOpt,
    entity: Optional[str] = typer.Option(None, "--entity", help="Only changes about this entity id "
                                                                "(the entity and its relations)."),
    types: Optional[list[str]] = typer.Option(None, "--type", help="Only these kinds (source, entity, "
                                              "relation) or entity/relation types (armed_group, "
                                              "operates_in); repeatable."),
    min_change: int = typer.Option(0, "--min-change", min=0, help="Only items with at least this many "
                                   "changed fields (an added or removed item counts 10)."),
    fmt: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f",
                                   help="Output: table (for people), markdown (release notes), json or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    mkdir: bool = MkdirOpt,
) -> None:
    """What changed between two versions of a seed folder: sources, entities and relations added,
    removed, renamed, merged and changed field by field (dates, confidence up or down, citations
    and quotes), each at its file:line, and warnings for dates or figures that lost their support.

    Either two folders (crimegraph diff old/ new/) or one folder's git history
    (crimegraph diff --git HEAD~1..HEAD seeds/peru). Both versions must validate.
    Exit status 0 whether or not anything changed.
    """
    from crimegraph.atomic import check_file_target
    from crimegraph.diff import diff_folders, diff_git
    from crimegraph.errors import UsageError
    from crimegraph.schema.loader import default_seeds

    if output is not None:
        check_file_target(output, mkdir=mkdir)
    if git:
        if new is not None:
            raise UsageError("with --git give at most one folder (the seed folder whose history is read)")
        result = diff_git(git, old or seeds or default_seeds())
    else:
        if old is None or new is None:
            raise UsageError("give two seed folders (crimegraph diff OLD NEW) or --git REV1..REV2")
        result = diff_folders(old, new)
    result = result.filtered(entity, types or (), min_change)
    if fmt is DiffFormat.json:
        import json

        text = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt is DiffFormat.markdown:
        text = result.markdown()
    elif fmt is DiffFormat.csv:
        if output is None:
            emit_csv(result.rows(), result.COLUMNS)
            return
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=result.COLUMNS, lineterminator="\n")
        w.writeheader()
        from crimegraph.exports.tables import excel_guard

        for r in result.rows():
            w.writerow({k: excel_guard(v) if isinstance(v, str) else v for k, v in r.items()})
        text = buf.getvalue()
    else:
        if output is None:
            print_lines(result.lines())
            return
        text = "\n".join(result.lines()) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from crimegraph.atomic import write_text

    write_text(output, text, mkdir=mkdir)
    err_console.print(f"wrote {escape(str(output))}")


# ---------------------------------------------------------------- dedupe
_KEYS = {"s": "same", "d": "different", "u": "unsure", "k": None, "": None}


@app.command()
def dedupe(
    seeds: Optional[Path] = SeedsOpt,
    against: Optional[Path] = typer.Option(None, "--against", help="A folder of imported seed YAML "
                                           "(crimegraph import … --out DIR): its entities that look like "
                                           "entities of --seeds."),
    min_score: float = typer.Option(88.0, "--min-score", min=0, max=100, help="The lowest score listed."),
    review: bool = typer.Option(False, "--review", help="Walk the open candidates in the terminal: "
                                "s same, d different, u unsure, k (or Enter) skip, q quit; each decision "
                                "is written to the seed folder's resolutions.yaml at once."),
    judge: Optional[list[str]] = typer.Option(None, "--judge", metavar="A B VERDICT",
                                              help="Record one decision without asking: two entity ids and "
                                                   "same, different or unsure (three words; repeatable)."),
    by: Optional[str] = typer.Option(None, "--by", envvar="CRIMEGRAPH_REVIEWER",
                                     help="Who decides (recorded with each decision)."),
    merge: Optional[str] = typer.Option(None, "--merge", metavar="'KEEP GONE'",
                                        help="Merge two entities of --seeds judged the same: GONE's names "
                                             "become KEEP's aliases, its citations and relations move to KEEP, "
                                             "its item goes; recorded as a 'same' decision (needs --by)."),
    why: Optional[str] = typer.Option(None, "--why", help="Why (recorded with a --judge or --merge decision)."),
    fmt: Format = FormatOpt,
) -> None:
    """Likely duplicate entities, each pair with its score and the features behind it (names that
    match once accents, case and legal forms are folded; the same type; shared neighbours).

    Within --seeds, or between an imported folder (--against DIR) and --seeds. Pairs
    already decided in the dataset's resolutions (resolutions.yaml) are not proposed
    again; a pair judged unsure is listed, marked. --review and --judge record decisions
    there (who: --by; when: today).
    """
    import datetime

    from crimegraph.dedupe import candidates, import_candidates, record, resolutions_file
    from crimegraph.errors import UsageError
    from crimegraph.schema.loader import default_seeds, load_dataset

    folder = Path(seeds) if seeds is not None else default_seeds()
    if (review or judge or merge) and not by:
        raise UsageError("--review, --judge and --merge record who decided: give --by NAME "
                         "(or set CRIMEGRAPH_REVIEWER)")
    today = datetime.date.today().isoformat()
    if merge:
        from crimegraph.merge import apply, merge as plan

        parts = merge.split()
        if len(parts) != 2:
            raise UsageError(f"--merge {merge!r}: give two entity ids, the one kept first ('shining-path sendero')")
        keep, gone = parts
        writes, result = plan(folder, keep, gone)

        res = resolutions_file(folder)
        decision = {"a": keep, "b": gone, "judgement": "same", "by": by, "date": today, "why": why}
        # the decision is validated with the merge (written after the files it explains)
        from crimegraph.dedupe import _render

        writes[res] = _render(res, [decision])
        apply(folder, writes)
        print_lines(result.lines())
        err_console.print(f"[green]valid[/green]: changed {len(writes)} files in {escape(str(folder))}")
        return
    if judge:
        decisions = []
        for text in judge:
            parts = text.split()
            if len(parts) != 3 or parts[2] not in _KEYS.values():
                raise UsageError(f"--judge {text!r}: give two entity ids and same, different or unsure "
                                 "(--judge 'shining-path sendero same')")
            decisions.append({"a": parts[0], "b": parts[1], "judgement": parts[2], "by": by,
                              "date": today, "why": why})
        path = record(folder, decisions)
        err_console.print(f"recorded {len(decisions)} decision{'s' if len(decisions) != 1 else ''} in "
                          f"{escape(str(path))}")
        return
    dataset = load_dataset(folder)
    if against is not None:
        from .imports import read_imported

        found = import_candidates(read_imported(against, folder), dataset, min_score)
    else:
        found = candidates(dataset, min_score)
    if review:
        _review(found, folder, by, today)
        return
    if fmt is Format.json:
        emit_json({"candidates": [c.as_dict() for c in found], "resolutions": str(resolutions_file(folder))})
    elif fmt is Format.csv:
        emit_csv([{**c.as_dict(), "features": "; ".join(c.features)} for c in found],
                 ["a", "a_name", "b", "b_name", "score", "features", "judgement"])
    else:
        if not found:
            print_lines(["no likely duplicates" + (f" between {against} and the seeds" if against else "")])
            return
        print_lines([c.line() for c in found])
        err_console.print(f"{len(found)} likely duplicate{'s' if len(found) != 1 else ''}; decide with "
                          "crimegraph dedupe --review --by NAME")


def _review(found, folder: Path, by: str, today: str) -> None:
    """Ask about each open candidate on the terminal; each answer is recorded at once."""
    from crimegraph.dedupe import record

    open_ = [c for c in found if c.judgement != "unsure"]
    if not open_:
        print_lines(["nothing to review: no open candidates"])
        return
    done = 0
    for i, c in enumerate(open_, 1):
        print_lines([f"[{i}/{len(open_)}] {c.score:.1f}  {c.a} ({c.a_name})  ~  {c.b} ({c.b_name})",
                     *(f"    {f}" for f in c.features)])
        while True:
            sys.stdout.write("same (s), different (d), unsure (u), skip (k), quit (q)? ")
            sys.stdout.flush()
            answer = sys.stdin.readline()
            if not answer:  # end of input: stop as if q
                answer = "q"
            key = answer.strip().lower()[:1]
            if key == "q" or key in _KEYS:
                break
            print_lines([f"  {answer.strip()!r}: press s, d, u, k or q"])
        if key == "q":
            break
        verdict = _KEYS[key]
        if verdict is None:
            continue
        record(folder, [{"a": c.a, "b": c.b, "judgement": verdict, "by": by, "date": today}])
        done += 1
    err_console.print(f"recorded {done} decision{'s' if done != 1 else ''} in "
                      f"{escape(str(folder / 'resolutions.yaml'))}")


# ---------------------------------------------------------------- extract
@app.command()
def extract(
    article: Optional[Path] = typer.Argument(None, help="The article: a .txt, .md or .html file."),
    source: Optional[str] = typer.Option(None, "--source", help="The id of the article's source: one of the "
                                         "dataset's, or a new one described by --title (--publisher, --date, "
                                         "--url: only what the article itself states)."),
    title: Optional[str] = typer.Option(None, "--title", help="A new source's title."),
    publisher: Optional[str] = typer.Option(None, "--publisher", help="A new source's publisher."),
    date: Optional[str] = typer.Option(None, "--date", help="A new source's publication date (YYYY[-MM[-DD]])."),
    url: Optional[str] = typer.Option(None, "--url", help="A new source's URL, only when known for certain."),
    reliability: Optional[str] = typer.Option(None, "--reliability",
                                              help="A new source's reliability, A-F (default F, cannot be judged)."),
    accept: Optional[Path] = typer.Option(None, "--accept", metavar="REVIEW-FILE",
                                          help="Add the candidates marked accept: true in a review file to "
                                               "--seeds, as cited records, and validate."),
    seeds: Optional[Path] = SeedsOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The review file to write "
                                          "(default: ARTICLE's name with .review.yaml, in this folder)."),
    mkdir: bool = MkdirOpt,
) -> None:
    """Candidate facts from an article, written to a review file: the known entities it mentions,
    new names that look like entities, and relations between mentioned entities that a cue phrase
    suggests (faction of, leader of, allied with, operates in, …, in Spanish and English), each with
    the article's sentence as its quote and its character offsets.

    Review the file (set accept: true, give new entities a type), then
    crimegraph extract --accept FILE --seeds DIR adds them as ordinary cited records
    (seed file extracted-SOURCE.yaml; citations of relations that exist are added to
    them) and validates the folder; nothing is written if it does not validate.
    """
    from crimegraph.errors import UsageError

    folder = Path(seeds) if seeds is not None else None
    if accept is not None:
        if article is not None:
            raise UsageError("--accept takes the review file; give no ARTICLE with it")
        _accept(accept, folder)
        return
    if article is None:
        raise UsageError("give an ARTICLE to extract from (or --accept REVIEW-FILE)")
    if not source:
        raise UsageError("--source ID is required: the id of the article's source in the dataset, or a new "
                         "id with --title")
    from crimegraph.atomic import check_file_target, write_text
    from crimegraph.extract import article_text, extract as run, review_text
    from crimegraph.schema.loader import default_seeds, load_dataset

    target = output or Path(article.name).with_suffix(".review.yaml")
    check_file_target(target, mkdir=mkdir)
    text = article_text(article)
    dataset = load_dataset(folder or default_seeds())
    stub = _source_stub(dataset, source, title, publisher, date, url, reliability)
    result = run(text, dataset, stub)
    result["source_is_new"] = source not in dataset.sources
    write_text(target, review_text(result, article.name), mkdir=mkdir)
    err_console.print(f"wrote {escape(str(target))}: {len(result['mentions'])} entities mentioned, "
                      f"{len(result['entities'])} new names, {len(result['relations'])} candidate relations "
                      f"({sum(1 for r in result['relations'] if r.get('existing'))} already in the dataset); "
                      "review it, then crimegraph extract --accept " + escape(str(target)))


def _source_stub(dataset, source: str, title, publisher, date, url, reliability) -> dict:
    """The article's source: the dataset's (its id and grade), or a new one from the options, validated."""
    from pydantic import ValidationError

    from crimegraph.errors import UsageError
    from crimegraph.schema.models import Source
    from crimegraph.schema.validate import format_pydantic_error

    given = {"title": title, "publisher": publisher, "date": date, "url": url, "reliability": reliability}
    if source in dataset.sources:
        extra = [f"--{k}" for k, v in given.items() if v is not None]
        if extra:
            raise UsageError(f"--source {source} is a source of the dataset already: leave out {', '.join(extra)}")
        return {"id": source, "reliability": dataset.sources[source].reliability}
    if not title:
        raise UsageError(f"--source {source!r} is not a source of the dataset: give --title (and --publisher, "
                         "--date, --url as the article states them) to describe a new one")
    stub = {"id": source, **{k: v for k, v in given.items() if v is not None}}
    try:
        model = Source.model_validate(stub)
    except ValidationError as exc:
        raise UsageError(format_pydantic_error(f"--source {source}", exc.errors()[0])) from None
    out = {"id": model.id, "title": model.title}
    if model.publisher:
        out["publisher"] = model.publisher
    if model.date is not None:
        out["date"] = str(model.date)
    if model.url:
        out["url"] = model.url
    out["reliability"] = model.reliability
    return out


def _accept(review: Path, folder: Optional[Path]) -> None:
    """Add the accepted candidates of a review file to a seed folder, validated first in a copy."""
    import shutil
    import tempfile

    import yaml

    from crimegraph.atomic import write_text
    from crimegraph.errors import DatasetInvalid, UsageError
    from crimegraph.extract import add_citations, read_review
    from crimegraph.schema.loader import default_seeds, read_seeds

    root = folder or default_seeds()
    if not Path(root).is_dir():
        raise UsageError(f"--seeds {root}: --accept adds to a seed folder")
    locations: dict = {}
    dataset, issues = read_seeds(root, locations=locations)
    if issues:
        raise DatasetInvalid(issues)
    accepted = read_review(review, dataset)
    if not any(accepted.counts.values()):
        raise UsageError(f"{review}: no candidate is marked accept: true; nothing to add")
    sid = accepted.source
    writes: dict[Path, str] = {}
    # citations for relations already in the dataset: added to their own items, in their files
    for rid, cites in accepted.citations.items():
        loc = locations["relations"][rid]
        path = Path(loc.file.path)
        text = writes.get(path) or path.read_text(encoding="utf-8")
        new = add_citations(text, ["relations", loc.index, "citations"], cites)
        if new is None:
            raise UsageError(f"{loc.where}: relation {rid}: its citations are not a block list; add the "
                             f"citation of {review} by hand")
        writes[path] = new
    seed = {k: v for k, v in accepted.seed.items() if v}
    if seed:
        target = Path(root) / f"extracted-{sid}.yaml"
        if target.exists():
            old = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
            for k, v in seed.items():
                have = old.get(k) or []
                ids = {x.get("id") for x in have if isinstance(x, dict)}
                old[k] = have + [x for x in v if x.get("id") is None or x.get("id") not in ids]
            seed = old
        head = f"# Facts accepted from a review of crimegraph extract ({review.name}).\n"
        writes[target] = head + yaml.safe_dump(seed, allow_unicode=True, sort_keys=False, width=100)
    # validate the folder as it will be, in a copy; nothing is written unless it is valid
    with tempfile.TemporaryDirectory(prefix="crimegraph-accept-") as tmp:
        copy = Path(tmp) / "seeds"
        shutil.copytree(root, copy, symlinks=False)
        for path, text in writes.items():
            (copy / path.resolve().relative_to(Path(root).resolve())).write_text(text, encoding="utf-8")
        _, problems = read_seeds(copy)
        if problems:
            shown = str(copy)
            for i in problems:
                err_console.print(escape(str(i).replace(shown, str(root))))
            err_console.print(f"[red]{len(problems)} error{'s' if len(problems) != 1 else ''}[/red] once the "
                              f"accepted candidates are added; nothing was written (fix {escape(str(review))})")
            raise typer.Exit(DatasetInvalid.exit_code)
    for path, text in writes.items():
        write_text(path, text)
    c = accepted.counts
    err_console.print(f"[green]valid[/green]: added {c['entities']} entities, {c['relations']} relations and "
                      f"{c['citations']} citations of existing relations to {escape(str(root))}")
