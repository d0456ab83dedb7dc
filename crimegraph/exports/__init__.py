"""Exporters and importers by format name, imported on first use.

An exporter is ``write(dataset, target, options)``; ``target`` is a binary file
object for single-file formats, or a directory for multi-file formats (CSV
nodes + edges, Neo4j bulk CSV). Exporters stream: they write as they go and
never build a second full copy of the data.

An importer is ``read(path, options) -> dict`` returning seed-file data
(``{"sources": [...], "entities": [...], "relations": [...]}``) for review,
plus a list of what it could not map.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from crimegraph.errors import StoreUnavailable, UsageError


@dataclass(frozen=True)
class Format:
    name: str
    target: str  # "module:function"
    description: str
    suffix: str
    multi_file: bool = False
    extra: str | None = None  # pip extra that brings its dependencies

    def load(self) -> Callable:
        module, _, func = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module), func)
        except ImportError as exc:
            hint = f"; install it with: pip install 'crimegraph[{self.extra}]'" if self.extra else ""
            raise StoreUnavailable(f"the {self.name} format needs a missing package ({exc.name}){hint}") from None


#: export formats (one line each; the module is imported only when the format is used)
EXPORTERS: dict[str, Format] = {f.name: f for f in (
    Format("ftm", "crimegraph.exports.ftm_export:write_ftm",
           "FollowTheMoney entities, line-delimited JSON (Aleph, OpenSanctions)", ".ftm.json", extra="ftm"),
    Format("gexf", "crimegraph.exports.graphs:write_gexf",
           "GEXF 1.3 for Gephi, with kinds, relation types, periods and confidence", ".gexf"),
    Format("graphml", "crimegraph.exports.graphs:write_graphml",
           "GraphML with kinds, relation types, periods and confidence", ".graphml"),
    Format("csv", "crimegraph.exports.tables:write_csv",
           "nodes.csv and edges.csv (and sources.csv) for spreadsheets", "", multi_file=True),
    Format("neo4j-csv", "crimegraph.exports.neo4j_csv:write_neo4j_csv",
           "CSV files with the headers neo4j-admin database import expects", "", multi_file=True),
)}
#: import formats
IMPORTERS: dict[str, Format] = {f.name: f for f in (
    Format("ftm", "crimegraph.exports.ftm_import:read_ftm",
           "FollowTheMoney entities (line-delimited JSON) into seed YAML for review", ".ftm.json", extra="ftm"),
    Format("csv", "crimegraph.exports.tables:read_relations_csv",
           "a relations spreadsheet (CSV) into seed YAML for review", ".csv"),
)}


def register_exporter(fmt: Format) -> None:
    EXPORTERS[fmt.name] = fmt


def register_importer(fmt: Format) -> None:
    IMPORTERS[fmt.name] = fmt


def exporter(name: str) -> Format:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise UsageError(f"--format: unknown export format {name!r}; available: {', '.join(sorted(EXPORTERS))}") from None


def importer(name: str) -> Format:
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UsageError(f"unknown import format {name!r}; available: {', '.join(sorted(IMPORTERS))}") from None
