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



def _wraps(stream) -> bool:
    """Wrap long lines at a terminal (or when ``COLUMNS`` gives a width); a pipe gets whole lines."""
    if os.environ.get("COLUMNS", "").strip().isdigit():
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


console = Console(highlight=False, soft_wrap=not _wraps(sys.stdout))
err_console = Console(stderr=True, highlight=False, soft_wrap=not _wraps(sys.stderr))


def print_lines(lines: Iterable[str], target: Optional[Console] = None) -> None:
    """Print plain-text lines (no markup); a wrapped line continues under its own indentation."""
    from rich.padding import Padding
    from rich.text import Text

    out = target or console
    for block in lines:
        for line in str(block).split("\n"):
            if out.soft_wrap or not line.startswith(" "):
                out.print(line, markup=False, highlight=False)
            else:
                body = line.lstrip(" ")
                out.print(Padding(Text(body), (0, 0, 0, len(line) - len(body)), expand=False))


def print_resolutions(notes) -> None:
    """One line on stderr for each entity named by something other than its id: what it was taken to be."""
    for n in notes:
        if not n.obvious:
            print_lines([f"note: {n.note()}"], err_console)


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
    help="Backend: memory (embedded, loads --seeds on each run, from the seed cache once validated), neo4j ($NEO4J_URI, or neo4j:URI) "
         "or rdf (Oxigraph: rdf:PATH or $CRIMEGRAPH_RDF_PATH for a persistent folder, else in memory).",
)
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output: table (for people), json or csv.")
def finite(value: Optional[float]) -> Optional[float]:
    """Option callback: a number must be finite (``inf`` and ``nan`` pass click's range checks)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"must be a finite number, not {value}")
    return value


MkdirOpt = typer.Option(False, "--mkdir", help="Create the output's parent folders if they are missing "
                                               "(otherwise a missing folder is an error).")


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


AllowIncompleteOpt = typer.Option(
    False, "--allow-incomplete", envvar="CRIMEGRAPH_ALLOW_INCOMPLETE",
    help="Answer from a store whose graph is not known to be whole (an unfinished Neo4j load) "
         "instead of refusing; a warning says so.")


def open_cli_store(seeds: Optional[Path], store: str, complete: str = "warn", **options):
    """Open the store named on the command line.

    The memory store is filled from ``--seeds`` on each run (when the seed cache is warm,
    :class:`~crimegraph.graph.indexed.IndexedStore` reads from its indexed form only what
    the command touches); server and
    persistent stores answer from what ``crimegraph load`` put there. A store that
    cannot vouch for its graph (``load_problem()``: a Neo4j load that never finished,
    nodes with no record of a load) gets a warning (``complete="warn"``) or, with
    ``complete="require"``, an error that names ``--allow-incomplete``.
    """
    from crimegraph.graph.registry import open_store

    if store == "memory":
        # a warm seed cache answers point reads from its indexed form (crimegraph.graph.indexed),
        # building the memory store only for whole-graph questions; the answers are the same
        from crimegraph.graph.indexed import open_warm

        warm = open_warm(seeds)
        if warm is not None:
            return warm
        return open_store("memory", seeds=seeds)
    st = open_store(store, seeds=False, **options)
    try:
        check_complete(st, complete)
    except BaseException:
        st.close()
        raise
    return st


def check_complete(st, complete: str = "warn") -> None:
    """Warn about, or refuse (``complete="require"``), a store whose graph may be partial."""
    from rich.markup import escape

    from crimegraph.errors import StoreUnavailable

    problem = getattr(st, "load_problem", lambda: None)()
    if problem is None:
        return
    if complete == "require":
        raise StoreUnavailable(f"{problem}; or pass --allow-incomplete to read it as it is")
    err_console.print(f"[yellow]warning:[/yellow] {escape(problem)}")


def print_warnings(found: Iterable[Any]) -> None:
    """Warnings about the input (``path:line:col: message``), one line each on stderr."""
    from rich.markup import escape

    for w in found:
        err_console.print(f"[yellow]warning:[/yellow] {escape(str(w))}")


def emit_json(data: Any) -> None:
    """``data`` as JSON on stdout; always valid JSON (a non-finite number is an error, not ``Infinity``)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n")


def emit_csv(rows: Iterable[dict], columns: Optional[list[str]] = None) -> None:
    """Rows as CSV on stdout. A text cell a spreadsheet would run as a formula (``=HYPERLINK(…)``)
    gets a leading apostrophe (:func:`crimegraph.exports.tables.excel_guard`, as in ``export csv``)."""
    from crimegraph.exports.tables import excel_guard

    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v, excel_guard) for k, v in r.items()})
    sys.stdout.write(buf.getvalue())


def _cell(v: Any, guard) -> Any:
    if isinstance(v, (list, tuple)):
        return guard("; ".join(str(_cell(x, str)) for x in v))
    if isinstance(v, dict):
        return guard(json.dumps(v, ensure_ascii=False, allow_nan=False))
    if isinstance(v, str):
        return guard(v)
    return "" if v is None else v


def debug() -> bool:
    return bool(os.environ.get("CRIMEGRAPH_DEBUG"))


def check_seed_format_option(seed_format: str) -> None:
    """``--seed-format``: a usage error (exit 2) naming the option unless yaml or jsonl."""
    from crimegraph.errors import UsageError
    from crimegraph.schema.jsonl import SEED_FORMATS

    if seed_format not in SEED_FORMATS:
        raise UsageError(f"--seed-format: {seed_format!r} is not {' or '.join(SEED_FORMATS)}")


#: the options of a path selection, as ``map`` and ``report`` take them (see check_path_options)
PathMaxHopsOpt = typer.Option(4, "--max-hops", min=1, max=6, help="With --path: longest path to look for.")
PathCountOpt = typer.Option(5, "--paths", "-k", min=1, help="With --path: how many paths.")
PathNaturesOpt = typer.Option(None, "--natures", metavar="NATURES",
                              help="With --path: only links of these natures (cooperation, hierarchy, "
                                   "supply, adversarial, presence, economy, event, geography).")
PathTiesOpt = typer.Option(None, "--ties", metavar="PRESET",
                           help="With --path: a preset of natures (criminal, context, all).")
PathAvoidOpt = typer.Option(None, "--avoid", metavar="ENTITY",
                            help="With --path: never pass through this entity (repeatable).")
PathSimilarOpt = typer.Option(False, "--similar",
                              help="With --path: allow several paths through the same intermediate.")


def check_path_options(path, **given) -> None:
    """Refuse the options of a path selection (``--natures`` …) without ``--path``: they would be
    ignored, and the reader of the map or dossier would think them applied."""
    from crimegraph.errors import UsageError

    if path:
        return
    used = [f"--{name.replace('_', '-')}" for name, value in given.items() if value]
    if used:
        raise UsageError(f"{', '.join(used)} {'goes' if len(used) == 1 else 'go'} with --path A B "
                         "(they choose the paths between two entities)")


def command_line(argv: list[str], name: str) -> str:
    """The command that made a page (``crimegraph map …``), printed on it; local paths
    (``--output``, ``--seeds``) left out, so that no path of the machine lands in the file."""
    import shlex

    out: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("-o", "--output", "--seeds"):
            skip = True
            continue
        if a.startswith(("--output=", "--seeds=")):
            continue
        out.append(a)
    if not out or out[0] != name:
        out.insert(0, name)
    return "crimegraph " + " ".join(shlex.quote(a) for a in out)
