"""``crimegraph load``: validate a seed folder and write it into a store (Neo4j, RDF)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import Format, FormatOpt, SeedsOpt, StoreOpt, console, emit_csv, emit_json
from .main import app


@app.command()
def load(
    path: Optional[Path] = typer.Argument(
        None, help="Seed folder or file (default: --seeds, else the bundled Peru data)."),
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    replace: bool = typer.Option(
        False, "--replace",
        help="Make the store hold exactly this dataset: remove the entities, relations and "
             "sources it no longer contains. Without it, a load adds and updates only."),
    batch_size: Optional[int] = typer.Option(
        None, "--batch-size", min=1,
        help="Rows per UNWIND batch for the neo4j store (default 10000)."),
    fmt: Format = FormatOpt,
) -> None:
    """Validate a seed folder and write it into a store; loading the same data twice changes nothing.

    A dataset with any error writes nothing. A Neo4j load marks the graph as in progress before
    its first write and complete after its last; one that stops halfway says how much was
    written, and the same command run again finishes it. Examples:
    `crimegraph load --store neo4j`, `crimegraph load seeds/peru --store neo4j --replace`.
    For the memory store (rebuilt from the seeds on every run) this only validates.
    """
    from crimegraph.graph.registry import backend_class, open_store
    from crimegraph.schema.loader import default_seeds, load_dataset

    target = path or seeds
    where = str(target or default_seeds())
    cls = backend_class(store)  # an unknown store name fails before the seeds are read
    options = {}
    if batch_size is not None:
        import inspect

        if "batch_size" not in inspect.signature(cls.__init__).parameters:
            from crimegraph.errors import UsageError

            raise UsageError(f"--batch-size applies to the neo4j store, not to {store!r}")
        options["batch_size"] = batch_size

    t0 = time.perf_counter()
    dataset = load_dataset(target)  # DatasetInvalid lists every error; nothing is written
    t_read = time.perf_counter() - t0
    st = dataset.stats()

    result = {"seeds": where, "store": store, "replace": replace, "entities": st["entities"],
              "relations": st["relations"], "sources": st["sources"],
              "read_seconds": round(t_read, 3)}
    if store == "memory":
        result.update(written=False, seconds=0.0)
        _report(result, fmt, "the memory store is rebuilt from the seeds on every run; nothing to "
                             "keep, the dataset is valid")
        return

    from .common import progress_callback

    total = st["entities"] + st["relations"] + st["sources"]
    advance, bar = progress_callback(total, f"loading into {store}")
    t1 = time.perf_counter()
    try:
        with open_store(store, seeds=False, **options) as target_store:
            target_store.write(dataset, replace=replace, progress=advance)
            details = dict(getattr(target_store, "last_write", {}) or {})
            uri = getattr(target_store, "uri", None)
    finally:
        if bar is not None:
            bar.stop()
    seconds = time.perf_counter() - t1
    result.update(written=True, seconds=round(seconds, 3),
                  relations_per_second=round(st["relations"] / seconds) if seconds > 0 else None)
    if uri:
        result["uri"] = uri
    for k in ("relations_created", "relations_updated", "relations_unchanged", "relations_deleted",
              "entities_deleted", "sources_deleted"):
        if k in details:
            result[k] = details[k]
    _report(result, fmt)


def _n(n: int, plural: str) -> str:
    singular = {"entities": "entity", "relations": "relation", "sources": "source"}[plural]
    return f"{n:,} {singular if n == 1 else plural}"


def _report(result: dict, fmt: Format, note: Optional[str] = None) -> None:
    if fmt is Format.json:
        emit_json(result)
        return
    if fmt is Format.csv:
        emit_csv([result])
        return
    counts = ", ".join(_n(result[k], k) for k in ("entities", "relations", "sources"))
    if not result["written"]:
        console.print(f"[green]valid[/green]: {escape(result['seeds'])}: {counts}; {escape(note or '')}")
        return
    where = result["store"] + (f" at {result['uri']}" if result.get("uri") else "")
    console.print(f"[green]loaded[/green] {escape(result['seeds'])} into {escape(where)}: {counts} "
                  f"in {result['seconds']:.1f} s"
                  + (f" ({result['relations_per_second']:,} relations/s)"
                     if result.get("relations_per_second") else ""))
    removed = [f"{result[k]} {k.split('_')[0]}" for k in ("entities_deleted", "relations_deleted",
                                                          "sources_deleted") if result.get(k)]
    if "relations_created" in result:
        line = (f"relations: {result['relations_created']:,} created, "
                f"{result.get('relations_updated', 0):,} updated, "
                f"{result.get('relations_unchanged', 0):,} unchanged")
        if removed:
            line += "; removed " + ", ".join(removed)
        console.print(line)
