"""``crimegraph map`` as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import re

from crimegraph.visualizations import check_offline
from tests.paths import DATA


def _data(path) -> dict:
    html = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="cg-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_ego_map(cli, tmp_path):
    out = tmp_path / "sp.html"
    proc = cli("map", "--ego", "shining-path", "--depth", "2", "-o", out, check_rc=0)
    assert proc.stdout.strip() == str(out)
    assert "wrote" in proc.stderr and "entities" in proc.stderr
    html = out.read_text(encoding="utf-8")
    assert check_offline(html) == []
    data = _data(out)
    assert data["meta"]["title"] == "Shining Path: its network within 2 hops"
    assert any(n["id"] == "shining-path" and n.get("focus") for n in data["nodes"])
    assert any("crimegraph map --ego shining-path --depth 2" in n for n in data["meta"]["notes"])


def test_default_file_name_from_the_map(cli, tmp_path):
    proc = cli("map", "--place", "vraem", cwd=tmp_path, check_rc=0)
    assert proc.stdout.strip() == "place-vraem.html"
    assert (tmp_path / "place-vraem.html").exists()


def test_modes_and_filters(cli, tmp_path):
    cli("map", "--path", "tren-de-aragua", "shining-path", "-o", tmp_path / "p.html", check_rc=0)
    assert any(e.get("hl") for e in _data(tmp_path / "p.html")["edges"])
    cli("map", "--economy", "cocaine-trafficking", "--as-of", "2019", "-o", tmp_path / "e.html", check_rc=0)
    assert _data(tmp_path / "e.html")["meta"]["period"] == {"as_of": "2019-12-31"}
    cli("map", "--types", "actor", "--relations", "allied_with,rival_of,associated_with",
        "--since", "2000", "--until", "2020", "--title", "Alliances", "-o", tmp_path / "a.html",
        check_rc=0)
    data = _data(tmp_path / "a.html")
    assert data["meta"]["title"] == "Alliances"
    assert {n["kind"] for n in data["nodes"]} == {"actor"}
    assert {e["type"] for e in data["edges"]} <= {"allied_with", "rival_of", "associated_with"}


def test_refusal_names_the_filters_without_traceback(cli, tmp_path):
    out = tmp_path / "big.html"
    proc = cli("map", "--max-nodes", "20", "-o", out)
    assert proc.returncode == 4
    assert not out.exists()
    err = proc.stderr
    assert "Traceback" not in err
    for flag in ("--ego", "--place", "--types", "--as-of", "--aggregate", "--max-nodes"):
        assert flag in err, flag


def test_aggregate_instead_of_refusing(cli, tmp_path):
    out = tmp_path / "agg.html"
    proc = cli("map", "--max-nodes", "20", "--aggregate", "kind", "-o", out, check_rc=0)
    assert "aggregated by kind" in proc.stderr
    assert {n["kind"] for n in _data(out)["nodes"]} == {"group"}


def test_usage_errors(cli, tmp_path):
    proc = cli("map", "--ego", "shining-path", "--place", "vraem", "-o", tmp_path / "x.html")
    assert proc.returncode == 2 and "choose one of" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("map", "--ego", "shining-pth", "-o", tmp_path / "x.html")
    assert proc.returncode != 0 and "shining-path" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("map", "--types", "spaceship", "-o", tmp_path / "x.html")
    assert proc.returncode == 2 and "spaceship" in proc.stderr
    proc = cli("map", "--as-of", "2019-13", "-o", tmp_path / "x.html")
    assert proc.returncode == 2 and "--as-of" in proc.stderr
    proc = cli("map", "--path", "shining-path", "tren-de-aragua", "--max-hops", "1", "-o", tmp_path / "x.html")
    assert proc.returncode == 1 and "no connection" in proc.stderr
    assert not (tmp_path / "x.html").exists()


def test_hostile_data_and_title(cli, tmp_path):
    out = tmp_path / "xss.html"
    cli("map", "--seeds", DATA / "xss", "--title", "<script>alert('t')</script>", "-o", out, check_rc=0)
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(" not in html and "<img src=x" not in html
