"""Options, output and store handling shared by every CLI command."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Optional

import typer
from rich.console import Console

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


SeedsOpt = typer.Option(
    None, "--seeds", envvar="CRIMEGRAPH_SEEDS", show_envvar=True,
    help="Seed folder to read (default: the bundled Peru dataset).",
)
StoreOpt = typer.Option(
    "memory", "--store", envvar="CRIMEGRAPH_STORE", show_envvar=True,
    help="Backend: memory (embedded, loads --seeds on each run), neo4j ($NEO4J_URI, or neo4j:URI) "
         "or rdf (Oxigraph: rdf:PATH or $CRIMEGRAPH_RDF_PATH for a persistent folder, else in memory).",
)
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output: table (for people), json or csv.")


def progress_callback(total: int, description: str):
    """A rich progress bar on stderr for long operations; None when not at a terminal."""
    if not err_console.is_terminal or total < 5000:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    prog = Progress("[progress.description]{task.description}", BarColumn(),
                    MofNCompleteColumn(), TimeRemainingColumn(), console=err_console, transient=True)
    task = prog.add_task(description, total=total)
    prog.start()

    def advance(n: int = 1) -> None:
        prog.advance(task, n)

    return advance, prog


def open_cli_store(seeds: Optional[Path], store: str, **options):
    """Open the store named on the command line.

    The memory store is filled from ``--seeds`` on each run; server and
    persistent stores answer from what ``crimegraph load`` put there.
    """
    from crimegraph.graph.registry import open_store

    if store == "memory":
        return open_store("memory", seeds=seeds)
    return open_store(store, seeds=False, **options)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_csv(rows: Iterable[dict], columns: Optional[list[str]] = None) -> None:
    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v) for k, v in r.items()})
    sys.stdout.write(buf.getvalue())


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else v


def debug() -> bool:
    return bool(os.environ.get("CRIMEGRAPH_DEBUG"))
