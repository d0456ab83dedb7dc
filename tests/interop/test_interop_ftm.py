"""FollowTheMoney: the export validates with the followthemoney library; the import maps real FtM."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("followthemoney")

from crimegraph.exports.ftm import (  # noqa: E402
    entity_ftm_id,
    read_ftm,
    relation_ftm_id,
    source_ftm_id,
    write_ftm,
)
from crimegraph.schema.loader import load_dataset, read_seeds  # noqa: E402

from tests.interop.interop_helpers import FTM_DATA, assert_valid_ftm, ftm_lines  # noqa: E402


def export(ds, **options) -> bytes:
    buf = io.BytesIO()
    n = write_ftm(ds, buf, options)
    assert n == len(ds.sources) + len(ds.entities) + len(ds.relations)
    return buf.getvalue()


def write_seeds(seed: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "imported.yaml").write_text(
        yaml.safe_dump({k: v for k, v in seed.items() if v}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    return folder


def dumps(ds) -> tuple[dict, dict, dict]:
    return ({k: v.model_dump(mode="json") for k, v in ds.sources.items()},
            {k: v.model_dump(mode="json") for k, v in ds.entities.items()},
            {k: v.model_dump(mode="json") for k, v in ds.relations.items()})


# ---------------------------------------------------------------- export
def test_export_validates_against_the_ftm_model(dataset):
    raw = export(dataset)
    records = ftm_lines(raw)
    # one entity per line even for readers that split on U+2028 and friends (str.splitlines, JS)
    assert len(raw.decode("utf-8").splitlines()) == len(records)
    assert_valid_ftm(records)
    by_id = {r["id"]: r for r in records}
    for s in dataset.sources.values():
        rec = by_id[source_ftm_id("crimegraph", s.id)]
        assert rec["schema"] == "Article"
        if s.url:
            assert rec["properties"]["sourceUrl"] == [s.url]
    for e in dataset.entities.values():
        rec = by_id[entity_ftm_id("crimegraph", e.id)]
        # every cited source is linked as proof
        assert set(rec["properties"]["proof"]) == {source_ftm_id("crimegraph", c.source) for c in e.citations}
    for r in dataset.relations.values():
        rec = by_id[relation_ftm_id("crimegraph", r.id)]
        props = rec["properties"]
        # periods: FtM dates keep crimegraph's precision (1999, 1999-03, 1999-03-12)
        assert props.get("startDate") == ([r.since.value] if r.since else None)
        assert props.get("endDate") == ([r.until.value] if r.until else None)
        assert set(props["proof"]) == {source_ftm_id("crimegraph", c.source) for c in r.citations}
        urls = {dataset.sources[c.source].url for c in r.citations} - {None}
        assert set(props.get("sourceUrl", [])) == urls
        assert r.confidence.code in props["summary"][0]
        for c in r.citations:
            if c.quote:  # quotes in words in the description (FtM text keeps them, minus control chars)
                assert c.quote.replace("\u2028", " ")[:20].split("\n")[0] in props["description"][0].replace("\u2028", " ")
        assert rec["crimegraph"]["confidence"] == r.confidence.code


@pytest.mark.parametrize("name", ["hostile", "peru"])
def test_export_passes_ftm_validate_cli(name, tmp_path, load):
    """The followthemoney command line (`ftm validate`) re-parses and re-cleans every entity, unchanged."""
    ftm = str(Path(sys.executable).parent / "ftm")
    if not Path(ftm).exists():
        ftm = shutil.which("ftm") or pytest.skip("the ftm command is not installed")
    src = tmp_path / f"{name}.ftm.json"
    src.write_bytes(export(load(name)))
    out = tmp_path / "validated.json"
    proc = subprocess.run([ftm, "validate", "-i", str(src), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    before = {r["id"]: r["properties"] for r in ftm_lines(src.read_bytes())}
    after = {r["id"]: r["properties"] for r in ftm_lines(out.read_bytes())}
    assert after == before


def test_relation_schemata(hostile):
    by_id = {r["id"]: r for r in ftm_lines(export(hostile))}

    def link(rel_id):
        return by_id[relation_ftm_id("crimegraph", rel_id)]

    m = link("person-x--member-of--gang-emoji")
    assert m["schema"] == "Membership"
    assert m["properties"]["member"] == ["crimegraph.person-x"]
    assert m["properties"]["organization"] == ["crimegraph.gang-emoji"]
    d = link("person-x--leads--group-x")
    assert d["schema"] == "Directorship" and d["properties"]["endDate"] == ["2018"]
    assert link("gang-emoji--engages-in--trade-x")["schema"] == "ProjectParticipant"
    u = link("gang-emoji--rival-of--group-x")
    assert u["schema"] == "UnknownLink" and u["properties"]["role"] == ["rival of"]
    assert u["properties"]["startDate"] == ["2015-03"]
    assert by_id["crimegraph.person-x"]["schema"] == "Person"
    assert by_id["crimegraph.group-x"]["schema"] == "Organization"
    assert by_id["crimegraph.place-x"]["schema"] == "Address"
    assert by_id["crimegraph.place-x"]["properties"]["country"] == ["pe"]  # via located_in -> Peru
    assert by_id["crimegraph.event-x"]["properties"]["date"] == ["2019-02-03"]
    assert by_id["crimegraph.trade-x"]["schema"] == "Project"


def test_hostile_strings_in_ftm_properties(hostile):
    by_id = {r["id"]: r for r in ftm_lines(export(hostile))}
    g = by_id["crimegraph.group-x"]["properties"]
    assert g["name"] == ['Sendero "Rojo" <b>bold</b> & Cía']
    assert "Сендеро Луминосо" in g["alias"] and "الدرب المضيء" in g["alias"] and "光辉道路" in g["alias"]
    assert g["description"] == [hostile.entities["group-x"].description]  # newlines, tabs, markup kept
    assert g["wikidataId"] == ["Q42"]
    # FtM's text cleaning drops control characters: the exact string travels in the record
    e = by_id["crimegraph.gang-emoji"]
    assert "\x07" not in e["properties"]["description"][0]
    assert e["crimegraph"]["description"] == hostile.entities["gang-emoji"].description


def test_namespace_and_context_options(hostile):
    records = ftm_lines(export(hostile, namespace="cg-test", context="false"))
    assert_valid_ftm(records)
    assert all(r["id"].startswith("cg-test.") for r in records)
    assert all("crimegraph" not in r for r in records)


# ---------------------------------------------------------------- round trip
def test_roundtrip_is_lossless(dataset, tmp_path):
    """Export, import, validate: the same sources, entities and relations, citations and periods included."""
    src = tmp_path / "data.ftm.json"
    src.write_bytes(export(dataset))
    seed, unmapped = read_ftm(src, {})
    assert unmapped == []
    back = load_dataset(write_seeds(seed, tmp_path / "seeds"))
    assert dumps(back) == dumps(dataset)


def test_roundtrip_from_properties_alone(tmp_path, load):
    """Without the crimegraph records FtM still carries types, names, periods, ends and sources."""
    ds = load("hostile")
    src = tmp_path / "data.ftm.json"
    src.write_bytes(export(ds, context=False))
    seed, unmapped = read_ftm(src, {"confidence": "C3"})
    back = load_dataset(write_seeds(seed, tmp_path / "seeds"))
    assert set(back.entities) == set(ds.entities)
    assert {k: e.type for k, e in back.entities.items()} == {k: e.type for k, e in ds.entities.items()}
    assert back.entities["place-x"].coordinates == ds.entities["place-x"].coordinates
    assert back.entities["event-x"].date == ds.entities["event-x"].date

    def shape(d):
        return sorted((r.type, r.subject, r.object, str(r.since), str(r.until)) for r in d.relations.values())

    assert shape(back) == shape(ds)
    assert set(back.relations) == set(ds.relations)  # explicit relation ids come back from the FtM ids
    assert back.entities["event-x"].description is None  # no derived text turned into a description
    assert {r.confidence.code for r in back.relations.values()} == {"C3"}
    # every original citation's source is still cited (plus the imported file)
    for r in ds.relations.values():
        twin = next(b for b in back.relations.values()
                    if (b.type, b.subject, b.object, b.since, b.until) == (r.type, r.subject, r.object, r.since, r.until))
        assert {c.source for c in r.citations} <= {c.source for c in twin.citations}
    assert set(ds.sources) <= set(back.sources)


def test_edits_made_in_ftm_win_over_the_record(tmp_path, load):
    ds = load("mini")
    records = ftm_lines(export(ds))
    for r in records:
        if r["id"] == "crimegraph.group-a":
            r["properties"]["name"] = ["Grupo Ápice (renamed in Aleph)"]
        if r["id"] == "crimegraph.rel.group-a--operates-in--valley-y":
            r["properties"]["startDate"] = ["2003-04"]
    src = tmp_path / "edited.ftm.json"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    seed, _ = read_ftm(src, {})
    back = load_dataset(write_seeds(seed, tmp_path / "seeds"))
    assert back.entities["group-a"].name == "Grupo Ápice (renamed in Aleph)"
    assert back.entities["group-b"].name == "Banda Beta"
    rel = back.relations["group-a--operates-in--valley-y"]
    assert str(rel.since) == "2003-04"
    assert rel.citations[0].quote == "Group A operates in the valley"  # from the record


# ---------------------------------------------------------------- real-world FtM
def test_import_opensanctions_style_file(tmp_path):
    seed, unmapped = read_ftm(FTM_DATA / "opensanctions-style.ftm.json", {"reliability": "C"})
    folder = write_seeds(seed, tmp_path / "seeds")
    ds, issues = read_seeds(folder)
    assert issues == [], issues
    ents = ds.entities
    person = ents["nk-3fkqqzx7cqykgn9kpmzx2a"]
    assert person.type == "person" and person.name == "Víctor Quispe Palomino"
    assert str(person.born) == "1961-07-08"  # FtM birthDate is the sourced lifetime
    assert {"Victor QUISPE PALOMINO", "Camarada José", "Jose"} <= {a.name for a in person.aliases}
    assert person.external_ids == {"wikidata": "Q5927213", "ftm": "NK-3FkqQzX7cQyKgN9kPmZx2a"}
    assert ents["nk-8atbydgjvn2qwertyuiop"].type == "armed_group"  # topic crime.terror
    assert ents["addr-vraem"].type == "region" and ents["addr-vraem"].coordinates.lat == -12.5
    assert ents["addr-peru"].type == "country"
    assert ents["event-1"].type == "attack" and str(ents["event-1"].date) == "2023-02-18"
    assert ents["nk-nested-person"].name == "Jorge Quispe Palomino"  # nested (OpenSanctions nested JSON)
    types = sorted((r.type, r.subject, r.object) for r in ds.relations.values())
    assert ("leads", "nk-3fkqqzx7cqykgn9kpmzx2a", "nk-8atbydgjvn2qwertyuiop") in types  # role "Leader"
    assert ("member_of", "nk-nested-person", "nk-8atbydgjvn2qwertyuiop") in types
    assert ("operates_in", "nk-8atbydgjvn2qwertyuiop", "addr-vraem") in types
    assert ("participated_in", "nk-8atbydgjvn2qwertyuiop", "event-1") in types  # Event.involved
    lead = next(r for r in ds.relations.values() if r.type == "leads")
    assert str(lead.since) == "1999" and lead.confidence.code == "F6"
    # sources: the file itself (reliability as told), the sourceUrl, the OpenSanctions datasets
    cited = {c.source for c in lead.citations}
    file_src = "ftm-opensanctions-style-ftm-json"
    assert file_src in cited and ds.sources[file_src].reliability == "C"
    assert any(ds.sources[s].url == "https://example.org/mpcp-leadership" for s in cited)
    assert "dataset-us-ofac-sdn" in cited
    member = next(r for r in ds.relations.values()
                  if r.type == "member_of" and r.subject == "nk-3fkqqzx7cqykgn9kpmzx2a")
    assert any(ds.sources[c.source].title == "Informe sobre el VRAEM" for c in member.citations)  # proof
    text = "\n".join(unmapped)
    for expected in ("not valid JSON", "not a JSON object", "unknown schema 'SpaceStation'",
                     "Sanction entities not mapped", "Vessel entities not mapped",
                     "links to entities not in the file", "without a name", "links from an entity to itself",
                     "notAProperty",
                     "links ending before they start"):
        assert expected in text, (expected, text)


def test_import_reports_but_never_crashes_on_garbage(tmp_path):
    src = tmp_path / "garbage.ftm.json"
    src.write_text("\n".join([
        "{}",
        '{"id": "x"}',
        '{"id": 5, "schema": "Person"}',
        '{"id": "p1", "schema": "Person", "properties": "oops"}',
        '{"id": "p2", "schema": "Person", "properties": {"name": "single string, not a list"}}',
        '{"id": "p3", "schema": "Person", "properties": {"name": ["P3"], "birthDate": ["not a date"]}}',
        '{"id": "m1", "schema": "Membership", "properties": {"member": ["p2"]}}',
        '{"id": "m2", "schema": "Membership", "properties": {"member": ["p2"], "organization": ["p3"]}}',
        '{"id": "bad id with spaces", "schema": "Person", "properties": {"name": ["Q"]}}',
    ]), encoding="utf-8")
    seed, unmapped = read_ftm(src, {})
    ds, issues = read_seeds(write_seeds(seed, tmp_path / "seeds"))
    assert issues == []
    assert {e.name for e in ds.entities.values()} >= {"single string, not a list", "P3"}
    assert unmapped
    # a value FtM's types cannot read is dropped by FtM, and the report says so
    assert any("Person.birthDate values FtM could not read" in u and "'not a date'" in u for u in unmapped)


def test_import_json_array_file(tmp_path, load):
    records = ftm_lines(export(load("mini")))
    src = tmp_path / "array.json"
    src.write_text(json.dumps(records), encoding="utf-8")
    seed, unmapped = read_ftm(src, {})
    assert unmapped == [] and len(seed["relations"]) == len(load("mini").relations)


def test_import_options_are_checked(tmp_path):
    from crimegraph.errors import UsageError

    src = FTM_DATA / "opensanctions-style.ftm.json"
    with pytest.raises(UsageError, match="option confidence"):
        read_ftm(src, {"confidence": "Z9"})
    with pytest.raises(UsageError, match="option reliability"):
        read_ftm(src, {"reliability": "Q"})
    with pytest.raises(UsageError, match="not found"):
        read_ftm(tmp_path / "missing.json", {})
