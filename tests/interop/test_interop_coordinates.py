"""Every Peru place's coordinates and extent through FtM (both ways), GEXF, GraphML and CSV,
each read back with the format's own library (followthemoney, networkx, csv)."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
import yaml

from crimegraph.exports.graphs import write_gexf, write_graphml
from crimegraph.exports.tables import write_csv
from crimegraph.schema.loader import load_dataset


@pytest.fixture(scope="module")
def places(peru_dataset):
    found = {e.id: e for e in peru_dataset.entities.values() if getattr(e, "coordinates", None)}
    assert len(found) == 55 and any(e.coordinates.bbox for e in found.values()) \
        and any(e.coordinates.radius_km for e in found.values())
    return found


def _ftm(dataset, **options):
    pytest.importorskip("followthemoney")
    from crimegraph.exports.ftm import write_ftm

    buf = io.BytesIO()
    write_ftm(dataset, buf, options)
    return buf.getvalue()


def test_ftm_addresses_carry_latitude_and_longitude(peru_dataset, places):
    from followthemoney import model

    records = {json.loads(line)["id"]: json.loads(line) for line in _ftm(peru_dataset).splitlines()}
    for pid, e in places.items():
        rec = records[f"crimegraph.{pid}"]
        proxy = model.get_proxy(rec)  # FtM's own reader, which checks every value
        assert proxy.schema.name == "Address"
        assert float(proxy.first("latitude")) == e.coordinates.lat
        assert float(proxy.first("longitude")) == e.coordinates.lon


@pytest.mark.parametrize("context", [True, False])
def test_ftm_round_trip_keeps_the_coordinates(peru_dataset, places, tmp_path, context):
    from crimegraph.exports.ftm import read_ftm

    src = tmp_path / "peru.ftm.json"
    src.write_bytes(_ftm(peru_dataset, context=context))
    seed, _ = read_ftm(src, {})
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "imported.yaml").write_text(yaml.safe_dump({k: v for k, v in seed.items() if v},
                                                         allow_unicode=True, sort_keys=False), encoding="utf-8")
    back = load_dataset(folder)
    for pid, e in places.items():
        c = back.entities[pid].coordinates
        if context:  # the crimegraph record: point, radius, bbox and where they come from
            assert c == e.coordinates and back.entities[pid].derived == e.derived
        else:  # FtM's properties alone carry the point
            assert (c.lat, c.lon) == (e.coordinates.lat, e.coordinates.lon)


def _node_coords(G, places):
    for pid, e in places.items():
        d, c = G.nodes[pid], e.coordinates
        assert (d["lat"], d["lon"]) == (c.lat, c.lon)
        assert d.get("radius_km") == c.radius_km
        assert d.get("bbox") == (",".join(str(float(x)) for x in c.bbox) if c.bbox else None)
        if c.extent_km:
            assert d["extent_km"] == pytest.approx(c.extent_km, abs=1e-3)


def test_gexf_and_graphml_nodes_carry_point_and_extent(peru_dataset, places):
    buf = io.BytesIO()
    write_gexf(peru_dataset, buf)
    _node_coords(nx.read_gexf(io.BytesIO(buf.getvalue())), places)
    buf = io.BytesIO()
    write_graphml(peru_dataset, buf)
    G = nx.read_graphml(io.BytesIO(buf.getvalue()))
    _node_coords(G, places)
    assert "lat" not in G.nodes["shining-path"]  # an actor has no coordinates


def test_csv_nodes_carry_point_and_extent(peru_dataset, places, tmp_path):
    write_csv(peru_dataset, tmp_path / "out", {})
    with open(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    for pid, e in places.items():
        r, c = rows[pid], e.coordinates
        assert (float(r["lat"]), float(r["lon"])) == (c.lat, c.lon)
        assert (float(r["radius_km"]) if r["radius_km"] else None) == c.radius_km
        assert ([float(x) for x in r["bbox"].split(",")] if r["bbox"] else None) == (list(c.bbox) if c.bbox else None)
    assert rows["shining-path"]["lat"] == "" and rows["shining-path"]["bbox"] == ""
