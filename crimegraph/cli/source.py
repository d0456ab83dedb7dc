"""``crimegraph source ID``: a source and every entity and relation it supports, with the quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import Format, FormatOpt, SeedsOpt, StoreOpt, emit_csv, emit_json, open_cli_store, print_lines
from .main import app


@app.command()
def source(
    source_id: str = typer.Argument(..., metavar="ID", help="A source id (insightcrime-peru-profile)."),
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    fmt: Format = FormatOpt,
) -> None:
    """A source (publisher, date, URL, reliability) and every entity and relation citing it, with the quotes.

    The same answer as the HTTP API's {base}source/ID (its JSON with --format json).
    """
    from crimegraph.queries import source_support

    with open_cli_store(seeds, store) as st:
        result = source_support(st, source_id)
    if fmt is Format.json:
        emit_json(result.as_dict())
    elif fmt is Format.csv:
        emit_csv(result.rows(), result.columns)
    else:
        print_lines(result.lines())
