"""Each kind of bad input yields its error at the right file and line, and all are reported at once."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from crimegraph.errors import DatasetInvalid
from crimegraph.schema.loader import load_dataset, read_seeds

DATA = Path(__file__).resolve().parent.parent / "data"

SRC = "sources:\n  - {id: src-a, title: A source, reliability: B}\n"
ENTS = textwrap.dedent("""\
    entities:
      - {id: group-a, type: armed_group, name: Group A, citations: [{source: src-a}]}
      - {id: group-b, type: gang, name: Group B, citations: [{source: src-a}]}
      - {id: country-x, type: country, name: Xland, citations: [{source: src-a}]}
      - {id: valley-y, type: river_valley, name: Valley Y, citations: [{source: src-a}]}
      - {id: drugs, type: cocaine_trafficking, name: Drugs, citations: [{source: src-a}]}
    """)


def rel(**kw) -> str:
    base = {"type": "operates_in", "subject": "group-a", "object": "valley-y",
            "confidence": "B2", "citations": "[{source: src-a}]"}
    base.update(kw)
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in base.items() if v is not None) + "}\n"


def write(tmp_path: Path, relations: str = "", entities: str = ENTS, sources: str = SRC) -> Path:
    (tmp_path / "sources.yaml").write_text(sources)
    (tmp_path / "entities.yaml").write_text(entities)
    (tmp_path / "relations.yaml").write_text("relations:\n" + relations if relations else "")
    return tmp_path


CASES = {
    # name: (files, expected file, line, message pattern)
    "yaml syntax": (dict(relations=rel() + "  - {type: [unclosed\n"), "relations.yaml", 3, r"YAML syntax error"),
    "missing field": (dict(relations=rel(confidence=None)), "relations.yaml", 2, r"missing required field 'confidence'"),
    "unknown field": (dict(relations=rel(weight=3)), "relations.yaml", 2, r"unknown field 'weight'"),
    "unknown relation type": (dict(relations=rel(type="operates")), "relations.yaml", 2, r"unknown relation type 'operates'.*operates_in"),
    "unknown entity type": (dict(entities=ENTS + "  - {id: z, type: militia, name: Z, citations: [{source: src-a}]}\n"),
                            "entities.yaml", 7, r"unknown entity type 'militia'"),
    "bad id": (dict(entities=ENTS + "  - {id: Bad_Id, type: gang, name: Z, citations: [{source: src-a}]}\n"),
               "entities.yaml", 7, r"not a valid id"),
    "duplicate id": (dict(entities=ENTS + "  - {id: drugs, type: gang, name: Z, citations: [{source: src-a}]}\n"),
                     "entities.yaml", 7, r"duplicate id 'drugs' \(first defined at .*entities.yaml:6\)"),
    "dangling reference": (dict(relations=rel(object="valle-y")), "relations.yaml", 2, r"object 'valle-y' is not a known entity.*valley-y"),
    "wrong endpoint kind": (dict(relations=rel(subject="drugs")), "relations.yaml", 2, r"operates_in needs an actor as subject, but 'drugs' is a cocaine trafficking"),
    "until before since": (dict(relations=rel(since=2015, until="2010-05")), "relations.yaml", 2, r"until \(2010-05\) is before since \(2015\)"),
    "bad date": (dict(relations=rel(since="2015-13")), "relations.yaml", 2, r"since: not a valid date"),
    "bad confidence": (dict(relations=rel(confidence="Z9")), "relations.yaml", 2, r"Admiralty code"),
    "no citation": (dict(relations=rel(citations="[]")), "relations.yaml", 2, r"citations"),
    "unknown source": (dict(relations=rel(citations="[{source: src-b}]")), "relations.yaml", 2, r"unknown source 'src-b'"),
    "located_in cycle": (dict(relations=rel(type="located_in", subject="valley-y", object="country-x")
                              + rel(type="located_in", subject="country-x", object="valley-y")),
                         "relations.yaml", 3, r"located_in forms a cycle: valley-y -> country-x -> valley-y"),
    "duplicate symmetric": (dict(relations=rel(type="rival_of", subject="group-a", object="group-b")
                                 + rel(type="rival_of", subject="group-b", object="group-a")),
                            "relations.yaml", 3, r"duplicate of symmetric relation 'group-a--rival-of--group-b'"),
    "duplicate relation id": (dict(relations=rel() + rel(since=2001)), "relations.yaml", 3, r"duplicate relation id.*give one of them an explicit 'id'"),
    "self relation": (dict(relations=rel(type="allied_with", subject="group-a", object="group-a")), "relations.yaml", 2, r"subject and object are the same"),
    "unknown section": (dict(sources=SRC + "actors: []\n"), "sources.yaml", 3, r"unknown section 'actors'"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_mistake_is_reported_with_file_and_line(tmp_path, case):
    files, fname, line, pattern = CASES[case]
    write(tmp_path, **files)
    dataset, issues = read_seeds(tmp_path)
    assert dataset is None
    assert issues, case
    matching = [i for i in issues if re.search(pattern, i.message)]
    assert matching, [str(i) for i in issues]
    issue = matching[0]
    assert Path(issue.path).name == fname, str(issue)
    assert issue.line == line, str(issue)
    assert issue.col >= 1
    assert re.match(r"^\S+:\d+:\d+: ", str(issue))


def test_good_fixture_is_valid(tmp_path):
    write(tmp_path, relations=rel())
    dataset, issues = read_seeds(tmp_path)
    assert issues == []
    assert list(dataset.relations) == ["group-a--operates-in--valley-y"]


def test_ten_mistakes_yield_ten_errors_in_one_run():
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(DATA / "ten-mistakes")
    issues = exc.value.issues
    assert len(issues) == 10, "\n".join(map(str, issues))
    assert len({(i.path, i.line) for i in issues}) == 10
    assert {Path(i.path).name for i in issues} == {"broken.yaml", "entities.yaml", "relations.yaml"}


def test_reference_to_an_invalid_item_is_not_reported_twice(tmp_path):
    ents = ENTS + "  - {id: militia-z, type: militia, name: Z, citations: [{source: src-a}]}\n"
    write(tmp_path, entities=ents, relations=rel(object="militia-z", type="allied_with"))
    _, issues = read_seeds(tmp_path)
    assert len(issues) == 1 and "unknown entity type" in issues[0].message


def test_missing_folder_is_a_usage_error(tmp_path):
    from crimegraph.errors import UsageError

    with pytest.raises(UsageError, match="seed folder not found"):
        read_seeds(tmp_path / "nope")


def test_partial_dates_and_precision(tmp_path):
    write(tmp_path, relations=rel(since=1999, until="2015-02"))
    ds, _ = read_seeds(tmp_path)
    r = next(iter(ds.relations.values()))
    assert (r.since.precision, r.until.precision) == ("year", "month")
    assert r.until.end.isoformat() == "2015-02-28"
    import datetime as dt

    assert r.valid_on(dt.date(2015, 2, 28)) and not r.valid_on(dt.date(2015, 3, 1))
    assert r.valid_on(dt.date(1999, 1, 1)) and not r.valid_on(dt.date(1998, 12, 31))
