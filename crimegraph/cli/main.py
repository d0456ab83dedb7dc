"""``crimegraph``: validate, load, inspect and query the knowledge graph.

Errors that a user can meet print one clear message (what, where, what to do)
and exit non-zero, never with a traceback; set CRIMEGRAPH_DEBUG=1 to see one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from crimegraph.errors import CrimegraphError, DatasetInvalid

from .common import (
    Format,
    FormatOpt,
    MkdirOpt,
    SeedsOpt,
    StoreOpt,
    console,
    debug,
    emit_csv,
    emit_json,
    err_console,
    open_cli_store,
    print_lines,
    print_resolutions,
    print_warnings,
)

app = typer.Typer(
    name="crimegraph",
    help="A sourced knowledge graph of criminal actors, the places they control and the illicit "
         "economies they run. Every relation carries its period, confidence and sources. "
         "The first command on a seed folder validates it and keeps the validated dataset in a cache "
         "(crimegraph cache info); later commands read that until a seed file changes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
schema_app = typer.Typer(help="Write artefacts generated from the schema.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@app.callback()
def _global(no_cache: bool = typer.Option(
        False, "--no-cache", envvar="CRIMEGRAPH_NO_CACHE", show_envvar=True,
        help="Read and validate the seed files (YAML, JSON Lines), neither using nor writing the compiled cache of a "
             "validated seed folder (see `crimegraph cache info`).")) -> None:
    """Global options (the help text is the app's)."""
    import os

    if no_cache:
        os.environ["CRIMEGRAPH_NO_CACHE"] = "1"


# ---------------------------------------------------------------- validate
@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="Seed folder or file (default: --seeds, else the bundled Peru data)."),
    seeds: Optional[Path] = SeedsOpt,
    fmt: Format = FormatOpt,
    strict: bool = typer.Option(False, "--strict", help="Also check that every stated date and figure is "
                                "supported (its year or number in a cited quote, a cited source's date "
                                "or a derived: note), and make errors of the warnings about coordinates "
                                "and relations dated outside their ends' lifetimes."),
    duplicates: bool = typer.Option(True, "--duplicates/--no-duplicates",
                                    help="Also list likely duplicate entities (as crimegraph dedupe does; "
                                         "in datasets of up to 2,000 entities: for larger ones run "
                                         "crimegraph dedupe) and pairs judged the same in resolutions.yaml "
                                         "that are not merged yet; as warnings."),
) -> None:
    """Check a seed folder and report every error at once as path:line:col."""
    from crimegraph.schema.loader import read_seeds

    target = path or seeds
    read = read_seeds(target, strict=strict, cache="refresh")  # always validates; refreshes the cache
    dataset, issues = read
    found = [w.as_dict() for w in read.warnings]
    if fmt is not Format.json:
        print_warnings(read.warnings)
    if issues:
        if fmt is Format.json:
            emit_json({"valid": False, "errors": [i.as_dict() for i in issues], "warnings": found})
        elif fmt is Format.csv:
            emit_csv([i.as_dict() for i in issues], ["path", "line", "col", "message"])
        else:
            for i in issues:
                err_console.print(escape(str(i)))
            n = len(issues)
            err_console.print(f"[red]{n} error{'s' if n != 1 else ''}[/red]; nothing was loaded")
        raise typer.Exit(DatasetInvalid.exit_code)
    assert dataset is not None
    st = dataset.stats()
    twins: list = []
    if duplicates:
        from crimegraph.dedupe import VALIDATE_LIMIT, candidates, pending_merges

        if len(dataset.entities) <= VALIDATE_LIMIT:
            twins = [{"message": f"likely duplicate: {c.line().strip()}", **c.as_dict()}
                     for c in candidates(dataset)]
        elif fmt is not Format.json:
            err_console.print(f"note: {len(dataset.entities)} entities: duplicates not looked for (more than "
                              f"{VALIDATE_LIMIT:,}); run crimegraph dedupe")
        twins += [{"message": m} for m in pending_merges(dataset)]
        if fmt is not Format.json:
            print_warnings(t["message"] for t in twins)
    if fmt is Format.json:
        emit_json({"valid": True, **st, "warnings": found, "duplicates": twins})
    elif fmt is Format.csv:
        emit_csv([{"valid": True, "entities": st["entities"], "relations": st["relations"],
                   "sources": st["sources"]}])
    else:
        from crimegraph.schema.loader import default_seeds

        where = target or default_seeds()
        console.print(f"[green]valid[/green]: {escape(str(where))}: {st['entities']} entities, "
                      f"{st['relations']} relations, {st['sources']} sources, "
                      f"{st['citations']} citations")


# ---------------------------------------------------------------- stats
@app.command()
def stats(seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt) -> None:
    """Counts of entities by kind and type, and of relations by type."""
    with open_cli_store(seeds, store) as st:
        counts = st.counts()
    if fmt is Format.json:
        emit_json(counts)
        return
    rows = ([{"group": "total", "name": k, "count": counts[k]} for k in ("entities", "relations", "sources", "citations")]
            + [{"group": "kind", "name": k, "count": v} for k, v in counts["by_kind"].items()]
            + [{"group": "entity type", "name": k, "count": v} for k, v in counts["by_type"].items()]
            + [{"group": "relation type", "name": k, "count": v} for k, v in counts["by_relation_type"].items()])
    if fmt is Format.csv:
        emit_csv(rows, ["group", "name", "count"])
        return
    table = Table(title=f"crimegraph ({store} store)")
    table.add_column("group")
    table.add_column("name")
    table.add_column("count", justify="right")
    last = None
    for r in rows:
        table.add_row(r["group"] if r["group"] != last else "", r["name"], str(r["count"]))
        last = r["group"]
    console.print(table)


# ---------------------------------------------------------------- show
@app.command()
def show(
    ref: str = typer.Argument(..., help="An entity id (shining-path) or a name or alias (\"Sendero Luminoso\")."),
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    fmt: Format = FormatOpt,
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="The entity as of this date (YYYY, YYYY-MM or YYYY-MM-DD): relations valid "
                              "or reported by then, marked; the rest left out."),
    list_left_out: bool = typer.Option(False, "--left-out",
                                       help="With --as-of: list what the date left out, and why."),
) -> None:
    """An entity, its lifetime, its own sources, its relations (with their ids), and each
    relation's sources; with --as-of, what the date shows and what it leaves out.

    REF may be the id, a name, an alias or a misspelling: a clearly best match
    opens directly, with a note on stderr saying what was matched; otherwise the
    candidates are listed with their scores and the exit is non-zero.
    """
    from crimegraph.graph.resolution import attach, collecting
    from crimegraph.queries import entity_view
    from crimegraph.queries.params import parse_as_of
    from crimegraph.serialize import relation_dict, relation_sentence, source_line, time_text

    day = parse_as_of(as_of)
    with open_cli_store(seeds, store) as st:
        with collecting() as notes:
            view = entity_view(st, ref, as_of=day)
        print_resolutions(notes)
        e, rels, names = view.entity, view.relations, view.names
        if fmt is Format.json:
            emit_json(attach(view.as_dict(), notes))
            return
        if fmt is Format.csv:
            emit_csv([relation_dict(r, st, names=names, perspective=e.id, as_of=day) for r in rels],
                     ["id", "type", "direction", "subject", "subject_name", "object", "object_name",
                      "since", "until", "time", "confidence", "citations"])
            return
        head = f"[bold]{escape(e.name)}[/bold] ({escape(e.id)}) — {e.type_label}"
        if e.status:
            head += f" · {e.status}"
        console.print(head)
        lines = []
        life = _lifetime_line(e)
        if life:
            lines.append(life)
        if day and not e.shown_on(day):
            lines.append(f"as of {day.isoformat()}: {time_text(e, day)}")
        if e.aliases:
            lines.append("aliases: " + ", ".join(str(a) for a in e.aliases))
        if e.description:
            lines.append(e.description)
        lines.extend(f"{k}: {v}" for k, v in e.external_ids.items())
        own = [source_line(c, st) for c in e.citations]
        distinct = list(dict.fromkeys(own))
        lines.append(f"\n{'source' if len(distinct) == 1 else 'sources'} of this entity:")
        for line in distinct:
            lines.append("  " + line)
            lines.extend(f"    “{c.quote}”" for c, o in zip(e.citations, own) if o == line and c.quote)
        lines.append(f"\n{len(rels)} relation{'s' if len(rels) != 1 else ''}"
                     + (f" as of {day.isoformat()} (valid or reported by then)" if day else "") + ":")
        for r in rels:
            head_line, *quotes = relation_sentence(r, names, st, quotes=True, as_of=day).split("\n")
            lines.extend(["  " + head_line, f"    relation {r.id}", *quotes])
        lines.extend(view.left_out_lines(full=list_left_out))
        print_lines(lines)


def _lifetime_line(e) -> str:
    """``founded 1970 · dissolved 2000`` / ``born 1934 · captured 1992-09-12 · died 2021``."""
    parts = [f"{f} {getattr(e, f)}" for f in ("founded", "dissolved", "born", "captured", "died")
             if getattr(e, f, None) is not None]
    return " · ".join(parts)


# ---------------------------------------------------------------- schema
@schema_app.command("json-schema")
def schema_json(output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
                mkdir: bool = MkdirOpt) -> None:
    """The JSON Schema of the seed files (point your editor's YAML plugin at it)."""
    from crimegraph.schema.jsonschema import seed_json_schema_text

    _write_text(seed_json_schema_text(), output, mkdir)


def _write_text(text: str, output: Optional[Path], mkdir: bool = False) -> None:
    """Print ``text``, or write it to ``output`` whole (:mod:`crimegraph.atomic`)."""
    if output is None:
        sys.stdout.write(text)
        return
    from crimegraph.atomic import write_text

    write_text(output, text, mkdir=mkdir)
    err_console.print(f"wrote {escape(str(output))}")


# ---------------------------------------------------------------- more commands
def _register_command_modules() -> None:
    """Import every other module of this package: each adds its commands to ``app``.

    Modules keep heavy imports inside their command functions, so that
    ``crimegraph --help`` and the embedded store start fast.
    """
    import importlib
    import pkgutil

    from crimegraph import cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name not in ("main", "common", "__init__"):
            importlib.import_module(f"crimegraph.cli.{info.name}")


_register_command_modules()


# ---------------------------------------------------------------- entry point
def main() -> None:
    import signal
    import warnings

    from crimegraph.errors import SeedWarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, SeedWarning):
            print_warnings([message.issue] if isinstance(message, SeedWarning) else [str(message)])
        else:
            default_show(message, category, filename, lineno, file, line)

    default_show = warnings.showwarning
    warnings.showwarning = show
    warnings.simplefilter("always", SeedWarning)

    def terminated(signum, frame):  # like Ctrl-C: files being written are removed, not left half-done
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, terminated)
    try:
        app()
    except CrimegraphError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:  # `crimegraph ... | head`
        sys.exit(0)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for CRIMEGRAPH_DEBUG=1
        if debug():
            raise
        err_console.print(f"[red]internal error:[/red] {escape(type(exc).__name__)}: {escape(str(exc))} "
                          "(set CRIMEGRAPH_DEBUG=1 for a traceback, and please report it)")
        sys.exit(70)
