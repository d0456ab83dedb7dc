"""Maps in real headless Chromium, opened from file:// with the network blocked."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from crimegraph.graph.subgraph import Subgraph
from crimegraph.visualizations import render
from crimegraph.visualizations.select import select
from tests.paths import ARTIFACTS, DATA

from tests.visualizations.map_synthetic import random_subgraph

pytestmark = pytest.mark.browser


def whole(store) -> Subgraph:
    return select(store).subgraph


def assert_clean(m) -> None:
    assert m.outside_requests == [], m.outside_requests
    assert all(u.startswith(("file:", "data:")) for u in m.all_requests), m.all_requests
    assert m.console_errors == [], m.console_errors
    assert m.dialogs == [], m.dialogs


def boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def peru_map(tmp_path_factory, peru_store):
    sg = whole(peru_store)
    path = tmp_path_factory.mktemp("maps") / "peru.html"
    render(sg, path, title="Organized crime in Peru", store=peru_store)
    return path, sg


# ------------------------------------------------------------------ the Peru map
def test_peru_map_offline_complete_and_readable(open_map, peru_map):
    path, sg = peru_map
    m = open_map(path)
    assert_clean(m)
    assert m.drawn() == {"nodes": len(sg.entities), "edges": len(sg.relations)}
    # the legend lists every kind and relation type on the map
    legend = m.page.inner_text("#cg-legend")
    for label in ("actor", "place", "illicit economy", "operates in", "allied with", "located in"):
        assert label in legend
    # labels never overlap, and the best-connected entities are labelled
    boxes = m.eval("() => window.crimegraphMap.labelBoxes()")
    assert len(boxes) >= 40
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not boxes_overlap(a, b), (a, b)
    ARTIFACTS.mkdir(exist_ok=True)
    m.page.screenshot(path=str(ARTIFACTS / "peru-map.png"))
    assert (ARTIFACTS / "peru-map.png").stat().st_size > 20_000


def test_clicking_a_node_shows_its_sources(open_map, peru_map, peru_store):
    path, sg = peru_map
    m = open_map(path)
    m.click_node("shining-path")
    m.page.wait_for_selector("#cg-panel h2:text-is('Shining Path')")
    text = m.panel_text()
    sp = peru_store.entity("shining-path")
    assert "armed group" in text and "SOURCES FOR THIS ENTITY" in text.upper()
    for c in sp.citations:
        assert peru_store.source(c.source).title in text
        if c.quote:
            assert c.quote[:60] in text
    # and its relations, each with period, confidence and a way to its evidence
    n_rels = len([r for r in sg.relations.values() if "shining-path" in (r.subject, r.object)])
    assert f"Relations in this map ({n_rels})".upper() in text.upper()
    # the rest of the map recedes: entities not attached to it are dimmed
    linked = {r.other("shining-path") for r in sg.relations.values()
              if "shining-path" in (r.subject, r.object)} | {"shining-path"}
    opacity = m.eval("""() => { const m = window.crimegraphMap, out = {};
        m.data.nodes.forEach((n, i) => { out[n.id] = m.network.body.data.nodes.get(i).opacity; });
        return out; }""")
    assert {i for i, o in opacity.items() if o == 1} == linked
    m.page.mouse.click(5 + m.page.locator("#cg-network").bounding_box()["x"],
                       5 + m.page.locator("#cg-network").bounding_box()["y"])  # empty canvas
    assert "HOW TO READ THIS MAP" in m.panel_text().upper()
    assert_clean(m)


def test_relation_evidence_panel(open_map, peru_map, peru_store):
    path, sg = peru_map
    m = open_map(path)
    m.click_node("shining-path")
    m.page.locator("#cg-panel ul.cg-rels button", has_text="operates in").first.click()
    text = m.panel_text()
    assert "period" in text and "confidence" in text and "EVIDENCE" in text.upper()
    rel_id = m.page.inner_text("#cg-panel dl dd:nth-of-type(3)")
    r = peru_store.relation(rel_id)
    assert r.confidence.code in text
    for c in r.citations:
        assert peru_store.source(c.source).title in text
        if c.quote:
            assert c.quote[:60] in text
    # clicking the line itself shows the same evidence
    m.eval("() => { const h = document.querySelector('#cg-panel .cg-back'); if (h) h.click(); }")
    j = m.eval("(id) => window.crimegraphMap.edgeIndexOf(id)", rel_id)
    m.eval("(j) => window.crimegraphMap.focus(window.crimegraphMap.data.edges[j].from)", j)
    pos = m.eval("(j) => window.crimegraphMap.edgeScreenPosition(j)", j)
    m.page.mouse.click(pos["x"], pos["y"])
    assert "EVIDENCE" in m.panel_text().upper()
    assert_clean(m)


def test_search_focuses_a_node(open_map, peru_map):
    path, _ = peru_map
    m = open_map(path)
    m.page.fill("#cg-search", "sendero lumin")
    m.page.wait_for_selector("#cg-results li[role=option]")
    assert "Shining Path" in m.page.inner_text("#cg-results")
    m.page.press("#cg-search", "Enter")
    m.page.wait_for_selector("#cg-panel h2:text-is('Shining Path')")
    selected = m.eval("() => window.crimegraphMap.network.getSelectedNodes()")
    assert selected == [m.eval("() => window.crimegraphMap.indexOf('shining-path')")]
    assert_clean(m)


def test_kind_and_relation_toggles(open_map, peru_map):
    path, sg = peru_map
    m = open_map(path)
    events = {i for i, e in sg.entities.items() if e.kind.value == "event"}
    m.page.locator("#cg-legend-kinds label", has_text="event").locator("input").uncheck()
    expected_edges = len([r for r in sg.relations.values()
                          if r.subject not in events and r.object not in events])
    assert m.drawn() == {"nodes": len(sg.entities) - len(events), "edges": expected_edges}
    m.page.locator("#cg-legend-relations label", has_text="located in").locator("input").uncheck()
    expected_edges -= len([r for r in sg.relations.values() if r.type == "located_in"])
    assert m.drawn()["edges"] == expected_edges
    m.page.locator("#cg-legend-kinds label", has_text="event").locator("input").check()
    m.page.locator("#cg-keep-orphans").check()  # keep what "located in" left without relations
    assert m.drawn()["nodes"] == len(sg.entities)
    assert_clean(m)


def _orphans_shown(m) -> list:
    """Entities drawn with no relation drawn, except the focus entities."""
    return m.eval("""() => { const n = window.crimegraphMap.network, d = window.crimegraphMap.data;
        const ends = new Set(); n.body.edgeIndices.forEach(j => { ends.add(d.edges[j].from); ends.add(d.edges[j].to); });
        return n.body.nodeIndices.filter(i => !ends.has(i) && !d.nodes[i].focus).map(i => d.nodes[i].id); }""")


def test_hiding_a_relation_type_hides_its_orphans(open_map, peru_map):
    path, sg = peru_map
    m = open_map(path)
    assert _orphans_shown(m) == []
    for label, rtype in (("located in", "located_in"), ("operates in", "operates_in")):
        m.page.locator("#cg-legend-relations label", has_text=label).locator("input").uncheck()
    hidden_types = {"located_in", "operates_in"}
    by_entity: dict[str, set] = {}
    for r in sg.relations.values():
        by_entity.setdefault(r.subject, set()).add(r.type)
        by_entity.setdefault(r.object, set()).add(r.type)
    orphans = {e for e, types in by_entity.items() if types <= hidden_types}
    assert orphans, "the test needs entities tied only by the hidden types"
    assert _orphans_shown(m) == []
    assert m.drawn()["nodes"] == len(sg.entities) - len(orphans)
    assert f"{len(sg.entities) - len(orphans)} of {len(sg.entities)} entities" in m.page.inner_text("#cg-counts")
    # the toggle keeps them; unticking it hides them again
    m.page.locator("#cg-keep-orphans").check()
    assert m.drawn()["nodes"] == len(sg.entities)
    m.page.locator("#cg-keep-orphans").uncheck()
    assert m.drawn()["nodes"] == len(sg.entities) - len(orphans)
    # ticking the types back shows everything
    for label in ("located in", "operates in"):
        m.page.locator("#cg-legend-relations label", has_text=label).locator("input").check()
    assert m.drawn() == {"nodes": len(sg.entities), "edges": len(sg.relations)}
    assert_clean(m)


def test_ego_map_keeps_its_focus_labelled_and_state_actors_apart(cli, open_map, tmp_path):
    out = tmp_path / "sp.html"
    cli("map", "--ego", "shining-path", "--depth", "2", "-o", out, check_rc=0)
    m = open_map(out, viewport=(1100, 700))
    labelled = lambda: m.eval("() => crimegraphMap.labelIds().map(i => crimegraphMap.data.nodes[i].id)")  # noqa: E731
    assert {"shining-path", "mpcp"} <= set(labelled())
    # zoomed far out, where most labels give way, the ego keeps its label
    m.eval("() => { const n = crimegraphMap.network; n.moveTo({scale: n.getScale() * 0.25}); }")
    m.page.wait_for_timeout(200)
    ids = labelled()
    assert "shining-path" in ids and len(ids) < 37, ids
    # pushed into the view's corner, where none of its four spots fits, it is still labelled,
    # its label moved inside the view
    corner = m.eval("""() => { const n = crimegraphMap.network, c = document.getElementById('cg-network');
        const i = crimegraphMap.indexOf('shining-path'), p = n.getPosition(i), s = n.getScale();
        n.moveTo({position: {x: p.x - (c.clientWidth / 2 - 6) / s, y: p.y - (c.clientHeight / 2 - 6) / s}, scale: s});
        return [c.clientWidth, c.clientHeight]; }""")
    m.page.wait_for_timeout(200)
    ids, boxes = labelled(), m.eval("() => crimegraphMap.labelBoxes()")
    assert "shining-path" in ids, ids
    box = boxes[ids.index("shining-path")]
    assert box[0] >= 0 and box[1] >= 0 and box[2] <= corner[0] and box[3] <= corner[1], (box, corner)
    # state actors and criminal groups are drawn apart (group, colour and shape)
    groups = m.eval("""() => { const d = crimegraphMap.data, o = crimegraphMap.network.groups;
        const g = id => d.nodes[crimegraphMap.indexOf(id)].g;
        return [g('peruvian-national-police'), g('shining-path'), o.get(g('peruvian-national-police')), o.get(g('shining-path'))]; }""")
    assert groups[:2] == ["state", "criminal"]
    assert groups[2]["color"]["background"] != groups[3]["color"]["background"]
    assert groups[2]["shape"] != groups[3]["shape"]
    assert_clean(m)


def test_exports_carry_title_legend_as_of_and_sources(cli, open_map, tmp_path):
    import base64
    import struct
    import xml.etree.ElementTree as ET

    out = tmp_path / "sp.html"
    cli("map", "--ego", "shining-path", "--depth", "2", "-o", out, check_rc=0)
    m = open_map(out, viewport=(1300, 800))
    canvas = m.eval("() => { const c = document.querySelector('#cg-network canvas'); return [c.width, c.height]; }")
    # the PNG button saves a file framed around the view
    with m.page.expect_download() as dl:
        m.page.click("#cg-png")
    png = open(dl.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and dl.value.suggested_filename.endswith(".png")
    w, h = struct.unpack(">II", png[16:24])
    assert w > canvas[0] + 200 and h > canvas[1] + 60, (w, h, canvas)
    x = m.eval("() => crimegraphMap.exportPNG()")
    for row in ("Entities", "criminal group", "state actor", "Relations (colour: nature)", "hierarchy",
                "Confidence (line style)"):
        assert row in x["legend"], x["legend"]
    # the PNG's title band is drawn (dark pixels where the title is), as is its legend column
    ink = m.eval("""async (u) => { const img = new Image(); img.src = u; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const dark = (x, y, w, h) => { const d = g.getImageData(x, y, w, h).data; let n = 0;
            for (let k = 0; k < d.length; k += 4) if (d[k] + d[k+1] + d[k+2] < 200) n++; return n; };
        return [dark(0, 0, img.width, 40), dark(img.width - 240, 60, 240, 300)]; }""", x["dataUrl"])
    assert ink[0] > 100 and ink[1] > 100, ink
    # the SVG: the same title, legend, as-of and sources lines, and the entities as vectors
    with m.page.expect_download() as dl:
        m.page.click("#cg-svg")
    svg = ET.parse(dl.value.path()).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text or "" for t in svg.iter(ns + "text")]
    title = m.eval("() => crimegraphMap.data.meta.title")
    assert svg.find(ns + "title").text == title and title in texts
    for row in ("criminal group", "state actor", "hierarchy · criminal tie", "Shining Path"):
        assert any(t.startswith(row) for t in texts), (row, texts)
    assert any(t.startswith("as of ") for t in texts) and any(t.startswith("Sources (") for t in texts)
    shown = m.drawn()
    assert len(list(svg.iter(ns + "line"))) >= shown["edges"]
    assert_clean(m)


def _slide(m, year: int) -> None:
    m.eval(f"""() => {{ const s = document.getElementById('cg-year'); s.value = '{year}';
                       s.dispatchEvent(new Event('input', {{bubbles: true}})); }}""")


def test_time_slider_three_states(open_map, peru_map):
    """The slider follows the as-of rule (schema/timing.py): valid solid, reported dashed,
    not yet known or ended hidden; the map changes between 1990, 2005 and 2020."""
    from crimegraph.schema.timing import REPORTED, VALID, state

    path, sg = peru_map
    m = open_map(path)
    assert m.page.is_visible("#cg-time")
    ids = m.eval("() => window.crimegraphMap.data.edges.map(e => e.id)")
    drawn = {}
    for year in (1990, 2005, 2020):
        _slide(m, year)
        day = dt.date(year, 12, 31)
        states = [state(sg.relations[i].timing, day) for i in ids]
        want = {"valid": states.count(VALID), "reported": states.count(REPORTED)}
        want["hidden"] = len(states) - want["valid"] - want["reported"]
        assert m.eval("() => window.crimegraphMap.timeCounts()") == want, year
        assert m.drawn()["edges"] == want["valid"] + want["reported"], year
        # each relation drawn in the state Python gives it: 2 valid, 1 reported, 0 hidden
        code = {VALID: 2, REPORTED: 1}
        assert m.eval("() => window.crimegraphMap.edgeStates()") == [code.get(s, 0) for s in states]
        assert m.page.inner_text("#cg-year-label") == str(year)
        assert f"in {year}:" in m.page.inner_text("#cg-counts")
        drawn[year] = m.drawn()["edges"]
    assert len(set(drawn.values())) == 3, drawn  # the map visibly changes
    assert drawn[1990] < drawn[2005] < drawn[2020]
    m.page.click("#cg-year-all")
    assert m.drawn()["edges"] == len(sg.relations)
    assert m.eval("() => window.crimegraphMap.timeCounts()") is None
    assert_clean(m)


def test_slider_matches_as_of_maps(open_map, peru_map, peru_store, tmp_path):
    """Moving the slider of the whole map to a year draws the relations that the same map
    built with --as-of that year draws."""
    path, sg = peru_map
    m = open_map(path)
    for year in (1995, 2015):
        _slide(m, year)
        shown = set(m.eval("""() => { const d = window.crimegraphMap.data;
            return window.crimegraphMap.edgeStates().map((s, j) => s ? d.edges[j].id : null)
                   .filter(x => x); }"""))
        as_of = select(peru_store, as_of=year).subgraph
        assert shown == set(as_of.relations), year
    assert_clean(m)


# ------------------------------------------------------------------ safety
def test_hostile_strings_stay_text(open_map, tmp_path):
    from crimegraph.graph.registry import open_store

    store = open_store("memory", seeds=DATA / "xss")
    sg = select(store).subgraph
    path = tmp_path / "xss.html"
    render(sg, path, title="<img src=x onerror=alert('title')>", store=store)
    m = open_map(path)
    assert m.page.inner_text("#cg-title") == "<img src=x onerror=alert('title')>"
    m.click_node("evil-actor")
    m.page.wait_for_selector("#cg-panel h2")
    assert m.page.inner_text("#cg-panel h2") == "<img src=x onerror=alert(1)>"
    text = m.panel_text()
    assert "</script><script>alert('description')</script>" in text
    assert "\"><svg onload=alert('quote')>" in text
    m.page.fill("#cg-search", "<img")
    m.page.wait_for_selector("#cg-results li[role=option]")
    assert "<img src=x onerror=alert(1)>" in m.page.inner_text("#cg-results")
    m.page.press("#cg-search", "Enter")
    # nothing was injected: no element from the data exists anywhere in the document
    counts = m.eval("""() => ({
        img: document.querySelectorAll('img').length,
        iframe: document.querySelectorAll('iframe').length,
        svgOnload: document.querySelectorAll('[onload],[onerror]').length,
        scripts: document.querySelectorAll('script').length,
        styles: document.querySelectorAll('style').length,
        badLinks: [...document.querySelectorAll('a[href]')].filter(a => !/^https?:/.test(a.href)).length
    })""")
    assert counts == {"img": 0, "iframe": 0, "svgOnload": 0, "scripts": 5, "styles": 2, "badLinks": 0}
    # hovering shows the tooltip, as text
    pos = m.eval("(i) => window.crimegraphMap.nodeScreenPosition(i)",
                 m.eval("() => window.crimegraphMap.indexOf('evil-actor')"))
    m.page.mouse.move(pos["x"] + 1, pos["y"] + 1)
    m.page.wait_for_timeout(600)
    assert m.eval("() => document.querySelectorAll('img, iframe').length") == 0
    assert_clean(m)


# ------------------------------------------------------------------ the command line
def test_ego_map_from_the_command_line(cli, open_map, tmp_path, peru_store):
    out = tmp_path / "sp.html"
    cli("map", "--ego", "shining-path", "--depth", "2", "-o", out, check_rc=0)
    m = open_map(out)
    from crimegraph.queries import ego_network

    ego = ego_network(peru_store, "shining-path", depth=2)
    assert m.drawn() == {"nodes": len(ego.entities), "edges": len(ego.relations)}
    assert m.page.is_visible("#cg-legend") and m.page.inner_text("#cg-legend-kinds")
    m.click_node("shining-path")
    m.page.wait_for_selector("#cg-panel h2:text-is('Shining Path')")
    assert "SOURCES FOR THIS ENTITY" in m.panel_text().upper()
    m.page.screenshot(path=str(ARTIFACTS / "shining-path-ego.png"))
    assert_clean(m)


def test_path_map_in_the_browser(cli, open_map, tmp_path):
    out = tmp_path / "path.html"
    cli("map", "--path", "tren-de-aragua", "shining-path", "-o", out, check_rc=0)
    m = open_map(out)
    data = m.eval("() => window.crimegraphMap.data.edges.filter(e => e.hl).length")
    assert data >= 2
    assert m.drawn()["edges"] == m.eval("() => window.crimegraphMap.data.edges.length")
    # the path's ends stay labelled, zoomed out far enough that most labels give way
    m.eval("() => { const n = crimegraphMap.network; n.moveTo({scale: n.getScale() * 0.3}); }")
    m.page.wait_for_timeout(200)
    ids = m.eval("() => crimegraphMap.labelIds().map(i => crimegraphMap.data.nodes[i].id)")
    assert {"tren-de-aragua", "shining-path"} <= set(ids), ids
    assert_clean(m)


# ------------------------------------------------------------------ scale
@pytest.mark.slow
def test_5000_node_map_is_interactive_at_once(open_map, tmp_path):
    sg = random_subgraph(5000, 10000, seed=4)
    path = tmp_path / "big.html"
    m_info = render(sg, path)
    assert not m_info.physics
    t = time.perf_counter()
    m = open_map(path, timeout_ms=120_000)
    wall = time.perf_counter() - t
    ready_ms = m.eval("() => window.crimegraphMap.readyAt")
    assert m.drawn() == {"nodes": 5000, "edges": len(sg.relations)}
    assert not m.eval("() => window.crimegraphMap.network.physics.physicsEnabled")
    # the target is 3 s on an idle machine (see benchmarks/results/maps.md); allow a loaded CI runner
    assert ready_ms < 15_000, f"drawn after {ready_ms:.0f} ms ({wall:.1f} s wall)"
    assert_clean(m)


def test_aggregated_map_in_the_browser(open_map, tmp_path, peru_store):
    path = tmp_path / "agg.html"
    m_info = render(whole(peru_store), path, max_nodes=20, aggregate="community")
    m = open_map(path)
    assert m.drawn() == {"nodes": m_info.nodes, "edges": m_info.edges}
    gid = m.eval("() => window.crimegraphMap.data.nodes[0].id")
    m.click_node(gid)
    assert "BEST-CONNECTED MEMBERS" in m.panel_text().upper()
    # a map of groups exports too: its legend names the groups, not entity kinds
    png, svg = m.eval("() => [crimegraphMap.exportPNG().legend, crimegraphMap.exportSVG().svg]")
    assert png[:2] == ["Groups", "group"] and "Sources (" in svg and "<title>" in svg
    assert_clean(m)


def test_print_and_narrow_frame_give_the_graph_the_page(cli, open_map, tmp_path):
    out = tmp_path / "sp.html"
    cli("map", "--ego", "shining-path", "--depth", "1", "-o", out, check_rc=0)
    # a narrow frame (the API's entity page embeds the map at about 1060 px): the graph takes
    # the whole width; the Legend button opens the legend over it
    m = open_map(out, viewport=(1060, 720))
    width = lambda sel: m.eval(f"() => document.querySelector('{sel}').getBoundingClientRect().width")  # noqa: E731
    assert width("#cg-network") >= 0.95 * 1060 and not m.page.is_visible("#cg-legend")
    m.page.click("#cg-panels")
    assert m.page.is_visible("#cg-legend") and "state actor" in m.page.inner_text("#cg-legend-kinds")
    # print: no controls, no panel; the legend beside the map
    m.page.emulate_media(media="print")
    for sel in ("#cg-tools", "#cg-search-box", "#cg-panel"):
        assert not m.page.is_visible(sel), sel
    assert m.page.is_visible("#cg-legend") and m.page.is_visible("#cg-network")
    assert width("#cg-network") > 2 * width("#cg-legend")
    # printed on A4 landscape: one page, with the title and the legend's words in it
    import re

    pdf = m.page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert_clean(m)
