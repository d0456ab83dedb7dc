"""The geographic map in real headless Chromium: markers, borders, slider, evidence, no request at all."""

from __future__ import annotations

import pytest

from crimegraph.visualizations.geo import render_geo
from crimegraph.visualizations.select import select
from tests.browser import chromium_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


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
