"""``actors_in(place)``: who operates in a place or anywhere inside it."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.base import check_types
from crimegraph.graph.text import normalize
from crimegraph.schema.models import Entity, Relation

from .answer import Answer
from .dispatch import native
from .shapes import TIME_COLUMNS, brief, cited_sources, iso, time_row


@dataclass
class Presence:
    """An actor's relation to a place inside the place asked about.

    ``within`` is the chain of places from the one asked about down to
    ``place`` (``["peru", "vraem"]``); it is ``[place]`` for the place itself.
    """

    actor: Entity
    relation: Relation
    place: Entity
    within: list[str]


class _Presences(Answer):
    """What both place answers share: their presences, each actor once, and a presence as JSON
    and as a row (``extra``: the answer's own column after the place, ``within`` or ``distance_km``)."""

    presences: list[Presence]

    LISTS_LEFT_OUT = True

    def shown_relations(self):
        return [p.relation for p in self.presences]

    @property
    def actors(self) -> list[Entity]:
        """Each actor once, in the order of :attr:`presences`."""
        return list({p.actor.id: p.actor for p in self.presences}.values())

    def _presence(self, p: Presence, names: dict[str, str], **extra) -> dict[str, Any]:
        return {"actor": brief(p.actor), "place": brief(p.place), **extra,
                "relation": self.rel(p.relation, names=names), "sentence": self.say(p.relation, names)}

    def _row(self, p: Presence, **extra) -> dict[str, Any]:
        r = p.relation
        return {
            "actor_id": p.actor.id, "actor_name": p.actor.name, "actor_type": p.actor.type,
            "relation_id": r.id, "type": r.type, "place_id": p.place.id, "place_name": p.place.name,
            **extra,
            "since": r.since.value if r.since else None,
            "until": r.until.value if r.until else None,
            **time_row(r, self.as_of),
            "confidence": r.confidence.code,
            "sources": [c.source for c in r.citations],
        }


@dataclass
class PlaceActors(_Presences):
    """The actors of a place and of every place inside it (``located_in``, followed down)."""

    place: Entity
    presences: list[Presence]
    places: list[str]
    names: dict[str, str] = field(default_factory=dict)

    def _names(self) -> dict[str, str]:
        names = {**self.names, self.place.id: self.place.name}
        for p in self.presences:
            names[p.actor.id] = p.actor.name
            names[p.place.id] = p.place.name
        return names

    def as_dict(self) -> dict[str, Any]:
        names = self._names()
        return {
            "place": brief(self.place),
            "as_of": iso(self.as_of),
            "places_searched": len(self.places),
            "actors": [brief(a) for a in self.actors],
            "presences": [self._presence(p, names, within=p.within) for p in self.presences],
            "left_out": self.left_out_dict(),
        }

    columns = ["actor_id", "actor_name", "actor_type", "relation_id", "type", "place_id",
               "place_name", "within", "since", "until", *TIME_COLUMNS, "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        return [self._row(p, within=" > ".join(p.within)) for p in self.presences]

    def lines(self) -> list[str]:
        n, names = len(self.actors), self._names()
        out = [f"{n} actor{'s' if n != 1 else ''} in {self.place.name} ({self.place.id}) or a "
               f"place inside it{self.when()} ({len(self.places)} place{'s' if len(self.places) != 1 else ''} searched)."]
        for p in self.presences:
            via = f" [in {' › '.join(names.get(i, i) for i in p.within)}]" if len(p.within) > 1 else ""
            out.append(f"  {self.say(p.relation, names)}{via}")
        return out


def places_within(store, place: str, *, as_of=None) -> dict[str, list[str]]:
    """Every place inside ``place`` (following ``located_in`` down), with the chain to reach it.

    Returns ``{place id: [place, ..., that place]}``, the place itself first;
    breadth-first, so each chain is a shortest one.
    """
    chains = {place: [place]}
    todo = deque([place])
    while todo:
        p = todo.popleft()
        for r in store.relations(p, direction="in", types=("located_in",), as_of=as_of):
            if r.subject not in chains:
                chains[r.subject] = chains[p] + [r.subject]
                todo.append(r.subject)
    return chains


@native
def actors_in(store, place: str, *, as_of=None,
              types: Optional[Iterable[str]] = ("operates_in",)) -> PlaceActors:
    """Actors operating in a place or anywhere inside it, each with the relation and its period.

    The place hierarchy is followed down through ``located_in``: the actors of the
    VRAEM, of Callao and of Lake Titicaca are actors of Peru.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    place : str
        A place id, name or alias.
    as_of : date, int or str, optional
        Only relations valid on that day (the hierarchy too).
    types : iterable of str
        The actor-to-place relation types that count (default ``operates_in``;
        add ``traffics_to`` for trafficking destinations).

    Returns
    -------
    PlaceActors
        ``.presences`` (actor, relation, place, chain of places), sorted by actor
        name; ``.actors`` lists each actor once.

    Raises
    ------
    UsageError
        The entity is not a place.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import actors_in
    >>> store = crimegraph.open_store()
    >>> peru = actors_in(store, "peru")
    >>> vraem = {a.id for a in actors_in(store, "vraem").actors}
    >>> "shining-path" in vraem and vraem <= {a.id for a in peru.actors}
    True
    """
    types = check_types(types)
    p = store.resolve(place)
    if p.kind.value != "place":
        raise UsageError(f"actors_in needs a place; {p.name} ({p.id}) is {_a(p.type_label)}")
    chains = places_within(store, p.id, as_of=as_of)
    cache: dict[str, Entity] = {}

    def ent(i: str) -> Entity:
        if i not in cache:
            cache[i] = store.entity(i)
        return cache[i]

    presences = []
    for pid, chain in chains.items():
        for r in store.relations(pid, direction="in", types=types, as_of=as_of):
            if r.object != pid:
                continue
            actor = ent(r.subject)
            if actor.kind.value == "actor":
                presences.append(Presence(actor, r, ent(pid), chain))
    presences.sort(key=lambda x: (normalize(x.actor.name), x.actor.id, len(x.within),
                                  normalize(x.place.name), x.relation.id))
    for x in presences:
        for i in x.within:
            ent(i)
    return PlaceActors(p, presences, list(chains), {i: e.name for i, e in cache.items()},
                       as_of=as_of, sources=cited_sources(store, [x.relation for x in presences]))


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


@dataclass
class NearActors(_Presences):
    """The actors of every place whose point lies within ``km`` of a point (great-circle distance).

    ``places`` lists ``(place, distance in km)`` nearest first; each presence's
    ``within`` is ``[place]`` (the place itself: a radius follows no hierarchy).
    """

    lat: float
    lon: float
    km: float
    places: list[tuple[Entity, float]]
    presences: list[Presence]

    @property
    def distances(self) -> dict[str, float]:
        return {p.id: d for p, d in self.places}

    def _names(self) -> dict[str, str]:
        names = {p.id: p.name for p, _ in self.places}
        for x in self.presences:
            names[x.actor.id] = x.actor.name
        return names

    def _where(self) -> str:
        return f"{self.km:g} km of {self.lat:g}, {self.lon:g}"

    def as_dict(self) -> dict[str, Any]:
        names, dist = self._names(), self.distances
        return {
            "near": {"lat": self.lat, "lon": self.lon, "km": self.km},
            "as_of": iso(self.as_of),
            "places": [{**brief(p), "distance_km": round(d, 3)} for p, d in self.places],
            "actors": [brief(a) for a in self.actors],
            "presences": [self._presence(x, names, distance_km=round(dist[x.place.id], 3))
                          for x in self.presences],
            "left_out": self.left_out_dict(),
        }

    columns = ["actor_id", "actor_name", "actor_type", "relation_id", "type", "place_id",
               "place_name", "distance_km", "since", "until", *TIME_COLUMNS, "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        dist = self.distances
        return [self._row(x, distance_km=round(dist[x.place.id], 3)) for x in self.presences]

    def lines(self) -> list[str]:
        n, names, dist = len(self.actors), self._names(), self.distances
        k = len(self.places)
        where = ", ".join(f"{p.name} {d:.0f} km" for p, d in self.places[:8])
        more = f", +{k - 8} more" if k > 8 else ""
        out = [f"{n} actor{'s' if n != 1 else ''} in a place within {self._where()}{self.when()} "
               f"({k} place{'s' if k != 1 else ''}{': ' + where + more if k else ''})."]
        for x in self.presences:
            out.append(f"  {self.say(x.relation, names)} [{dist[x.place.id]:.0f} km away]")
        return out


def places_near(store, lat: float, lon: float, km: float) -> list[tuple[Entity, float]]:
    """Places whose representative point lies within ``km`` of ``(lat, lon)``, nearest first.

    The distance is the haversine great-circle distance (:mod:`crimegraph.schema.geo`)
    to the place's point; an area's extent is not added (a country's centroid is
    far from most of the country). Places without coordinates are never near.
    """
    from crimegraph.schema.geo import haversine_km

    out = []
    for p in store.entities(kinds=("place",)):
        c = getattr(p, "coordinates", None)
        if c is None:
            continue
        d = haversine_km(lat, lon, c.lat, c.lon)
        if d <= km:
            out.append((p, d))
    out.sort(key=lambda x: (x[1], normalize(x[0].name), x[0].id))
    return out


@native
def actors_near(store, lat: float, lon: float, km: float, *, as_of=None,
                types: Optional[Iterable[str]] = ("operates_in",)) -> NearActors:
    """Actors operating in a place whose point lies within ``km`` of ``(lat, lon)``.

    Parameters
    ----------
    lat, lon : float
        The point, WGS 84 decimal degrees.
    km : float
        The radius (great-circle distance to each place's point; see :func:`places_near`).
    as_of, types
        As for :func:`actors_in`.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import actors_near
    >>> store = crimegraph.open_store()
    >>> near = actors_near(store, -12.277, -73.961, 50)     # the VRAEM's point
    >>> "vraem" in near.distances and "shining-path" in {a.id for a in near.actors}
    True
    >>> "callao" in near.distances                           # about 390 km away
    False
    """
    from crimegraph.schema.geo import check_km, check_point

    lat, lon = check_point(lat, lon, "near")
    km = check_km(km, "km")
    types = check_types(types)
    places = places_near(store, lat, lon, km)
    cache: dict[str, Entity] = {}
    presences = []
    for place, _ in places:
        for r in store.relations(place.id, direction="in", types=types, as_of=as_of):
            if r.object != place.id:
                continue
            if r.subject not in cache:
                cache[r.subject] = store.entity(r.subject)
            actor = cache[r.subject]
            if actor.kind.value == "actor":
                presences.append(Presence(actor, r, place, [place.id]))
    rank = {p.id: k for k, (p, _) in enumerate(places)}
    presences.sort(key=lambda x: (rank[x.place.id], normalize(x.actor.name), x.actor.id, x.relation.id))
    return NearActors(lat, lon, km, places, presences, as_of=as_of,
                      sources=cited_sources(store, [x.relation for x in presences]))
