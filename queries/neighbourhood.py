"""``ego_network(entity)``: an entity's neighbourhood as a subgraph, capped for busy entities."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from crimegraph.graph.base import check_types
from crimegraph.graph.subgraph import Subgraph

from .answer import Answer
from .dispatch import native
from .params import check_positive
from .shapes import TIME_COLUMNS, brief, cited_sources, iso, time_row


@dataclass
class EgoNetwork(Subgraph, Answer):
    """A :class:`~crimegraph.graph.subgraph.Subgraph` around :attr:`center`, ready to map or print.

    ``more`` counts, per entity, the neighbours left out by the cap ("and N more");
    ``sources`` holds every source the entities and relations cite.
    """

    center: str = ""
    depth: int = 1
    cap: Optional[int] = None
    #: hubs shown but not expanded: id -> (their relations, neighbours of theirs left out)
    hubs: dict[str, tuple[int, int]] = field(default_factory=dict)
    through_hubs: bool = False

    LISTS_LEFT_OUT = True

    def shown_relations(self):
        return list(self.relations.values())

    def distances(self) -> dict[str, int]:
        """Hops from the centre to each entity, within the subgraph."""
        adj: dict[str, set[str]] = {i: set() for i in self.entities}
        for r in self.relations.values():
            adj[r.subject].add(r.object)
            adj[r.object].add(r.subject)
        dist = {self.center: 0}
        todo = deque([self.center])
        while todo:
            n = todo.popleft()
            for o in sorted(adj[n]):
                if o not in dist:
                    dist[o] = dist[n] + 1
                    todo.append(o)
        return dist

    def _names(self) -> dict[str, str]:
        return {i: e.name for i, e in self.entities.items()}

    def _ordered_relations(self):
        dist = self.distances()
        return sorted(self.relations.values(),
                      key=lambda r: (min(dist.get(r.subject, 99), dist.get(r.object, 99)),
                                     self.entities[r.other(self.center)].name
                                     if self.center in (r.subject, r.object) else "", r.id))

    def as_dict(self) -> dict[str, Any]:
        names, dist = self._names(), self.distances()
        return {
            "center": brief(self.entities[self.center]),
            "depth": self.depth,
            "as_of": iso(self.as_of),
            "cap": self.cap,
            "entities": [{**brief(e), "distance": dist.get(i)} for i, e in
                         sorted(self.entities.items(), key=lambda kv: (dist.get(kv[0], 99), kv[0]))],
            "relations": [self.rel(r, names=names) for r in self._ordered_relations()],
            "more": dict(sorted(self.more.items())),
            "hubs_not_expanded": [{**brief(self.entities[i]), "relations": d, "entities_not_shown": n}
                                  for i, (d, n) in sorted(self.hubs.items())],
            "left_out": self.left_out_dict(),
        }

    columns = ["id", "type", "subject", "subject_name", "object", "object_name", "since", "until",
               *TIME_COLUMNS, "confidence", "citations"]

    def rows(self) -> list[dict[str, Any]]:
        names = self._names()
        return [{**self.rel(r, names=names), **time_row(r, self.as_of)}
                for r in self._ordered_relations()]

    def lines(self) -> list[str]:
        c = self.entities[self.center]
        n_e, n_r = len(self.entities) - 1, len(self.relations)
        head = (f"{c.name} ({c.id}, {c.type_label}): {n_e} entit{'ies' if n_e != 1 else 'y'} and "
                f"{n_r} relation{'s' if n_r != 1 else ''} within {self.depth} "
                f"hop{'s' if self.depth != 1 else ''}"
                + (f", as of {self.as_of.isoformat()}" if self.as_of else "") + ".")
        names = self._names()
        out = [head]
        out.extend(f"  {self.say(r, names)}" for r in self._ordered_relations())
        for i, n in sorted(self.more.items()):
            out.append(f"  … and {n} more neighbour{'s' if n != 1 else ''} of {names[i]} not shown "
                       f"(cap {self.cap} per entity)")
        if self.hubs:
            out.append("Hubs shown but not expanded (--through-hubs expands them): " + "; ".join(
                f"{names[i]} ({self.entities[i].type_label}, {d} relations: {n} "
                f"entit{'ies' if n != 1 else 'y'} behind it not shown)"
                for i, (d, n) in sorted(self.hubs.items(), key=lambda kv: (-kv[1][0], kv[0]))) + ".")
        return out


@native
def ego_network(store, entity: str, *, depth: int = 1, types: Optional[Iterable[str]] = None,
                as_of=None, cap: Optional[int] = 50, through_hubs: bool = False) -> EgoNetwork:
    """The neighbourhood of an entity: everything within ``depth`` relations, and the relations among them.

    Busy entities are capped: from any one entity at most ``cap`` new neighbours
    are taken (best-sourced, most confident first) and the rest are counted in
    ``.more`` ("and N more"). Beyond the first hop, hubs (countries, economies,
    state actors, anything linked to a fifth of the graph: :mod:`crimegraph.queries.ties`)
    are shown but not expanded unless ``through_hubs``; ``.hubs`` says which, and
    how many entities lie behind each.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    entity : str
        An entity id, name or alias.
    depth : int
        How many relations away to go.
    types : iterable of str, optional
        Only these relation types.
    as_of : date, int or str, optional
        Only relations valid on that day.
    cap : int or None
        Most new neighbours taken from any one entity; ``None`` for no cap.
    through_hubs : bool
        Expand hubs too (the whole neighbourhood, hairball and all).

    Returns
    -------
    EgoNetwork
        A :class:`~crimegraph.graph.subgraph.Subgraph` (maps take it as is) with
        ``center``, ``more`` and the cited ``sources``; ``.as_dict()`` for JSON.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import ego_network
    >>> store = crimegraph.open_store()
    >>> ego = ego_network(store, "Sendero Luminoso")
    >>> ego.center, "vraem" in ego.entities
    ('shining-path', True)
    >>> small = ego_network(store, "peru", cap=2)
    >>> len(small.entities) <= 3, small.more["peru"] > 0
    (True, True)
    """
    check_positive(depth, "depth")
    if cap is not None:
        check_positive(cap, "cap")
    types = check_types(types)
    e = store.resolve(entity)
    hubs: dict[str, tuple[int, int]] = {}
    if depth == 1 or through_hubs:
        sg = store.expand([e.id], depth=depth, types=types, as_of=as_of, cap=cap)
    else:
        sg, hubs = _expand_around_hubs(store, e.id, depth, types, as_of, cap)
    return EgoNetwork(
        entities=sg.entities, relations=sg.relations,
        sources=cited_sources(store, sg.relations.values(), sg.entities.values()),
        more=sg.more, highlight=set(sg.highlight), focus=[e.id],
        center=e.id, depth=depth, as_of=as_of, cap=cap, hubs=hubs, through_hubs=through_hubs)


def _expand_around_hubs(store, center: str, depth: int, types, as_of, cap):
    """Breadth-first from ``center``, level by level with :meth:`Store.expand`, never from a hub."""
    from . import ties

    sg = store.expand([center], depth=1, types=types, as_of=as_of, cap=cap)
    entities, more = dict(sg.entities), dict(sg.more)
    frontier = [i for i in entities if i != center]
    total = ties.entity_total(store)
    degrees: dict[str, int] = {}
    hub_ids: list[str] = []
    for _ in range(1, depth):
        degrees.update(store.degrees(frontier, as_of=as_of))
        hubs = [i for i in frontier if ties.is_hub(entities[i], degrees[i], total)]
        hub_ids += hubs
        grow = [i for i in frontier if i not in hubs]
        if not grow:
            break
        nxt = store.expand(grow, depth=1, types=types, as_of=as_of, cap=cap)
        frontier = [i for i in nxt.entities if i not in entities]
        entities.update(nxt.entities)
        for i, n in nxt.more.items():
            more[i] = more.get(i, 0) + n
    out = store.subgraph(entities, types=types, as_of=as_of)
    out.more = more
    behind = {}
    for h in hub_ids:
        hidden = set(store.neighbour_ids(h, types=types, as_of=as_of)) - set(entities)
        behind[h] = (degrees[h], len(hidden))
    return out, {h: v for h, v in behind.items() if v[1]}
