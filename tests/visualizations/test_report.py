"""``crimegraph report`` as a user runs it (a real subprocess), read back as people see it:
the PDF's text through ``pdftotext``, its pages through ``pdftoppm``, the SVG as XML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import _cli_path
from tests.paths import DATA, ROOT

SVG = "{http://www.w3.org/2000/svg}"


def _run(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
    return subprocess.run([*_cli_path(), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, timeout=300)


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        if os.environ.get("CRIMEGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{name} is missing (scripts/install-system-deps.sh installs it)", pytrace=False)
        pytest.skip(f"{name} is missing (scripts/install-system-deps.sh installs it)")
    return exe


def _flat(text: str) -> str:
    """Text with every space, line break and soft hyphen gone: a quote or URL wrapped over
    lines by the PDF is found whole."""
    return re.sub(r"[\s\-\u00ad]+", "", text)  # pdftotext joins "a-" + "b" as "ab" or "a-b"


@pytest.fixture(scope="module")
def peru():
    import crimegraph

    return crimegraph.open_store()


@pytest.fixture(scope="module")
def sp_pdf(tmp_path_factory):
    _tool("chromium"), _tool("dot"), _tool("pdftotext")
    out = tmp_path_factory.mktemp("report") / "sp.pdf"
    proc = _run("report", "shining-path", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    return out


def _pages(pdf: Path, layout: bool = True) -> list[str]:
    """The text of each page (``-layout``: in columns as printed; else in reading order)."""
    args = ["-layout"] if layout else []
    text = subprocess.run([_tool("pdftotext"), *args, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_pdf_prints_every_citation_and_source_of_the_relations_it_shows(sp_pdf, peru):
    from crimegraph.visualizations.select import select

    text = _flat("".join(_pages(sp_pdf, layout=False)))
    shown = select(peru, ego="shining-path", cap=30).subgraph.relations.values()
    from crimegraph.queries import entity_view

    own = entity_view(peru, "shining-path").relations
    checked = 0
    for r in [*shown, *own]:
        assert _flat(r.id) in text, r.id
        for c in r.citations:
            s = peru.source(c.source)
            assert _flat(s.title) in text, (r.id, s.id)
            if c.quote:
                assert _flat(c.quote) in text, (r.id, c.quote)
                checked += 1
            if s.url:
                assert _flat(s.url) in text, (r.id, s.url)
    assert checked > 50
    # the grades in words, and how to read them
    assert "B:usuallyreliable" in text and "Howtoreadthisdossier" in text


def test_every_pdf_page_carries_title_as_of_dataset_version_and_page_number(sp_pdf, peru):
    fp = peru.dataset().fingerprint()
    pages = _pages(sp_pdf)
    assert len(pages) >= 5
    for i, page in enumerate(pages, 1):
        assert "Shining Path: dossier — all dates" in page, i
        assert f"dataset {fp}" in page, i
        assert "crimegraph report shining-path" in page, i
        assert f"page {i} of {len(pages)}" in page, i
    # no path of the machine that made it
    assert "/tmp" not in "".join(pages) and str(ROOT) not in "".join(pages)


def test_pdftoppm_renders_every_page(sp_pdf, tmp_path):
    exe = _tool("pdftoppm")
    subprocess.run([exe, "-r", "40", "-png", str(sp_pdf), str(tmp_path / "page")], check=True,
                   capture_output=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(_pages(sp_pdf))
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, p


def test_html_dossier_as_of_shows_what_show_shows_on_that_day(tmp_path, peru):
    from crimegraph.queries import entity_view

    out = tmp_path / "sp-2005.html"
    proc = _run("report", "shining-path", "--as-of", "2005", "-o", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "as of 2005-12-31" in html
    shown = entity_view(peru, "shining-path", as_of="2005")
    every = entity_view(peru, "shining-path")
    body, _, left = html.partition("What the date leaves out")
    own = body.split("Relations of Shining Path", 1)[1].split("</table>", 1)[0]
    assert {r.id for r in shown.relations} == set(re.findall(r"· ([a-z0-9-]+--[a-z0-9-]+--[a-z0-9-]+)</span>", own))
    later = {r.id for r in every.relations} - {r.id for r in shown.relations}
    assert "shining-path--participated-in--vraem-police-convoy-attack" in later
    for rid in later:
        assert f"· {rid}<" not in body, rid
        assert f"[{rid}]" in left, rid
    assert "Capture of Abimael Guzmán" in html  # 1992: before the day
    assert "Sniper attack on an anti-drug police convoy" not in body.split("<h2>Timeline")[1].split("</figure>")[0]


def test_network_svg_has_title_legend_and_a_footnote_per_cited_relation(tmp_path, peru):
    out = tmp_path / "tda.svg"
    proc = _run("report", "tren-de-aragua", "-o", out)
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(out).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text == "Tren de Aragua: its network within 1 hop"
    assert texts[0] == "Tren de Aragua: its network within 1 hop"
    for heading in ("Entities:", "Relations:", "Lines:"):
        assert heading in texts
    assert "state actor" in texts and "criminal group" in texts  # the police apart from the gangs
    from crimegraph.visualizations.select import select

    sg = select(peru, ego="tren-de-aragua", cap=30).subgraph
    notes = [t for t in texts if re.fullmatch(r"\[\d+(–\d+)?\]", t)]
    assert len(notes) == len(sg.relations)  # one footnote under the chart per relation drawn
    on_lines = [t for t in texts if re.fullmatch(r"\d+(–\d+)?", t)]
    assert sorted(on_lines) == sorted(n.strip("[]") for n in notes)  # and its number on the line
    assert any("Made with: crimegraph report tren-de-aragua" in t for t in texts)


def test_charts_are_deterministic(tmp_path):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (a, b):
        assert _run("report", "shining-path", "-o", out).returncode == 0
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    t = tmp_path / "t.svg"
    assert _run("report", "--timeline", "shining-path", "-o", t).returncode == 0
    texts = ["".join(x.itertext()) for x in ET.parse(t).getroot().iter(f"{SVG}text")]
    assert "year only (drawn over the whole year)" in texts
    assert "undated: by first report" in texts
    assert any(x.startswith("Capture of Abimael Guzmán [") for x in texts)
    # every bracketed number on the standalone timeline is explained under it, with its sources
    used = {m for x in texts for m in re.findall(r"\[(\d+(?:–\d+)?)\]$", x) if not re.fullmatch(r"\[.*\]", x)}
    listed = {x.strip("[]") for x in texts if re.fullmatch(r"\[\d+(–\d+)?\]", x)}
    assert used and used <= listed
    assert "Notes (the numbers in brackets):" in texts


def test_png_chart(tmp_path):
    _tool("chromium")
    out = tmp_path / "t.png"
    proc = _run("report", "--timeline", "tren-de-aragua", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_names_are_text_in_html_and_svg(tmp_path):
    seeds = DATA / "xss"
    html_out, svg_out = tmp_path / "x.html", tmp_path / "x.svg"
    for out in (html_out, svg_out):
        proc = _run("report", "evil-actor", "--seeds", seeds, "-o", out)
        assert proc.returncode == 0, proc.stderr
    html = html_out.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<iframe" not in html.lower()
    assert "<svg onload" not in html.lower() and "<style>body" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "default-src 'none'" in html
    # the running header is a CSS string: nothing in it can end the string or the style sheet
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    strings = re.findall(r'content: "([^"]*)"', style)
    assert len(strings) == 4 and strings[3] == "page " and all(re.fullmatch(r"[A-Za-z0-9\\]+", x) for x in strings[:3]), strings
    assert "<" not in style
    root = ET.parse(svg_out).getroot()  # well-formed: no markup got in
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "img", "style", "iframe")]
    assert any("<img src=x onerror=alert(1)>" in "".join(t.itertext()) for t in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("args, words", [
    (["-o", "no/such/folder/x.pdf"], ["--output", "does not exist", "--mkdir"]),
    (["-o", "x.docx"], ["--output", ".pdf, .html, .svg or .png"]),
    (["-o", "/proc/x.pdf"], ["--output /proc/x.pdf", "cannot write in /proc"]),
    (["-o", "."], ["--output", "is a folder"]),
    (["--timeline", "-o", "x.pdf"], ["--timeline", ".svg or .png"]),
    (["--as-of", "2019-13", "-o", "x.html"], ["--as-of"]),
])
def test_bad_output_is_one_clear_error(tmp_path, args, words):
    proc = _run("report", "shining-path", *args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    for w in words:
        assert w in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written, not even half a file


def test_unknown_entity_and_missing_subject(tmp_path):
    proc = _run("report", "no-such-group-xyz", "-o", tmp_path / "x.html")
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "no-such-group-xyz" in proc.stderr
    proc = _run("report", "-o", tmp_path / "x.html")
    assert proc.returncode == 2 and "ENTITY, --path A B or --place P" in proc.stderr
    assert not (tmp_path / "x.html").exists()


def test_path_and_place_dossiers(tmp_path):
    out = tmp_path / "p.html"
    assert _run("report", "--path", "tren-de-aragua", "shining-path", "-o", out).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert "How Tren de Aragua and Shining Path are connected" in html and "Relations on the network chart" in html
    out = tmp_path / "v.html"
    assert _run("report", "--place", "vraem", "--as-of", "2019", "-o", out).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert "who operates there" in html and "as of 2019-12-31" in html


def test_a_path_dossier_takes_the_maps_path_filters(tmp_path, peru):
    """--avoid, --natures/--ties, --similar and --title as `crimegraph map --path` takes them: the
    dossier's paths are `query connections`' with the same filters; a filter that leaves no path
    writes nothing; a path filter without --path is refused, not ignored."""
    import json

    out = tmp_path / "p.html"
    proc = _run("report", "--path", "tren-de-aragua", "shining-path", "--avoid", "peru",
                "--title", "TdA <and> SP, avoiding Peru", "-o", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "<h1>TdA &lt;and&gt; SP, avoiding Peru</h1>" in html
    q = _run("query", "connections", "tren-de-aragua", "shining-path", "--avoid", "peru", "-f", "json")
    found = json.loads(q.stdout)["paths"]
    names = {e.id: e.name for e in peru.entities()}
    assert found
    for p in found:
        assert " → ".join(names[i] for i in p["entities"]) in html
        assert "peru" not in p["entities"][1:-1]
    none = tmp_path / "none.html"
    proc = _run("report", "--path", "tren-de-aragua", "shining-path", "--avoid", "peru", "--ties",
                "criminal", "-o", none)
    assert proc.returncode != 0 and "nothing was written" in proc.stderr and "Traceback" not in proc.stderr
    assert not none.exists()
    proc = _run("report", "shining-path", "--natures", "cooperation", "--similar", "-o", tmp_path / "x.html")
    assert proc.returncode == 2 and "--natures, --similar go with --path A B" in proc.stderr
    assert not (tmp_path / "x.html").exists()
    proc = _run("map", "--ego", "shining-path", "--avoid", "peru", "-o", tmp_path / "m.html")
    assert proc.returncode == 2 and "--avoid goes with --path A B" in proc.stderr
    assert not (tmp_path / "m.html").exists()


def test_fingerprint_changes_with_the_content(peru):
    ds = peru.dataset()
    fp = ds.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{12}", fp)
    rid = next(iter(ds.relations))
    ds.relations[rid] = ds.relations[rid].model_copy(update={"notes": "changed"})
    assert ds.fingerprint() != fp


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('svg text')].filter(t => t.textContent.trim())
    .map(t => { const r = t.getBoundingClientRect();
                return {t: t.textContent, g: t.closest('g.node'), x0: r.left, y0: r.top, x1: r.right,
                        y1: r.bottom}; });
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.g && a.g === b.g) continue;  // the lines of one node's own label
    const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
    if (w > 1 && h > 2) out.push([a.t, b.t]);
  }
  return {count: boxes.length, overlaps: out};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("args", [["shining-path"], ["tren-de-aragua"], ["--place", "vraem"],
                                  ["--timeline", "shining-path"], ["--timeline", "tren-de-aragua"],
                                  ["--path", "tren-de-aragua", "shining-path"]])
def test_no_label_overlaps_another_in_chromium(browser, tmp_path, args):
    """Every text of the Peru charts, measured where Chromium draws it: no two overlap."""
    _tool("dot")
    out = tmp_path / "chart.svg"
    proc = _run("report", *args, "-o", out)
    assert proc.returncode == 0, proc.stderr
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    try:
        page.goto(out.as_uri())
        found = page.evaluate(OVERLAPS)
    finally:
        page.close()
    assert found["count"] > 20
    assert found["overlaps"] == []
