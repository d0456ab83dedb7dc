"""The CLI through a real subprocess: validate, stats, show, schema — good and bad input."""

from __future__ import annotations

import json
import re

from tests.paths import DATA, PERU


def test_validate_good(cli):
    p = cli("validate", DATA / "mini", check_rc=0)
    assert "valid" in p.stdout and "5 entities" in p.stdout


def test_validate_reports_every_error_without_traceback(cli):
    p = cli("validate", DATA / "ten-mistakes")
    assert p.returncode == 2
    lines = [l for l in p.stderr.splitlines() if re.match(r"^\S+\.yaml:\d+:\d+: ", l)]
    assert len(lines) == 10, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert "10 errors; nothing was loaded" in p.stderr


def test_validate_json(cli):
    p = cli("validate", DATA / "ten-mistakes", "--format", "json")
    assert p.returncode == 2
    data = json.loads(p.stdout)
    assert data["valid"] is False and len(data["errors"]) == 10
    assert {"path", "line", "col", "message"} <= set(data["errors"][0])


def test_seeds_from_environment(cli):
    p = cli("stats", "--format", "json", env={"CRIMEGRAPH_SEEDS": str(DATA / "mini")}, check_rc=0)
    assert json.loads(p.stdout)["entities"] == 5


def test_stats_table_and_json(cli):
    p = cli("stats", "--seeds", DATA / "mini", check_rc=0)
    assert "operates_in" in p.stdout
    data = json.loads(cli("stats", "--seeds", DATA / "mini", "-f", "json", check_rc=0).stdout)
    assert data["by_kind"] == {"actor": 2, "economy": 1, "place": 2}
    assert data["by_relation_type"]["rival_of"] == 1


def test_show_by_name_with_sources(cli):
    p = cli("show", "Grupo Apice", "--seeds", DATA / "mini", check_rc=0)
    assert "Grupo Ápice —operates in→ Apurímac Valley (since 1999" in p.stdout
    assert "source: Test Publisher, Test source A (2020)" in p.stdout
    assert "“Group A operates in the valley”" in p.stdout


def test_show_a_misspelling_opens_the_clear_match_and_says_so(cli):
    p = cli("show", "grupo apise", "--seeds", DATA / "mini", check_rc=0)
    assert p.stdout.startswith("Grupo Ápice (group-a)")
    assert "note: 'grupo apise' is Grupo Ápice (group-a): name 'Grupo Ápice'" in p.stderr


def test_show_unknown_suggests(cli):
    p = cli("show", "zzqqxx", "--seeds", DATA / "mini")
    assert p.returncode == 1
    assert "no entity 'zzqqxx'" in p.stderr
    assert "Traceback" not in p.stderr


def test_bad_parameter_names_it(cli):
    p = cli("show", "group-a", "--seeds", DATA / "mini", "--as-of", "20x")
    assert p.returncode == 2 and "--as-of" in p.stderr and "Traceback" not in p.stderr
    p = cli("stats", "--seeds", DATA / "nope")
    assert p.returncode == 2 and "seed folder not found" in p.stderr


def test_schema_json_schema(cli, tmp_path):
    out = tmp_path / "seed.schema.json"
    cli("schema", "json-schema", "-o", out, check_rc=0)
    schema = json.loads(out.read_text())
    assert schema["title"] == "crimegraph seed file" and "relations" in schema["properties"]


def test_peru_validates(cli):
    p = cli("validate", PERU, check_rc=0)
    assert "valid" in p.stdout


def test_show_shining_path_json_has_sourced_vraem_and_economies(cli):
    data = json.loads(cli("show", "shining-path", "--format", "json", check_rc=0).stdout)
    assert data["entity"]["id"] == "shining-path"
    rels = data["relations"]
    assert any(r["type"] == "operates_in" and r["other"] == "vraem" for r in rels)
    econ = [r for r in rels if r["type"] == "engages_in"]
    assert {"cocaine-trafficking", "illegal-logging"} <= {r["other"] for r in econ}
    for r in rels:
        assert r["citations"] and all(c["title"] for c in r["citations"])


# ---------------------------------------------------------------- reading answers
def test_show_lists_the_entity_sources_and_relation_ids(cli):
    p = cli("show", "Sendero", check_rc=0)
    assert p.stderr.startswith("note: 'Sendero' is Shining Path (shining-path): alias 'Sendero Luminoso' (es)")
    assert "sources of this entity:\n  InSight Crime, Peru Profile" in p.stdout
    assert "\n    relation shining-path--operates-in--vraem\n" in p.stdout
    for line in p.stdout.splitlines():  # each source named once per relation
        if "sources: " in line:
            named = line.split("sources: ", 1)[1].rstrip(")").split("; ")
            assert len(named) == len(set(named)), line
    data = json.loads(cli("show", "Sendero", "--format", "json", check_rc=0).stdout)
    assert data["entity"]["id"] == "shining-path" and data["resolved"][0]["how"] == "search"


def test_text_wraps_to_the_terminal_width(cli):
    import os

    wide = cli("show", "lake-titicaca", check_rc=0).stdout
    assert max(len(x) for x in wide.splitlines()) > 120  # piped: whole lines
    narrow = cli("show", "lake-titicaca", env={"COLUMNS": "72"}, check_rc=0).stdout
    assert max(len(x) for x in narrow.splitlines()) <= 72
    assert " ".join(narrow.split()) == " ".join(wide.split())  # the same words


def test_source_command(cli):
    p = cli("source", "amphibianark-titicaca-frog", check_rc=0)
    assert p.stdout.startswith("Amphibian Ark, Telmatobius culeus (Lake Titicaca Water Frog)")
    assert "Wildlife trafficking (wildlife-trafficking)" in p.stdout
    assert "relation lake-titicaca--hub-for--wildlife-trafficking" in p.stdout
    assert "“Peru does not protect them within the lake" in p.stdout
    data = json.loads(cli("source", "amphibianark-titicaca-frog", "--format", "json", check_rc=0).stdout)
    assert data["cited_by"] == {"relations": ["lake-titicaca--hub-for--wildlife-trafficking"],
                                "entities": ["wildlife-trafficking"]}
    assert data["entities"][0]["citations"][0]["quote"].startswith("Peru does not protect them")
    rows = cli("source", "amphibianark-titicaca-frog", "--format", "csv", check_rc=0).stdout.splitlines()
    assert rows[0] == "cited_by,id,name,type,quote,page" and len(rows) == 3
    p = cli("source", "amphibianark-titicaca-fro")
    assert p.returncode == 1 and "no source 'amphibianark-titicaca-fro'" in p.stderr
    assert "amphibianark-titicaca-frog" in p.stderr and "Traceback" not in p.stderr
