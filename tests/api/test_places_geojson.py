"""``GET {base}api/places.geojson`` from a real ``crimegraph serve`` (uvicorn), read with the
``geojson`` library as a GIS tool's GeoJSON reader would read it."""

from __future__ import annotations

import httpx
import pytest

geojson = pytest.importorskip("geojson")

VRAEM = "-12.277,-73.961"


def get(live_server, **params):
    r = httpx.get(live_server.url("api/places.geojson"), params=params, timeout=30)
    return r


def features(live_server, **params):
    r = get(live_server, **params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == "application/geo+json"
    fc = geojson.loads(r.text)
    assert isinstance(fc, geojson.FeatureCollection) and fc.is_valid, fc.errors()
    return fc


def points(fc):
    return {f["id"]: f for f in fc["features"] if f["geometry"]["type"] == "Point"}


def test_every_place_is_a_valid_point_with_its_source(live_server, peru_dataset):
    fc = features(live_server)
    pts = points(fc)
    placed = {e.id: e for e in peru_dataset.entities.values() if getattr(e, "coordinates", None)}
    assert set(pts) == set(placed) and len(pts) == 55
    for pid, f in pts.items():
        c = placed[pid].coordinates
        assert isinstance(geojson.GeoJSON.to_instance(f["geometry"]), geojson.Point)
        assert f["geometry"]["coordinates"] == [c.lon, c.lat]  # RFC 7946: longitude first
        assert f["properties"]["iri"] == live_server.base + "id/" + pid
        assert f["properties"]["coordinates_source"] and f["properties"]["sources"]
        if c.bbox is not None:
            assert f["bbox"] == list(c.bbox)
    titicaca = pts["lake-titicaca"]["properties"]
    assert "Natural Earth" in titicaca["coordinates_source"] and titicaca["type"] == "lake"
    vraem = pts["vraem"]["properties"]
    assert "shining-path" in {a["id"] for a in vraem["actors"]} and vraem["actor_count"] >= 5
    assert all(a["relation"] in peru_dataset.relations and a["sources"] for a in vraem["actors"])
    routes = [f for f in fc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(routes) > 5
    for f in routes:
        r = peru_dataset.relations[f["id"]]
        assert r.type == "traffics_to" and (f["properties"]["from"], f["properties"]["to"]) == (r.subject, r.object)
        a, b = placed[r.subject].coordinates, placed[r.object].coordinates
        assert f["geometry"]["coordinates"] == [[a.lon, a.lat], [b.lon, b.lat]]


def test_as_of_keeps_the_actors_and_routes_known_then(live_server):
    now, then = features(live_server), features(live_server, as_of="1985")
    assert then["crimegraph"]["as_of"] == "1985-12-31"
    actors = lambda fc: {a["id"] for f in points(fc).values() for a in f["properties"]["actors"]}  # noqa: E731
    assert "tren-de-aragua" in actors(now) and "tren-de-aragua" not in actors(then)
    assert actors(then) < actors(now)
    assert set(points(then)) == set(points(now))  # places are timeless
    states = {a["state"] for f in points(then).values() for a in f["properties"]["actors"]}
    assert states <= {"valid", "reported"} and {a["state"] for f in points(now).values()
                                                  for a in f["properties"]["actors"]} == {None}
    assert then["crimegraph"]["routes"] < now["crimegraph"]["routes"]


def test_filters_type_within_near_and_routes(live_server, peru_store):
    from crimegraph.queries import places_near, places_within

    ports = points(features(live_server, type="port"))
    assert ports and all(f["properties"]["type"] == "port" for f in ports.values()) and "callao-port" in ports
    inside = features(live_server, within="VRAEM")  # a name resolves as everywhere
    assert set(points(inside)) == set(places_within(peru_store, "vraem"))
    near = features(live_server, near=VRAEM, km="50", routes="false")
    assert set(points(near)) == {p.id for p, _ in places_near(peru_store, -12.277, -73.961, 50)}
    assert all(f["geometry"]["type"] == "Point" for f in near["features"])
    assert points(near)["pichari"]["properties"]["distance_km"] == pytest.approx(29, abs=1)
    both = features(live_server, type="city,port", within="peru")
    assert {f["properties"]["type"] for f in points(both).values()} == {"city", "port"}


@pytest.mark.parametrize("params, status, words", [
    ({"near": "abc"}, 400, "near: expected LAT,LON"),
    ({"near": "95,0"}, 400, "near: latitude 95 is not between -90 and 90"),
    ({"km": "10"}, 400, "km: give it with near=LAT,LON"),
    ({"type": "castle"}, 400, "type: unknown place type castle"),
    ({"within": "shining-path"}, 400, "within: Shining Path (shining-path) is not a place"),
    ({"within": "no-such-place-anywhere"}, 404, "no-such-place-anywhere"),
    ({"km": "-1", "near": VRAEM}, 422, "km"),
])
def test_bad_parameters_are_problems_naming_the_parameter(live_server, params, status, words):
    r = get(live_server, **params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.text


def test_conditional_get(live_server):
    r = get(live_server, type="lake")
    again = httpx.get(live_server.url("api/places.geojson"), params={"type": "lake"},
                      headers={"If-None-Match": r.headers["etag"]}, timeout=30)
    assert again.status_code == 304 and not again.content
