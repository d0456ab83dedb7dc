"""Neo4j bulk CSV: headers as ``neo4j-admin database import full`` (Neo4j 5) reads them.

The structural tests parse the files the way neo4j-admin does (header
``name:type``, ``:ID(space)``, ``:LABEL``, ``:START_ID``/``:END_ID``/``:TYPE``,
arrays split on the array delimiter). The ``neo4j`` test runs the real importer
— ``org.neo4j.cli.AdminTool`` (``neo4j-admin``) from the Neo4j 5.26 jars of the
test launcher in ``tests/neo4j-server/`` — then opens the imported database
with that launcher and reads it back over Bolt.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from crimegraph.exports.neo4j_csv import (
    array_delimiter,
    import_arguments,
    script_arguments,
    write_neo4j_csv,
)
from crimegraph.graph.neo4j_cypher import entity_labels, entity_props, relation_props, source_props, with_fingerprint
from crimegraph.schema.vocab import RELATION_TYPES

#: neo4j-admin header: name, then an optional :type (arrays with [])
HEADER = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)?(?::(?P<type>ID|LABEL|START_ID|END_ID|TYPE|IGNORE|"
                    r"(?:int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|"
                    r"localdatetime|datetime|duration)(?:\[\])?)(?:\((?P<space>[A-Za-z]+)\))?)?$")


def sheet(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def typed(header: list[str], row: list[str], delim: str) -> dict:
    """A row as neo4j-admin reads it: empty fields are no value, arrays split, numbers and dates typed."""
    out = {}
    for h, v in zip(header, row):
        m = HEADER.match(h)
        name, typ = m.group("name"), m.group("type") or "string"
        if v == "":
            continue
        if typ in ("ID", "START_ID", "END_ID", "TYPE", "LABEL"):
            out[h] = v.split(delim) if typ == "LABEL" else v
            continue
        base = typ.rstrip("[]")
        conv = {"long": int, "double": float, "date": dt.date.fromisoformat}.get(base, str)
        out[name] = [conv(x) for x in v.split(delim)] if typ.endswith("[]") else conv(v)
    return out


def normalise(props: dict) -> dict:
    """The store's property map, with dates as dates (it sends ISO strings and converts on the server)."""
    out = {}
    for k, v in props.items():
        if k in ("date_start", "date_end", "since_start", "until_end") and isinstance(v, str):
            v = dt.date.fromisoformat(v)
        if isinstance(v, list) and v in ([], [""]):
            continue  # neo4j-admin reads an empty array field as no value (documented)
        out[k] = v
    return out


def test_headers_and_rows_as_neo4j_admin_reads_them(dataset, tmp_path):
    n = write_neo4j_csv(dataset, tmp_path, {})
    assert n == len(dataset.entities) + len(dataset.relations) + len(dataset.sources) + 1
    delim = array_delimiter(dataset)
    for name in ("entities.csv", "sources.csv", "relations.csv", "meta.csv"):
        header, rows = sheet(tmp_path / name)
        for h in header:
            assert HEADER.match(h), (name, h)
        assert all(len(r) == len(header) for r in rows), name
    header, rows = sheet(tmp_path / "entities.csv")
    assert header[:2] == ["id:ID(Entity)", ":LABEL"]
    assert "aliases:string[]" in header and "seq:long" in header
    if any(getattr(e, "date", None) for e in dataset.entities.values()):
        assert "date_start:date" in header and "date_end:date" in header
    for seq, (e, row) in enumerate(zip(dataset.entities.values(), rows)):
        got = typed(header, row, delim)
        assert got.pop("id:ID(Entity)") == e.id
        assert got.pop(":LABEL") == entity_labels(e.type).lstrip(":").split(":")
        want = normalise(with_fingerprint(entity_props(e, seq)))
        want.pop("id")
        assert got == want, e.id
    header, rows = sheet(tmp_path / "relations.csv")
    assert header[:3] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
    for seq, (r, row) in enumerate(zip(dataset.relations.values(), rows)):
        got = typed(header, row, delim)
        assert (got.pop(":START_ID(Entity)"), got.pop(":END_ID(Entity)"), got.pop(":TYPE")) == (
            r.subject, r.object, RELATION_TYPES[r.type].cypher_type)
        assert got == normalise(with_fingerprint({**relation_props(r), "seq": seq})), r.id
    header, rows = sheet(tmp_path / "sources.csv")
    assert header[:2] == ["id:ID(Source)", ":LABEL"]
    for seq, (s, row) in enumerate(zip(dataset.sources.values(), rows)):
        got = typed(header, row, delim)
        assert got.pop("id:ID(Source)") == s.id and got.pop(":LABEL") == ["Source"]
        want = with_fingerprint({**source_props(s), "seq": seq})
        want.pop("id")
        assert got == want
    header, rows = sheet(tmp_path / "meta.csv")
    meta = typed(header, rows[0], delim)
    assert meta[":LABEL"] == ["CrimegraphMeta"] and meta["key"] == "dataset"
    assert meta["entities"] == len(dataset.entities)
    script = (tmp_path / "import.sh").read_text()
    assert "neo4j-admin database import full neo4j" in script and os.access(tmp_path / "import.sh", os.X_OK)
    assert "CREATE CONSTRAINT entity_id" in (tmp_path / "schema.cypher").read_text()


def test_array_delimiter_avoids_the_data(hostile, load):
    assert array_delimiter(load("mini")) == ";"
    # a hostile alias holds both ';' and '|': the next candidate is used, and import.sh says so
    assert array_delimiter(hostile) == "¦"
    args = import_arguments("neo4j", "¦", True)
    assert "--array-delimiter=¦" in args and "--multiline-fields=true" in args


# ---------------------------------------------------------------- the real importer
def _java_tools() -> str:
    """Java, with the launcher built (its lib/ holds neo4j-admin's classes); skip or fail as the suite does."""
    from tests.neo4j_fixture import SCRIPT, missing_tools, unavailable

    why = missing_tools()
    if why:
        unavailable(why)
    proc = subprocess.run(["bash", str(SCRIPT), "--build-only"], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        unavailable(f"the Neo4j launcher could not be built: {proc.stderr[-500:]}")
    return os.environ.get("JAVA") or shutil.which("java")


def neo4j_admin_import(java: str, folder: Path, home: Path):
    """The import ``folder/import.sh`` runs, into ``home``, through the launcher script's ``--admin``
    (the AdminTool class of the Neo4j 5.26 jars: what users of ``make neo4j`` run)."""
    from tests.neo4j_fixture import SCRIPT

    env = {**os.environ, "JAVA": java, "NEO4J_ADMIN_JAVA_OPTS": "-Xmx1g -XX:+UseSerialGC"}
    cmd = ["bash", str(SCRIPT), "--admin", str(home), *script_arguments(folder)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.neo4j
@pytest.mark.slow
def test_real_neo4j_admin_import(hostile, tmp_path):
    """neo4j-admin imports the files; the database then holds what the Neo4j store would write."""
    java = _java_tools()
    out = tmp_path / "bulk"
    write_neo4j_csv(hostile, out, {})
    args = script_arguments(out)
    # the hostile aliases hold ';' and '|', and a quote with a line break
    assert "--array-delimiter=¦" in args and "--multiline-fields=true" in args
    assert f"--relationships={out / 'relations.csv'}" in args
    proc = neo4j_admin_import(java, out, tmp_path / "home")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "IMPORT DONE" in proc.stdout + proc.stderr
    from tests.neo4j_fixture import launch

    server = launch(["--data", str(tmp_path / "home" / "data")])
    try:
        from neo4j import GraphDatabase

        with GraphDatabase.driver(server.uri, auth=None) as driver, driver.session(database="neo4j") as s:
            nodes = {r["id"]: (set(r["labels"]), r["props"]) for r in s.run(
                "MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")}
            rels = {r["props"]["id"]: (r["t"], r["a"], r["b"], r["props"]) for r in s.run(
                "MATCH (a:Entity)-[r]->(b:Entity) RETURN type(r) AS t, a.id AS a, b.id AS b, "
                "properties(r) AS props")}
            srcs = {r["p"]["id"]: r["p"] for r in s.run("MATCH (s:Source) RETURN properties(s) AS p")}
            meta = s.run("MATCH (m:CrimegraphMeta) RETURN properties(m) AS p").single()["p"]
        # the loader, run after the bulk import, finds every item unchanged (fingerprints match)
        from crimegraph.graph.neo4j import Neo4jStore

        store = Neo4jStore(uri=server.uri)
        try:
            store.write(hostile)
            assert store.last_write["relations_unchanged"] == len(hostile.relations)
            assert store.last_write["relations_created"] == store.last_write["relations_updated"] == 0
            assert store._totals()["entities"] == len(hostile.entities)
        finally:
            store.close()
    finally:
        server.stop()

    def plain(props):
        return {k: (v.to_native() if hasattr(v, "to_native") else v) for k, v in props.items()}

    assert set(nodes) == set(hostile.entities)
    for seq, e in enumerate(hostile.entities.values()):
        labels, props = nodes[e.id]
        assert labels == set(entity_labels(e.type).lstrip(":").split(":"))
        assert plain(props) == normalise(with_fingerprint(entity_props(e, seq))), e.id
    assert set(rels) == set(hostile.relations)
    for seq, r in enumerate(hostile.relations.values()):
        t, a, b, props = rels[r.id]
        assert (t, a, b) == (RELATION_TYPES[r.type].cypher_type, r.subject, r.object)
        assert plain(props) == normalise(with_fingerprint({**relation_props(r), "seq": seq})), r.id
        assert json.loads(props["citations_json"]) == [c.model_dump(exclude_none=True) for c in r.citations]
    assert set(srcs) == set(hostile.sources)
    assert meta["entities"] == len(hostile.entities) and meta["relations"] == len(hostile.relations)
