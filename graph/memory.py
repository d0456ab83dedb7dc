"""The embedded store: a networkx MultiDiGraph in this process. The default backend."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Optional

import networkx as nx

from crimegraph.errors import EntityNotFound, RelationNotFound, SourceNotFound
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.validate import close_matches

from .base import DIRECTIONS, Store, check_types
from .text import NameIndex, SearchHit


class MemoryStore(Store):
    """A networkx ``MultiDiGraph``: nodes are entity ids, edges are relations keyed by id.

    Writes are atomic: the new graph is built aside and swapped in at the end,
    so a failure half-way leaves the previous contents untouched.
    """

    backend = "memory"

    def __init__(self, **_options):
        self.graph = nx.MultiDiGraph()
        self._relations: dict[str, Relation] = {}
        self._sources: dict[str, Source] = {}
        self._index = NameIndex()
        self.meta = None

    # ------------------------------------------------------------------ write
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None) -> None:
        if replace or not self.graph:
            g = nx.MultiDiGraph()
            relations: dict[str, Relation] = {}
            sources: dict[str, Source] = {}
        else:
            g = self.graph.copy()
            relations = dict(self._relations)
            sources = dict(self._sources)
        sources.update(dataset.sources)
        g.add_nodes_from((i, {"entity": e}) for i, e in dataset.entities.items())
        for r in dataset.relations.values():
            old = relations.get(r.id)
            if old is not None:
                g.remove_edge(old.subject, old.object, key=old.id)
            g.add_edge(r.subject, r.object, key=r.id, relation=r)
            relations[r.id] = r
            if progress:
                progress(1)
        index = NameIndex((i, d["entity"].name, d["entity"].names) for i, d in g.nodes(data=True))
        # swap in
        self.graph, self._relations, self._sources, self._index = g, relations, sources, index
        self.meta = dataset.meta

    # ------------------------------------------------------------------ reads
    def entity(self, entity_id: str) -> Entity:
        try:
            return self.graph.nodes[entity_id]["entity"]
        except KeyError:
            raise EntityNotFound(entity_id, self._suggest(entity_id)) from None

    def _suggest(self, ref: str) -> list[str]:
        hits = self._index.search(ref, limit=3)
        if hits:
            return [f"{h.id} ({h.name})" for h in hits]
        return close_matches(ref, self.graph.nodes)

    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        kinds = set(kinds) if kinds else None
        types = set(types) if types else None
        for i in sorted(self.graph.nodes):
            e = self.graph.nodes[i]["entity"]
            if kinds and e.kind.value not in kinds:
                continue
            if types and e.type not in types:
                continue
            yield e

    def relation(self, relation_id: str) -> Relation:
        try:
            return self._relations[relation_id]
        except KeyError:
            raise RelationNotFound(relation_id, close_matches(relation_id, self._relations)) from None

    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        types = check_types(types)
        if entity is None:
            rels: Iterable[Relation] = self._relations.values()
        else:
            if entity not in self.graph:
                raise EntityNotFound(entity, self._suggest(entity))
            rels = self._incident(entity, direction)
        out = [r for r in rels
               if (types is None or r.type in types) and (as_of is None or r.valid_on(as_of))]
        out.sort(key=lambda r: r.id)
        return out

    def _incident(self, entity: str, direction: str) -> list[Relation]:
        out: list[Relation] = []
        if direction in ("out", "both"):
            for _, edges in self.graph.succ[entity].items():
                out.extend(d["relation"] for d in edges.values())
        else:  # "in": symmetric relations also count from the subject side
            for _, edges in self.graph.succ[entity].items():
                out.extend(d["relation"] for d in edges.values() if d["relation"].symmetric)
        if direction in ("in", "both"):
            for _, edges in self.graph.pred[entity].items():
                out.extend(d["relation"] for d in edges.values())
        else:
            for _, edges in self.graph.pred[entity].items():
                out.extend(d["relation"] for d in edges.values() if d["relation"].symmetric)
        return out

    def source(self, source_id: str) -> Source:
        try:
            return self._sources[source_id]
        except KeyError:
            raise SourceNotFound(source_id, close_matches(source_id, self._sources)) from None

    def sources(self) -> Iterator[Source]:
        for i in sorted(self._sources):
            yield self._sources[i]

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        return self._index.search(text, limit=limit)

    def dataset(self) -> Dataset:
        return Dataset(
            sources=dict(self._sources),
            entities={i: d["entity"] for i, d in self.graph.nodes(data=True)},
            relations=dict(self._relations),
        )
