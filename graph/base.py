"""The Store protocol, and the operations derived from it once for every backend.

A backend implements the small set of primitives marked abstract. Everything
else (resolving a name, neighbours, induced subgraphs, paths) is written once
here on top of them; a backend overrides a derived operation only to make it
native (Cypher, SPARQL), and the conformance suite checks that the answers
stay the same.
"""

from __future__ import annotations

import abc
import datetime as dt
from typing import Iterable, Iterator, NamedTuple, Optional, Sequence, Union

from crimegraph.errors import AmbiguousEntity, EntityNotFound
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.timing import shown
from crimegraph.schema.types import Confidence
from crimegraph.schema.vocab import RELATION_TYPES

from .subgraph import Subgraph
from .text import SearchHit, normalize

DIRECTIONS = ("out", "in", "both")

#: The relations on every shortest path between two entities, layer by layer: layer ``i``
#: maps each entity at distance ``i`` from the start (on some shortest path) to
#: ``{next entity: [relations joining the two]}``. See :meth:`Store.shortest_path_links`.
PathLayers = list[dict[str, dict[str, list[Relation]]]]


class Cited(NamedTuple):
    """One citation of a :class:`Tie`: the source it names."""
    source: str


class Window(NamedTuple):
    """The days an as-of answer shows an item: :attr:`Timing.start <crimegraph.schema.timing.Timing>`
    and ``end``, all that :func:`~crimegraph.schema.timing.shown` reads of a timing."""
    start: Optional[dt.date]
    end: Optional[dt.date]


class Tie(NamedTuple):
    """A relation reduced to what the connection ranking weighs it by
    (:mod:`crimegraph.queries.ties`): its id, type, ends, confidence, the sources its
    citations name (in their order) and the window an as-of answer shows it in. A
    :class:`Relation` has the same attributes and serves as its own tie;
    :meth:`Store.relations_of` gives the whole relations back."""
    id: str
    type: str
    subject: str
    object: str
    confidence: Confidence
    citations: tuple[Cited, ...]
    timing: Window

    def shown_on(self, day) -> bool:
        """As :meth:`Relation.shown_on`: the same rule (:func:`~crimegraph.schema.timing.shown`)."""
        return shown(self.timing, day)


#: ``{u: {v: [relations or ties joining the two, by id]}}``: what :meth:`Store.path_links` returns
Links = dict[str, dict[str, list[Union[Relation, Tie]]]]


def check_types(types: Optional[Iterable[str]]) -> Optional[frozenset[str]]:
    """Validate a relation-type filter against the schema's declarations."""
    if types is None:
        return None
    types = frozenset(types)
    unknown = sorted(types - set(RELATION_TYPES))
    if unknown:
        from crimegraph.errors import UsageError

        raise UsageError(
            f"unknown relation type(s) {', '.join(unknown)}; known: {', '.join(RELATION_TYPES)}")
    return types


def take_neighbours(sg: Subgraph, node: str, links: Iterable[tuple[str, Relation]],
                    seen: dict, cap: Optional[int]) -> list[str]:
    """One breadth-first step of :meth:`Store.expand`, shared by every backend.

    ``links`` are ``(other entity, relation)`` pairs of ``node``. Relations to
    entities already ``seen`` join ``sg``. New neighbours are ranked
    best-sourced first (citations, then confidence, then id) and cut at ``cap``
    (the rest counted in ``sg.more[node]``); the kept ones are marked seen and
    their relations join ``sg``. Returns the kept neighbours in rank order; the
    caller adds their entities.
    """
    new: dict[str, list[Relation]] = {}
    for o, r in links:
        if o in seen:
            sg.add_relation(r)
        else:
            new.setdefault(o, []).append(r)
    ordered = sorted(new, key=lambda o: (-max(len(r.citations) * 10 + r.confidence.score
                                              for r in new[o]), o))
    if cap is not None and len(ordered) > cap:
        sg.more[node] = len(ordered) - cap
        ordered = ordered[:cap]
    for o in ordered:
        seen[o] = None
        for r in new[o]:
            sg.add_relation(r)
    return ordered


def breadth_first(seeds: Sequence[str], depth: int, cap: Optional[int],
                  incident) -> tuple[Subgraph, list[str]]:
    """The breadth-first walk of :meth:`Store.expand`, level by level, shared by every backend.

    ``incident(ids)`` gives each entity of a level its ``(other entity, relation)`` links, in
    relation-id order (one round trip per level where a backend can); :func:`take_neighbours`
    picks from them. Returns the subgraph with the relations met on the way (no entities:
    the caller adds them, in one read where it can) and the ids reached, seeds first, in the
    order they were reached.
    """
    seen = dict.fromkeys(seeds)
    sg = Subgraph(focus=list(seeds))
    order = list(seen)
    level = list(seeds)
    for _ in range(depth):
        if not level:
            break
        links = incident(list(dict.fromkeys(level)))
        nxt: list[str] = []
        for node in level:
            nxt += take_neighbours(sg, node, links[node], seen, cap)
        order += nxt
        level = nxt
    return sg, order


class Store(abc.ABC):
    """A backend that holds one validated dataset and answers reads about it."""

    #: registry name of the backend ("memory", "neo4j", "rdf")
    backend: str = "abstract"

    # ------------------------------------------------------------------ write
    @abc.abstractmethod
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None) -> None:
        """Write a validated dataset. ``replace`` removes what the dataset no longer has."""

    # ------------------------------------------------------------------ reads
    @abc.abstractmethod
    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; :class:`EntityNotFound` (with close matches) otherwise."""

    @abc.abstractmethod
    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        """Every entity, optionally only of some kinds / entity types, ordered by id."""

    @abc.abstractmethod
    def relation(self, relation_id: str) -> Relation:
        """The relation with this id; :class:`RelationNotFound` otherwise."""

    @abc.abstractmethod
    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        """Relations of an entity (or all), ordered by id.

        ``direction`` is ``out`` (entity is the subject), ``in`` (the object) or
        ``both``; symmetric relations count in both directions. ``as_of`` keeps
        only relations valid on that day.
        """

    @abc.abstractmethod
    def source(self, source_id: str) -> Source:
        """The source with this id; :class:`SourceNotFound` otherwise."""

    @abc.abstractmethod
    def sources(self) -> Iterator[Source]:
        """Every source, ordered by id."""

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Entities matching ``text`` best first: names, aliases, descriptions, quotes, source titles.

        Case- and accent-insensitive, stemmed (English and Spanish), forgiving typos;
        every hit has a score and the reason it matched. Every backend answers
        through the same :class:`~crimegraph.graph.search.SearchEngine`
        (:meth:`search_engine`), so the answers and their order are the same on
        every store.
        """
        return self.search_engine().search(text, limit=limit)

    def search_engine(self):
        """The store's :class:`~crimegraph.graph.search.SearchEngine`, built on first use.

        Kept until the next :meth:`write` (which calls :meth:`_search_changed`).
        """
        engine = getattr(self, "_search_engine", None)
        if engine is None:
            from .search import SearchEngine, build_lock

            with build_lock:  # threads of a server asking at once build it once
                engine = getattr(self, "_search_engine", None)
                if engine is None:
                    engine = self._search_engine = SearchEngine.from_store(self)
        return engine

    def _search_changed(self) -> None:
        """Forget the search index: the store's contents changed."""
        self._search_engine = None

    def close(self) -> None:
        """Release connections; the default has nothing to release."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ derived
    def has_entity(self, entity_id: str) -> bool:
        try:
            self.entity(entity_id)
            return True
        except EntityNotFound:
            return False

    #: a search hit opens directly when it scores at least this and ``CLEAR_LEAD`` times the next one
    STRONG_SCORE, CLEAR_LEAD = 20.0, 1.25

    def resolve(self, ref: str) -> Entity:
        """The entity a reference means: its id, or a name, alias or spelling that clearly matches one.

        In order: the exact id; an entity whose *name* is exactly ``ref`` (as validation
        stored it: NFC, without invisible characters, :mod:`crimegraph.schema.names`),
        before another whose alias is; the only alias exactly ``ref``; a name, alias or
        id equal to ``ref`` ignoring case, accents and punctuation (when only one entity
        has it); the best search hit
        when it scores at least :attr:`STRONG_SCORE` and :attr:`CLEAR_LEAD` times the
        next. What was matched is recorded for the caller
        (:mod:`crimegraph.graph.resolution`).

        Raises
        ------
        EntityNotFound
            Nothing matches (with close ids as ``suggestions``), or, as its subclass
            :class:`~crimegraph.errors.AmbiguousEntity`, several match and none clearly
            (the candidates, with their scores, as ``suggestions``).
        """
        from crimegraph.schema.names import clean_name

        from .resolution import Resolution, candidates_text, record

        try:
            e = self.entity(ref)
            record(Resolution(ref, e.id, e.name, "id", e.id, 100.0, f"id '{e.id}'"))
            return e
        except EntityNotFound as exc:
            missing = exc
        hits = self.search(ref, limit=5)
        if not hits:
            raise missing
        exact_hits = [h for h in hits if h.exact]
        exact = list(dict.fromkeys(h.id for h in exact_hits))
        pick = None
        text = clean_name(ref.strip())
        for same in ([h for h in exact_hits if h.field == "name" and h.matched == text],
                     [h for h in exact_hits if h.matched == text]):
            if len({h.id for h in same}) == 1:
                pick = same[0]
                break
        if pick is None and len(exact) == 1:
            pick = next(h for h in hits if h.id == exact[0])
        elif pick is None and not exact and hits and hits[0].score >= self.STRONG_SCORE and (
                len(hits) == 1 or hits[0].score >= self.CLEAR_LEAD * hits[1].score):
            pick = hits[0]
        if pick is None:
            raise AmbiguousEntity(ref, candidates_text(hits))
        how = pick.field if pick.exact else "search"
        record(Resolution(ref, pick.id, pick.name, how, pick.matched, pick.score, pick.reason))
        return self.entity(pick.id)

    def counts(self) -> dict:
        """Counts by entity kind, entity type and relation type (same shape as Dataset.stats)."""
        return self.dataset().stats()

    def dataset(self) -> Dataset:
        """Everything in the store, as a :class:`Dataset` (for exports)."""
        return Dataset(
            sources={s.id: s for s in self.sources()},
            entities={e.id: e for e in self.entities()},
            relations={r.id: r for r in self.relations()},
        )

    def neighbours(self, entity_id: str, *, direction: str = "both",
                   types: Optional[Iterable[str]] = None,
                   as_of: Optional[dt.date] = None) -> list[str]:
        """Ids of the entities one relation away, sorted."""
        ids = {r.other(entity_id) for r in self.relations(entity_id, direction=direction,
                                                           types=types, as_of=as_of)}
        return sorted(ids)

    def subgraph(self, ids: Iterable[str], *, types: Optional[Iterable[str]] = None,
                 as_of: Optional[dt.date] = None) -> Subgraph:
        """The subgraph induced by ``ids``: those entities and every relation among them."""
        keep = set(ids)
        sg = Subgraph()
        for i in sorted(keep):
            sg.add_entity(self.entity(i))
        for i in sorted(keep):
            for r in self.relations(i, types=types, as_of=as_of):
                if r.subject in keep and r.object in keep:
                    sg.add_relation(r)
        return sg

    def expand(self, seeds: Sequence[str], *, depth: int = 1,
               types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
               cap: Optional[int] = None) -> Subgraph:
        """Breadth-first neighbourhood of ``seeds`` up to ``depth`` hops.

        With ``cap``, at most ``cap`` new neighbours are taken from any one entity
        (best-sourced first); the rest are counted in ``Subgraph.more``.
        """
        types = check_types(types)
        for s in seeds:
            self.entity(s)
        sg, order = breadth_first(seeds, depth, cap, lambda ids: self.level_links(ids, types, as_of))
        for i in order:
            sg.add_entity(self.entity(i))
        # relations among the entities reached at the last depth
        for i in sg.entities:
            for r in self.relations(i, types=types, as_of=as_of):
                if r.subject in sg.entities and r.object in sg.entities:
                    sg.add_relation(r)
        return sg

    def level_links(self, ids: Sequence[str], types: Optional[frozenset[str]],
                    as_of: Optional[dt.date]) -> dict[str, list[tuple[str, Relation]]]:
        """``{id: [(other entity, relation)]}`` of one level of :meth:`expand`'s walk, by relation id."""
        return {i: [(r.other(i), r) for r in self.relations(i, types=types, as_of=as_of)] for i in ids}

    def derived(self, key: tuple, build):
        """A structure derived from the whole store (an analytics projection), by ``build()``.

        Stores that know when their contents change keep it, under ``key``, until
        the next write; the default builds it on every call.
        """
        return build()

    def relation_ends(self, *, types: Optional[Iterable[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterable[tuple[str, str]]:
        """``(subject, object)`` of every relation (of ``types``, valid ``as_of``), in no order.

        What whole-graph analytics read (:func:`crimegraph.queries.analytics.project`);
        a backend overrides it to stream the ends without building relations.
        """
        return ((r.subject, r.object) for r in self.relations(types=types, as_of=as_of))

    # ------------------------------------------------------------ paths
    def adjacent(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                 as_of: Optional[dt.date] = None) -> Iterable[tuple[str, Relation]]:
        """``(other entity, relation)`` for every relation of an entity, in either direction.

        The primitive that path searches walk. ``types`` must already be checked
        (:func:`check_types`). A backend overrides it when it can list incident
        relations faster than :meth:`relations` (which sorts them).
        """
        for r in self.relations(entity_id, types=types, as_of=as_of):
            yield r.other(entity_id), r

    def neighbour_ids(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterable[str]:
        """Ids of the entities one relation away (repeats allowed): what a search expands."""
        return (o for o, _ in self.adjacent(entity_id, types=types, as_of=as_of))

    def links_between(self, a: str, b: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> list[Relation]:
        """The relations joining two entities, in either direction."""
        return [r for o, r in self.adjacent(a, types=types, as_of=as_of) if o == b]

    def degree_hint(self, entity_id: str) -> int:
        """A cheap estimate of an entity's number of neighbours, to choose which side to expand.

        The default (1) makes :meth:`shortest_path_links` expand the side with fewer
        entities; backends that know degrees cheaply return them.
        """
        return 1

    def frontier_cost(self, entity_ids: Iterable[str]) -> int:
        """The cost of expanding a set of entities: the sum of their :meth:`degree_hint`."""
        return sum(self.degree_hint(n) for n in entity_ids)

    def entities_by_id(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Several entities by id at once (one round trip where a backend can)."""
        return {i: self.entity(i) for i in entity_ids}

    def degrees(self, entity_ids: Iterable[str], *, as_of: Optional[dt.date] = None) -> dict[str, int]:
        """How many relations (of any type, valid ``as_of``) each entity has: its weight as a hub.

        What the connection ranking's specificity and the ego network's hubs read
        (:mod:`crimegraph.queries.ties`); a backend overrides it to count natively.
        """
        return {i: len(links) for i, links in self.adjacent_many(list(entity_ids), as_of=as_of).items()}

    def adjacent_many(self, entity_ids: Sequence[str], *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> dict[str, list[tuple[str, Relation]]]:
        """:meth:`adjacent` of several entities at once: one round trip where a backend can."""
        return {i: list(self.adjacent(i, types=types, as_of=as_of)) for i in entity_ids}

    def path_links(self, a: str, b: str, *, max_hops: int = 4,
                   types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
                   avoid: Iterable[str] = (), ties: bool = False) -> Links:
        """Every relation on some path of at most ``max_hops`` from ``a`` to ``b``, ignoring direction.

        Not only the shortest paths: the connection ranking (:mod:`crimegraph.queries.paths`)
        weighs longer, more specific paths against short ones through hubs. Every entity on
        such a path lies within ``ceil(max_hops / 2)`` of ``a`` or ``floor(max_hops / 2)`` of
        ``b``, so two bounded breadth-first searches over :meth:`neighbour_ids` find them
        all; distances inside that ball then keep the pairs ``u — v`` with
        ``d(a, u) + 1 + d(v, b) <= max_hops``, and only their relations are read
        (:meth:`adjacent_many`, one round trip per batch where a backend can).
        Returns an undirected adjacency ``{u: {v: [relations]}}`` (empty when none), never
        passing through an entity of ``avoid``; with ``ties``, the relations may come as
        :class:`Tie` records (:meth:`ties_among`: what the ranking weighs, read without the
        rest where a backend can) and :meth:`relations_of` turns the chosen ones back.
        """
        types = check_types(types)
        avoid = frozenset(avoid) - {a, b}
        self.entity(a)
        self.entity(b)
        if a == b:
            return {}
        ends = (a, b)
        nbrs: dict[str, set[str]] = {}
        expanded: set[str] = set()

        def around(frontier: list[str]) -> None:
            for u in frontier:
                if u in expanded:
                    continue
                expanded.add(u)
                vs = set(self.neighbour_ids(u, types=types, as_of=as_of))
                vs.discard(u)
                vs -= avoid
                mine = nbrs.get(u)
                if mine is None:
                    nbrs[u] = vs
                else:
                    mine |= vs
                for v in vs:  # boundary entities know who reached them
                    back = nbrs.get(v)
                    if back is None:
                        nbrs[v] = {u}
                    else:
                        back.add(u)

        def ball(start: str, radius: int) -> dict[str, int]:
            d, frontier = {start: 0}, [start]
            for k in range(1, radius + 1):
                around(frontier)
                nxt = []
                for u in frontier:
                    if u != start and u in ends:
                        continue  # a path ends at a or b, never passes through them
                    for v in nbrs[u]:
                        if v not in d:
                            d[v] = k
                            nxt.append(v)
                frontier = nxt
            return d

        inside = set(ball(a, (max_hops + 1) // 2)) | set(ball(b, max_hops // 2))

        def dist(start: str) -> dict[str, int]:
            d, frontier = {start: 0}, [start]
            for k in range(1, max_hops + 1):
                nxt = []
                for u in frontier:
                    if u != start and u in ends:
                        continue
                    for v in nbrs.get(u, ()):
                        if v not in d and v in inside:
                            d[v] = k
                            nxt.append(v)
                frontier = nxt
            return d

        da, db = dist(a), dist(b)
        far = max_hops + 1
        pairs: dict[str, set[str]] = {}
        for u, vs in nbrs.items():  # nbrs is symmetric, and so is the test: pairs comes out symmetric
            # d(a, u) + 1 + d(v, b) <= max_hops, or d(a, v) + 1 + d(u, b) <= max_hops
            to_b, to_a = max_hops - 1 - da.get(u, far), max_hops - 1 - db.get(u, far)
            if to_b < 0 and to_a < 0:
                continue
            keep = {v for v in vs if db.get(v, far) <= to_b or da.get(v, far) <= to_a}
            if keep:
                pairs[u] = keep
        return (self.ties_among if ties else self.links_among)(pairs, types=types, as_of=as_of)

    def ties_among(self, pairs: dict[str, set[str]], *, types: Optional[frozenset[str]] = None,
                   as_of: Optional[dt.date] = None) -> Links:
        """:meth:`links_among` with each relation as a :class:`Tie` or as itself: the same
        relations, by id. This default returns the relations (a relation is its own tie); a
        backend that can read the ties without building the relations overrides it."""
        return self.links_among(pairs, types=types, as_of=as_of)

    def relations_of(self, ties: Iterable[Union[Relation, Tie]]) -> list[Relation]:
        """The whole relations of ``ties`` (from :meth:`ties_among`), in their order."""
        return [t if isinstance(t, Relation) else self.relation(t.id) for t in ties]

    def links_among(self, pairs: dict[str, set[str]], *, types: Optional[frozenset[str]] = None,
                    as_of: Optional[dt.date] = None) -> dict[str, dict[str, list[Relation]]]:
        """The relations joining each ``u`` to each ``v`` of ``pairs[u]`` (a symmetric map), as an
        undirected adjacency with each list sorted by id; through :meth:`adjacent_many` here, pair
        by pair where a backend finds one pair's relations directly."""
        kept: dict[str, dict[str, list[Relation]]] = {}
        for u, incident in self.adjacent_many(sorted(pairs), types=types, as_of=as_of).items():
            wanted = pairs[u]
            by: dict[str, dict[str, Relation]] = {}
            for v, r in incident:
                if v in wanted:
                    by.setdefault(v, {})[r.id] = r
            if by:
                kept[u] = {v: sorted(rels.values(), key=lambda r: r.id) for v, rels in by.items()}
        return kept

    def shortest_path_links(self, a: str, b: str, *, max_hops: int = 4,
                            types: Optional[Iterable[str]] = None,
                            as_of: Optional[dt.date] = None,
                            avoid: Iterable[str] = ()) -> Optional[PathLayers]:
        """The relations on every shortest path from ``a`` to ``b``, ignoring direction.

        A bidirectional breadth-first search over :meth:`neighbour_ids` that always
        grows the side whose frontier is cheaper (by :meth:`degree_hint`) and stops
        at the first level where the two sides meet. The shortest-path graph is then
        read back from the meeting entities, level by level, with :meth:`links_between`.

        Paths never pass through an entity in ``avoid`` (say, a country every actor
        operates in). Returns ``None`` when ``b`` is more than ``max_hops`` relations
        away from ``a`` (or unreachable), ``[]`` when ``a == b``, and otherwise the
        :data:`PathLayers` of length equal to the number of hops.
        """
        types = check_types(types)
        avoid = frozenset(avoid) - {a, b}
        self.entity(a)
        self.entity(b)
        if a == b:
            return []
        dist: tuple[dict[str, int], dict[str, int]] = ({a: 0}, {b: 0})
        levels: tuple[list[list[str]], list[list[str]]] = ([[a]], [[b]])
        cost = [self.frontier_cost([a]), self.frontier_cost([b])]
        meet: list[str] = []
        while levels[0][-1] and levels[1][-1] and len(levels[0]) + len(levels[1]) - 2 < max_hops:
            side = 0 if cost[0] <= cost[1] else 1
            d, other = dist[side], dist[1 - side]
            found: set[str] = set()
            for node in levels[side][-1]:
                found.update(self.neighbour_ids(node, types=types, as_of=as_of))
            new = found.difference(d, avoid)
            d.update(dict.fromkeys(new, len(levels[side])))
            levels[side].append(list(new))
            meet = sorted(new.intersection(other))
            if meet:
                break
            cost[side] = self.frontier_cost(new)
        if not meet:
            return None
        hops = len(levels[0]) + len(levels[1]) - 2
        layers: PathLayers = [{} for _ in range(hops)]
        # walk back from the meeting entities towards a (side 0) and towards b (side 1)
        for side in (0, 1):
            d, todo = dist[side], list(meet)
            for k in range(d[meet[0]], 0, -1):
                below = levels[side][k - 1]
                parents: set[str] = set()
                for x in todo:
                    if len(below) <= self.degree_hint(x):
                        candidates: Iterable[str] = below
                    else:
                        candidates = {o for o in self.neighbour_ids(x, types=types, as_of=as_of)
                                      if d.get(o) == k - 1}
                    for y in candidates:
                        rels = self.links_between(y, x, types=types, as_of=as_of)
                        if not rels:
                            continue
                        parents.add(y)
                        if side == 0:
                            layers[k - 1].setdefault(y, {})[x] = rels
                        else:
                            layers[hops - k].setdefault(x, {})[y] = rels
                todo = sorted(parents)
        return layers


def name_key(entity: Entity) -> str:
    return normalize(entity.name)
