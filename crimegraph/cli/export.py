"""``crimegraph export``: write the dataset in any registered format (RDF, and whatever else registers).

The command knows no format: it looks the name up in
:data:`crimegraph.exports.EXPORTERS` and passes the options through.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import AllowIncompleteOpt, MkdirOpt, SeedsOpt, StoreOpt, err_console
from .main import app

#: modules that register more formats when imported (cheap: they import nothing heavy).
#: The formats declared in crimegraph/exports/__init__.py need no entry here.
FORMAT_MODULES = ("crimegraph.rdf.formats",)


def load_formats() -> None:
    """Make every format known to :data:`crimegraph.exports.EXPORTERS` / ``IMPORTERS``."""
    for name in FORMAT_MODULES:
        importlib.import_module(name)


def parse_options(pairs: Optional[list[str]], **named) -> dict:
    """``["context_url=true", "x=1"]`` -> a dict (``--option`` values), plus the named options set."""
    from crimegraph.errors import UsageError

    out: dict = {k: v for k, v in named.items() if v is not None}
    for p in pairs or ():
        key, sep, value = p.partition("=")
        if not sep or not key:
            raise UsageError(f"--option: expected KEY=VALUE, got {p!r}")
        out[key.strip().replace("-", "_")] = value
    return out


@app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="Export format (see `crimegraph formats`)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="File (or folder, for multi-file formats) to write; default "
                                               "stdout. It appears whole or not at all."),
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    base_iri: Optional[str] = typer.Option(None, "--base-iri", envvar="CRIMEGRAPH_BASE_IRI",
                                           help="Base of every IRI (entities are {base}id/{slug})."),
    option: Optional[list[str]] = typer.Option(
        None, "--option", "-O", help="Format option KEY=VALUE (repeatable), e.g. context_url=true for jsonld."),
    mkdir: bool = MkdirOpt,
    force: bool = typer.Option(False, "--force",
                               help="Multi-file formats: write into a non-empty --output folder, "
                                    "replacing the files of the same names (other files stay)."),
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Export the dataset: RDF (turtle, nt, jsonld, trig, nquads) and every other registered format."""
    from crimegraph.atomic import atomic_file, atomic_folder, check_file_target, check_folder_target
    from crimegraph.errors import UsageError
    from crimegraph.exports import exporter

    load_formats()
    f = exporter(fmt)
    write = f.load()
    options = parse_options(option, base_iri=base_iri)
    if f.multi_file and output is None:
        raise UsageError(f"--output: the {f.name} format writes several files; give a folder")
    if output is not None:  # a path that cannot be written fails before the data is read
        if f.multi_file:
            check_folder_target(output, mkdir=mkdir or force, force=force)
        else:
            check_file_target(output, mkdir=mkdir)
    dataset = _dataset(seeds, store, allow_incomplete)
    if f.multi_file:
        with atomic_folder(output, mkdir=mkdir, force=force) as folder:
            n = write(dataset, folder, options)
        err_console.print(f"wrote {escape(str(output))}/ ({_count(n)})")
        return
    if output is None:
        out = sys.stdout.buffer
        n = write(dataset, out, options)
        out.flush()
        return
    with atomic_file(output, mkdir=mkdir) as fh:
        n = write(dataset, fh, options)
    err_console.print(f"wrote {escape(str(output))} ({_count(n)})")


def _count(n) -> str:
    return f"{n:,} items" if isinstance(n, int) else "done"


def _dataset(seeds: Optional[Path], store: str, allow_incomplete: bool = False):
    """The dataset to export: validated seeds (memory), or everything a persistent store holds."""
    if store == "memory":
        from crimegraph.schema.loader import load_dataset

        return load_dataset(seeds)
    from .common import open_cli_store

    with open_cli_store(seeds, store, complete="warn" if allow_incomplete else "require") as st:
        ds = st.dataset()
        meta = getattr(st, "meta", None)
        if meta is not None:
            ds.meta = meta
        return ds


@app.command("formats")
def formats() -> None:
    """List the export and import formats."""
    from crimegraph.exports import EXPORTERS, IMPORTERS

    load_formats()
    for title, reg in (("export", EXPORTERS), ("import", IMPORTERS)):
        for n, f in sorted(reg.items()):
            sys.stdout.write(f"{title}\t{n}\t{f.suffix}\t{f.description}\n")
