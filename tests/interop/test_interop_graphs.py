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


def expected_time(item) -> dict:
    """The derived time columns, from the item's Timing (schema/timing.py)."""
    t = item.timing
    d = {"time_basis": t.basis}
    if t.first:
        d["first_reported"] = t.first.value
    if t.last:
        d["last_reported"] = t.last.value
    if t.start:
        d["shown_from"] = t.start.isoformat()
    if t.end:
        d["shown_until"] = t.end.isoformat()
    return d


def expected_interval(item) -> tuple:
    """Gephi's timeline is the as-of window; an open bound (or an undated item) has none."""
    t = item.timing
    start = t.start.isoformat() if t.start is not None and t.start.year > 1 else None
    end = t.end.isoformat() if t.end is not None and t.start is not None else None
    return start, end


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
        c = e.coordinates
        d["lat"], d["lon"] = c.lat, c.lon
        if c.radius_km is not None:
            d["radius_km"] = c.radius_km
        if c.bbox is not None:
            d["bbox"] = ",".join(str(float(x)) for x in c.bbox)
        if c.radius_km is not None or c.bbox is not None:
            d["extent_km"] = round(c.extent_km, 3)
    if isinstance(e, Event):
        if e.date:
            d.update(date=e.date.value, date_precision=e.date.precision,
                     date_start=e.date.start.isoformat(), date_end=e.date.end.isoformat())
        if e.figures:
            d["figures"] = e.figures.model_dump(exclude_none=True)
    for f in ("founded", "dissolved", "born", "died", "captured"):
        if getattr(e, f, None) is not None:
            d[f] = getattr(e, f).value
    d.update(expected_time(e))
    if e.derived:
        d["derived"] = e.derived
    return d


def expected_edge(r) -> dict:
    d = {
        "relation_type": r.type, "nature": RELATION_TYPES[r.type].nature,
        "symmetric": RELATION_TYPES[r.type].symmetric,
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
    d.update(expected_time(r))
    if r.derived:
        d["derived"] = r.derived
    if r.notes:
        d["notes"] = r.notes
    return d


def xmlsafe(d: dict) -> dict:
    """XML 1.0 cannot carry C0 control characters: they arrive as U+FFFD (documented)."""
    return {k: xml_clean(v) if isinstance(v, str) else v for k, v in d.items()}


def decode(data: dict) -> dict:
    out = dict(data)
    for k in ("citations", "external_ids", "figures", "derived"):
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
        # Gephi's timeline: the as-of window (an event from its date on, a group from its founding)
        assert (start, end) == expected_interval(e), e.id
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
        # the timeline is the as-of window: since 1999 starts 1999-01-01, until 2015 ends
        # 2015-12-31, an undated relation starts at its first report, missing = open
        assert (data.pop("start", None), data.pop("end", None)) == expected_interval(r), r.id
        if r.since is not None:
            assert expected_interval(r)[0] == r.since.start.isoformat() or r.timing.start_by != "since"
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
        # the seed's right-to-left mark is a bidi control: validation removes it (schema/names.py)
        assert G.nodes["gang-emoji"]["name"] == "Los 🐍 Serpientes (RTL mark)"
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
