"""JSON Lines seed files (issue 19, part 3): the fast cold path, with every error located.

The reference is the YAML path: the same broken items written as YAML (one flow
mapping per line: JSON is YAML) and as JSON Lines, laid out on the same lines,
must give the same errors and warnings, at the same line, each pointing at the
same key of the record.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from crimegraph.schema.jsonl import dump_line
from crimegraph.schema.loader import read_seeds
from crimegraph.synth import write_synthetic

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KIND = {"sources": "source", "entities": "entity", "relations": "relation", "resolutions": "resolution"}
CITE = [{"source": "src-a"}]
SOURCES = [{"id": "src-a", "title": "A source", "date": 2020, "reliability": "B"},
           {"id": "src-b", "title": "Another", "date": "2019-02-30"}]  # an impossible date
ENTITIES = [
    {"id": "gang-a", "type": "gang", "name": "Gang A", "citations": CITE},
    {"id": "gang-b", "type": "gangg", "name": "Gang B", "citations": CITE},  # unknown type
    {"id": "gang-a", "type": "gang", "name": "Gang A again", "citations": CITE},  # duplicate id
    {"id": "place-p", "type": "region", "name": "P\u200bampa", "citations": CITE},  # invisible character
    {"id": "seizure-s", "type": "seizure", "name": "Seizure", "date": "2020-13-01",  # bad date
     "figures": {"kilograms": "lots"}, "citations": CITE},  # wrong type
    {"id": "gang-c", "type": "gang", "name": "Gang C", "colour": "red", "citations": CITE},  # unknown field
    {"id": "gang-d", "type": "gang", "citations": CITE},  # no name
    {"id": "gang-e", "type": "gang", "name": "Gang E", "citations": [{"source": "src-zz"}]},  # unknown source
]
RELATIONS = [
    {"type": "rival_of", "subject": "gang-a", "object": "gang-zz", "confidence": "B2",  # unknown reference
     "citations": CITE},
    {"type": "operates_in", "subject": "gang-a", "object": "place-p", "since": "2001-02-30", "confidence": "B2",
     "citations": CITE},
    {"type": "operates_in", "subject": "gang-a", "object": "place-p", "confidence": "Z9", "citations": CITE},
    {"type": "allied_with", "subject": "gang-a", "object": "gang-e", "until": 1990, "since": 2000,
     "confidence": "B2", "citations": CITE},  # ends before it starts
    {"type": "rival_of", "subject": "gang-a", "object": "gang-e", "confidence": "B2", "citations": CITE},
]
SECTIONS = {"sources": SOURCES, "entities": ENTITIES, "relations": RELATIONS}


def write_both(tmp_path: Path, sections: dict[str, list], raw: dict[str, list[str]] | None = None):
    """The same items as YAML (``name.yaml``) and JSON Lines (``name.jsonl``), on the same lines.

    ``raw``: extra record lines (JSON text, without ``kind``) appended to a section.
    """
    yaml_dir, jsonl_dir = tmp_path / "y", tmp_path / "j"
    yaml_dir.mkdir(), jsonl_dir.mkdir()
    for section, items in sections.items():
        lines = [json.dumps(i, ensure_ascii=False) for i in items] + list((raw or {}).get(section, []))
        (yaml_dir / f"{section}.yaml").write_text(f"{section}:\n" + "".join(f"  - {t}\n" for t in lines),
                                                  encoding="utf-8")
        kind = '{"kind": "' + KIND[section] + '", '
        (jsonl_dir / f"{section}.jsonl").write_text("\n" + "".join(kind + t[1:] + "\n" for t in lines),
                                                    encoding="utf-8")
    return yaml_dir, jsonl_dir


def line_of(folder: Path, issue) -> str:
    return (folder / Path(issue.path).name).read_text(encoding="utf-8").split("\n")[issue.line - 1]


def same_place(yaml_dir: Path, jsonl_dir: Path, y, j) -> bool:
    """Whether two issues point at the same key of the same record (or both at a record's start)."""
    if (Path(y.path).stem, y.line) != (Path(j.path).stem, j.line):
        return False
    yl, jl = line_of(yaml_dir, y), line_of(jsonl_dir, j)
    if yl[y.col - 1:] == jl[j.col - 1:]:
        return True
    return yl[y.col - 1:].startswith('{"') and j.col == 1  # the record itself


def normal(message: str, yaml_dir: Path, jsonl_dir: Path) -> str:
    """A YAML issue's message as the JSON Lines twin says it (its file names, 'JSON would')."""
    return (message.replace(str(yaml_dir), str(jsonl_dir)).replace(".yaml", ".jsonl")
            .replace("YAML would", "JSON would"))


def no_columns(message: str) -> str:
    """A message without the column it cites (a repeated key's first column: the texts differ)."""
    return re.sub(r"column \d+", "column N", message)


def compare(tmp_path, sections, raw=None):
    yaml_dir, jsonl_dir = write_both(tmp_path, sections, raw)
    y_read, j_read = read_seeds(yaml_dir, cache="off"), read_seeds(jsonl_dir, cache="off")
    for what in ("issues", "warnings"):
        ys, js = getattr(y_read, what), getattr(j_read, what)
        assert [no_columns(normal(i.message, yaml_dir, jsonl_dir)) for i in ys] == \
            [no_columns(i.message) for i in js], what
        for y, j in zip(ys, js):
            assert same_place(yaml_dir, jsonl_dir, y, j), (str(y), str(j))
    return y_read, j_read


def test_broken_items_give_the_same_located_errors_as_yaml(tmp_path):
    y, j = compare(tmp_path, SECTIONS)
    messages = " | ".join(i.message for i in j.issues)
    for expected in ("unknown entity type 'gangg'", "duplicate id 'gang-a'", "day is out of range",
                     "unknown field 'colour'", "missing required field 'name'", "'gang-zz'", "src-zz",
                     "kilograms"):
        assert expected in messages, expected
    assert len(j.issues) >= 10
    assert any("invisible" in w.message or "U+200B" in w.message for w in j.warnings), j.warnings
    # the located text itself: the bad date of relation 2 is at its 'since' key
    since = next(i for i in j.issues if "relation gang-a -operates_in-> place-p: since" in i.message)
    text = (tmp_path / "j" / "relations.jsonl").read_text().split("\n")[since.line - 1]
    assert text[since.col - 1:].startswith('"since": "2001-02-30"')


def test_an_error_in_a_nested_list_points_at_the_item(tmp_path):
    items = [{"id": "gang-a", "type": "gang", "name": "A",
              "citations": [{"source": "src-a"}, {"source": "src-a", "page": {"x": 1}}]}]
    y, j = compare(tmp_path, {"sources": SOURCES[:1], "entities": items})
    issue = only(j.issues)
    line = (tmp_path / "j" / "entities.jsonl").read_text().split("\n")[issue.line - 1]
    assert line[issue.col - 1:].startswith('"page": {"x": 1}')


def only(issues):
    assert len(issues) == 1, issues
    return issues[0]


@pytest.mark.parametrize("record, key, nth", [
    ('{"id": "gang-b", "type": "gang", "name": "B", "id": "gang-c", "citations": [{"source": "src-a"}]}', "id", 2),
    ('{"id": "gang-b", "type": "gang", "name": "B", "citations": [{"source": "src-a", "source": "src-b"}]}',
     "source", 2),
    ('{"id": "gang-b", "type":"gang", "name": "B", "citations": [{"source": "src-a"}], "name":"C"}', "name", 2),
])
def test_a_repeated_key_is_an_error_at_the_repeat_as_in_yaml(tmp_path, record, key, nth):
    y, j = compare(tmp_path, {"sources": SOURCES[:1], "entities": ENTITIES[:1]}, {"entities": [record]})
    issue = only(j.issues)
    assert f"duplicate key {key!r}" in issue.message
    assert issue.line == 3 and issue.path.endswith("entities.jsonl")
    line = (tmp_path / "j" / "entities.jsonl").read_text().split("\n")[issue.line - 1]
    cols = [m.start() + 1 for m in re.finditer(f'"{key}"', line)]
    assert issue.col == cols[nth - 1]
    assert f"column {cols[nth - 2]}" in issue.message


def test_a_valid_jsonl_folder_reads_as_its_yaml_twin(tmp_path):
    good = {"sources": SOURCES[:1], "entities": ENTITIES[:1] + [ENTITIES[3]],
            "relations": [{"type": "operates_in", "subject": "gang-a", "object": "place-p", "since": "2001-02",
                           "confidence": "B2", "citations": CITE}]}
    y, j = compare(tmp_path, good)
    assert not j.issues and j.dataset is not None
    assert j.dataset.entities == y.dataset.entities and j.dataset.relations == y.dataset.relations
    assert j.dataset.sources == y.dataset.sources


@pytest.mark.parametrize("line, col, what", [
    ('{"kind": "entity", "id": "x",, }', 30, "JSON syntax error"),
    ('{"kind": "entitty", "id": "x"}', 2, "unknown kind 'entitty'"),
    ('{"id": "x"}', 1, "no 'kind'"),
    ('["kind", "entity"]', 1, "one JSON object"),
    ('{"kind": "entity", "name": "a\x00b"}', 30, "JSON syntax error"),
    ('{"kind": "dataset", "id": "two"}', 1, "a second 'dataset' record (the first is at line 1)"),
])
def test_lines_that_are_not_records_are_located(tmp_path, cli, line, col, what):
    f = tmp_path / "seeds.jsonl"
    f.write_text(dump_line("dataset", {"id": "d", "title": "D"}) + "\n"
                 + dump_line("source", SOURCES[0]) + "\n" + line + "\n", encoding="utf-8")
    ds, issues = read_seeds(tmp_path, cache="off")
    issue = only(issues)
    assert (issue.line, issue.col) == (3, col) and what in issue.message, issue
    proc = cli("validate", "--seeds", tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert re.search(rf"seeds\.jsonl:3:{col}: ", proc.stderr), proc.stderr


def test_utf16_jsonl_is_named(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(dump_line("source", SOURCES[0]).encode("utf-16"))
    issue = only(read_seeds(tmp_path, cache="off").issues)
    assert (issue.line, issue.col) == (1, 1) and "UTF-16" in issue.message


def test_synth_jsonl_is_the_same_dataset(tmp_path):
    """``synth --seed-format jsonl`` writes the data the YAML files hold (the benchmark relies on it)."""
    write_synthetic(tmp_path / "y", entities=300, relations=1500, seed=3, chunk=1000)
    write_synthetic(tmp_path / "j", entities=300, relations=1500, seed=3, chunk=1000, seed_format="jsonl")
    assert sorted(p.name for p in (tmp_path / "j").rglob("*.jsonl")) == [
        "dataset.jsonl", "entities-0001.jsonl", "relations-0001.jsonl", "relations-0002.jsonl", "sources.jsonl"]
    y, j = read_seeds(tmp_path / "y", cache="off"), read_seeds(tmp_path / "j", cache="off")
    assert not y.issues and not j.issues
    assert y.dataset.meta == j.dataset.meta
    assert y.dataset.sources == j.dataset.sources
    assert y.dataset.entities == j.dataset.entities
    assert y.dataset.relations == j.dataset.relations
    # every line is in the canonical form (no repeated-key check needed on the fast path)
    for f in (tmp_path / "j").rglob("*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            assert json.dumps(json.loads(line), ensure_ascii=False) == line


def test_synth_cli_writes_jsonl_and_validate_reads_it(tmp_path, cli):
    out = tmp_path / "s"
    cli("synth", "-n", "100", "-m", "400", "--seed-format", "jsonl", "--out", out, check_rc=0)
    proc = cli("--no-cache", "validate", "--seeds", out, check_rc=0)
    assert "100 entities, 400 relations" in proc.stdout
    bad = cli("synth", "-n", "100", "-m", "400", "--seed-format", "xml", "--out", tmp_path / "x")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "--seed-format" in bad.stderr


VALID = "\n".join([dump_line("dataset", {"id": "d", "title": "D"}), dump_line("source", SOURCES[0]),
                   *(dump_line("entity", e) for e in ENTITIES[:1] + ENTITIES[3:4]),
                   dump_line("relation", RELATIONS[1] | {"since": "2001"})]) + "\n"
HOSTILE = ['"', "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "\x00", "\n", "null", "1e400",
           "NaN", '"kind"', '"id"', '"gang-a"', "\ufeff", "\u200b", "9" * 40, '{"a": ' * 50]


@st.composite
def mutated_jsonl(draw) -> bytes:
    text = VALID
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:end] + text[at:end] + text[end:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and data:
        data = data[:draw(st.integers(0, len(data) - 1))] + bytes([draw(st.integers(0, 255))]) + data[1:]
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_jsonl())
def test_fuzzed_jsonl_always_gives_located_answers(data):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "seeds.jsonl"
        f.write_bytes(data)
        read = read_seeds(Path(d), cache="off")
        n_lines = data.count(b"\n") + 1
        for issue in [*read.issues, *read.warnings]:
            assert issue.path.endswith("seeds.jsonl"), issue
            assert 1 <= issue.line <= n_lines and issue.col >= 1, issue
        assert f.read_bytes() == data
