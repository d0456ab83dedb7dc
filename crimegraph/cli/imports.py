"""``crimegraph import FORMAT FILE --out DIR``: read data back into seed files for review, validated.

Generic over :data:`crimegraph.exports.IMPORTERS`. An importer returns seed-file
data (``{"dataset": …, "sources": […], "entities": […], "relations": […]}``),
or that and a list of what it could not map. The command writes the seed
files (YAML, or JSON Lines with ``--seed-format jsonl``: the fast cold path for a
large import, :mod:`crimegraph.schema.jsonl`), then validates the folder exactly as
``crimegraph validate`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import MkdirOpt, SeedsOpt, check_seed_format_option, err_console
from .export import load_formats, parse_options
from .main import app

#: the sections of the seed data, the file each is written to (without suffix) and its JSON Lines kind
SECTIONS = (("dataset", "dataset", "dataset"), ("sources", "sources", "source"),
            ("entities", "entities", "entity"), ("relations", "relations", "relation"))


def write_seed_folder(data: dict, out: Path, *, note: str = "", force: bool = False,
                      mkdir: bool = False, seed_format: str = "yaml") -> list[Path]:
    """Write seed data as one file per section, YAML or JSON Lines; returns the files written.

    The folder appears whole or not at all (:func:`crimegraph.atomic.atomic_folder`); with
    ``force``, the seed files of an existing ``out`` are replaced and its other files kept.
    JSON Lines has no comments: ``note`` goes into YAML only.
    """
    from crimegraph.atomic import atomic_folder
    from crimegraph.schema.jsonl import check_seed_format

    check_seed_format(seed_format)
    with atomic_folder(out, option="--out", mkdir=mkdir, force=force, owns=_seed_file) as folder:
        names = _write_sections(data, folder, note, seed_format)
    return [out / name for name in names]


def _seed_file(entry: Path) -> bool:
    return entry.suffix in (".yaml", ".yml", ".jsonl") and not entry.is_dir()


def _write_sections(data: dict, out: Path, note: str, seed_format: str = "yaml") -> list[str]:
    import yaml

    from crimegraph.schema.jsonl import dump_line
    from crimegraph.schema.models import default_relation_id

    try:
        dumper = yaml.CSafeDumper
    except AttributeError:  # pragma: no cover
        dumper = yaml.SafeDumper
    written = []
    rels = []
    for r in data.get("relations", ()):
        if r.get("id") == default_relation_id(r.get("type", ""), r.get("subject", ""), r.get("object", "")):
            r = {k: v for k, v in r.items() if k != "id"}
        rels.append(r)
    data = {**data, "relations": rels}
    for section, stem, kind in SECTIONS:
        value = data.get(section)
        if not value:
            continue
        if seed_format == "jsonl":
            name = stem + ".jsonl"
            items = [value] if section == "dataset" else value
            text = "".join(dump_line(kind, item) + "\n" for item in items)
        else:
            name = stem + ".yaml"
            text = (f"# {note}\n" if note else "") + yaml.dump(
                {section: value}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100,
                default_flow_style=False)
        (out / name).write_text(text, encoding="utf-8")
        written.append(name)
    return written


def _epilog() -> str:
    """Per-format help of the importers (a dependency-free module: `--help` stays fast)."""
    from crimegraph.exports.help_text import IMPORT_HELP

    # "\\b" before a paragraph keeps click from re-wrapping it (the column tables)
    return "\n\n".join("\n\n".join("\b\n" + para for para in f"{name}:\n{text.rstrip()}".split("\n\n"))
                       for name, text in sorted(IMPORT_HELP.items()))


@app.command("import", epilog=_epilog())
def import_(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="Import format (see `crimegraph formats`), e.g. rdf."),
    file: Path = typer.Argument(..., help="The file to read."),
    out: Path = typer.Option(..., "--out", help="Folder to write the seed files into (for review)."),
    seed_format: str = typer.Option("yaml", "--seed-format", help="The seed files' format: yaml, or jsonl "
                                    "(JSON Lines, one item a line: the fast cold path for a large import; "
                                    "no review note, JSON has no comments)."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri",
                                           help="Base IRI of the data (default: detected from the file)."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-O", help="Format option KEY=VALUE (repeatable)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out: its seed files are "
                                                      "replaced, other files stay."),
    mkdir: bool = MkdirOpt,
    seeds: Optional[Path] = SeedsOpt,
    dedupe: bool = typer.Option(True, "--dedupe/--no-dedupe", help="List imported entities that look like "
                                "entities of --seeds (the same id, or names that match once accents, case "
                                "and legal forms are folded), as crimegraph dedupe --against OUT does."),
) -> None:
    """Read a file into seed files (one per section) and validate them like `crimegraph validate`.

    Imported relations that point at entities or sources outside the imported
    data (a relations spreadsheet) are validated together with --seeds. Imported
    entities that are likely duplicates of entities of --seeds are listed (pairs
    decided in the seeds' resolutions.yaml are not), so that twins are merged or
    told apart before the data is added.
    """
    from crimegraph.atomic import check_folder_target
    from crimegraph.errors import DatasetInvalid
    from crimegraph.exports import importer
    from crimegraph.schema.loader import read_seeds

    check_seed_format_option(seed_format)
    load_formats()
    f = importer(fmt)
    read = f.load()
    check_folder_target(out, option="--out", mkdir=mkdir or force, force=force)
    try:
        result = read(file, parse_options(option, base_iri=base_iri, seeds=seeds))
    except DatasetInvalid as exc:  # the input has errors (file:line); nothing is written
        for i in exc.issues:
            err_console.print(escape(str(i)))
        n = len(exc.issues)
        err_console.print(f"[red]{n} error{'s' if n != 1 else ''}[/red] in {escape(str(file))}; nothing was written")
        raise typer.Exit(DatasetInvalid.exit_code)
    data, problems = result if isinstance(result, tuple) else (result, [])
    written = write_seed_folder(data, out, note=f"imported from {file.name} ({fmt}); review before use",
                                force=force, mkdir=mkdir, seed_format=seed_format)
    for p in problems:
        err_console.print(f"[yellow]not imported:[/yellow] {escape(p)}")
    together = _refers_outside(data)
    if together:
        dataset, issues = _read_with_seeds(out, seeds)
    else:
        dataset, issues = read_seeds(out)
    if issues:
        for i in issues:
            err_console.print(escape(str(i)))
        err_console.print(f"[red]{len(issues)} error{'s' if len(issues) != 1 else ''}[/red] in the imported "
                          f"data; the files are in {escape(str(out))} for review")
        raise typer.Exit(DatasetInvalid.exit_code)
    twins = _duplicates(dataset, data, seeds, together) if dedupe else []
    if together:  # count what was imported, not the seeds it was checked with
        ids = {sec: {x.get("id") for x in data.get(sec) or ()} for sec in ("sources", "entities")}
        st = {"entities": len(ids["entities"]), "relations": len(data.get("relations") or ()),
              "sources": len(ids["sources"]),
              "citations": sum(len(x.get("citations") or ()) for sec in ("entities", "relations")
                               for x in data.get(sec) or ())}
    else:
        st = dataset.stats()
    err_console.print(f"[green]valid[/green]{' with the seeds' if together else ''}: wrote {len(written)} "
                      f"files to {escape(str(out))}: "
                      f"{st['entities']} entities, {st['relations']} relations, {st['sources']} sources, "
                      f"{st['citations']} citations" + (f"; {len(problems)} items not imported" if problems else ""))
    if twins:
        n = len(twins)
        err_console.print(f"[yellow]{n} likely duplicate{'s' if n != 1 else ''}[/yellow] of entities in the "
                          f"seeds: review them with crimegraph dedupe --against {escape(str(out))} --review "
                          "--by NAME before adding the data")


def _duplicates(dataset, data: dict, seeds: Optional[Path], together: bool) -> list:
    """Imported entities that look like entities of the seeds, each listed on stderr."""
    from crimegraph.dedupe import import_candidates
    from crimegraph.errors import CrimegraphError
    from crimegraph.schema.loader import default_seeds, load_dataset

    base_path = Path(seeds) if seeds is not None else default_seeds()
    try:
        base = load_dataset(base_path)
    except CrimegraphError as exc:
        err_console.print(f"[yellow]warning:[/yellow] duplicates not checked: the seeds {escape(str(base_path))} "
                          f"do not load ({escape(str(exc).splitlines()[0])})")
        return []
    if together:  # the imported part of the dataset it was validated in
        dataset = imported_part(dataset, {x.get("id") for x in data.get("entities") or ()})
    found = import_candidates(dataset, base)
    for c in found:
        err_console.print(f"[yellow]likely duplicate:[/yellow] imported {escape(c.a)} ({escape(c.a_name)}) ~ "
                          f"{escape(c.b)} ({escape(c.b_name)}) in the seeds, score {c.score:g}: "
                          + escape("; ".join(c.features)))
    return found


def imported_part(dataset, entity_ids: set):
    """The imported entities of a dataset validated together with the seeds, and their relations."""
    from crimegraph.schema.dataset import Dataset

    rel_ids = {r.id for r in dataset.relations.values() if r.subject in entity_ids or r.object in entity_ids}
    return Dataset(meta=dataset.meta, sources=dataset.sources,
                   entities={k: v for k, v in dataset.entities.items() if k in entity_ids},
                   relations={k: v for k, v in dataset.relations.items() if k in rel_ids},
                   resolutions=dataset.resolutions)


def read_imported(out: Path, seeds: Optional[Path]):
    """An imported folder as a dataset: alone, or, when it refers to the seeds (a relations
    spreadsheet), its part of the two read together. Errors: :class:`DatasetInvalid`."""
    import yaml

    from crimegraph.errors import DatasetInvalid
    from crimegraph.schema.jsonl import SUFFIX, Parsed
    from crimegraph.schema.loader import read_seeds, seed_files

    dataset, issues = read_seeds(out)
    if not issues:
        return dataset
    together, more = _read_with_seeds(out, seeds)
    if more:
        raise DatasetInvalid(issues)
    ids = set()
    for f in seed_files(out):
        text = f.read_text(encoding="utf-8")
        if f.suffix == SUFFIX:
            entities = Parsed(str(f), text).data.get("entities") or ()
        else:
            entities = (yaml.safe_load(text) or {}).get("entities") or ()
        ids.update(e.get("id") for e in entities if isinstance(e, dict))
    return imported_part(together, ids)


def _refers_outside(data: dict) -> bool:
    """Whether imported relations cite or connect ids that the imported data does not define."""
    ids = {x.get("id") for sec in ("sources", "entities") for x in data.get(sec) or ()}
    for r in data.get("relations") or ():
        if r.get("subject") not in ids or r.get("object") not in ids:
            return True
        if any(c.get("source") not in ids for c in r.get("citations") or ()):
            return True
    return False


def _read_with_seeds(out: Path, seeds: Optional[Path]):
    """Validate the imported files together with the seed folder they extend.

    The loader reads one folder: a temporary one links to both sets of files
    (errors name the real files, the loader resolves the links).
    """
    import tempfile

    from crimegraph.schema.loader import default_seeds, read_seeds, seed_files

    base = Path(seeds) if seeds is not None else default_seeds()
    mine = {p.resolve() for p in seed_files(out)}
    with tempfile.TemporaryDirectory(prefix="crimegraph-import-") as tmp:
        root = Path(tmp)
        for i, p in enumerate(seed_files(base)):
            if p.resolve() not in mine:
                (root / f"seeds-{i:05d}{p.suffix}").symlink_to(p.resolve())
        for i, p in enumerate(sorted(mine)):
            (root / f"zz-imported-{i:05d}{p.suffix}").symlink_to(p)
        return read_seeds(root)
