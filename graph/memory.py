"""The embedded store: a networkx MultiDiGraph in this process. The default backend."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Iterable, Iterator, Optional, Sequence

import networkx as nx

from crimegraph.errors import EntityNotFound, RelationNotFound, SourceNotFound
from crimegraph.schema.compact import no_gc
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import DatasetMeta, Entity, Relation, Source
from crimegraph.schema.validate import close_matches

from .base import DIRECTIONS, Store, breadth_first, check_types
from .subgraph import Subgraph


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
        self._search_engine = None
        self._derived: dict[tuple, object] = {}
        self.meta = None

    # ------------------------------------------------------------------ write
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None) -> None:
        fresh = replace or not self.graph
        if fresh:
            g = nx.MultiDiGraph()
            relations: dict[str, Relation] = {}
            sources: dict[str, Source] = {}
        else:
            g = self.graph.copy()
            relations = dict(self._relations)
            sources = dict(self._sources)
        sources.update(dataset.sources)
        g.add_nodes_from((i, {"entity": e}) for i, e in dataset.entities.items())
        if fresh:
            _add_relations(g, dataset.relations.values(), progress)
            relations.update(dataset.relations)
        else:
            for r in dataset.relations.values():
                old = relations.get(r.id)
                if old is not None:
                    g.remove_edge(old.subject, old.object, key=old.id)
                g.add_edge(r.subject, r.object, key=r.id, relation=r)
                relations[r.id] = r
                if progress:
                    progress(1)
        # swap in; the search index is built on the first search
        self.graph, self._relations, self._sources = g, relations, sources
        self._search_changed()
        self._derived = {}
        self.meta = dataset.meta

    #: derived structures kept at once (analytics projections, community memberships)
    DERIVED_KEPT = 8

    def derived(self, key: tuple, build):
        """Built once per write: the store does not change in between."""
        cache = self._derived
        if key in cache:
            cache[key] = cache.pop(key)  # most recently used last
            return cache[key]
        value = build()
        cache[key] = value
        while len(cache) > self.DERIVED_KEPT:
            cache.pop(next(iter(cache)))
        return value

    # ------------------------------------------------------------------ reads
    def entity(self, entity_id: str) -> Entity:
        try:
            return self.graph.nodes[entity_id]["entity"]
        except KeyError:
            raise EntityNotFound(entity_id, self._suggest(entity_id)) from None

    def _suggest(self, ref: str) -> list[str]:
        hits = self.search(ref, limit=3)
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
               if (types is None or r.type in types) and (as_of is None or r.shown_on(as_of))]
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

    def relation_ends(self, *, types: Optional[Iterable[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterable[tuple[str, str]]:
        types = check_types(types)
        if types is None and as_of is None:
            return ((r.subject, r.object) for r in self._relations.values())
        return ((r.subject, r.object) for r in self._relations.values() if self._keep(r, types, as_of))

    # ------------------------------------------------------------ paths (native)
    # The path search of Store.shortest_path_links, fed straight from the adjacency
    # dicts: no sorting, no copies, and no per-relation work when nothing is filtered.
    @staticmethod
    def _keep(r: Relation, types, as_of) -> bool:
        return (types is None or r.type in types) and (as_of is None or r.shown_on(as_of))

    def adjacent(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                 as_of: Optional[dt.date] = None) -> Iterator[tuple[str, Relation]]:
        for nbrs in (self.graph._succ[entity_id], self.graph._pred[entity_id]):
            for other, edges in nbrs.items():
                for data in edges.values():
                    r = data["relation"]
                    if types is None and as_of is None or self._keep(r, types, as_of):
                        yield other, r

    def neighbour_ids(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterable[str]:
        succ, pred = self.graph._succ[entity_id], self.graph._pred[entity_id]
        if types is None and as_of is None:
            return itertools.chain(succ, pred)
        return (o for nbrs in (succ, pred) for o, edges in nbrs.items()
                if any(self._keep(data["relation"], types, as_of) for data in edges.values()))

    def links_between(self, a: str, b: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> list[Relation]:
        out = []
        for nbrs in (self.graph._succ[a], self.graph._pred[a]):
            for data in nbrs.get(b, {}).values():
                r = data["relation"]
                if types is None and as_of is None or self._keep(r, types, as_of):
                    out.append(r)
        return out

    def links_among(self, pairs: dict[str, set[str]], *, types: Optional[frozenset[str]] = None,
                    as_of: Optional[dt.date] = None) -> dict[str, dict[str, list[Relation]]]:
        """Pair by pair from the adjacency dicts: a hub's other neighbours are never read."""
        kept: dict[str, dict[str, list[Relation]]] = {}
        for u in sorted(pairs):
            row = {}
            for v in pairs[u]:
                rels = self.links_between(u, v, types=types, as_of=as_of)
                if rels:
                    row[v] = sorted({r.id: r for r in rels}.values(), key=lambda r: r.id)
            if row:
                kept[u] = row
        return kept

    def degrees(self, entity_ids: Iterable[str], *, as_of: Optional[dt.date] = None) -> dict[str, int]:
        """Straight from the adjacency dicts: one length per neighbour when nothing is filtered."""
        succ, pred = self.graph._succ, self.graph._pred
        out = {}
        for i in entity_ids:
            if as_of is None:
                out[i] = sum(map(len, succ[i].values())) + sum(map(len, pred[i].values()))
            else:
                out[i] = sum(1 for nbrs in (succ[i], pred[i]) for edges in nbrs.values()
                             for data in edges.values() if data["relation"].shown_on(as_of))
        return out

    def degree_hint(self, entity_id: str) -> int:
        return len(self.graph._succ[entity_id]) + len(self.graph._pred[entity_id])

    def frontier_cost(self, entity_ids: Iterable[str]) -> int:
        ids = list(entity_ids)
        succ, pred = self.graph._succ, self.graph._pred
        return sum(map(len, map(succ.__getitem__, ids))) + sum(map(len, map(pred.__getitem__, ids)))

    def level_links(self, ids: Sequence[str], types: Optional[frozenset[str]],
                    as_of: Optional[dt.date]) -> dict[str, list[tuple[str, Relation]]]:
        """Straight from the adjacency dicts, by relation id."""
        return {i: sorted(self.adjacent(i, types=types, as_of=as_of), key=lambda p: p[1].id) for i in ids}

    def expand(self, seeds: Sequence[str], *, depth: int = 1,
               types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
               cap: Optional[int] = None) -> Subgraph:
        """:meth:`Store.expand`, same answer, without listing a busy entity's relations twice.

        The relations among the entities reached are found pair by pair
        (:meth:`links_between`) where that is cheaper than walking a hub's relations.
        """
        types = check_types(types)
        for s in seeds:
            self.entity(s)
        sg, order = breadth_first(seeds, depth, cap, lambda ids: self.level_links(ids, types, as_of))
        for i in order:
            sg.add_entity(self.entity(i))
        members = list(sg.entities)
        for i in members:
            if self.degree_hint(i) > len(members):
                rels = [r for j in members if j != i
                        for r in self.links_between(i, j, types=types, as_of=as_of)]
            else:
                rels = [r for o, r in self.adjacent(i, types=types, as_of=as_of) if o in sg.entities]
            for r in sorted(rels, key=lambda r: r.id):
                sg.add_relation(r)
        return sg

    def source(self, source_id: str) -> Source:
        try:
            return self._sources[source_id]
        except KeyError:
            raise SourceNotFound(source_id, close_matches(source_id, self._sources)) from None

    def sources(self) -> Iterator[Source]:
        for i in sorted(self._sources):
            yield self._sources[i]

    def dataset(self) -> Dataset:
        return Dataset(
            meta=self.meta or DatasetMeta(),
            sources=dict(self._sources),
            entities={i: d["entity"] for i, d in self.graph.nodes(data=True)},
            relations=dict(self._relations),
        )


def _add_relations(g: nx.MultiDiGraph, relations: Iterable[Relation], progress=None,
                   batch: int = 10_000) -> None:
    """Add relations to a graph that holds none yet, as ``MultiDiGraph.add_edge`` would.

    Writes networkx's adjacency dicts directly (``_succ[u][v][key]``, with the
    key dict shared by ``_pred[v][u]``): five times faster than ``add_edge`` for
    a large dataset. Both ends must be nodes already (a validated dataset ensures it).
    """
    succ, pred = g._succ, g._pred
    n = 0
    with no_gc():  # a million new dicts, no cycles among them: the collector would only slow us
        for r in relations:
            u, v = r.subject, r.object
            keys = succ[u].get(v)
            if keys is None:
                keys = succ[u][v] = pred[v][u] = {}
            keys[r.id] = {"relation": r}
            n += 1
            if progress and n % batch == 0:
                progress(batch)
    if progress and n % batch:
        progress(n % batch)
    clear = getattr(nx, "_clear_cache", None)
    if clear is not None:
        clear(g)
