"""The places as GeoJSON (RFC 7946), for GIS tools: ``GET {base}api/places.geojson``.

A ``FeatureCollection`` of

* one ``Point`` feature per place with coordinates (``[lon, lat]``, WGS 84, as
  RFC 7946 orders them), with the place's ``bbox`` where it has one, and
  properties: ``id``, ``iri``, ``name``, ``type``, ``type_label``,
  ``radius_km`` and ``extent_km`` (an area's extent), ``geonames``,
  ``coordinates_source`` (the ``derived`` note saying where the numbers come
  from), ``sources`` (the place's cited source ids), and the actors present
  (``operates_in``) with each relation's id, state on ``as_of`` and sources;
* one ``LineString`` feature per route (``traffics_to`` from a place to a
  place, both with coordinates), with the relation's id, period, confidence,
  state and sources.

Places are timeless (a ``located_in`` hierarchy); ``as_of`` keeps the actors
and routes valid or reported on that day (:mod:`crimegraph.schema.timing`),
each marked with its state. Filters: ``types`` (place types; an unknown one is an error naming ``type``, the API parameter), ``within`` (a
place and every place inside it, ``located_in`` followed down), ``near``
(``(lat, lon, km)``: the places whose point lies within ``km``, great-circle)
and ``routes`` (false: places only).

>>> import crimegraph
>>> fc = places_geojson(crimegraph.open_store(), base="https://example.org/", within="vraem")
>>> fc["type"], sorted({f["geometry"]["type"] for f in fc["features"]})
('FeatureCollection', ['Point'])
>>> vraem = [f for f in fc["features"] if f["id"] == "vraem"][0]
>>> vraem["geometry"]["coordinates"], vraem["properties"]["iri"]
([-73.961, -12.277], 'https://example.org/id/vraem')
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.schema.timing import state
from crimegraph.schema.vocab import ENTITY_TYPES, Kind

from .params import coerce_as_of

#: the place types a ``types`` filter accepts
PLACE_TYPES = tuple(t for t, (kind, _label) in ENTITY_TYPES.items() if kind is Kind.place)


def _state(r, day) -> Optional[str]:
    return None if day is None else state(r.timing, day)


def places_geojson(store, *, base: str, as_of=None, types: Optional[Iterable[str]] = None,
                   within: Optional[str] = None, near: Optional[tuple[float, float, float]] = None,
                   routes: bool = True) -> dict[str, Any]:
    """The places (and routes) of ``store`` as a GeoJSON ``FeatureCollection`` (a plain dict).

    ``base`` is the IRI base (``{base}id/{slug}``). Raises :class:`UsageError` for an
    unknown place type, a ``within`` that is not a place, or a bad point or radius.
    """
    from .places import places_near, places_within

    day = coerce_as_of(as_of, "as_of")
    wanted = None
    if types:
        wanted = {t.strip().replace("-", "_") for item in types for t in str(item).split(",") if t.strip()}
        unknown = sorted(wanted - set(PLACE_TYPES))
        if unknown:
            raise UsageError(f"type: unknown place type {', '.join(unknown)}; use {', '.join(PLACE_TYPES)}")
    keep: Optional[set[str]] = None
    distance: dict[str, float] = {}
    if within is not None:
        p = store.resolve(within)
        if p.kind is not Kind.place:
            raise UsageError(f"within: {p.name} ({p.id}) is not a place")
        keep = set(places_within(store, p.id))
    if near is not None:
        from crimegraph.schema.geo import check_km, check_point

        lat, lon = check_point(near[0], near[1], "near")
        km = check_km(near[2], "km")
        distance = {p.id: d for p, d in places_near(store, lat, lon, km)}
        keep = set(distance) if keep is None else keep & set(distance)
    places = {}
    for p in store.entities(kinds=("place",)):
        c = getattr(p, "coordinates", None)
        if c is None or (wanted and p.type not in wanted) or (keep is not None and p.id not in keep):
            continue
        places[p.id] = p
    names: dict[str, str] = {}

    def name(i: str) -> str:
        if i not in names:
            names[i] = places[i].name if i in places else store.entity(i).name
        return names[i]

    features = []
    for p in places.values():
        c = p.coordinates
        actors = []
        for r in store.relations(p.id, direction="in", types=("operates_in",), as_of=day):
            if r.object != p.id:
                continue
            actors.append({"id": r.subject, "name": name(r.subject), "relation": r.id,
                           "state": _state(r, day), "confidence": r.confidence.code,
                           "sources": [x.source for x in r.citations]})
        actors.sort(key=lambda a: (a["name"].casefold(), a["id"]))
        props: dict[str, Any] = {
            "id": p.id, "iri": f"{base}id/{p.id}", "name": p.name, "type": p.type,
            "type_label": p.type_label, "radius_km": c.radius_km,
            "extent_km": round(c.extent_km, 3) if c.extent_km else None,
            "geonames": p.external_ids.get("geonames"),
            "coordinates_source": (p.derived or {}).get("coordinates"),
            "sources": [x.source for x in p.citations],
            "actor_count": len({a["id"] for a in actors}), "actors": actors,
        }
        if p.id in distance:
            props["distance_km"] = round(distance[p.id], 3)
        feature: dict[str, Any] = {"type": "Feature", "id": p.id,
                                   "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                                   "properties": props}
        if c.bbox is not None:
            feature["bbox"] = list(c.bbox)
        features.append(feature)
    if routes:
        for r in store.relations(types=("traffics_to",), as_of=day):
            if r.subject not in places or r.object not in places or r.subject == r.object:
                continue
            a, b = places[r.subject].coordinates, places[r.object].coordinates
            features.append({"type": "Feature", "id": r.id,
                             "geometry": {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]},
                             "properties": {
                                 "id": r.id, "iri": f"{base}relation/{r.id}", "kind": "route",
                                 "type": r.type, "from": r.subject, "from_name": name(r.subject),
                                 "to": r.object, "to_name": name(r.object),
                                 "since": r.since.value if r.since else None,
                                 "until": r.until.value if r.until else None,
                                 "state": _state(r, day), "confidence": r.confidence.code,
                                 "sources": [x.source for x in r.citations]}})
    return {"type": "FeatureCollection", "features": features,
            "crimegraph": {"as_of": day.isoformat() if day else None, "places": len(places),
                           "routes": len(features) - len(places)}}
