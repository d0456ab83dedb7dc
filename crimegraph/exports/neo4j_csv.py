"""Neo4j bulk import files, for ``neo4j-admin database import full`` (Neo4j 5).

For loads too big for transactions. ``crimegraph export --format neo4j-csv -o
DIR`` writes, streaming:

``entities.csv``
    ``id:ID(Entity)``, ``:LABEL`` (``Entity;Actor;ArmedGroup``, joined with the
    array delimiter as neo4j-admin expects), then the
    properties of the ``(:Entity)`` nodes exactly as the Neo4j store writes
    them (:func:`crimegraph.graph.neo4j_cypher.entity_props`), with typed
    headers: ``aliases:string[]``, ``seq:long``, ``lat:double``,
    ``date_start:date`` …
``sources.csv``
    ``id:ID(Source)``, ``:LABEL`` (``Source``) and the source properties.
``relations.csv``
    ``:START_ID(Entity)``, ``:END_ID(Entity)``, ``:TYPE`` (``OPERATES_IN`` …)
    and the relationship properties (``since_start:date``,
    ``confidence_score:double``, ``citation_sources:string[]`` …).

The property columns and their types are learnt from the Neo4j store's own
property maps (:mod:`crimegraph.graph.neo4j_cypher`) in a first pass, so the
files follow the store when it gains a property.
``meta.csv``
    the ``(:CrimegraphMeta)`` node: dataset header and counts.
``schema.cypher``
    the constraints and indexes of the Neo4j store (full-text index included), to run once after the
    import (``cypher-shell -f schema.cypher``; the Community edition's
    importer creates none).
``import.sh``
    the exact ``neo4j-admin database import full`` command for these files,
    with the delimiters and the ``--multiline-fields`` flag they need.

Entities and sources are written in separate id spaces (``Entity`` and
``Source``), as the store keeps them apart by label. Array values are joined with the
array delimiter, ``;`` unless some value contains one (then the first of
``|``, ``¦``, ``§``, ``¤`` that no list value — names, quotes — contains; ``import.sh`` passes it to
``--array-delimiter``). Values with line breaks need ``--multiline-fields=true``
(``import.sh`` adds it only when some value has one: it slows the import).

The result is the graph the Neo4j store writes with ``crimegraph load``
(same labels, relationship types and properties), so ``--store neo4j``
answers from a bulk-imported database too. neo4j-admin reads an empty array
field as no value at all, and so does the store: an empty list, or one made
only of ``""``, is no property (a node without aliases has no ``aliases``, a
relation whose citations have no quote has no ``citation_quotes``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
import shlex
from pathlib import Path
from typing import Any, Iterable, Optional

from crimegraph.graph.neo4j_cypher import (
    ENTITY_LABEL,
    DatasetFingerprint,
    META_LABEL,
    SOURCE_LABEL,
    entity_labels,
    entity_props,
    meta_props,
    relation_props,
    deferred_statements,
    schema_statements,
    source_props,
    with_fingerprint,
)
from crimegraph.schema.compact import no_gc
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.vocab import RELATION_TYPES

from ._common import out_dir

#: the preferred column order (properties the store adds later are appended in first-seen order)
ENTITY_PROPERTIES: tuple[str, ...] = (
    "name", "type", "kind", "aliases", "alias_langs", "description", "status",
    "external_ids_json", "citations_json", "citation_sources", "name_keys", "name_key_names",
    "seq", "lat", "lon", "date", "date_precision", "date_start", "date_end", "figures_json", "fp",
)
RELATION_PROPERTIES: tuple[str, ...] = (
    "id", "confidence", "confidence_score", "citation_sources", "citation_quotes", "citation_pages",
    "citations_json", "since", "since_precision", "since_start", "until", "until_precision",
    "until_end", "notes", "seq", "fp",
)
SOURCE_PROPERTIES: tuple[str, ...] = (
    "title", "publisher", "url", "reliability", "notes", "date", "date_precision", "seq", "fp",
)

ARRAY_DELIMITERS = (";", "|", "¦", "§", "¤")
FILES = ("entities.csv", "sources.csv", "relations.csv", "meta.csv")


def _date_properties() -> frozenset[str]:
    """Properties the store turns into Neo4j ``date`` values (read from its ``DATE_FIX`` statements)."""
    names = {"date_start", "date_end", "since_start", "until_end"}
    try:
        from crimegraph.graph.neo4j_cypher import DATE_FIX

        for stmt in DATE_FIX.values():
            names.update(re.findall(r"\.(\w+)\s*=\s*date\(", stmt))
    except ImportError:  # pragma: no cover - older store module
        pass
    return frozenset(names)


DATE_PROPERTIES = _date_properties()


class _Columns:
    """Pass one: the property names, their neo4j-admin types, and the characters arrays contain."""

    def __init__(self, preferred: tuple[str, ...]):
        self.order: list[str] = []
        self.types: dict[str, set[str]] = {}
        self.preferred = preferred
        self.used: set[str] = set()

    @staticmethod
    def _kind(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "long"
        if isinstance(value, float):
            return "double"
        if isinstance(value, (_dt.date, _dt.datetime)) or name in DATE_PROPERTIES:
            return "date"
        return "string"

    def see(self, props: dict[str, Any]) -> None:
        for k, v in props.items():
            if k not in self.types:
                self.types[k] = set()
                self.order.append(k)
            if isinstance(v, (list, tuple)):
                kinds = {self._kind(k, x) for x in v} or {"string"}
                self.types[k].update(t + "[]" for t in kinds)
                for x in v:
                    if isinstance(x, str):
                        self.used.update(d for d in ARRAY_DELIMITERS if d in x)
            elif v is not None:
                self.types[k].add(self._kind(k, v))

    def names(self, skip: tuple[str, ...] = ()) -> list[str]:
        known = [k for k in self.preferred if k in self.types]
        return [k for k in known + [k for k in self.order if k not in known] if k not in skip]

    def header(self, name: str) -> str:
        kinds = self.types.get(name) or {"string"}
        if len(kinds) > 1:  # mixed: numbers widen to double, anything else is text
            arrays = any(k.endswith("[]") for k in kinds)
            base = {k.rstrip("[]") for k in kinds}
            t = "double" if base <= {"long", "double"} else "string"
            kind = t + ("[]" if arrays else "")
        else:
            kind = next(iter(kinds))
        return name if kind == "string" else f"{name}:{kind}"


class _Writer:
    def __init__(self, path: Path, header: list[str], delimiter: str):
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.writer.writerow(header)
        self.delimiter = delimiter
        self.multiline = False

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            text = self.delimiter.join(self.cell(v) for v in value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, float):
            text = repr(value)
        elif isinstance(value, (_dt.date, _dt.datetime)):
            text = value.isoformat()
        else:
            text = str(value)
        if "\n" in text or "\r" in text:
            self.multiline = True
        return text

    def row(self, cells: Iterable[Any]) -> None:
        self.writer.writerow([self.cell(c) for c in cells])

    def close(self) -> None:
        self.fh.close()


# every row carries the fingerprint (``fp``) the store's loader writes, so that a
# `crimegraph load --store neo4j` after the bulk import finds everything unchanged
def _fingerprinted(props: dict[str, Any], fp: bool) -> dict[str, Any]:
    if fp:
        return with_fingerprint(props)
    props["fp"] = ""  # the first pass learns the columns: the hash itself does not matter there
    return props


def _entity_rows(dataset: Dataset, fp: bool = True, whole: Optional[DatasetFingerprint] = None):
    for seq, e in enumerate(dataset.entities.values()):
        props = _fingerprinted(entity_props(e, seq), fp)
        if whole is not None:
            whole.add("entities", props["fp"])
        yield e, props


def _source_rows(dataset: Dataset, fp: bool = True, whole: Optional[DatasetFingerprint] = None):
    for seq, s in enumerate(dataset.sources.values()):
        props = _fingerprinted({**source_props(s), "seq": seq}, fp)
        if whole is not None:
            whole.add("sources", props["fp"])
        yield s, props


def _relation_rows(dataset: Dataset, fp: bool = True, whole: Optional[DatasetFingerprint] = None):
    for seq, r in enumerate(dataset.relations.values()):
        props = _fingerprinted({**relation_props(r), "seq": seq}, fp)
        if whole is not None:
            whole.add("relations", props["fp"])
        yield r, props


def _plan(dataset: Dataset) -> tuple[_Columns, _Columns, _Columns]:
    cols = (_Columns(ENTITY_PROPERTIES), _Columns(SOURCE_PROPERTIES), _Columns(RELATION_PROPERTIES))
    for rows, c in zip((_entity_rows, _source_rows, _relation_rows), cols):
        for _, props in rows(dataset, fp=False):
            c.see(props)
    return cols


def array_delimiter(dataset: Dataset) -> str:
    """The first candidate delimiter that no array element of the dataset contains."""
    used = set().union(*(c.used for c in _plan(dataset)))
    return _pick(used)


def _pick(used: set[str]) -> str:
    for d in ARRAY_DELIMITERS:
        if d not in used:
            return d
    from crimegraph.errors import UsageError

    raise UsageError("every candidate array delimiter (" + " ".join(ARRAY_DELIMITERS)
                     + ") occurs in some list value; neo4j-csv cannot write this dataset")


def write_neo4j_csv(dataset: Dataset, target, options: Optional[dict] = None) -> int:
    """Write the neo4j-admin bulk import files for ``dataset`` into the folder ``target``.

    Two passes over the dataset, no copy of it: the first learns the property
    columns (from the Neo4j store's own property maps) and which characters
    list values contain, the second writes the rows.

    Options: ``database`` (the database name in ``import.sh``, default ``neo4j``),
    ``array_delimiter`` (default: chosen from the data). Returns the rows written.
    """
    with no_gc():  # a few short-lived dicts and lists per row, in no cycle
        return _write(dataset, out_dir(target), options or {})


def _write(dataset: Dataset, folder: Path, options: dict) -> int:
    ent_cols, src_cols, rel_cols = _plan(dataset)
    delim = options.get("array_delimiter") or _pick(ent_cols.used | src_cols.used | rel_cols.used)
    multiline = False
    whole = DatasetFingerprint()

    # entities
    names = ent_cols.names(skip=("id",))
    header = [f"id:ID({ENTITY_LABEL})", ":LABEL", *(ent_cols.header(n) for n in names)]
    w = _Writer(folder / "entities.csv", header, delim)
    try:
        for e, props in _entity_rows(dataset, whole=whole):
            # several labels are separated by the array delimiter, like array values
            labels = entity_labels(e.type).lstrip(":").split(":")
            w.row([e.id, labels, *(props.get(n) for n in names)])
    finally:
        w.close()
    multiline |= w.multiline

    # sources
    names = src_cols.names(skip=("id",))
    header = [f"id:ID({SOURCE_LABEL})", ":LABEL", *(src_cols.header(n) for n in names)]
    w = _Writer(folder / "sources.csv", header, delim)
    try:
        for s, props in _source_rows(dataset, whole=whole):
            w.row([s.id, SOURCE_LABEL, *(props.get(n) for n in names)])
    finally:
        w.close()
    multiline |= w.multiline

    # relations (the relation id stays a property: relationships have no :ID column)
    names = rel_cols.names()
    header = [f":START_ID({ENTITY_LABEL})", f":END_ID({ENTITY_LABEL})", ":TYPE",
              *(rel_cols.header(n) for n in names)]
    w = _Writer(folder / "relations.csv", header, delim)
    try:
        for r, props in _relation_rows(dataset, whole=whole):
            w.row([r.subject, r.object, RELATION_TYPES[r.type].cypher_type, *(props.get(n) for n in names)])
    finally:
        w.close()
    multiline |= w.multiline

    # the meta node
    meta = meta_props(dataset.meta, {"entities": len(dataset.entities),
                                     "relations": len(dataset.relations),
                                     "sources": len(dataset.sources)}, whole.hexdigest())
    meta_cols = _Columns(())
    meta_cols.see(meta)
    names = meta_cols.names()
    w = _Writer(folder / "meta.csv", [":LABEL", *(meta_cols.header(n) for n in names)], delim)
    try:
        w.row([META_LABEL, *(meta[n] for n in names)])
    finally:
        w.close()
    multiline |= w.multiline

    stmts = [stmt for _, stmt in [*schema_statements(), *deferred_statements()]]
    (folder / "schema.cypher").write_text(";\n".join(stmts) + ";\n", encoding="utf-8")
    database = str(options.get("database") or "neo4j")
    args = import_arguments(database, delim, multiline)
    script = ("#!/bin/sh\n"
              "# Bulk-load these files into an empty (or --overwrite-destination) Neo4j 5 database,\n"
              "# with the server stopped; then start it and run schema.cypher once:\n"
              "#   cypher-shell -d " + shlex.quote(database) + " -f schema.cypher\n"
              'cd "$(dirname "$0")" || exit 1\n'
              "exec neo4j-admin " + " ".join(shlex.quote(a) for a in args) + ' "$@"\n')
    path = folder / "import.sh"
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return len(dataset.entities) + len(dataset.relations) + len(dataset.sources) + 1


def import_arguments(database: str, array_delimiter: str = ";", multiline: bool = False,
                     folder: Optional[Path] = None) -> list[str]:
    """The ``neo4j-admin`` arguments that import the files (paths under ``folder`` if given)."""
    def f(name: str) -> str:
        return str(folder / name) if folder is not None else name

    args = ["database", "import", "full", database,
            f"--nodes={f('entities.csv')}", f"--nodes={f('sources.csv')}", f"--nodes={f('meta.csv')}",
            f"--relationships={f('relations.csv')}",
            "--delimiter=,", f"--array-delimiter={array_delimiter}", "--quote=\""]
    if multiline:
        args.append("--multiline-fields=true")
    return args


def script_arguments(folder: Path) -> list[str]:
    """The ``neo4j-admin`` arguments of the ``import.sh`` written in ``folder``, its file
    paths made absolute: to run the very import the script runs from anywhere (the
    launcher's ``--admin``, the benchmark, the tests)."""
    folder = Path(folder)
    text = (folder / "import.sh").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("exec neo4j-admin "))
    args = [a for a in shlex.split(line)[2:] if a != "$@"]
    for i, a in enumerate(args):
        flag, sep, name = a.partition("=")
        if sep and flag in ("--nodes", "--relationships"):
            args[i] = f"{flag}={folder / name}"
    return args
