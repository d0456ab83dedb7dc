"""The geographic map in real headless Chromium: markers, borders, slider, evidence, no request at all."""

from __future__ import annotations

import pytest

from crimegraph.visualizations.geo import render_geo
from crimegraph.visualizations.select import select

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def geo_page(tmp_path_factory, peru_store):
    sel = select(peru_store)
    path = tmp_path_factory.mktemp("geo") / "peru-geo.html"
    m = render_geo(sel.subgraph, path, title=sel.title, store=peru_store, period=sel.period)
    return path, m


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("window.crimegraphGeo && window.crimegraphGeo.ready", timeout=30000)
    return page, requests


def test_markers_borders_and_no_request(browser, geo_page, peru_dataset):
    path, _ = geo_page
    page, requests = _open(browser, path)
    placed = sum(1 for e in peru_dataset.entities.values() if getattr(e, "coordinates", None))
    assert page.evaluate("crimegraphGeo.markerCount()") == placed == 55
    # countries, lakes and Peru's departments are drawn
    assert page.evaluate("crimegraphGeo.basemapCount()") > 150
    assert page.evaluate("document.querySelectorAll('#cg-network canvas').length") >= 1
    assert page.evaluate("crimegraphGeo.routeCount()") > 5
    assert requests == [path.as_uri()]  # the page itself, nothing else
    page.close()


def test_slider_filters_and_click_shows_sources(browser, geo_page):
    path, _ = geo_page
    page, requests = _open(browser, path)
    total = ("(function () { var s = 0; for (var k = 0; k < crimegraphGeo.data.nodes.length; k++) "
             "s += crimegraphGeo.presentCount(k); return s; })()")
    present_all = page.evaluate(total)
    page.evaluate("crimegraphGeo.setYear(1985)")
    assert page.evaluate(total) < present_all  # presences that began later are left out
    assert "1985" in page.inner_text("#cg-year-label")
    page.evaluate("crimegraphGeo.setYear(null)")
    assert page.evaluate(total) == present_all
    i = page.evaluate("crimegraphGeo.indexOf('lake-titicaca')")
    page.evaluate(f"crimegraphGeo.focus({i})")
    pos = page.evaluate(f"crimegraphGeo.markerScreenPosition({i})")
    page.mouse.click(pos["x"], pos["y"])
    panel = page.inner_text("#cg-panel-body")
    assert "Lake Titicaca" in panel
    assert "where the coordinates come from" in panel.lower() and "Natural Earth" in panel
    assert "Lake Titicaca serves as a crossroads" in panel  # a cited quote
    assert requests == [path.as_uri()]
    page.close()


def test_data_is_escaped_in_the_page(tmp_path):
    from crimegraph.graph.subgraph import Subgraph
    from crimegraph.schema.models import Place

    p = Place(id="x", type="city", name="</script><b>x</b>", coordinates={"lat": 1, "lon": 2},
              derived={"coordinates": "<img src=x onerror=alert(1)>"}, citations=[{"source": "s"}])
    html = render_geo(Subgraph.of([p], [])).html
    assert "</script><b>" not in html and "<img src=x" not in html


def test_markers_sharing_a_point_each_open_their_own_place(browser, geo_page, peru_dataset):
    """The VRAEM, Vizcatán, Mayapo and San Miguel del Ene share the gazetteer's point: each is
    drawn on a small ring around it, and a click on each opens that place, not the last drawn."""
    path, _ = geo_page
    page, requests = _open(browser, path)
    vraem = peru_dataset.entities["vraem"].coordinates
    sharing = sorted(e.id for e in peru_dataset.entities.values()
                     if getattr(e, "coordinates", None) and (e.coordinates.lat, e.coordinates.lon) == (vraem.lat, vraem.lon))
    assert len(sharing) == 4
    page.evaluate(f"crimegraphGeo.focus(crimegraphGeo.indexOf('vraem'))")
    spots = set()
    for pid in sharing:
        i = page.evaluate(f"crimegraphGeo.indexOf('{pid}')")
        pos = page.evaluate(f"crimegraphGeo.markerScreenPosition({i})")
        spots.add((round(pos["x"]), round(pos["y"])))
        page.mouse.click(pos["x"], pos["y"])
        assert page.inner_text("#cg-panel-body h2") == peru_dataset.entities[pid].name
        # the marker moved for the drawing only: the panel gives the true point
        assert f"{vraem.lat}, {vraem.lon}" in page.inner_text("#cg-panel-body")
    assert len(spots) == 4
    # a place alone at its point stays exactly there
    i = page.evaluate("crimegraphGeo.indexOf('lake-titicaca')")
    c = peru_dataset.entities["lake-titicaca"].coordinates
    assert page.evaluate(f"crimegraphGeo.markerLatLng({i})") == pytest.approx([c.lat, c.lon])
    assert requests == [path.as_uri()]
    page.close()


def test_year_slider_has_the_network_maps_three_states(browser, geo_page, peru_dataset):
    """As on the network map (common.js stateInYear): valid solid, reported dashed, the rest hidden."""
    import datetime as dt

    from crimegraph.schema import timing

    path, _ = geo_page
    page, _ = _open(browser, path)
    assert page.evaluate("crimegraphGeo.timeCounts()") is None
    page.evaluate("crimegraphGeo.setYear(2020)")
    counts = page.evaluate("crimegraphGeo.timeCounts()")
    assert counts["valid"] > 0 and counts["reported"] > 0 and counts["hidden"] > 0
    assert sum(counts.values()) == len(page.evaluate("crimegraphGeo.data.edges"))
    footer = page.inner_text("#cg-counts")
    assert f"in 2020: {counts['valid']} valid, {counts['reported']} reported (dashed)" in footer
    # the page's state of each route is the Python rule's (schema/timing.py), as of 2020-12-31
    code = {timing.VALID: 2, timing.REPORTED: 1}

    def state(rid, y=2020):
        return code.get(timing.state(peru_dataset.relations[rid].timing, dt.date(y, 12, 31)), 0)

    routes = page.evaluate("crimegraphGeo.routeStates()")
    assert routes and all(st == state(rid) != 0 for rid, st in routes)
    assert 1 in {st for _, st in routes}  # undated routes already reported by 2020: dashed
    page.evaluate("crimegraphGeo.setYear(1985)")
    assert all(st == state(rid, 1985) != 0 for rid, st in page.evaluate("crimegraphGeo.routeStates()"))
    page.close()


def test_first_view_fits_peru(browser, geo_page, peru_dataset):
    path, _ = geo_page
    page, _ = _open(browser, path)
    assert page.evaluate("crimegraphGeo.data.nodes[crimegraphGeo.homeIndex()].id") == "peru"
    w, s, e, n = peru_dataset.entities["peru"].coordinates.bbox
    b = page.evaluate("(function () { var b = crimegraphGeo.map.getBounds(); "
                      "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
    assert b[0] <= w and b[1] <= s and b[2] >= e and b[3] >= n  # all of Peru in view
    assert b[2] - b[0] < 3 * (e - w)  # and not the world: Europe's places are out of view
    page.evaluate("crimegraphGeo.fit()")
    assert page.evaluate("crimegraphGeo.map.getBounds().getEast()") > 0  # Fit shows every place (Europe too)
    page.close()


def test_near_map_draws_the_circle_and_fits_it(browser, tmp_path, peru_store):
    from crimegraph.queries import places_near

    sel = select(peru_store, near=(-12.277, -73.961, 50))
    path = tmp_path / "near.html"
    render_geo(sel.subgraph, path, title=sel.title, store=peru_store, period=sel.period, near=sel.near)
    page, requests = _open(browser, path)
    near = {p.id for p, _ in places_near(peru_store, -12.277, -73.961, 50)}
    drawn = page.evaluate("(function () { var o = []; crimegraphGeo.data.nodes.forEach(function (n, k) {"
                          " if (n.coords) o.push(n.id); }); return o; })()")
    assert set(drawn) >= near and page.evaluate("crimegraphGeo.markerCount()") == len(drawn)
    b = page.evaluate("(function () { var b = crimegraphGeo.map.getBounds(); "
                      "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
    # the 50 km circle (about 0.45 degrees of latitude) is in view, and the view is not much bigger
    assert b[1] < -12.277 - 0.45 and b[3] > -12.277 + 0.45 and b[3] - b[1] < 3
    assert requests == [path.as_uri()]
    page.close()


def test_place_names_never_overlap(browser, geo_page):
    """The first view names the busiest places (the VRAEM, Callao, Lake Titicaca) and no two names
    overlap; zoomed in, they are laid out again without overlaps."""
    path, _ = geo_page
    page, _ = _open(browser, path)

    def boxes():
        return page.evaluate("crimegraphGeo.labelBoxes()")

    def overlaps(bs):
        return [(a[0], b[0]) for k, a in enumerate(bs) for b in bs[k + 1:]
                if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]

    first = boxes()
    names = {b[0] for b in first}
    assert {"Apurímac, Ene and Mantaro River Valley (VRAEM)", "Callao", "Lake Titicaca"} <= names
    assert "Peru" not in names  # countries are named by the basemap's borders
    assert overlaps(first) == []
    page.evaluate("void crimegraphGeo.map.setZoom(crimegraphGeo.map.getZoom() + 2, { animate: false })")
    assert len(boxes()) >= len(first)  # more names fit
    assert overlaps(boxes()) == []
    page.close()
