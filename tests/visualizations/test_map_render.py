"""Rendering without a browser: offline and escaped pages, size limits, layout, selection, filters."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from crimegraph.graph.subgraph import Subgraph
from crimegraph.visualizations import MapTooLarge, check_offline, render
from crimegraph.visualizations.layout import compute_layout
from crimegraph.visualizations.render import safe_json
from crimegraph.visualizations.select import NothingToMap, filter_subgraph, parse_entity_types, select
from tests.paths import DATA, ROOT

from tests.visualizations.map_synthetic import random_subgraph

VIS_DIR = ROOT / "visualizations"


def importlib_render():
    import importlib

    return importlib.import_module("crimegraph.visualizations.render")


def whole(store) -> Subgraph:
    ds = store.dataset()
    sg = Subgraph.of(ds.entities.values(), ds.relations.values())
    sg.sources = dict(ds.sources)
    return sg


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cg-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def vis_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cg-vis">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def xss_store():
    from crimegraph.graph.registry import open_store

    return open_store("memory", seeds=DATA / "xss")


# ------------------------------------------------------------------ offline, one file
def test_page_is_one_offline_file(peru_store):
    html = render(whole(peru_store), title="Peru").html
    assert check_offline(html) == []
    # no external script, stylesheet, image, frame or font of any kind: everything is inline
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "bootstrap" not in html.lower()
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)
    # and a Content-Security-Policy forbids any request
    assert "default-src 'none'" in html and "connect-src 'none'" in html


def test_check_offline_finds_cdn_links():
    html = ('<link href="https://cdn.jsdelivr.net/x.css" rel="stylesheet">'
            '<script src="//cdn.example.org/a.js"></script><img src="data:image/png;base64,AA">')
    assert check_offline(html) == ["https://cdn.jsdelivr.net/x.css", "//cdn.example.org/a.js"]


def test_pyvis_default_page_is_not_offline():
    """The reason for our own template: pyvis's links Bootstrap even with in-line resources."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node(1)
    assert check_offline(net.generate_html()) != []


# ------------------------------------------------------------------ escaping
HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert('description')</script>",
           "<svg onload=alert('quote')>", "<b>Bold</b>", "<style>body{display:none}</style>",
           "<!-- comment", "<iframe src=https://example.org>"]


def test_every_data_string_is_escaped(xss_store):
    sg = select(xss_store).subgraph
    html = render(sg, title="<script>alert('title')</script>", store=xss_store).html
    for s in HOSTILE:
        assert s not in html, s
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html  # the title, as text
    # the JSON still carries the exact strings
    data = page_data(html)
    names = {n["name"] for n in data["nodes"]}
    assert "<img src=x onerror=alert(1)>" in names
    evil = next(n for n in data["nodes"] if n["id"] == "evil-actor")
    assert evil["desc"].startswith("</script><script>")
    assert ["line\u2028and\u2029separators"] in evil["aliases"]
    assert "\u2028" not in html and "\u2029" not in html


def test_safe_json_cannot_close_its_element():
    text = safe_json({"a": "</script><!--<script>&\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--<script>&\u2028\u2029"}


def test_page_script_never_writes_html():
    js = (VIS_DIR / "map.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    for sink in (r"\.innerHTML\s*=", r"\.outerHTML\s*=", r"insertAdjacentHTML", r"document\.write",
                 r"\beval\s*\(", r"new Function", r"\.srcdoc"):
        assert not re.search(sink, code), sink


# ------------------------------------------------------------------ content
def test_map_carries_style_legend_and_evidence(peru_store):
    sg = peru_store.expand(["shining-path"], depth=1)
    html = render(sg, store=peru_store).html
    data, vis = page_data(html), vis_data(html)
    assert len(data["nodes"]) == len(vis["nodes"]) == len(sg.entities)
    assert len(data["edges"]) == len(vis["edges"]) == len(sg.relations)
    kinds = {k["id"] for k in data["legend"]["kinds"]}
    assert kinds == {e.kind.value for e in sg.entities.values()}
    assert {r["id"] for r in data["legend"]["relations"]} == {r.type for r in sg.relations.values()}
    from crimegraph.schema.vocab import RELATION_TYPES
    from crimegraph.visualizations import style

    for rec, item in zip(data["edges"], vis["edges"]):
        decl = RELATION_TYPES[rec["type"]]
        assert item["color"] == style.rgba(decl.color, 0.85)
        assert (item.get("arrows") == "") == decl.symmetric  # mutual relations: no arrowhead
        assert rec["cites"], rec["id"]
    sp = next(n for n in data["nodes"] if n["id"] == "shining-path")
    assert sp["focus"] == 1 and sp["desc"]
    # line style by confidence (the credibility digit), as in the printed charts
    for rec, item in zip(data["edges"], vis["edges"]):
        assert item.get("dashes") == importlib_render().VIS_DASHES.get(style.line_style(rec["conf"]))
    cited = {data["sources"][c["s"]]["id"] for e in data["edges"] for c in e["cites"]}
    assert cited == {c.source for r in sg.relations.values() for c in r.citations}
    assert all(not s.get("missing") for s in data["sources"])
    quotes = [c["q"] for e in data["edges"] for c in e["cites"] if "q" in c]
    assert quotes


def test_node_size_by_measure(peru_store):
    sg = peru_store.expand(["shining-path"], depth=1)
    for measure in ("degree", "citations", "betweenness", "pagerank", "none"):
        vis = vis_data(render(sg, size_by=measure).html)
        sizes = [n["size"] for n in vis["nodes"]]
        assert all(9 <= s <= 34 for s in sizes)
        if measure == "none":
            assert len(set(sizes)) == 1
    from crimegraph.errors import UsageError

    with pytest.raises(UsageError, match="degree"):
        render(sg, size_by="popularity")


def test_time_slider_range_from_periods(mini_store):
    sg = mini_store.expand(["group-a"], depth=2)
    data = page_data(render(sg).html)
    assert data["meta"]["years"][0] == 1999
    assert data["meta"]["years"][1] >= 2015
    flat = Subgraph.of(sg.entities.values(), [r for r in sg.relations.values() if not r.since and not r.until])
    assert page_data(render(flat).html)["meta"]["years"] is None


def test_path_map_highlights_the_steps(peru_store):
    sel = select(peru_store, path=("tren-de-aragua", "shining-path"))
    assert sel.subgraph.highlight and set(sel.subgraph.focus) == {"tren-de-aragua", "shining-path"}
    data, vis = (lambda h: (page_data(h), vis_data(h)))(render(sel.subgraph).html)
    hl = [(e, v) for e, v in zip(data["edges"], vis["edges"]) if e.get("hl")]
    assert {e["id"] for e, _ in hl} == sel.subgraph.highlight
    assert all(v["width"] == 4 and v["label"] for _, v in hl)


# ------------------------------------------------------------------ size limits
def test_small_maps_relax_in_the_browser_big_ones_do_not(peru_store):
    sg = whole(peru_store)
    small = render(sg)
    assert small.physics and vis_data(small.html)["options"]["physics"]["enabled"] is True
    big = render(sg, physics_max_nodes=10)
    opts = vis_data(big.html)["options"]
    assert not big.physics and opts["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in vis_data(big.html)["nodes"])


def test_too_large_map_is_refused_with_advice(peru_store):
    with pytest.raises(MapTooLarge) as err:
        render(whole(peru_store), max_nodes=50)
    msg = str(err.value)
    assert "entities" in msg and "limit 50" in msg
    with pytest.raises(MapTooLarge, match="relations"):
        render(whole(peru_store), max_edges=100)


@pytest.mark.parametrize("by", ["kind", "type", "community"])
def test_too_large_map_can_be_aggregated(peru_store, by):
    sg = whole(peru_store)
    m = render(sg, max_nodes=50, aggregate=by)
    data = page_data(m.html)
    assert m.aggregated == by and data["meta"]["aggregated"] == by
    assert sum(n["members"] for n in data["nodes"]) == len(sg.entities)
    inside = sum(n["internal"] for n in data["nodes"])
    assert sum(e["count"] for e in data["edges"]) + inside == len(sg.relations)
    if by == "kind":
        assert {n["id"] for n in data["nodes"]} == {f"kind:{e.kind.value}" for e in sg.entities.values()}
    assert all(n["top"] for n in data["nodes"])


def test_aggregated_map_of_synthetic_graph():
    sg = random_subgraph(3000, 6000, seed=3)
    m = render(sg, max_nodes=1000, aggregate="community")
    assert 1 < m.nodes <= 151
    assert check_offline(m.html) == []


# ------------------------------------------------------------------ layout
def test_layout_is_deterministic_and_separates_components():
    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    a = compute_layout(6, edges, seed=5)
    assert a == compute_layout(6, edges, seed=5)
    assert len(set(a)) == 6  # no two nodes on one spot


def test_layout_of_5000_nodes_is_fast():
    sg = random_subgraph(5000, 10000, seed=2)
    ids = {e: i for i, e in enumerate(sg.entities)}
    edges = [(ids[r.subject], ids[r.object]) for r in sg.relations.values()]
    t = time.perf_counter()
    pos = compute_layout(len(ids), edges)
    elapsed = time.perf_counter() - t
    assert len(pos) == 5000 and len(set(pos)) > 4900
    assert elapsed < 10, f"layout of 5,000 nodes took {elapsed:.1f} s"


def test_render_5000_nodes_in_bulk():
    sg = random_subgraph(5000, 10000, seed=2)
    t = time.perf_counter()
    m = render(sg)
    elapsed = time.perf_counter() - t
    assert (m.nodes, m.edges) == (len(sg.entities), len(sg.relations)) and not m.physics
    assert elapsed < 30, f"rendering 5,000 nodes took {elapsed:.1f} s"


def test_write_is_atomic(tmp_path, mini_store):
    from crimegraph.atomic import CannotWrite

    m = render(mini_store.expand(["group-a"]), tmp_path / "m.html")
    assert m.path == tmp_path / "m.html" and m.path.read_text(encoding="utf-8") == m.html
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]
    # a missing folder is made only when asked (crimegraph map --mkdir)
    with pytest.raises(CannotWrite, match="does not exist"):
        m.write(tmp_path / "sub" / "m.html")
    assert m.write(tmp_path / "sub" / "m.html", mkdir=True).read_text(encoding="utf-8") == m.html


# ------------------------------------------------------------------ selection and filters
def test_modes(peru_store):
    ego = select(peru_store, ego="shining-path", depth=1)
    assert ego.subgraph.focus == ["shining-path"] and "vraem" in ego.subgraph.entities
    assert ego.slug == "ego-shining-path"
    place = select(peru_store, place="vraem")
    ents = place.subgraph.entities
    assert "shining-path" in ents and "vraem" in ents
    assert all(e.kind.value in ("actor", "place", "event", "economy") for e in ents.values())
    econ = select(peru_store, economy="cocaine-trafficking")
    assert "shining-path" in econ.subgraph.entities and econ.subgraph.focus == ["cocaine-trafficking"]
    allmap = select(peru_store)
    assert len(allmap.subgraph.entities) == len(list(peru_store.entities()))
    for sel in (ego, place, econ, allmap):
        cited = sel.subgraph.cited_source_ids()
        assert cited <= set(sel.subgraph.sources)


def test_one_mode_at_a_time(peru_store):
    from crimegraph.errors import UsageError

    with pytest.raises(UsageError, match="choose one"):
        select(peru_store, ego="shining-path", place="vraem")
    with pytest.raises(UsageError, match="not both"):
        import datetime as dt

        select(peru_store, as_of=dt.date(2019, 12, 31), since=dt.date(2000, 1, 1))


def test_filters(peru_store):
    import datetime as dt

    sel = select(peru_store, entity_types=frozenset({"actor"}))
    assert {e.kind.value for e in sel.subgraph.entities.values()} == {"actor"}
    sel = select(peru_store, relation_types=frozenset({"allied_with", "rival_of"}))
    assert {r.type for r in sel.subgraph.relations.values()} <= {"allied_with", "rival_of"}
    assert all(any(i in (r.subject, r.object) for r in sel.subgraph.relations.values())
               for i in sel.subgraph.entities)
    day = dt.date(1990, 12, 31)
    sel = select(peru_store, as_of=day)
    assert all(r.valid_on(day) for r in sel.subgraph.relations.values())
    start, end = dt.date(2015, 1, 1), dt.date(2016, 12, 31)
    sel = select(peru_store, since=start, until=end)
    assert all(r.overlaps(start, end) for r in sel.subgraph.relations.values())
    assert sel.period == {"since": "2015-01-01", "until": "2016-12-31"}


def test_filter_keeps_focus_and_prunes_orphans(mini_store):
    sg = mini_store.expand(["group-a"], depth=2)
    out = filter_subgraph(sg, relation_types={"rival_of"})
    assert set(out.entities) == {"group-a", "group-b"}
    out = filter_subgraph(sg, entity_types={"place"})
    assert "group-a" in out.entities  # the focus stays


def test_parse_entity_types():
    from crimegraph.errors import UsageError

    assert parse_entity_types(None) == (None, None)
    assert parse_entity_types(["armed-group"]) == (frozenset({"armed_group"}), None)
    with pytest.raises(UsageError, match="unknown spaceship"):
        parse_entity_types(["spaceship"])


def test_no_path_writes_nothing(peru_store):
    with pytest.raises(NothingToMap, match="no connection"):
        select(peru_store, path=("shining-path", "tren-de-aragua"), max_hops=1)


def test_capped_ego_map_shows_what_was_left_out(peru_store):
    sel = select(peru_store, ego="peru", depth=1, cap=3)
    assert sel.subgraph.more.get("peru", 0) > 0
    data = page_data(render(sel.subgraph).html)
    peru = next(n for n in data["nodes"] if n["id"] == "peru")
    assert peru["more"] == sel.subgraph.more["peru"] and data["meta"]["more"] == peru["more"]


def test_state_actors_apart_from_criminal_groups_in_a_small_palette(peru_store):
    import importlib

    from crimegraph.schema.vocab import NATURES
    from crimegraph.visualizations import network_chart, print_style, style

    html = render(whole(peru_store), store=peru_store).html
    data, vis = page_data(html), vis_data(html)
    group = {n["id"]: n["g"] for n in data["nodes"]}
    assert group["peruvian-national-police"] == "state" and group["shining-path"] == "criminal"
    assert group["abimael-guzman"] == "person"
    groups = vis["options"]["groups"]
    police, gang = groups["state"], groups["criminal"]
    assert police["color"]["background"] != gang["color"]["background"] and police["shape"] != gang["shape"]
    # each node is drawn in its group, and the legend lists the groups with their counts
    for rec, item in zip(data["nodes"], vis["nodes"]):
        assert item["group"] == rec["g"]
    counts = {g["id"]: g["count"] for g in data["legend"]["groups"]}
    assert sum(counts.values()) == len(data["nodes"]) and counts["state"] >= 3
    # relation colours: one per nature present, no more (17 types, 8 natures at most)
    colours = {item["color"] for item in vis["edges"]}
    assert len(colours) <= len(NATURES) < len(data["legend"]["relations"])
    assert {n["id"] for n in data["legend"]["natures"]} == {r["nature"] for r in data["legend"]["relations"]}
    # the report's charts read the same definitions (one palette, not two)
    assert print_style.GROUPS is style.GROUPS and print_style.entity_group is style.entity_group
    assert importlib.import_module(network_chart.__name__).GROUPS is style.GROUPS
