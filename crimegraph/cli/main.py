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
    SeedsOpt,
    StoreOpt,
    console,
    debug,
    emit_csv,
    emit_json,
    err_console,
    open_cli_store,
)

app = typer.Typer(
    name="crimegraph",
    help="A sourced knowledge graph of criminal actors, the places they control and the illicit "
         "economies they run. Every relation carries its period, confidence and sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
schema_app = typer.Typer(help="Write artefacts generated from the schema.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


# ---------------------------------------------------------------- validate
@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="Seed folder or file (default: --seeds, else the bundled Peru data)."),
    seeds: Optional[Path] = SeedsOpt,
    fmt: Format = FormatOpt,
) -> None:
    """Check a seed folder and report every error at once as path:line:col."""
    from crimegraph.schema.loader import read_seeds

    target = path or seeds
    dataset, issues = read_seeds(target)
    if issues:
        if fmt is Format.json:
            emit_json({"valid": False, "errors": [i.as_dict() for i in issues]})
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
    if fmt is Format.json:
        emit_json({"valid": True, **st})
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
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Only relations valid on this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
) -> None:
    """An entity, its relations, and each relation's sources."""
    from crimegraph.queries.params import parse_as_of
    from crimegraph.serialize import entity_dict, relation_dict, relation_sentence

    day = parse_as_of(as_of)
    with open_cli_store(seeds, store) as st:
        e = st.resolve(ref)
        rels = st.relations(e.id, as_of=day)
        names = {e.id: e.name}
        for r in rels:
            o = r.other(e.id)
            names[o] = st.entity(o).name
        if fmt is Format.json:
            emit_json({"entity": entity_dict(e, store=st),
                       "relations": [relation_dict(r, st, names=names, perspective=e.id) for r in rels]})
            return
        if fmt is Format.csv:
            emit_csv([relation_dict(r, st, names=names, perspective=e.id) for r in rels],
                     ["id", "type", "direction", "subject", "subject_name", "object", "object_name",
                      "since", "until", "confidence", "citations"])
            return
        head = f"[bold]{escape(e.name)}[/bold] ({escape(e.id)}) — {e.type_label}"
        if e.status:
            head += f" · {e.status}"
        console.print(head)
        if e.aliases:
            console.print("aliases: " + escape(", ".join(str(a) for a in e.aliases)))
        if e.description:
            console.print(escape(e.description))
        for k, v in e.external_ids.items():
            console.print(f"{escape(k)}: {escape(v)}")
        console.print(f"\n{len(rels)} relation{'s' if len(rels) != 1 else ''}"
                      + (f" valid on {day.isoformat()}" if day else "") + ":")
        for r in rels:
            console.print("  " + escape(relation_sentence(r, names, st, quotes=True)))


# ---------------------------------------------------------------- schema
@schema_app.command("json-schema")
def schema_json(output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")) -> None:
    """The JSON Schema of the seed files (point your editor's YAML plugin at it)."""
    from crimegraph.schema.jsonschema import seed_json_schema_text

    _write_text(seed_json_schema_text(), output)


def _write_text(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
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
