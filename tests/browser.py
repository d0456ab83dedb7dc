"""Headless Chromium for page tests: Debian's chromium driven by Playwright for Python.

Missing pieces skip the tests, or fail them under CRIMEGRAPH_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import os
import shutil

import pytest

#: flags that work on a machine with no network (no background fetches, no sandbox as root)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def unavailable(reason: str):
    if os.environ.get("CRIMEGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CRIMEGRAPH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_browser():
    """Yield a launched Playwright browser; stop it afterwards (use from a fixture)."""
    exe = shutil.which("chromium")
    if exe is None:
        unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install 'crimegraph[test]')")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=LAUNCH_ARGS)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pw.stop()
        unavailable(f"chromium would not start: {exc}")
    yield b
    b.close()
    pw.stop()
