"""What goes on a map: the subgraph behind each ``crimegraph map`` mode, and the filters.

Modes (one at a time): the whole graph, an ego network, the connections
between two entities, a place (everything in it and inside it), an illicit
economy. Each is built on :mod:`crimegraph.queries`, so that a map shows the
same answer as ``crimegraph query``. Filters then apply to any mode: entity
kinds or types, relation types, a day (``as_of``) or a period
(``since``/``until``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Optional

from crimegraph.errors import CrimegraphError, UsageError
from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES, Kind


class NothingToMap(CrimegraphError):
    """The selection is empty (no connection, nothing in the period): no page is written."""

    exit_code = 1


@dataclass
class Selection:
    """A subgraph to map, with a title and a description of how it was chosen."""

    subgraph: Subgraph
    title: str
    subtitle: str = ""
    slug: str = "map"
    period: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: ``(lat, lon, km)`` of a ``near`` selection (the geographic map draws the circle)
    near: Optional[tuple[float, float, float]] = None


def parse_entity_types(values: Optional[Iterable[str]], name: str = "--types"
                       ) -> tuple[Optional[frozenset[str]], Optional[frozenset[str]]]:
    """Split ``--types`` values into (entity kinds/types, relation types).

    Entity kinds (``actor``), entity types (``armed_group``) and relation types
    (``allied_with``) have distinct names, so one flag can take any of them;
    repeated or comma-separated, hyphens or underscores.

    >>> entity, relation = parse_entity_types(["actor,allied-with", "port"])
    >>> sorted(entity), sorted(relation)
    (['actor', 'port'], ['allied_with'])
    """
    if not values:
        return None, None
    if isinstance(values, str):
        values = [values]
    names = {v.strip().replace("-", "_") for item in values for v in item.split(",") if v.strip()}
    kinds = {k.value for k in Kind}
    entity = {n for n in names if n in kinds or n in ENTITY_TYPES}
    relation = {n for n in names if n in RELATION_TYPES}
    unknown = sorted(names - entity - relation)
    if unknown:
        raise UsageError(
            f"{name}: unknown {', '.join(unknown)}; use entity kinds ({', '.join(sorted(kinds))}), "
            f"entity types ({', '.join(ENTITY_TYPES)}) or relation types ({', '.join(RELATION_TYPES)})")
    return (frozenset(entity) or None), (frozenset(relation) or None)


def _types_text(types: Optional[frozenset[str]]) -> str:
    return ", ".join(sorted(types)) if types else ""


def select(store, *, ego: Optional[str] = None, depth: int = 1, cap: Optional[int] = 50,
           path: Optional[tuple[str, str]] = None, max_hops: int = 4, k: int = 5,
           place: Optional[str] = None, economy: Optional[str] = None,
           near: Optional[tuple[float, float, float]] = None,
           as_of=None, since=None, until=None,
           entity_types: Optional[Iterable[str]] = None,
           relation_types: Optional[Iterable[str]] = None,
           natures: Optional[Iterable[str]] = None, avoid: Iterable[str] = (),
           similar: bool = False, through_hubs: bool = False) -> Selection:
    """The subgraph behind one map, with a title: one mode at most, then the filters.

    Parameters
    ----------
    store : Store
        Any store.
    ego, depth, cap : str, int, int or None
        An entity's neighbourhood within ``depth`` relations, at most ``cap`` new
        neighbours per entity (the rest counted as "+N").
    path, max_hops, k : (str, str), int, int
        The ``k`` most telling paths between two entities (as ``query connections``),
        highlighted, with the other relations among their entities; ``natures``,
        ``avoid`` and ``similar`` as there.
    through_hubs : bool
        With ``ego``: expand hubs (countries, economies, state actors) too.
    place : str
        Actors operating in a place or anywhere inside it, the places inside it,
        the events there and the economies it is a hub for.
    economy : str
        An illicit economy, its actors, its hubs and the events that concern it.
    near : (float, float, float)
        ``(lat, lon, km)``: as ``place``, for every place whose point lies within
        ``km`` of the point (:func:`crimegraph.queries.actors_near`).
    as_of : date, int or str, optional
        Only relations valid on that day (a year means its last day).
    since, until : date, int or str, optional
        Only relations valid at some time in the period (``since`` a year means
        its first day, ``until`` its last).
    entity_types : iterable of str, optional
        Entity kinds or types to keep (focus entities always stay).
    relation_types : iterable of str, optional
        Relation types to keep (and, for ego, path and place, to follow).

    Without a mode, the whole graph. Entities and relations are looked up by
    id, name or alias. Raises :class:`NothingToMap` when nothing is left.

    Examples
    --------
    >>> import crimegraph
    >>> store = crimegraph.open_store()
    >>> sel = select(store, place="vraem", as_of=2019)
    >>> sel.title, "shining-path" in sel.subgraph.entities
    ('Apurímac, Ene and Mantaro River Valley (VRAEM): who operates there', True)
    """
    from crimegraph.queries.params import coerce_as_of

    as_of = coerce_as_of(as_of, "as_of")
    until = coerce_as_of(until, "until")
    if since is not None and not isinstance(since, dt.date):
        from crimegraph.schema.types import PartialDate

        try:
            since = PartialDate.parse(since).start
        except ValueError as exc:
            raise UsageError(f"since: {exc}") from None
    entity_types = frozenset(entity_types) if entity_types else None
    relation_types = frozenset(relation_types) if relation_types else None
    modes = [m for m, v in (("--ego", ego), ("--path", path), ("--place", place),
                            ("--near", near), ("--economy", economy)) if v]
    if len(modes) > 1:
        raise UsageError(f"choose one of --ego, --path, --place, --near and --economy (got {', '.join(modes)})")
    if as_of is not None and (since is not None or until is not None):
        raise UsageError("use either --as-of (one day) or --since/--until (a period), not both")
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    if ego:
        sel = _ego(store, ego, depth, cap, as_of, relation_types, through_hubs)
    elif path:
        sel = _path(store, path[0], path[1], max_hops, k, as_of, relation_types, natures, avoid, similar)
    elif place:
        sel = _place(store, place, as_of, relation_types)
    elif near:
        sel = _near(store, *near, as_of, relation_types)
    elif economy:
        sel = _economy(store, economy, as_of, relation_types)
    else:
        sel = _whole(store, as_of)
    sel.subgraph = filter_subgraph(sel.subgraph, entity_types=entity_types,
                                   relation_types=relation_types, since=since, until=until)
    _fill_sources(store, sel.subgraph)
    bits = []
    if as_of:
        bits.append(f"as of {as_of.isoformat()}")
        sel.period["as_of"] = as_of.isoformat()
    if since or until:
        bits.append(f"{since.isoformat() if since else '…'} to {until.isoformat() if until else '…'}")
        if since:
            sel.period["since"] = since.isoformat()
        if until:
            sel.period["until"] = until.isoformat()
    if entity_types:
        bits.append(f"entities: {_types_text(entity_types)}")
    if relation_types:
        bits.append(f"relations: {_types_text(relation_types)}")
    if bits:
        sel.subtitle = " · ".join([b for b in (sel.subtitle,) if b] + bits)
    if not sel.subgraph.entities:
        raise NothingToMap("nothing to map with these filters; no page was written "
                           "(loosen --types/--relations or the dates)")
    return sel


def filter_subgraph(sg: Subgraph, *, entity_types: Optional[Iterable[str]] = None,
                    relation_types: Optional[Iterable[str]] = None,
                    since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> Subgraph:
    """Keep entities of some kinds/types and relations of some types or meeting a period.

    Entities left without any relation by the filters are dropped (they were
    on the map only through a relation that is gone), except focus entities
    and entities that had no relation to begin with.
    """
    if not entity_types and not relation_types and since is None and until is None:
        return sg
    etypes = set(entity_types or ())
    keep_entity = {i: e for i, e in sg.entities.items()
                   if not etypes or i in sg.focus or e.type in etypes or e.kind.value in etypes}
    rtypes = set(relation_types or ())
    rels = {i: r for i, r in sg.relations.items()
            if r.subject in keep_entity and r.object in keep_entity
            and (not rtypes or r.type in rtypes)
            and (since is None and until is None or r.overlaps(since, until))}
    had = {x for r in sg.relations.values() for x in (r.subject, r.object)}
    has = {x for r in rels.values() for x in (r.subject, r.object)}
    entities = {i: e for i, e in keep_entity.items()
                if i in has or i in sg.focus or i not in had}
    out = Subgraph(entities=entities, relations=rels, sources=dict(sg.sources),
                   more={i: n for i, n in sg.more.items() if i in entities},
                   highlight={h for h in sg.highlight if h in rels},
                   focus=[f for f in sg.focus if f in entities])
    return out


def _fill_sources(store, sg: Subgraph) -> None:
    from crimegraph.errors import SourceNotFound

    for sid in sorted(sg.cited_source_ids() - set(sg.sources)):
        try:
            sg.sources[sid] = store.source(sid)
        except SourceNotFound:  # a dangling citation: the page shows its id
            pass


# ------------------------------------------------------------------ modes
def _whole(store, as_of) -> Selection:
    entities = list(store.entities())
    relations = store.relations(as_of=as_of)
    sg = Subgraph.of(entities, relations)
    if as_of is not None:  # drop what the date left unconnected
        sg = _prune_isolated_by(sg, store)
    meta = getattr(store, "meta", None)
    title = (getattr(meta, "title", None) or "crimegraph: the whole graph")
    return Selection(sg, title, "whole graph", "map")


def _prune_isolated_by(sg: Subgraph, store) -> Subgraph:
    linked = {x for r in sg.relations.values() for x in (r.subject, r.object)}
    keep = {i: e for i, e in sg.entities.items() if i in linked or not store.relations(i)}
    return Subgraph(entities=keep, relations=sg.relations, focus=list(sg.focus))


def _ego(store, ref, depth, cap, as_of, relation_types, through_hubs=False) -> Selection:
    from crimegraph.queries import ego_network

    ego = ego_network(store, ref, depth=depth, types=relation_types, as_of=as_of, cap=cap,
                      through_hubs=through_hubs)
    center = ego.entities[ego.center]
    hops = f"{depth} hop{'s' if depth != 1 else ''}"
    sub = f"ego network, {hops}" + (f", at most {cap} new neighbours per entity" if cap and ego.more else "")
    notes = []
    if ego.hubs:
        sub += f", {len(ego.hubs)} hub{'s' if len(ego.hubs) != 1 else ''} not expanded"
        notes.append(ego.lines()[-1])
    return Selection(ego, f"{center.name}: its network within {hops}", sub,
                     f"ego-{center.id}", notes=notes)


def _path(store, a, b, max_hops, k, as_of, relation_types, natures=None, avoid=(),
          similar=False) -> Selection:
    from crimegraph.queries import connections

    found = connections(store, a, b, max_hops=max_hops, k=k, as_of=as_of, types=relation_types,
                        natures=natures, avoid=avoid, similar=similar)
    if not found.found:
        raise NothingToMap(found.message + "; nothing was written (try a larger --max-hops, or "
                           "fewer filters)")
    ids: dict[str, None] = {}
    highlight: set[str] = set()
    for p in found.paths:
        for e in p.entities:
            ids[e.id] = None
        for s in p.steps:
            highlight.add(s.relation.id)
    # every relation among the entities of the paths: the path steps highlighted,
    # the rest (other ties between them) drawn faint for context
    sg = store.subgraph(ids, types=relation_types, as_of=as_of)
    sg.highlight = highlight & set(sg.relations)
    sg.focus = [found.a.id, found.b.id]
    sg.sources.update(found.sources)
    n = len(found.paths)
    sub = (f"the {n} most telling path{'s' if n != 1 else ''} within {max_hops} hops"
           + (", criminal ties first" if found.criminal_tie else
              ", no criminal tie" if found.criminal_tie is False else ""))
    notes = [found.message + "."] + [f"Path {i}: {p.sentence} ({p.strength})."
                                     for i, p in enumerate(found.paths, 1)]
    return Selection(sg, f"How {found.a.name} and {found.b.name} are connected", sub,
                     f"path-{found.a.id}--{found.b.id}", notes=notes)


def _around(store, place_ids, presences, as_of, relation_types):
    """The subgraph of some places: their actors, the events there, the economies they are hubs for."""
    ids: dict[str, None] = dict.fromkeys(place_ids)
    for p in presences:
        ids[p.actor.id] = None
    for pid in place_ids:
        for r in store.relations(pid, direction="in", types=("occurred_in",), as_of=as_of):
            ids[r.subject] = None
        for r in store.relations(pid, direction="out", types=("hub_for",), as_of=as_of):
            ids[r.object] = None
    return store.subgraph(ids, types=relation_types, as_of=as_of)


def _place(store, ref, as_of, relation_types) -> Selection:
    from crimegraph.queries import actors_in

    found = actors_in(store, ref, as_of=as_of, types=("operates_in", "traffics_to"))
    place = found.place
    sg = _around(store, found.places, found.presences, as_of, relation_types)
    sg.focus = [place.id]
    sg.sources.update(found.sources)
    n = len(found.actors)
    return Selection(sg, f"{place.name}: who operates there", f"{n} actor{'s' if n != 1 else ''} in "
                     f"{place.name} or a place inside it ({len(found.places)} places)",
                     f"place-{place.id}")


def _near(store, lat, lon, km, as_of, relation_types) -> Selection:
    from crimegraph.queries import actors_near

    found = actors_near(store, lat, lon, km, as_of=as_of, types=("operates_in", "traffics_to"))
    if not found.places:
        raise NothingToMap(f"--near: no place with coordinates lies within {km:g} km of {lat:g}, {lon:g}; "
                           "no page was written (widen --km)")
    sg = _around(store, [p.id for p, _ in found.places], found.presences, as_of, relation_types)
    sg.focus = [p.id for p, _ in found.places]
    sg.sources.update(found.sources)
    n, k = len(found.actors), len(found.places)
    where = f"{km:g} km of {lat:g}, {lon:g}"
    slug = f"near-{lat:g}_{lon:g}-{km:g}km"
    return Selection(sg, f"Within {where}: who operates there",
                     f"{n} actor{'s' if n != 1 else ''} in {k} place{'s' if k != 1 else ''} within {where} "
                     "(great-circle distance to each place's point)", slug, near=(lat, lon, km))


def _economy(store, ref, as_of, relation_types) -> Selection:
    from crimegraph.queries import actors_in_economy

    found = actors_in_economy(store, ref, as_of=as_of)
    econ = found.entity
    ids: dict[str, None] = {econ.id: None}
    for e in found.entities:
        ids[e.id] = None
    for r in store.relations(econ.id, direction="in", types=("hub_for", "concerns"), as_of=as_of):
        ids[r.subject] = None
    sg = store.subgraph(ids, types=relation_types, as_of=as_of)
    sg.focus = [econ.id]
    sg.sources.update(found.sources)
    n = len(found.entities)
    return Selection(sg, f"{econ.name}: who runs it, and where", f"{n} actor{'s' if n != 1 else ''}, "
                     "the places that are its hubs and the events that concern it",
                     f"economy-{econ.id}")
