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
from collections import deque
from typing import Iterable, Iterator, Optional, Sequence

from crimegraph.errors import EntityNotFound
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.vocab import RELATION_TYPES

from .subgraph import Subgraph
from .text import SearchHit, normalize

DIRECTIONS = ("out", "in", "both")


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

    @abc.abstractmethod
    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Entities whose name or alias matches, case- and accent-insensitive, fuzzy for typos."""

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

    def resolve(self, ref: str) -> Entity:
        """An entity by id, or by a name or alias that matches exactly (ignoring case and accents).

        Raises :class:`EntityNotFound` with the closest names when nothing matches.
        """
        try:
            return self.entity(ref)
        except EntityNotFound:
            pass
        hits = self.search(ref, limit=5)
        exact = [h for h in hits if h.match == "exact"]
        if len({h.id for h in exact}) == 1:
            return self.entity(exact[0].id)
        if not exact and len(hits) >= 1 and hits[0].match == "prefix" and (
                len(hits) == 1 or hits[1].match != "prefix"):
            return self.entity(hits[0].id)
        suggestions = [f"{h.id} ({h.name})" for h in hits[:5]]
        raise EntityNotFound(ref, suggestions)

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
        seen = dict.fromkeys(seeds)
        sg = Subgraph(focus=list(seeds))
        frontier = deque((s, 0) for s in seeds)
        for s in seeds:
            sg.add_entity(self.entity(s))
        while frontier:
            node, d = frontier.popleft()
            if d >= depth:
                continue
            rels = self.relations(node, types=types, as_of=as_of)
            new: dict[str, list[Relation]] = {}
            for r in rels:
                o = r.other(node)
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
                sg.add_entity(self.entity(o))
                for r in new[o]:
                    sg.add_relation(r)
                frontier.append((o, d + 1))
        # relations among the entities reached at the last depth
        for i in sg.entities:
            for r in self.relations(i, types=types, as_of=as_of):
                if r.subject in sg.entities and r.object in sg.entities:
                    sg.add_relation(r)
        return sg


def name_key(entity: Entity) -> str:
    return normalize(entity.name)
