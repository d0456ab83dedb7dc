"""Headless Chromium for map tests: Debian's ``chromium`` driven by Playwright for Python.

The browser is launched once per session. Without Chromium (or Playwright)
the browser tests are skipped with the reason, unless
``CRIMEGRAPH_REQUIRE_BROWSER=1`` is set (as in CI): then they fail.

Every page is opened from ``file://`` with the network blocked: a route lets
through only ``file:`` and ``data:`` URLs, and records (and aborts) any other
request, so that a test can assert that the page attempted none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser import chromium_browser

READY = "() => window.crimegraphMap !== undefined && window.crimegraphMap.ready === true"


@pytest.fixture(scope="session")
def browser():
    yield from chromium_browser()


@dataclass
class OpenedMap:
    """A map page in the browser, with everything it tried to fetch and every error it logged."""

    page: object
    outside_requests: list[str] = field(default_factory=list)
    all_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def eval(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def drawn(self) -> dict:
        return self.eval("() => window.crimegraphMap.drawnCounts()")

    def panel_text(self) -> str:
        return self.page.inner_text("#cg-panel")

    def click_node(self, entity_id: str) -> None:
        i = self.eval("(id) => window.crimegraphMap.indexOf(id)", entity_id)
        assert i >= 0, f"{entity_id} is not on the map"
        pos = self.eval("(i) => window.crimegraphMap.nodeScreenPosition(i)", i)
        self.page.mouse.click(pos["x"], pos["y"])


@pytest.fixture
def open_map(browser):
    """``open_map(path)``: load a map from file:// with the network blocked; wait until drawn."""
    contexts = []

    def _open(path: Path, *, viewport=(1600, 1000), timeout_ms: int = 60_000) -> OpenedMap:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      offline=True, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        opened = OpenedMap(page)

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                opened.outside_requests.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: opened.all_requests.append(req.url))
        page.on("websocket", lambda ws: opened.outside_requests.append(ws.url))
        page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.console_errors.append(f"uncaught: {e}"))

        def dialog(d):
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_function(READY, timeout=timeout_ms)
        return opened

    yield _open
    for c in contexts:
        c.close()
