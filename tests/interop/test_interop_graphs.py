"""GEXF and GraphML: read back with networkx's own readers, every attribute intact."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx

from crimegraph.exports._common import xml_clean
from crimegraph.exports.graphs import write_gexf, write_graphml
from crimegraph.schema.models import Event, Place
from crimegraph.schema.vocab import RELATION_TYPES


def gexf(ds) -> bytes:
    buf = io.BytesIO()
    assert write_gexf(ds, buf, {}) == len(ds.entities) + len(ds.relations)
    return buf.getvalue()


def graphml(ds) -> bytes:
    buf = io.BytesIO()
    write_graphml(ds, buf, {})
    return buf.getvalue()


def expected_node(e) -> dict:
    """What each entity's node must carry, computed from the model (not from the exporter)."""
    d = {
        "name": e.name, "kind": e.kind.value, "entity_type": e.type, "type_label": e.type_label,
        "sources": "; ".join(dict.fromkeys(c.source for c in e.citations)),
        "citations": [c.model_dump(exclude_none=True) for c in e.citations],
    }
    if e.aliases:
        d["aliases"] = "; ".join(a.name for a in e.aliases)
    if e.description:
        d["description"] = e.description
    if e.status:
        d["status"] = e.status
    if e.external_ids:
        d["external_ids"] = e.external_ids
    if isinstance(e, Place) and e.coordinates:
        d["lat"], d["lon"] = e.coordinates.lat, e.coordinates.lon
    if isinstance(e, Event):
        if e.date:
            d.update(date=e.date.value, date_precision=e.date.precision,
                     date_start=e.date.start.isoformat(), date_end=e.date.end.isoformat())
        if e.figures:
            d["figures"] = e.figures.model_dump(exclude_none=True)
    return d


def expected_edge(r) -> dict:
    d = {
        "relation_type": r.type, "symmetric": RELATION_TYPES[r.type].symmetric,
        "confidence": r.confidence.code, "confidence_score": r.confidence.score,
        "sources": "; ".join(dict.fromkeys(c.source for c in r.citations)),
        "citations": [c.model_dump(exclude_none=True) for c in r.citations],
    }
    if r.since:
        d.update(since=r.since.value, since_precision=r.since.precision, since_start=r.since.start.isoformat())
    if r.until:
        d.update(until=r.until.value, until_precision=r.until.precision, until_end=r.until.end.isoformat())
    if r.period:
        d["period"] = r.period
    if r.notes:
        d["notes"] = r.notes
    return d


def xmlsafe(d: dict) -> dict:
    """XML 1.0 cannot carry C0 control characters: they arrive as U+FFFD (documented)."""
    return {k: xml_clean(v) if isinstance(v, str) else v for k, v in d.items()}


def decode(data: dict) -> dict:
    out = dict(data)
    for k in ("citations", "external_ids", "figures"):
        if k in out:
            out[k] = json.loads(out[k])
    return out


def edges_by_id(G) -> dict:
    return {d.get("id", k): (u, v, d) for u, v, k, d in G.edges(keys=True, data=True)}


def test_gexf_reads_back_with_every_attribute(dataset):
    G = nx.read_gexf(io.BytesIO(gexf(dataset)))
    G = G if G.is_multigraph() else nx.MultiDiGraph(G)
    assert G.is_directed() and G.graph["mode"] == "dynamic"
    assert set(G.nodes) == set(dataset.entities)
    for e in dataset.entities.values():
        data = dict(G.nodes[e.id])
        viz = data.pop("viz")
        assert set(viz["color"]) >= {"r", "g", "b"}
        assert data.pop("label") == xml_clean(e.name)
        start, end = data.pop("start", None), data.pop("end", None)
        if isinstance(e, Event) and e.date:  # events span their date on Gephi's timeline
            assert (start, end) == (e.date.start.isoformat(), e.date.end.isoformat())
        else:
            assert start is None and end is None
        assert decode(data) == xmlsafe(expected_node(e)), e.id
    edges = edges_by_id(G)
    assert set(edges) == set(dataset.relations)
    for r in dataset.relations.values():
        u, v, data = edges[r.id]
        assert (u, v) == (r.subject, r.object)
        data = dict(data)
        assert data.pop("id") == r.id
        assert data.pop("label") == RELATION_TYPES[r.type].label
        assert data.pop("weight") == r.confidence.score
        # the timeline: since 1999 starts 1999-01-01, until 2015 ends 2015-12-31, missing = open
        assert data.pop("start", None) == (r.since.start.isoformat() if r.since else None)
        assert data.pop("end", None) == (r.until.end.isoformat() if r.until else None)
        assert decode(data) == xmlsafe(expected_edge(r)), r.id


def test_gexf_header_is_gephi_dynamic(load):
    root = ET.fromstring(gexf(load("mini")))
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    graph = root.find("{http://gexf.net/1.3}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert graph.get("defaultedgetype") == "directed"
    kinds = {e.get("kind") for e in graph.iter("{http://gexf.net/1.3}edge")}
    assert kinds == {r.type for r in load("mini").relations.values()}


def test_graphml_reads_back_with_every_attribute(dataset):
    G = nx.read_graphml(io.BytesIO(graphml(dataset)), edge_key_type=str, force_multigraph=True)
    assert G.is_directed()
    assert set(G.nodes) == set(dataset.entities)
    for e in dataset.entities.values():
        data = dict(G.nodes[e.id])
        assert data.pop("label") == xml_clean(e.name)
        assert decode(data) == xmlsafe(expected_node(e)), e.id
    edges = edges_by_id(G)
    assert set(edges) == set(dataset.relations)
    for r in dataset.relations.values():
        u, v, data = edges[r.id]
        assert (u, v) == (r.subject, r.object)
        data = dict(data)
        data.pop("id", None)
        assert data.pop("label") == RELATION_TYPES[r.type].label
        assert data.pop("weight") == r.confidence.score
        assert decode(data) == xmlsafe(expected_edge(r)), r.id


def test_hostile_strings_survive_both_formats(hostile):
    for raw, read in ((gexf(hostile), nx.read_gexf), (graphml(hostile), nx.read_graphml)):
        G = read(io.BytesIO(raw))
        g = G.nodes["group-x"]
        assert g["name"] == 'Sendero "Rojo" <b>bold</b> & Cía'
        assert g["description"].startswith("Line one\nLine two\twith tab\n\n<script>alert(1)</script> & &amp;")
        assert "الدرب المضيء" in g["aliases"] and "光辉道路" in g["aliases"]
        assert G.nodes["gang-emoji"]["name"] == "Los 🐍 Serpientes\u200f (RTL mark)"
        # a control character cannot be written in XML 1.0: it becomes U+FFFD, the rest stays
        assert G.nodes["gang-emoji"]["description"] == "Control\ufffdchar and \\backslash and trailing  spaces inside"
        quotes = [c.get("quote") for c in json.loads(g["citations"])]
        assert 'He said: "we <rule> here" — ¿sí?\nNext line; a|b' in quotes


def test_target_is_left_open(hostile):
    """The caller owns the file object (the CLI writes to a temp file and renames it)."""
    for write in (write_gexf, write_graphml):
        out = io.BytesIO()
        write(hostile, out, {})
        assert not out.closed and out.getvalue().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
