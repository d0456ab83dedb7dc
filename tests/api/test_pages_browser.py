"""The HTML pages in headless Chromium (Debian's, driven by Playwright), served by a real server.

Every request that leaves the server under test is recorded and aborted; the
pages must make none, log no error, open no dialog, and show hostile data as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.api.conftest import start_server, stop_server
from tests.browser import chromium_browser
from tests.paths import DATA

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    yield from chromium_browser()


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("xss"), "--seeds", str(DATA / "xss"), "--sparql-workers", "1",
                          "--log-level", "warning")
    yield server
    stop_server(server)


@dataclass
class Visit:
    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def visit(chromium):
    contexts = []

    def _visit(server, path: str) -> Visit:
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        v = Visit(page)
        origin = server.base.rstrip("/")

        def route(r):
            url = r.request.url
            if url.startswith((origin + "/", "data:", "about:")):
                r.continue_()
            else:
                v.outside.append(url)
                r.abort()

        ctx.route("**/*", route)
        page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.errors.append(f"uncaught: {e}"))

        def dialog(d):
            v.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(server.url(path))
        page.wait_for_load_state("load")
        return v

    yield _visit
    for c in contexts:
        c.close()


def test_hostile_entity_page(xss_server, visit):
    v = visit(xss_server, "id/evil-actor.html")
    page = v.page
    page.wait_for_timeout(1500)  # let the embedded map run its scripts
    text = page.inner_text("main")
    assert "<img src=x onerror=alert(1)>" in page.inner_text("h1")
    assert "</script><script>alert('description')</script>" in text
    assert "\"><svg onload=alert('quote')>" in text
    assert page.evaluate("() => document.querySelectorAll('main img, main svg, main script').length") == 0
    assert v.dialogs == [] and v.outside == []
    assert not [e for e in v.errors if "Content Security Policy" not in e], v.errors
    frame = page.frame_locator("iframe.map")
    assert frame.locator("body").count() == 1


def test_hostile_search(xss_server, visit):
    v = visit(xss_server, "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert v.dialogs == [] and v.outside == []
    assert v.page.evaluate("() => document.querySelectorAll('img').length") == 0


def test_sparql_page_runs_a_query(live_server, visit):
    v = visit(live_server, "sparql")
    page = v.page
    page.select_option("#examples", "0")
    page.click("#run")
    page.wait_for_selector("#out table tbody tr", timeout=30_000)
    rows = page.evaluate("() => document.querySelectorAll('#out table tbody tr').length")
    assert rows > 10
    assert page.inner_text("#out table tbody tr td a").startswith(live_server.base + "id/")
    # an error is shown as the problem's title and detail
    page.fill("#query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    page.click("#run")
    page.wait_for_selector("#out .problem", timeout=30_000)
    assert "Federated query refused" in page.inner_text("#out .problem")
    assert v.outside == [] and v.dialogs == []
    assert not [e for e in v.errors if "status of 403" not in e], v.errors  # the refused query itself


def test_docs_page_renders_the_openapi_document(live_server, visit):
    v = visit(live_server, "docs")
    page = v.page
    page.wait_for_selector("section.op")
    n = page.evaluate("() => document.querySelectorAll('section.op').length")
    assert n >= 30
    assert "/api/connections" in page.inner_text("#ops")
    health = page.locator("section.op", has_text="/health").first
    health.locator("button").click()
    page.wait_for_function("() => [...document.querySelectorAll('section.op pre')]"
                           ".some(p => p.textContent.includes('200'))")
    assert v.outside == [] and v.errors == []


def test_entity_page_with_its_map(live_server, visit):
    v = visit(live_server, "id/shining-path")  # the browser's Accept header gets HTML
    page = v.page
    assert page.inner_text("h1") == "Shining Path"
    page.locator("iframe.map").scroll_into_view_if_needed()
    frame = page.frame_locator("iframe.map")
    frame.locator("canvas").first.wait_for(timeout=30_000)
    # the embedded map gives the graph most of its frame: the legend and panel open on demand
    box = page.locator("iframe.map").bounding_box()
    graph = frame.locator("#cg-network").bounding_box()
    assert box["height"] >= 500 and graph["width"] >= 0.9 * box["width"], (box, graph)
    assert graph["width"] * graph["height"] >= 0.7 * box["width"] * box["height"], (box, graph)
    assert not frame.locator("#cg-legend").is_visible()
    frame.locator("#cg-panels").click()
    assert frame.locator("#cg-legend").is_visible()
    assert v.outside == [] and v.dialogs == []
