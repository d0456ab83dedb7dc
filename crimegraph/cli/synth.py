"""``crimegraph synth``: write a synthetic seed dataset for scale tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from .common import (Format, FormatOpt, MkdirOpt, check_seed_format_option, console, emit_json,
                     progress_callback)
from .main import app


@app.command()
def synth(
    entities: int = typer.Option(..., "--entities", "-n", min=1, help="How many entities (at least 40)."),
    relations: int = typer.Option(..., "--relations", "-m", min=1, help="How many relations."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write (empty or absent); it appears "
                                                     "whole or not at all."),
    seed: int = typer.Option(0, "--seed", help="The same seed writes the same files."),
    chunk: int = typer.Option(50_000, "--chunk", min=1000, help="Entities or relations per file."),
    force: bool = typer.Option(False, "--force", help="Replace the seed files of an earlier run in --out "
                                                      "(other files stay), creating missing parent folders."),
    mkdir: bool = MkdirOpt,
    seed_format: str = typer.Option("yaml", "--seed-format", help="The seed files' format: yaml, or "
                                    "jsonl (JSON Lines, one record per line: the fast cold path for "
                                    "large datasets)."),
    fmt: Format = FormatOpt,
) -> None:
    """Write a valid synthetic seed dataset with a realistic shape (heavy-tailed degrees, a place
    hierarchy, sourced and dated relations), reproducible from its seed."""
    from crimegraph.synth import write_synthetic

    check_seed_format_option(seed_format)

    advance, prog = progress_callback(entities + relations, "writing")
    try:
        summary = write_synthetic(out, entities=entities, relations=relations, seed=seed, chunk=chunk,
                                  progress=advance, force=force, mkdir=mkdir,
                                  seed_format=seed_format)
    finally:
        if prog is not None:
            prog.stop()
    if fmt is Format.json:
        emit_json(summary.as_dict())
        return
    from crimegraph.queries.shapes import plural

    kinds = ", ".join(plural(k, v) for k, v in summary.entities.items())
    console.print(f"wrote {escape(str(out))}: {entities} entities ({kinds}), {relations} relations, "
                  f"{summary.sources} sources in {len(summary.files)} files; degree max "
                  f"{summary.max_degree}, median {summary.median_degree:g}", highlight=False)
