"""JSON Lines seed files (issue 19, a fast cold path): the same schema, errors at ``file:line:col``.

A ``.jsonl`` seed file holds one item per line, ``{"<section>": {item}}``; it reads as
the YAML file of the same items would, and every error points at the line of its item
and the column of the field in it. ``crimegraph synth --seed-format jsonl`` writes the
same dataset as the YAML it writes by default.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crimegraph.schema.loader import read_seeds
from crimegraph.synth import write_synthetic

SOURCE = {"sources": {"id": "src-a", "title": "A source", "date": "2020-05-01"}}
GANG = {"entities": {"id": "gang-a", "type": "gang", "name": "Gang A", "citations": [{"source": "src-a"}]}}
TOWN = {"entities": {"id": "town-b", "type": "city", "name": "Town B", "citations": [{"source": "src-a"}]}}
OPERATES = {"relations": {"type": "operates_in", "subject": "gang-a", "object": "town-b", "confidence": "B2",
                          "citations": [{"source": "src-a"}]}}


def write(tmp_path: Path, *lines, name: str = "items.jsonl") -> Path:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def issues(path: Path) -> list:
    ds, found = read_seeds(path, cache="off")
    assert ds is None, "the folder should be invalid"
    return found


def test_a_valid_jsonl_folder_reads_as_its_yaml_twin(tmp_path):
    y, j = tmp_path / "y", tmp_path / "j"
    write_synthetic(y, entities=300, relations=1200, seed=3)
    write_synthetic(j, entities=300, relations=1200, seed=3, seed_format="jsonl")
    assert sorted(p.suffix for p in j.rglob("*.jsonl")) and not list(j.rglob("entities/*.yaml"))
    a, b = read_seeds(y, cache="off"), read_seeds(j, cache="off")
    assert a.issues == b.issues == []
    da, db = a.dataset, b.dataset
    assert da.relations.keys() == db.relations.keys() and da.entities.keys() == db.entities.keys()
    assert all(da.entities[k].model_dump() == db.entities[k].model_dump() for k in da.entities)
    assert all(da.relations[k].model_dump() == db.relations[k].model_dump() for k in da.relations)
    assert da.stats() == db.stats()
    # the same warnings, each at its own file's line
    assert [w.message for w in a.warnings] == [w.message for w in b.warnings]


def test_a_wrong_field_is_located_at_its_line_and_column(tmp_path):
    bad = json.loads(json.dumps(OPERATES))
    bad["relations"]["confidence"] = "Z9"
    write(tmp_path, SOURCE, GANG, TOWN, bad)
    (issue,) = issues(tmp_path)
    line = (tmp_path / "items.jsonl").read_text().splitlines()[3]
    assert (issue.path, issue.line) == ("items.jsonl", 4) or issue.path.endswith("items.jsonl") and issue.line == 4
    assert line[issue.col - 1:].startswith('"confidence"'), (issue, line)
    assert "confidence" in issue.message


def test_a_nested_field_is_located_inside_the_line(tmp_path):
    bad = json.loads(json.dumps(OPERATES))
    bad["relations"]["citations"].append({"source": "src-a", "page": {"no": 1}})
    write(tmp_path, SOURCE, GANG, TOWN, bad)
    found = issues(tmp_path)
    assert found and all(i.line == 4 for i in found)
    line = (tmp_path / "items.jsonl").read_text().splitlines()[3]
    assert any(line[i.col - 1:].startswith('"page"') for i in found), found


def test_an_unknown_reference_points_at_the_item(tmp_path):
    bad = json.loads(json.dumps(OPERATES))
    bad["relations"]["object"] = "town-z"
    write(tmp_path, SOURCE, GANG, TOWN, "", bad)  # a blank line is skipped, not counted out
    (issue,) = issues(tmp_path)
    assert issue.line == 5 and "town-z" in issue.message


def test_a_repeated_key_is_an_error_at_the_second_key(tmp_path):
    line = ('{"entities": {"id": "gang-a", "type": "gang", "name": "Gang A", "name": "Gang B", '
            '"citations": [{"source": "src-a"}]}}')
    write(tmp_path, SOURCE, line)
    (issue,) = issues(tmp_path)
    assert issue.line == 2 and line[issue.col - 1:].startswith('"name": "Gang B"'), issue
    assert "duplicate key 'name'" in issue.message


@pytest.mark.parametrize("line, col, words", [
    ('{"entities": {"id": "gang-a",, "type": "gang"}}', 30, "JSON syntax error"),
    ('{"entities": {"id": "gang-a", "n": NaN}}', 1, "NaN"),
    ('["entities", {"id": "gang-a"}]', 1, "one key"),
    ('{"entities": {"id": "x"}, "relations": {"id": "y"}}', 1, "one key"),
])
def test_broken_lines_are_located(tmp_path, line, col, words):
    write(tmp_path, SOURCE, line)
    found = issues(tmp_path)
    assert [(i.line, i.col) for i in found] == [(2, col)], found
    assert words in found[0].message


def test_an_unknown_section_and_a_second_header(tmp_path):
    write(tmp_path, {"dataset": {"id": "a"}}, SOURCE, {"people": {"id": "x"}}, {"dataset": {"id": "b"}})
    found = issues(tmp_path)
    assert any(i.line == 4 and "second 'dataset' header" in i.message for i in found), found
    write(tmp_path, SOURCE, {"people": {"id": "x"}})
    found = issues(tmp_path)
    assert [(i.line, "unknown section 'people'" in i.message) for i in found] == [(2, True)]


def test_yaml_and_jsonl_files_mix_in_one_folder(tmp_path):
    (tmp_path / "sources.yaml").write_text("sources:\n  - id: src-a\n    title: A source\n")
    write(tmp_path, GANG, TOWN, OPERATES)
    ds, found = read_seeds(tmp_path, cache="off")
    assert found == [] and set(ds.entities) == {"gang-a", "town-b"} and len(ds.relations) == 1


def test_cli_validate_a_broken_jsonl_file(tmp_path):
    bad = json.loads(json.dumps(OPERATES))
    bad["relations"]["confidence"] = "Z9"
    write(tmp_path, SOURCE, GANG, TOWN, bad)
    proc = subprocess.run([sys.executable, "-m", "crimegraph", "--no-cache", "validate", "--seeds", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "items.jsonl:4:" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


def test_the_seed_cache_sees_an_edited_jsonl_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIMEGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CRIMEGRAPH_NO_CACHE", raising=False)
    seeds = tmp_path / "s"
    seeds.mkdir()
    write(seeds, SOURCE, GANG, TOWN, OPERATES)
    assert read_seeds(seeds).dataset.entities["gang-a"].name == "Gang A"
    assert read_seeds(seeds).dataset.entities["gang-a"].name == "Gang A"  # from the cache
    renamed = json.loads(json.dumps(GANG))
    renamed["entities"]["name"] = "Gang Renamed"
    write(seeds, SOURCE, renamed, TOWN, OPERATES)
    assert read_seeds(seeds).dataset.entities["gang-a"].name == "Gang Renamed"
