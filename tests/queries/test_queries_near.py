"""Place questions by a point and a radius: ``actors_near`` and ``--near LAT,LON --km`` on the Peru data."""

from __future__ import annotations

import csv
import io
import json

import pytest

from crimegraph.errors import UsageError
from crimegraph.queries import actors_in, actors_near, places_near
from crimegraph.schema.geo import haversine_km

VRAEM = (-12.277, -73.961)   # the VRAEM's point in seeds/peru/places.yaml
CALLAO = (-12.05162, -77.13452)


def test_places_near_are_those_whose_point_is_within_the_radius(peru_store, peru_dataset):
    found = places_near(peru_store, *VRAEM, 50)
    ids = [p.id for p, _ in found]
    # worked out by hand from the seeds: the four places at the VRAEM's point, Pichari 29 km away
    assert ids[:4] == ["vraem", "mayapo", "san-miguel-del-ene", "vizcatan"] and ids[4:] == ["pichari"]
    assert [round(d) for _, d in found] == [0, 0, 0, 0, 29]
    # the same set as a brute-force haversine over every place of the dataset
    expected = {e.id for e in peru_dataset.entities.values() if getattr(e, "coordinates", None)
                and haversine_km(*VRAEM, e.coordinates.lat, e.coordinates.lon) <= 50}
    assert set(ids) == expected
    assert "callao" not in ids and "peru" not in ids  # Peru's centroid is about 370 km away


def test_actors_near_the_vraem_are_its_actors_and_those_of_places_nearby(peru_store):
    near = actors_near(peru_store, *VRAEM, 50)
    in_vraem = {a.id for a in actors_in(peru_store, "vraem").actors}
    got = {a.id for a in near.actors}
    assert "shining-path" in got and in_vraem <= got
    assert all(p.place.id in near.distances for p in near.presences)
    assert all(p.relation.type == "operates_in" and p.relation.object == p.place.id for p in near.presences)
    # nearest place first
    dist = [near.distances[p.place.id] for p in near.presences]
    assert dist == sorted(dist)
    # a radius too small for Pichari (29 km) drops its actors' presences there
    assert "pichari" not in actors_near(peru_store, *VRAEM, 20).distances
    # Callao's actors are not near the VRAEM, and are near Callao
    callao = {a.id for a in actors_in(peru_store, "callao").actors}
    only_callao = callao - in_vraem
    assert only_callao and not only_callao & got
    assert callao <= {a.id for a in actors_near(peru_store, *CALLAO, 5).actors}


def test_actors_near_as_of_leaves_out_what_was_not_yet_known(peru_store):
    then = actors_near(peru_store, *VRAEM, 50, as_of=1990)
    assert then.left_out and all(x.state == "not_yet_known" for x in then.left_out)
    assert {p.relation.id for p in then.presences}.isdisjoint({x.relation.id for x in then.left_out})
    d = then.as_dict()
    assert d["near"] == {"lat": VRAEM[0], "lon": VRAEM[1], "km": 50.0} and d["as_of"] == "1990-12-31"


@pytest.mark.parametrize("args, message", [
    ((91, 0, 10), "near: latitude 91 is not between -90 and 90"),
    ((0, 181, 10), "near: longitude 181 is not between -180 and 180"),
    ((0, 0, 0), "km: the radius must be more than 0"),
    ((0, 0, float("nan")), "km: the radius must be more than 0"),
])
def test_bad_points_and_radii_name_what_is_wrong(peru_store, args, message):
    with pytest.raises(UsageError, match=message):
        actors_near(peru_store, *args)


def test_cli_near_json_csv_and_table(cli):
    out = cli("query", "actors-in", "--near", "-12.277,-73.961", "--km", "50", "--format", "json", check_rc=0)
    d = json.loads(out.stdout)
    assert [p["id"] for p in d["places"]][-1] == "pichari" and d["near"]["km"] == 50
    assert "shining-path" in {a["id"] for a in d["actors"]}
    rows = list(csv.DictReader(io.StringIO(cli("query", "actors-in", "--near", "-12.277,-73.961",
                                               "--format", "csv", check_rc=0).stdout)))
    assert rows and {"distance_km", "place_id", "actor_id"} <= set(rows[0])
    assert all(float(r["distance_km"]) <= 50 for r in rows)  # --km defaults to 50
    table = cli("query", "actors-in", "--near=-12.05162,-77.13452", "--km", "5", check_rc=0,
                env={"COLUMNS": "200"}).stdout
    assert "within 5 km of -12.0516, -77.1345" in table.splitlines()[0]
    assert "Callao" in table and "km away]" in table


@pytest.mark.parametrize("args, message", [
    (["--near", "91,0"], "error: --near: latitude 91 is not between -90 and 90"),
    (["--near", "-12.2"], "error: --near: expected LAT,LON in decimal degrees"),
    (["--near", "a,b"], "error: --near: expected LAT,LON in decimal degrees"),
    (["--near", "0,0", "--km", "0"], "error: --km: the radius must be more than 0"),
    (["--km", "5"], "error: --km: give it with --near LAT,LON"),
    (["vraem", "--near", "0,0"], "error: --near: give either a PLACE or --near LAT,LON, not both"),
    ([], "error: give a PLACE (id, name or alias) or --near LAT,LON --km KM"),
])
def test_cli_near_errors_are_one_line_naming_the_option(cli, args, message):
    proc = cli("query", "actors-in", *args)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()] and proc.stderr.startswith(message)
    assert "Traceback" not in proc.stderr


def test_map_near_writes_the_places_in_the_circle(cli, tmp_path):
    out = tmp_path / "near.html"
    cli("map", "--geo", "--near", "-12.277,-73.961", "--km", "50", "-o", out, check_rc=0)
    html = out.read_text()
    assert '"near":[-12.277,-73.961,50.0]' in html and "Within 50 km of -12.277, -73.961" in html
    net = tmp_path / "net.html"
    cli("map", "--near", "-12.277,-73.961", "-o", net, check_rc=0)  # the network map takes it too
    assert "Within 50 km of" in net.read_text()


@pytest.mark.parametrize("args, message", [
    (["--near", "0,0", "--km", "10"], "error: --near: no place with coordinates lies within 10 km of 0, 0"),
    (["--near", "0,0", "--place", "vraem"], "error: choose one of --ego, --path, --place, --near and --economy"),
    (["--km", "10"], "error: --km: give it with --near LAT,LON"),
    (["--near", "0,200"], "error: --near: longitude 200 is not between -180 and 180"),
])
def test_map_near_errors_write_nothing(cli, tmp_path, args, message):
    out = tmp_path / "x.html"
    proc = cli("map", "--geo", *args, "-o", out)
    assert proc.returncode != 0 and proc.stderr.startswith(message) and "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
