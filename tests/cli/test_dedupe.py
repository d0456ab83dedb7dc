"""Duplicates: none among the Peru entities as they are; planted twins found (a Spanish name, an
accent-stripped spelling, a legal form); decisions recorded and never asked again; imports list them."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from crimegraph.dedupe import candidates, import_candidates, key_name, record
from crimegraph.schema.loader import load_dataset, read_seeds
from tests.paths import PERU

PLANTED = """\
entities:
  - id: sendero
    type: armed_group
    name: Sendero Luminoso
    citations: [{source: insightcrime-peru-profile}]
  - id: tda-sac
    type: gang
    name: Tren de Aragua S.A.C.
    citations: [{source: insightcrime-peru-profile}]
  - id: victor-qp
    type: person
    name: Victor Quispe Palomino
    citations: [{source: insightcrime-peru-profile}]
"""


@pytest.fixture
def planted(tmp_path):
    folder = tmp_path / "peru"
    shutil.copytree(PERU, folder)
    (folder / "planted.yaml").write_text(PLANTED, encoding="utf-8")
    return folder


def test_no_duplicates_among_the_peru_entities():
    assert candidates(load_dataset(PERU), min_score=60) == []


def test_planted_duplicates_are_found_with_their_features(planted):
    found = {c.pair: c for c in candidates(load_dataset(planted))}
    assert set(found) == {("sendero", "shining-path"), ("tda-sac", "tren-de-aragua"),
                          ("victor-qp", "victor-quispe-palomino")}
    sp = found[("sendero", "shining-path")]
    assert sp.score == 100.0 and sp.features == ["name 'Sendero Luminoso' = alias 'Sendero Luminoso'",
                                                 "same type (armed group)"]
    tda = found[("tda-sac", "tren-de-aragua")]
    assert "(once accents, case and legal forms are folded)" in tda.features[0]
    assert tda.features[1] == "types gang and transnational_criminal_organization"
    assert "name 'Victor Quispe Palomino' = name 'Víctor Quispe Palomino'" in \
        found[("victor-qp", "victor-quispe-palomino")].features[0]


def test_names_are_folded_before_comparing():
    assert key_name("Los Gallegos S.A.C.") == key_name("los gallegos") == "gallegos"
    assert key_name("Inversiones Oropeza E.I.R.L.") == "inversiones oropeza"
    assert key_name("Sendero\u200b Luminoso") == key_name("SENDÉRO LUMINOSO")


def test_decisions_are_recorded_validated_and_never_asked_again(planted):
    record(planted, [{"a": "shining-path", "b": "sendero", "judgement": "different", "by": "tester",
                      "date": "2026-12-01", "why": "planted for the test"}])
    record(planted, [{"a": "victor-qp", "b": "victor-quispe-palomino", "judgement": "unsure", "by": "tester",
                      "date": "2026-12-01"}])
    ds, issues = read_seeds(planted)
    assert issues == []
    assert ds.resolutions[("sendero", "shining-path")].judgement == "different"
    found = {c.pair: c for c in candidates(ds)}
    assert ("sendero", "shining-path") not in found
    assert found[("victor-qp", "victor-quispe-palomino")].judgement == "unsure"
    # a second decision about a pair replaces the first (the file keeps one per pair)
    record(planted, [{"a": "sendero", "b": "shining-path", "judgement": "same", "by": "tester",
                      "date": "2026-12-02"}])
    data = yaml.safe_load((planted / "resolutions.yaml").read_text(encoding="utf-8"))
    assert [(r["a"], r["b"], r["judgement"]) for r in data["resolutions"]] == [
        ("victor-qp", "victor-quispe-palomino", "unsure"), ("sendero", "shining-path", "same")]
    # a bad decision is refused whole: the file is unchanged
    before = (planted / "resolutions.yaml").read_bytes()
    with pytest.raises(Exception, match="judgement"):
        record(planted, [{"a": "x", "b": "y", "judgement": "maybe", "by": "t", "date": "2026-12-02"}])
    assert (planted / "resolutions.yaml").read_bytes() == before


def test_resolutions_are_checked_where_they_stand(tmp_path):
    folder = tmp_path / "peru"
    shutil.copytree(PERU, folder)
    (folder / "resolutions.yaml").write_text(
        "resolutions:\n"
        "  - {a: shining-path, b: mpcp, judgement: different, by: t, date: 2026-12-01}\n"
        "  - {a: mpcp, b: shining-path, judgement: same, by: t, date: 2026-12-01}\n"
        "  - {a: x, b: x, judgement: same, by: t, date: 2026-12-01}\n"
        "  - {a: y, b: z, judgement: same, by: t, date: 2026-12-01, citations: [{source: nowhere}]}\n",
        encoding="utf-8")
    _, issues = read_seeds(folder)
    got = [(i.line, i.message) for i in issues]
    assert len(got) == 3, got
    assert got[0][0] == 3 and "already decided at" in got[0][1] and "resolutions.yaml:2" in got[0][1]
    assert got[1][0] == 4 and "a and b are the same id ('x')" in got[1][1]
    assert got[2][0] == 5 and "unknown source 'nowhere'" in got[2][1]


def test_json_schema_has_the_resolutions():
    from crimegraph.schema.jsonschema import seed_json_schema

    schema = seed_json_schema()
    assert "resolutions" in schema["properties"]
    res = schema["$defs"]["Resolution"]
    assert set(res["required"]) == {"a", "b", "judgement", "by", "date"}
    assert res["properties"]["judgement"]["enum"] == ["same", "different", "unsure"]


def test_dedupe_cli_review_and_judge(planted, cli):
    p = cli("dedupe", "--seeds", planted, check_rc=0)
    lines = p.stdout.splitlines()
    assert len(lines) == 3 and all(l.startswith("100.0  ") for l in lines)
    assert "3 likely duplicates" in p.stderr
    # review: s (same), an unknown key asked again, d (different), then end of input
    p = cli("dedupe", "--seeds", planted, "--review", "--by", "tester", input="s\nx\nd\n", check_rc=0)
    assert "'x': press s, d, u, k or q" in p.stdout
    data = yaml.safe_load((planted / "resolutions.yaml").read_text(encoding="utf-8"))
    assert [r["judgement"] for r in data["resolutions"]] == ["same", "different"]
    assert all(r["by"] == "tester" for r in data["resolutions"])
    left = json.loads(cli("dedupe", "--seeds", planted, "-f", "json", check_rc=0).stdout)["candidates"]
    assert len(left) == 1
    # judge the last one; then nothing is open, and validate says what is left to merge
    p = cli("dedupe", "--seeds", planted, "--judge", f"{left[0]['a']} {left[0]['b']} unsure", "--by", "t",
            "--why", "same name, no other evidence", check_rc=0)
    assert "recorded 1 decision" in p.stderr
    v = cli("validate", planted, "-f", "json", check_rc=0)
    dup = json.loads(v.stdout)["duplicates"]
    assert [d.get("judgement") for d in dup if "judgement" in d] == ["unsure"]
    assert sum("were judged the same" in d["message"] for d in dup) == 1
    # bad input: one line each, non-zero
    p = cli("dedupe", "--seeds", planted, "--review")
    assert p.returncode == 2 and "--by NAME" in p.stderr
    p = cli("dedupe", "--seeds", planted, "--judge", "a b perhaps", "--by", "t")
    assert p.returncode == 2 and "same, different or unsure" in p.stderr and "Traceback" not in p.stderr


def test_peru_validate_reports_no_duplicates(cli):
    p = cli("validate", "--strict", "-f", "json", check_rc=0)
    assert json.loads(p.stdout)["duplicates"] == []


def test_import_lists_the_peru_entities_under_other_spellings(tmp_path, cli):
    """An FtM file with Peru's entities under other names: each one proposed, none added silently."""
    lines = [
        {"id": "x-sl", "schema": "Organization", "properties": {"name": ["Sendero Luminoso"],
                                                               "topics": ["crime.terror"]}},
        {"id": "x-tda", "schema": "Organization", "properties": {"name": ["Tren de Aragua S.A.C."],
                                                                "topics": ["crime"]}},
        {"id": "x-vqp", "schema": "Person", "properties": {"name": ["Victor QUISPE PALOMINO"]}},
        {"id": "x-new", "schema": "Person", "properties": {"name": ["Someone Entirely Different"]}},
    ]
    src = tmp_path / "other.ftm.json"
    src.write_text("\n".join(json.dumps(l) for l in lines) + "\n", encoding="utf-8")
    out = tmp_path / "imported"
    p = cli("import", "ftm", src, "--out", out, check_rc=0)
    dups = [l for l in p.stderr.splitlines() if l.startswith("likely duplicate:")]
    assert len(dups) == 3, p.stderr
    assert any("imported x-sl (Sendero Luminoso) ~ shining-path (Shining Path)" in l for l in dups)
    assert any("~ tren-de-aragua (Tren de Aragua)" in l for l in dups)
    assert any("~ victor-quispe-palomino (Víctor Quispe Palomino)" in l for l in dups)
    assert "3 likely duplicates of entities in the seeds" in p.stderr
    # the same pairs from dedupe --against; a 'different' recorded in the seeds is not asked again
    seeds = tmp_path / "seeds"
    shutil.copytree(PERU, seeds)
    got = json.loads(cli("dedupe", "--seeds", seeds, "--against", out, "-f", "json", check_rc=0).stdout)
    assert {(c["a"], c["b"]) for c in got["candidates"]} == {
        ("x-sl", "shining-path"), ("x-tda", "tren-de-aragua"), ("x-vqp", "victor-quispe-palomino")}
    cli("dedupe", "--seeds", seeds, "--judge", "x-sl shining-path different", "--by", "t", check_rc=0)
    p = cli("import", "ftm", src, "--out", out, "--force", "--seeds", seeds, check_rc=0)
    assert "2 likely duplicates" in p.stderr and "x-sl" not in p.stderr.split("valid")[-1]
    p = cli("import", "ftm", src, "--out", tmp_path / "again", "--no-dedupe", check_rc=0)
    assert "likely duplicate" not in p.stderr


def test_import_candidates_with_the_same_id():
    ds = load_dataset(PERU)
    found = import_candidates(ds, ds)
    assert found and all(c.a == c.b and c.features[0] == "the same id" for c in found)
    assert len(found) == len(ds.entities)


MERGE_PLANT = """\
entities:
  - id: sendero
    type: armed_group
    name: Sendero Luminoso
    aliases:
      - {name: SL, lang: es}
    citations:
      - source: latimes-guzman-capture-1992
        quote: "planted quote"
relations:
  - type: operates_in
    subject: sendero
    object: vraem
    confidence: C3
    citations:
      - source: latimes-guzman-capture-1992
        quote: "planted twin"
  - type: allied_with
    subject: sendero
    object: tren-de-aragua
    confidence: C3
    citations:
      - source: latimes-guzman-capture-1992
  - type: rival_of
    subject: shining-path
    object: sendero
    confidence: C3
    citations:
      - source: latimes-guzman-capture-1992
"""


def test_merge_keeps_the_provenance_of_both(tmp_path, cli):
    folder = tmp_path / "peru"
    shutil.copytree(PERU, folder)
    (folder / "planted.yaml").write_text(MERGE_PLANT, encoding="utf-8")
    before = load_dataset(PERU)
    p = cli("dedupe", "--seeds", folder, "--merge", "shining-path sendero", "--by", "tester",
            "--why", "the Spanish name", check_rc=0)
    assert "merged sendero into shining-path: 1 names added as aliases (SL), 2 citations added" in p.stdout
    ds, issues = read_seeds(folder, strict=True)
    assert issues == []
    assert "sendero" not in ds.entities
    sp = ds.entities["shining-path"]
    assert [str(a) for a in sp.aliases][-1] == '"SL"@es'
    assert sp.citations[-1].quote == "planted quote"
    assert len(sp.citations) == len(before.entities["shining-path"].citations) + 1
    # repointed, folded into the twin (its citation added), and the tie between the two removed
    assert "shining-path--allied-with--tren-de-aragua" in ds.relations
    vraem = ds.relations["shining-path--operates-in--vraem"]
    assert vraem.citations[-1].quote == "planted twin"
    assert not any("sendero" in (r.subject, r.object) for r in ds.relations.values())
    assert len(ds.relations) == len(before.relations) + 1
    assert ds.resolutions[("sendero", "shining-path")].judgement == "same"
    # the rest of the files as they were: comments and quoting kept, one line added in each place
    old = (PERU / "relations" / "territory.yaml").read_text(encoding="utf-8").splitlines()
    new = (folder / "relations" / "territory.yaml").read_text(encoding="utf-8").splitlines()
    assert len(new) == len(old) + 1 and [l for l in new if l not in old] == [
        '      - {"source": "latimes-guzman-capture-1992", "quote": "planted twin"}']
    # bad input: one line, nothing changed
    snapshot = {p: p.read_bytes() for p in folder.rglob("*.yaml")}
    p = cli("dedupe", "--seeds", folder, "--merge", "shining-path lima", "--by", "t")
    assert p.returncode == 2 and "only entities of one kind" in p.stderr
    p = cli("dedupe", "--seeds", folder, "--merge", "shining-path nowhere", "--by", "t")
    assert p.returncode == 2 and "'nowhere' is not an entity" in p.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.yaml")} == snapshot


def test_against_an_import_that_refers_to_the_seeds(tmp_path, cli):
    """A relations spreadsheet validates only with the seeds: dedupe --against reads it so."""
    from tests.paths import DATA

    out = tmp_path / "sheet"
    cli("import", "csv", DATA / "csv" / "good-relations.csv", "--out", out, "--seeds", DATA / "mini", check_rc=0)
    p = cli("dedupe", "--against", out, "--seeds", DATA / "mini", check_rc=0)
    assert p.stdout.strip() == f"no likely duplicates between {out} and the seeds"
    p = cli("dedupe", "--against", out)  # against Peru its references dangle: the errors, located
    assert p.returncode == 2 and "relations.yaml:" in p.stderr and "Traceback" not in p.stderr
