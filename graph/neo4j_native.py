"""Native (Cypher) versions of the investigator queries, for :class:`~.neo4j.Neo4jStore`.

:mod:`crimegraph.queries` calls ``store.native_<helper>`` when a store has one
(see :mod:`crimegraph.queries.dispatch`). Here the graph work of each helper —
the shortest paths, the place hierarchy, an entity's relations with their
as-of and type filters — runs as one Cypher statement on the server, which
returns only the part of the graph that the answer is made of: the relations on
the shortest paths, the places below a place and the relations into them, an
entity's relations. The result object is then built from that part by the
helper's own generic code, run on a small in-memory store holding just it
(:func:`excerpt`), so the answer (its ranking, tie-breaks, sentences) is the
memory store's by construction; the conformance suite checks it.

Brokers and communities need the whole projected graph, which Neo4j Community
cannot analyse without plugins: the edges of the projection (two ids per
relation, nothing else) are streamed from the server into igraph.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from crimegraph.graph.base import check_types
from crimegraph.graph.memory import MemoryStore
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.vocab import RELATION_TYPES

from .neo4j_cypher import ENTITY_LABEL, SOURCE_LABEL, rel_pattern, source_from_props


def as_of_on(var: str) -> str:
    """The as-of condition on relationship variable ``var`` (``$day`` an ISO day string)."""
    return f"{var}.shown_from <= $day AND ({var}.shown_until IS NULL OR {var}.shown_until >= $day)"


def excerpt(entities: Iterable[Entity], relations: Iterable[Relation],
            sources: Iterable[Source]) -> MemoryStore:
    """A memory store holding one excerpt of the graph (the helper's generic code runs on it)."""
    mem = MemoryStore()
    mem.write(Dataset(sources={s.id: s for s in sources},
                      entities={e.id: e for e in entities},
                      relations={r.id: r for r in relations}))
    return mem


class _Edge:
    """A projected edge: all that :func:`crimegraph.queries.analytics.project` reads of a relation."""

    __slots__ = ("subject", "object")

    def __init__(self, subject: str, object_: str):
        self.subject = subject
        self.object = object_


class _Projection:
    """What the analytics read of a store, with the relations reduced to their two ends."""

    def __init__(self, store):
        self._store = store

    def entities(self, kinds=None, types=None):
        return self._store.entities(kinds=kinds, types=types)

    def relations(self, entity=None, *, direction="both", types=None, as_of=None):
        if entity is not None:  # a broker's own ties, with their citations
            return self._store.relations(entity, direction=direction, types=types, as_of=as_of)
        return self._store.projected_edges(types=types, as_of=as_of)

    def source(self, source_id):
        return self._store.source(source_id)

    def sources(self):
        return self._store.sources()


class _SourceBatch:
    """Forwards to the store; the first :meth:`source` call reads every source in one statement."""

    def __init__(self, store):
        self._store = store
        self._sources: Optional[dict[str, Source]] = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def source(self, source_id: str) -> Source:
        if self._sources is None:
            self._sources = {s.id: s for s in self._store.sources()}
        if source_id not in self._sources:
            return self._store.source(source_id)  # raises SourceNotFound with suggestions
        return self._sources[source_id]


class NativeQueries:
    """The ``native_*`` methods of the Neo4j store (mixed into :class:`~.neo4j.Neo4jStore`)."""

    # ---------------------------------------------------------------- fetching
    def _sources_for(self, relations: Iterable[Relation], entities: Iterable[Entity] = ()) -> list[Source]:
        ids = {c.source for r in relations for c in r.citations}
        ids.update(c.source for e in entities for c in e.citations)
        if not ids:
            return []
        rows = self._rows(f"UNWIND $ids AS id MATCH (s:{SOURCE_LABEL} {{id: id}}) RETURN properties(s)",
                          ids=sorted(ids))
        return [source_from_props(p) for (p,) in rows]

    def _excerpt_of(self, relations: list[Relation], entities: dict[str, Entity]) -> MemoryStore:
        missing = {i for r in relations for i in (r.subject, r.object)} - set(entities)
        if missing:
            entities = {**entities, **self._entities_by_id(sorted(missing))}
        return excerpt(entities.values(), relations, self._sources_for(relations, entities.values()))

    def _around(self, entity: Entity, types: Optional[frozenset[str]], as_of) -> MemoryStore:
        """An excerpt with ``entity``, its relations (types, as_of) and the entities at their ends."""
        rels = self._incident([entity.id], types, as_of)[entity.id]
        return self._excerpt_of(rels, {entity.id: entity})

    # ---------------------------------------------------------------- helpers
    def native_shortest_paths(self, a: str, b: str, *, max_hops: int = 4, k: int = 5, as_of=None,
                              types: Optional[Iterable[str]] = None, avoid: Iterable[str] = ()):
        """Every shortest path in one ``allShortestPaths`` statement; ranked by the generic code."""
        from crimegraph.queries.params import check_positive
        from crimegraph.queries.paths import shortest_paths

        check_positive(max_hops, "max_hops")
        check_positive(k, "k")
        types = check_types(types)
        ea, eb = self.resolve(a), self.resolve(b)
        if ea.id == eb.id:
            return NotImplemented  # the generic helper words that error
        avoided = {e.id: e for e in (self.resolve(x) for x in avoid)}
        rels = self.shortest_path_relations(ea.id, eb.id, max_hops=max_hops, types=types, as_of=as_of,
                                            avoid=avoided)
        part = self._excerpt_of(rels, {**avoided, ea.id: ea, eb.id: eb})
        return shortest_paths.generic(part, ea.id, eb.id, max_hops=max_hops, k=k, as_of=as_of,
                                      types=types, avoid=list(avoided))

    def shortest_path_relations(self, a: str, b: str, *, max_hops: int,
                                types: Optional[frozenset[str]] = None,
                                as_of: Optional[dt.date] = None,
                                avoid: Iterable[str] = ()) -> list[Relation]:
        """The relations on every shortest path between ``a`` and ``b`` (at most ``max_hops``).

        Paths never pass through an entity of ``avoid`` (``a`` and ``b`` excepted).
        """
        if types is not None and not types:
            return []
        hops = int(max_hops)
        avoid = sorted(set(avoid) - {a, b})
        pat = rel_pattern(types if types is not None else RELATION_TYPES)
        conds = []
        if as_of is not None:
            conds.append(f"all(x IN relationships(p) WHERE {as_of_on('x')})")
        if avoid:
            conds.append("none(n IN nodes(p) WHERE n.id IN $avoid)")
        where = f"WHERE {' AND '.join(conds)} " if conds else ""
        rows = self._rows(
            f"MATCH (a:{ENTITY_LABEL} {{id: $a}}), (b:{ENTITY_LABEL} {{id: $b}}) "
            f"MATCH p = allShortestPaths((a)-[{pat}*..{hops}]-(b)) {where}"
            "UNWIND relationships(p) AS r WITH DISTINCT r "
            "RETURN type(r) AS t, startNode(r).id AS s, endNode(r).id AS o, properties(r) AS p",
            a=a, b=b, avoid=avoid, day=None if as_of is None else as_of.isoformat())
        return self._relation_rows(rows)

    def shortest_path_links(self, a: str, b: str, *, max_hops: int = 4,
                            types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
                            avoid: Iterable[str] = ()):
        """The base method's answer, from the relations ``allShortestPaths`` finds on the server."""
        types = check_types(types)
        ea, eb = self.entity(a), self.entity(b)
        if a == b:
            return []
        avoid = sorted(set(avoid) - {a, b})
        rels = self.shortest_path_relations(a, b, max_hops=max_hops, types=types, as_of=as_of,
                                            avoid=avoid)
        part = self._excerpt_of(rels, {a: ea, b: eb, **self._entities_by_id(avoid)})
        return part.shortest_path_links(a, b, max_hops=max_hops, types=types, as_of=as_of,
                                        avoid=avoid)

    def native_links(self, entity: str, types: Iterable[str], *, direction: str = "both",
                     as_of=None, kind: Optional[str] = None, other_kind: Optional[str] = None,
                     question: str = "links"):
        from crimegraph.queries.links import links

        types = check_types(types)
        e = self.resolve(entity)
        part = self._around(e, types, as_of)
        return links.generic(part, e.id, types, direction=direction, as_of=as_of, kind=kind,
                             other_kind=other_kind, question=question)

    def native_timeline(self, entity: str, *, as_of=None, related: bool = True):
        """The entity's relations, and those of its factions, members and leaders (one level)."""
        from crimegraph.queries.timeline import RELATED_THROUGH, timeline

        e = self.resolve(entity)
        rels = self._incident([e.id], None, as_of)[e.id]
        if related:
            through = sorted({r.subject for r in rels if r.type in RELATED_THROUGH and r.object == e.id})
            if through:
                more = self._incident(through, None, as_of)
                rels = list({r.id: r for r in [*rels, *(r for i in through for r in more[i])]}.values())
        return timeline.generic(self._excerpt_of(rels, {e.id: e}), e.id, as_of=as_of, related=related)

    def native_evidence(self, relation_id: str):
        from crimegraph.errors import RelationNotFound
        from crimegraph.queries.evidence import evidence

        try:
            r = self.relation(relation_id)
        except RelationNotFound:
            return NotImplemented  # the generic helper raises it, with suggestions
        return evidence.generic(self._excerpt_of([r], {}), relation_id)

    def native_actors_in(self, place: str, *, as_of=None,
                         types: Optional[Iterable[str]] = ("operates_in",)):
        """The place hierarchy below a place with ``[:LOCATED_IN*0..]``, and the relations into it."""
        from crimegraph.queries.places import actors_in

        types = check_types(types)
        p = self.resolve(place)
        if p.kind.value != "place":
            return NotImplemented  # the generic helper raises the UsageError
        follow = set(types or ()) | {"located_in"}
        cond = f"WHERE all(x IN relationships(h) WHERE {as_of_on('x')}) " if as_of is not None else ""
        rel_cond = f"WHERE {as_of_on('r')} " if as_of is not None else ""
        rows = self._rows(
            f"MATCH (p:{ENTITY_LABEL} {{id: $id}}) "
            f"MATCH h = (p)<-[:{RELATION_TYPES['located_in'].cypher_type}*0..]-(x:{ENTITY_LABEL}) {cond}"
            "WITH DISTINCT x "
            f"MATCH (x)-[r{rel_pattern(follow)}]-(:{ENTITY_LABEL}) {rel_cond}"
            "WITH DISTINCT r "
            "RETURN type(r) AS t, startNode(r).id AS s, endNode(r).id AS o, properties(r) AS p",
            id=p.id, day=None if as_of is None else as_of.isoformat())
        part = self._excerpt_of(self._relation_rows(rows), {p.id: p})
        return actors_in.generic(part, p.id, as_of=as_of, types=types)

    def native_ego_network(self, entity: str, **kwargs):
        """Breadth-first in Cypher (one statement per level, :meth:`expand`); sources read at once."""
        from crimegraph.queries.neighbourhood import ego_network

        return ego_network.generic(_SourceBatch(self), entity, **kwargs)

    def projected_edges(self, *, types: Optional[Iterable[str]] = None, as_of=None) -> list[_Edge]:
        """``(subject, object)`` of every relation (types, as_of): the analytics' input, streamed."""
        types = check_types(types)
        if types is not None and not types:
            return []
        pat = rel_pattern(types if types is not None else RELATION_TYPES)
        cond = f"WHERE {as_of_on('r')} " if as_of is not None else ""
        rows = self._rows(f"MATCH (a:{ENTITY_LABEL})-[r{pat}]->(b:{ENTITY_LABEL}) {cond}"
                          "RETURN a.id, b.id", day=None if as_of is None else as_of.isoformat())
        return [_Edge(s, o) for s, o in rows]

    def native_brokers(self, **kwargs):
        from crimegraph.queries.analytics import brokers

        return brokers.generic(_Projection(self), **kwargs)

    def native_communities(self, **kwargs):
        from crimegraph.queries.analytics import communities

        return communities.generic(_Projection(self), **kwargs)
