"""``as_of(store, date)``: the graph as it stood on one day, as a read-only store."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Optional, Sequence

from crimegraph.errors import UsageError
from crimegraph.graph.base import Store
from crimegraph.graph.subgraph import Subgraph
from crimegraph.graph.text import SearchHit
from crimegraph.schema.models import Entity, Relation, Source

from .params import coerce_as_of


class AsOfView(Store):
    """A store that shows only the relations valid on :attr:`date`.

    It implements the Store protocol by delegation: entities, sources and
    search are unchanged; every relation read is filtered to ``date``. Looking
    a relation up by id (:meth:`relation`) still finds it, whatever its period,
    so that its evidence stays reachable. Every query helper accepts a view in
    place of a store (and then runs on the underlying store with ``as_of=date``,
    natively where the backend can).

    Writes are refused; closing a view does not close the store it shows.
    """

    backend = "as-of view"

    def __init__(self, store: Store, date):
        self.store = store
        self.date: dt.date = coerce_as_of(date, "date")
        if self.date is None:
            raise UsageError("as_of needs a date (YYYY, YYYY-MM or YYYY-MM-DD)")

    def __repr__(self) -> str:
        return f"AsOfView({self.store!r}, {self.date.isoformat()!r})"

    def _day(self, as_of: Optional[dt.date]) -> tuple[Optional[dt.date], bool]:
        """The date to ask the store for, and whether the view must still filter by its own."""
        if as_of is None or as_of == self.date:
            return self.date, False
        return as_of, True

    # ------------------------------------------------------------------ write
    def write(self, dataset, *, replace: bool = False, progress=None) -> None:
        raise UsageError("an as-of view is read-only; write to the store it shows")

    # ------------------------------------------------------------------ reads
    def entity(self, entity_id: str) -> Entity:
        return self.store.entity(entity_id)

    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        return self.store.entities(kinds=kinds, types=types)

    def relation(self, relation_id: str) -> Relation:
        return self.store.relation(relation_id)

    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        day, refilter = self._day(as_of)
        rels = self.store.relations(entity, direction=direction, types=types, as_of=day)
        return [r for r in rels if r.shown_on(self.date)] if refilter else rels

    def source(self, source_id: str) -> Source:
        return self.store.source(source_id)

    def sources(self) -> Iterator[Source]:
        return self.store.sources()

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        return self.store.search(text, limit=limit)

    def search_engine(self):
        return self.store.search_engine()

    def resolve(self, ref: str) -> Entity:
        return self.store.resolve(ref)

    def has_entity(self, entity_id: str) -> bool:
        return self.store.has_entity(entity_id)

    # ------------------------------------------------------- derived, delegated
    # With the view's own date these go to the store, natively where it can;
    # with another date the generic versions read through the view.
    def neighbours(self, entity_id: str, *, direction: str = "both",
                   types: Optional[Iterable[str]] = None,
                   as_of: Optional[dt.date] = None) -> list[str]:
        day, refilter = self._day(as_of)
        if refilter:
            return Store.neighbours(self, entity_id, direction=direction, types=types, as_of=as_of)
        return self.store.neighbours(entity_id, direction=direction, types=types, as_of=day)

    def subgraph(self, ids: Iterable[str], *, types: Optional[Iterable[str]] = None,
                 as_of: Optional[dt.date] = None) -> Subgraph:
        day, refilter = self._day(as_of)
        if refilter:
            return Store.subgraph(self, ids, types=types, as_of=as_of)
        return self.store.subgraph(ids, types=types, as_of=day)

    def expand(self, seeds: Sequence[str], *, depth: int = 1,
               types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
               cap: Optional[int] = None) -> Subgraph:
        day, refilter = self._day(as_of)
        if refilter:
            return Store.expand(self, seeds, depth=depth, types=types, as_of=as_of, cap=cap)
        return self.store.expand(seeds, depth=depth, types=types, as_of=day, cap=cap)

    def adjacent(self, entity_id: str, *, types=None, as_of: Optional[dt.date] = None):
        day, refilter = self._day(as_of)
        pairs = self.store.adjacent(entity_id, types=types, as_of=day)
        return ((o, r) for o, r in pairs if r.shown_on(self.date)) if refilter else pairs

    def neighbour_ids(self, entity_id: str, *, types=None, as_of: Optional[dt.date] = None):
        day, refilter = self._day(as_of)
        if refilter:
            return Store.neighbour_ids(self, entity_id, types=types, as_of=as_of)
        return self.store.neighbour_ids(entity_id, types=types, as_of=day)

    def links_between(self, a: str, b: str, *, types=None, as_of: Optional[dt.date] = None):
        day, refilter = self._day(as_of)
        rels = self.store.links_between(a, b, types=types, as_of=day)
        return [r for r in rels if r.shown_on(self.date)] if refilter else rels

    def degree_hint(self, entity_id: str) -> int:
        return self.store.degree_hint(entity_id)

    def frontier_cost(self, entity_ids) -> int:
        return self.store.frontier_cost(entity_ids)

    def derived(self, key: tuple, build):
        return self.store.derived(("as-of view", self.date, *key), build)

    def shortest_path_links(self, a: str, b: str, *, max_hops: int = 4,
                            types: Optional[Iterable[str]] = None,
                            as_of: Optional[dt.date] = None, avoid: Iterable[str] = ()):
        day, refilter = self._day(as_of)
        if refilter:
            return Store.shortest_path_links(self, a, b, max_hops=max_hops, types=types,
                                             as_of=as_of, avoid=avoid)
        return self.store.shortest_path_links(a, b, max_hops=max_hops, types=types, as_of=day,
                                              avoid=avoid)


def as_of(store: Store, date) -> AsOfView:
    """The graph as it stood on ``date``: a read-only view with only the relations valid then.

    Parameters
    ----------
    store : Store
        Any store (or another view).
    date : datetime.date, int or str
        ``2016``, ``"2016-05"`` or ``"2016-05-03"``; a year or a month means its
        last day, so a relation that ended in 2015 is absent ``as_of(store, 2016)``.

    Returns
    -------
    AsOfView
        A store: pass it to any helper, or read it directly.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import as_of
    >>> store = crimegraph.open_store()
    >>> view = as_of(store, 2016)
    >>> view.date.isoformat()
    '2016-12-31'
    >>> all(r.shown_on(view.date) for r in view.relations("shining-path"))
    True
    """
    return AsOfView(store, date)
