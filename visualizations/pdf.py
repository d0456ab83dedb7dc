"""Print a page to PDF (or a picture to PNG) with Debian's headless Chromium.

Chromium is the browser the project already needs (the map tests drive it);
here it runs as a program, ``chromium --headless --print-to-pdf``, so that no
Python package beyond the project's own is needed at run time. The page is
written to a private temporary folder and opened from there with a fresh
profile and no network use; its running header and footer (title, as-of,
dataset version, page numbers) are CSS page-margin boxes of the page itself
(``@page { @top-left { … } }``), so the PDF carries them on every page and its
text stays selectable and searchable.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from crimegraph.errors import CrimegraphError

#: flags that work on a machine with no network and as root (as in tests/browser.py)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio"]
TIMEOUT = 120


class PrintFailed(CrimegraphError):
    """Chromium is missing, or did not print the page."""

    exit_code = 69


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise PrintFailed("PDF and PNG output need Chromium (Debian: apt-get install chromium, as "
                      "scripts/install-system-deps.sh does); write .html or .svg instead")


def _run(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PrintFailed(f"Chromium took over {TIMEOUT} s to {what}") from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise PrintFailed(f"Chromium could not {what} (exit {done.returncode}): {tail[0][:300]}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML page (A4 unless the page's ``@page`` says otherwise)."""
    exe = _chromium()
    with tempfile.TemporaryDirectory(prefix="crimegraph-print-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "page.pdf"
        _run([exe, *FLAGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
              f"--print-to-pdf={out}", page.as_uri()], "print the page to PDF")
        if not out.is_file() or out.stat().st_size == 0:
            raise PrintFailed("Chromium wrote no PDF")
        return out.read_bytes()


def svg_to_png(svg: str, width: int, height: int, scale: float = 2.0) -> bytes:
    """A PNG of a standalone SVG at ``scale`` times its size (for slides and word processors)."""
    exe = _chromium()
    with tempfile.TemporaryDirectory(prefix="crimegraph-print-") as tmp:
        page = Path(tmp) / "chart.html"
        page.write_text("<!doctype html><html><head><meta charset=\"utf-8\"><style>html,body{margin:0;"
                        "background:#fff}</style></head><body>" + svg + "</body></html>", encoding="utf-8")
        out = Path(tmp) / "chart.png"
        _run([exe, *FLAGS, f"--user-data-dir={tmp}/profile", f"--force-device-scale-factor={scale}",
              f"--window-size={width},{height}", f"--screenshot={out}", page.as_uri()],
             "draw the chart as PNG")
        if not out.is_file() or out.stat().st_size == 0:
            raise PrintFailed("Chromium wrote no PNG")
        return out.read_bytes()
