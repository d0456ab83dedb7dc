"""The interchange formats through the real command line: `crimegraph export` and `crimegraph import`."""

from __future__ import annotations

import io
import json
import re

import networkx as nx
import pytest

from crimegraph.schema.loader import load_dataset
from tests.interop.interop_helpers import CSV_DATA, HOSTILE, assert_valid_ftm, ftm_lines
from tests.paths import DATA

MINI = DATA / "mini"


def test_formats_are_listed(cli):
    p = cli("formats", check_rc=0)
    lines = {tuple(line.split("\t")[:2]) for line in p.stdout.splitlines()}
    for name in ("ftm", "gexf", "graphml", "csv", "neo4j-csv"):
        assert ("export", name) in lines
    assert ("import", "ftm") in lines and ("import", "csv") in lines


def test_export_every_format(cli, tmp_path):
    ds = load_dataset(HOSTILE)
    p = cli("export", "--format", "ftm", "-o", tmp_path / "h.ftm.json", "--seeds", HOSTILE, check_rc=0)
    assert "wrote" in p.stderr
    assert_valid_ftm(ftm_lines((tmp_path / "h.ftm.json").read_bytes()))
    cli("export", "--format", "gexf", "-o", tmp_path / "h.gexf", "--seeds", HOSTILE, check_rc=0)
    G = nx.read_gexf(tmp_path / "h.gexf")
    assert set(G.nodes) == set(ds.entities)
    cli("export", "--format", "graphml", "-o", tmp_path / "h.graphml", "--seeds", HOSTILE, check_rc=0)
    assert set(nx.read_graphml(tmp_path / "h.graphml").nodes) == set(ds.entities)
    cli("export", "--format", "csv", "-o", tmp_path / "csv", "--seeds", HOSTILE, check_rc=0)
    assert {p.name for p in (tmp_path / "csv").iterdir()} == {"nodes.csv", "edges.csv", "sources.csv"}
    cli("export", "--format", "neo4j-csv", "-o", tmp_path / "neo", "--seeds", HOSTILE, check_rc=0)
    assert {"entities.csv", "relations.csv", "sources.csv", "meta.csv", "import.sh", "schema.cypher"} <= {
        p.name for p in (tmp_path / "neo").iterdir()}


def test_export_ftm_to_stdout_with_options(cli):
    p = cli("export", "--format", "ftm", "--seeds", MINI, "-O", "context=false", "-O", "namespace=cgx",
            check_rc=0)
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert records and all(r["id"].startswith("cgx.") and "crimegraph" not in r for r in records)


def test_export_gexf_to_stdout(cli):
    p = cli("export", "--format", "gexf", "--seeds", MINI, check_rc=0)
    G = nx.read_gexf(io.BytesIO(p.stdout.encode("utf-8")))
    assert set(G.nodes) == set(load_dataset(MINI).entities)


def test_ftm_export_then_import_validates(cli, tmp_path):
    """Done-when: the Peru dataset exported as FtM re-imports into seeds that validate."""
    cli("export", "--format", "ftm", "-o", tmp_path / "peru.ftm.json", check_rc=0)
    p = cli("import", "ftm", tmp_path / "peru.ftm.json", "--out", tmp_path / "seeds")
    assert p.returncode == 0, p.stderr
    assert "valid" in p.stderr and "not imported" not in p.stderr
    v = cli("validate", tmp_path / "seeds", check_rc=0)
    peru = load_dataset(DATA.parent.parent / "seeds" / "peru")
    assert f"{len(peru.entities)} entities, {len(peru.relations)} relations" in v.stdout
    head = (tmp_path / "seeds" / "relations.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# imported from peru.ftm.json")


def test_import_real_world_ftm_reports_unmapped(cli, tmp_path):
    from tests.interop.interop_helpers import FTM_DATA

    p = cli("import", "ftm", FTM_DATA / "opensanctions-style.ftm.json", "--out", tmp_path / "seeds",
            "-O", "confidence=E5", "-O", "reliability=D")
    assert p.returncode == 0, p.stderr
    assert "not imported: " in p.stderr and "SpaceStation" in p.stderr
    assert "Traceback" not in p.stderr
    ds = load_dataset(tmp_path / "seeds")
    assert {r.confidence.code for r in ds.relations.values()} == {"E5"}


def test_import_as_json_lines_gives_the_same_dataset_as_yaml(cli, tmp_path):
    """``--seed-format jsonl``: the fast cold path for a large import; the same records as the
    YAML import (the dataset's content hash), read by the JSON Lines reader, validated alike."""
    cli("export", "--format", "ftm", "-o", tmp_path / "peru.ftm.json", check_rc=0)
    cli("import", "ftm", tmp_path / "peru.ftm.json", "--out", tmp_path / "yaml", check_rc=0)
    p = cli("import", "ftm", tmp_path / "peru.ftm.json", "--out", tmp_path / "jsonl",
            "--seed-format", "jsonl", check_rc=0)
    assert "valid: wrote 3 files" in p.stderr
    files = sorted(f.name for f in (tmp_path / "jsonl").iterdir())
    assert files == ["entities.jsonl", "relations.jsonl", "sources.jsonl"]
    lines = (tmp_path / "jsonl" / "relations.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["kind"] == "relation" for line in lines)
    # days are ISO strings in JSON; the models read them as YAML's dates
    sources = (tmp_path / "jsonl" / "sources.jsonl").read_text(encoding="utf-8")
    assert re.search(r'"date": "\d{4}-\d{2}-\d{2}"', sources)
    a, b = load_dataset(tmp_path / "yaml"), load_dataset(tmp_path / "jsonl")
    assert len(b.relations) == len(a.relations) > 300
    assert b.fingerprint() == a.fingerprint()
    # --force replaces the JSON Lines files of an earlier import too
    cli("import", "ftm", tmp_path / "peru.ftm.json", "--out", tmp_path / "jsonl", "--force", check_rc=0)
    assert sorted(f.name for f in (tmp_path / "jsonl").iterdir()) == \
        ["entities.yaml", "relations.yaml", "sources.yaml"]
    bad = cli("import", "ftm", tmp_path / "peru.ftm.json", "--out", tmp_path / "x", "--seed-format", "xml")
    assert bad.returncode == 2 and "--seed-format: 'xml' is not yaml or jsonl" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "x").exists()


def test_import_csv_good(cli, tmp_path):
    p = cli("import", "csv", CSV_DATA / "good-relations.csv", "--out", tmp_path / "new", "--seeds", MINI)
    assert p.returncode == 0, p.stderr
    assert "valid" in p.stderr and "4 relations" in p.stderr
    text = (tmp_path / "new" / "relations.yaml").read_text(encoding="utf-8")
    assert text.startswith("# imported from good-relations.csv")
    assert "group-a--operates-in--valley-y--2020" in text
    # drop the file into (a copy of) the seed folder: it validates
    import shutil

    seeds = tmp_path / "mini"
    shutil.copytree(MINI, seeds)
    (seeds / "relations").mkdir()
    shutil.copy(tmp_path / "new" / "relations.yaml", seeds / "relations" / "from-sheet.yaml")
    v = cli("validate", seeds, check_rc=0)
    assert "8 relations" in v.stdout


def test_import_csv_errors_write_nothing(cli, tmp_path):
    p = cli("import", "csv", CSV_DATA / "bad-relations.csv", "--out", tmp_path / "new", "--seeds", MINI)
    assert p.returncode == 2
    lines = [line for line in p.stderr.splitlines() if line.startswith("tests/data/csv/bad-relations.csv:")]
    assert len(lines) == 14, p.stderr
    assert lines[0] == ("tests/data/csv/bad-relations.csv:4: column type: unknown relation type 'operate_in' "
                        "(did you mean 'operates_in', 'located_in', 'participated_in'?)")
    assert "14 errors in " in p.stderr and "bad-relations.csv; nothing was written" in p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


def test_import_csv_against_the_bundled_peru_seeds(cli, tmp_path):
    peru = load_dataset(DATA.parent.parent / "seeds" / "peru")
    src = next(iter(peru.sources))
    a, b = [e.id for e in peru.entities.values() if e.kind.value == "actor"][:2]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"type,subject,object,since,confidence,source,quote\n"
                     f"associated_with,{a},{b},2031,C3,{src},\"analyst's \"\"note\"\"\"\n", encoding="utf-8")
    p = cli("import", "csv", sheet, "--out", tmp_path / "new")
    assert p.returncode == 0, p.stderr
    assert "valid with the seeds" in p.stderr


@pytest.mark.parametrize("fmt", ["csv", "neo4j-csv"])
def test_multi_file_formats_need_a_folder(cli, fmt):
    p = cli("export", "--format", fmt, "--seeds", MINI)
    assert p.returncode == 2 and "--output" in p.stderr
