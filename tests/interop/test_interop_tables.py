"""CSV: nodes/edges/sources for spreadsheets, and relations sheets read back with file:line errors."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml

from crimegraph.errors import DatasetInvalid
from crimegraph.exports.tables import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    SOURCE_COLUMNS,
    ImportInvalid,
    excel_guard,
    excel_unguard,
    read_relations_csv,
    write_csv,
)
from crimegraph.schema.loader import load_dataset, read_seeds
from tests.interop.interop_helpers import CSV_DATA, relations_only_removed
from tests.paths import DATA

MINI = DATA / "mini"


def read_sheet(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- export
def test_csv_export_files_and_rows(dataset, tmp_path):
    n = write_csv(dataset, tmp_path / "out", {})
    assert n == len(dataset.entities) + len(dataset.relations) + len(dataset.sources)
    assert (tmp_path / "out" / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")  # BOM for Excel
    nodes = read_sheet(tmp_path / "out" / "nodes.csv")
    edges = read_sheet(tmp_path / "out" / "edges.csv")
    sources = read_sheet(tmp_path / "out" / "sources.csv")
    assert list(nodes[0]) == list(NODE_COLUMNS) and list(edges[0]) == list(EDGE_COLUMNS)
    assert list(sources[0]) == list(SOURCE_COLUMNS)
    assert [r["id"] for r in nodes] == list(dataset.entities)
    assert [r["id"] for r in edges] == list(dataset.relations)
    assert [r["id"] for r in sources] == list(dataset.sources)
    for row in nodes:
        e = dataset.entities[row["id"]]
        assert excel_unguard(row["name"]) == e.name and row["type"] == e.type and row["kind"] == e.kind.value
        assert json.loads(row["citations_json"]) == [c.model_dump(exclude_none=True) for c in e.citations]
        assert excel_unguard(row["description"]) == (e.description or "")
    for row in edges:
        r = dataset.relations[row["id"]]
        assert (row["type"], row["subject"], row["object"]) == (r.type, r.subject, r.object)
        assert row["since"] == (r.since.value if r.since else "")
        assert row["until"] == (r.until.value if r.until else "")
        assert row["since_start"] == (r.since.start.isoformat() if r.since else "")
        assert row["until_end"] == (r.until.end.isoformat() if r.until else "")
        assert row["confidence"] == r.confidence.code
        assert row["sources"] == "; ".join(dict.fromkeys(c.source for c in r.citations))
        assert json.loads(row["citations_json"]) == [c.model_dump(exclude_none=True) for c in r.citations]
        assert excel_unguard(row["notes"]) == (r.notes or "")


def test_formula_cells_are_defused_and_restored(hostile, tmp_path):
    write_csv(hostile, tmp_path, {})
    nodes = {r["id"]: r for r in read_sheet(tmp_path / "nodes.csv")}
    sources = {r["id"]: r for r in read_sheet(tmp_path / "sources.csv")}
    edges = {r["id"]: r for r in read_sheet(tmp_path / "edges.csv")}
    assert sources["src-formula"]["title"].startswith("'=HYPERLINK(")
    assert nodes["gang-emoji"]["aliases"].startswith("'-minus start")
    assert edges["gang-emoji--rival-of--group-x"]["notes"] == "'-starts with minus"
    for value in ("=1", "+1", "-1", "@x", "'=x", "''+y", "\tx", "plain", "'plain", ""):
        assert excel_unguard(excel_guard(value)) == value
    write_csv(hostile, tmp_path / "raw", {"excel_safe": "false", "bom": "false"})
    assert (tmp_path / "raw" / "nodes.csv").read_bytes().startswith(b"id,")
    raw = {r["id"]: r for r in read_sheet(tmp_path / "raw" / "sources.csv")}
    assert raw["src-formula"]["title"] == hostile.sources["src-formula"].title


def test_edges_csv_round_trips_through_the_importer(dataset, tmp_path):
    """edges.csv is a valid input of `import csv`: every relation comes back, citations and periods too."""
    write_csv(dataset, tmp_path, {})
    seed, notes = read_relations_csv(tmp_path / "edges.csv", {"seeds": relations_only_removed(dataset)})
    assert notes == []
    assert seed["sources"] == [] and seed["entities"] == []
    folder = tmp_path / "seeds"
    folder.mkdir()
    base = relations_only_removed(dataset)
    (folder / "base.yaml").write_text(yaml.safe_dump({
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in base.sources.values()],
        "entities": [e.model_dump(mode="json", exclude_none=True) for e in base.entities.values()],
    }, allow_unicode=True), encoding="utf-8")
    (folder / "relations.yaml").write_text(yaml.safe_dump({"relations": seed["relations"]}, allow_unicode=True),
                                           encoding="utf-8")
    back = load_dataset(folder)
    assert ({k: r.model_dump(mode="json") for k, r in back.relations.items()}
            == {k: r.model_dump(mode="json") for k, r in dataset.relations.items()})


# ---------------------------------------------------------------- import
def test_import_good_sheet(tmp_path, copy_seeds):
    seed, notes = read_relations_csv(CSV_DATA / "good-relations.csv", {"seeds": MINI})
    rels = seed["relations"]
    assert len(rels) == 4 and notes == []
    allied = rels[0]
    assert allied["type"] == "allied_with" and (allied["since"], allied["until"]) == ("2012", "2014")
    assert allied["citations"] == [
        {"source": "src-a", "quote": 'They cooperated, "briefly".', "page": "4"},
        {"source": "src-a", "quote": "Second quote from the same source", "page": "5"},
    ]  # two rows of one relation: two citations
    banda = rels[1]
    assert (banda["type"], banda["subject"]) == ("operates_in", "group-b")  # label and name resolved
    assert banda["notes"] == "added by an analyst; line 1\nline 2"
    assert rels[2]["id"] == "group-a--operates-in--valley-y--2020"  # the default id is taken in the seeds
    assert rels[2]["confidence"] == "B2"
    assert (rels[3]["since"], rels[3]["until"]) == ("1999", "2001-03-01")  # spreadsheet dates undone
    # the output drops into the seed folder and validates
    seeds = copy_seeds(MINI)
    (seeds / "new-relations.yaml").write_text(yaml.safe_dump({"relations": rels}, allow_unicode=True),
                                              encoding="utf-8")
    ds, issues = read_seeds(seeds)
    assert issues == [] and len(ds.relations) == 8


def test_import_excel_semicolon_sheet_with_bom():
    seed, _ = read_relations_csv(CSV_DATA / "excel-semicolon.csv", {"seeds": MINI})
    (rel,) = seed["relations"]
    assert (rel["subject"], rel["object"], rel["since"]) == ("group-a", "valley-y", "2005")


BAD = [
    "4: column type: unknown relation type 'operate_in' (did you mean 'operates_in', 'located_in', "
    "'participated_in'?)",
    "5: column subject: 'grupo-a' is not a known entity (did you mean 'group-a', 'group-b'?)",
    "6: column object: operates_in needs place as object, but 'drugs' is a cocaine trafficking",
    "7: column object: subject and object are the same entity",
    "8: column subject: duplicate of symmetric relation group-b--rival-of--group-a (in the seeds); "
    "rival_of is stored once, in either direction",
    "9: column object: located_in would form a cycle: country-x -> valley-y -> country-x",
    "10: column until: 2010 is before since (2015)",
    "11: column since: not a valid date: '2015-13' (bad month number 13; must be 1-12)",
    "11: column confidence: expected an Admiralty code: a letter A-F (source reliability) and a digit "
    "1-6 (information credibility), like 'B2'; got 'B7'",
    "11: column source: 'src-b' is not a source of the seeds; add it to the seeds' sources first "
    "(did you mean 'src-a'?)",
    "13: column confidence: empty; give an Admiralty code like B2 (or a default with -O confidence=CODE)",
    "13: column source: empty; every relation needs a source (a source id of the seeds)",
    "14: this relation already exists in the seeds ('group-a--engages-in--drugs'); add the citation there "
    "instead",
    "15: the row has 11 cells but the header names 10 columns (a stray separator or quote?)",
]


def test_import_reports_every_row_error_with_its_physical_line():
    with pytest.raises(ImportInvalid) as info:
        read_relations_csv(CSV_DATA / "bad-relations.csv", {"seeds": MINI})
    exc = info.value
    assert isinstance(exc, DatasetInvalid) and exc.exit_code == 2
    prefix = "tests/data/csv/bad-relations.csv:"
    assert [str(i) for i in exc.issues] == [prefix + line for line in BAD]
    assert str(exc).endswith("14 errors; nothing was written")
    # the multi-line row (lines 2-3) is fine; the line after it is line 4
    assert exc.issues[0].line == 4 and exc.issues[0].col == 1


def test_import_header_errors():
    with pytest.raises(ImportInvalid) as info:
        read_relations_csv(CSV_DATA / "bad-header.csv", {"seeds": MINI})
    text = [str(i) for i in info.value.issues]
    assert "tests/data/csv/bad-header.csv:1: column subjet: unknown column (did you mean 'subject', 'object'?)" in text
    assert "tests/data/csv/bad-header.csv:1: column confidnce: unknown column (did you mean 'confidence'?)" in text
    assert any("column subject: missing from the header" in t for t in text)
    assert len(text) == 4  # 'colour' is merely ignored


def test_import_defaults_and_names(tmp_path):
    sheet = tmp_path / "r.csv"
    sheet.write_text("type,subject,object\nrival_of,The Apex,Banda Beta\n", encoding="utf-8")
    with pytest.raises(ImportInvalid, match="column confidence: missing"):
        read_relations_csv(sheet, {"seeds": MINI})
    seed, _ = read_relations_csv(sheet, {"seeds": MINI, "confidence": "D4", "source": "src-a"})
    assert seed["relations"] == [{"type": "rival_of", "subject": "group-a", "object": "group-b",
                                  "confidence": "D4", "citations": [{"source": "src-a"}]}]


def test_import_rejects_non_utf8(tmp_path):
    sheet = tmp_path / "latin1.csv"
    sheet.write_bytes("type,subject,object,confidence,source\nrival_of,Grupo Ápice,group-b,B2,src-a\n"
                      .encode("latin-1"))
    with pytest.raises(ImportInvalid, match=r"latin1.csv:2: not UTF-8 text"):
        read_relations_csv(sheet, {"seeds": MINI})


def test_import_conflicting_rows(tmp_path):
    sheet = tmp_path / "r.csv"
    sheet.write_text(
        "id,type,subject,object,since,confidence,source\n"
        "x-1,operates_in,group-b,valley-y,2001,B2,src-a\n"
        "x-1,operates_in,group-b,valley-y,2002,B2,src-a\n"
        "x-2,rival_of,group-a,country-x,,B2,src-a\n"
        "Bad Id,rival_of,group-a,group-b,2020,B2,src-a\n", encoding="utf-8")
    with pytest.raises(ImportInvalid) as info:
        read_relations_csv(sheet, {"seeds": MINI})
    text = "\n".join(str(i) for i in info.value.issues)
    assert "r.csv:3: column id: 'x-1' is already used on line 2 for a different relation" in text
    assert "r.csv:4: column object: rival_of needs actor as object, but 'country-x' is a country" in text
    assert "r.csv:5: column id: 'Bad Id' is not a valid relation id" in text
