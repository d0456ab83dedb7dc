"""A Neo4j load killed halfway (issue 13, item 6), against real servers.

The server is killed (SIGKILL) while ``crimegraph load`` is writing: the command says what
happened, how much was committed and that running it again finishes the load, in one line
and without the driver's retry log; every read of the partial graph says so (a warning on
stats and show, an error on queries unless --allow-incomplete); the same command run again
completes the load with no duplicate.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.neo4j_fixture import LaunchedServer, missing_tools, unavailable
from tests.paths import ROOT

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

ENTITIES, RELATIONS = 3000, 40000


def _server(data: Path) -> LaunchedServer:
    why = missing_tools()
    if why:
        unavailable(why)
    server = LaunchedServer(["--data", str(data)])
    server.start()
    return server


def _count(uri: str, query: str):
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(query)
        return records[0][0]


def _env(uri: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRIMEGRAPH_", "NEO4J_"))}
    env["NEO4J_URI"] = uri
    return env


def _cli() -> str:
    exe = Path(sys.executable).parent / "crimegraph"
    return str(exe) if exe.exists() else "crimegraph"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    from crimegraph.synth import write_synthetic

    out = tmp_path_factory.mktemp("synth") / "seeds"
    write_synthetic(out, entities=ENTITIES, relations=RELATIONS, seed=13)
    return out


def test_a_load_killed_halfway_is_reported_marked_and_finished_by_a_rerun(tmp_path, seeds, cli):
    data = tmp_path / "neo4j-data"
    server = _server(data)
    try:
        load = subprocess.Popen([_cli(), "load", str(seeds), "--store", "neo4j", "--batch-size", "500"],
                                cwd=ROOT, env=_env(server.uri), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and load.poll() is None:
            if _count(server.uri, "MATCH ()-[r]->() RETURN count(r)") > 1000:
                break
            time.sleep(0.2)
        assert load.poll() is None, f"the load ended before it could be interrupted: {load.stderr.read()}"
        os.killpg(server.proc.pid, signal.SIGKILL)  # the server dies mid-load
        server.proc.wait(30)
        out, err = load.communicate(timeout=240)
    finally:
        server.stop()
    assert load.returncode == 3, (load.returncode, err)
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err  # one line: no retry log of the driver, no traceback
    line = lines[0]
    assert "stopped halfway" in line and "connection to the server was lost" in line, line
    assert f"of {RELATIONS:,} relations" in line and f"of {ENTITIES:,} entities" in line, line
    assert "Run the same command again to finish the load" in line and "make neo4j" not in line, line
    assert "retried" not in err and "Traceback" not in err

    server = _server(data)  # the same database, after the crash
    try:
        env = {"NEO4J_URI": server.uri}
        partial = _count(server.uri, "MATCH ()-[r]->() RETURN count(r)")
        assert 0 < partial < RELATIONS
        stats = cli("stats", "--store", "neo4j", "--format", "json", env=env)
        assert stats.returncode == 0 and "warning:" in stats.stderr and "unfinished load" in stats.stderr
        assert json.loads(stats.stdout)["relations"] == partial
        entity = _count(server.uri, "MATCH (n:Entity) RETURN n.id ORDER BY n.id LIMIT 1")
        show = cli("show", entity, "--store", "neo4j", env=env)
        assert show.returncode == 0 and "unfinished load" in show.stderr, show.stderr
        query = cli("query", "search", "Frente", "--store", "neo4j", env=env)
        assert query.returncode == 3 and "unfinished load" in query.stderr and "--allow-incomplete" in query.stderr
        allowed = cli("query", "search", "Frente", "--store", "neo4j", "--allow-incomplete", env=env)
        assert allowed.returncode == 0 and "warning:" in allowed.stderr, allowed.stderr
        export = cli("export", "-f", "nt", "--store", "neo4j", "-o", tmp_path / "x.nt", env=env)
        assert export.returncode == 3 and not (tmp_path / "x.nt").exists()

        again = cli("load", seeds, "--store", "neo4j", "--batch-size", "500", env=env)
        assert again.returncode == 0, again.stderr
        assert _count(server.uri, "MATCH ()-[r]->() RETURN count(r)") == RELATIONS
        assert _count(server.uri, "MATCH ()-[r]->() RETURN count(DISTINCT r.id)") == RELATIONS
        assert _count(server.uri, "MATCH (n:Entity) RETURN count(n)") == ENTITIES
        stats = cli("stats", "--store", "neo4j", env=env, check_rc=0)
        assert "warning" not in stats.stderr
        cli("query", "search", "Frente", "--store", "neo4j", env=env, check_rc=0)
    finally:
        server.stop()


def test_a_graph_with_no_record_of_a_load_is_named(neo4j_store, neo4j_env, cli, mini_store):
    """Nodes without the meta node (a load by an older crimegraph killed halfway, or another writer)."""
    from crimegraph.graph.neo4j_cypher import LOAD_COMPLETE, LOAD_IN_PROGRESS

    neo4j_store.write(mini_store.dataset())
    status = neo4j_store.load_status()
    assert status["state"] == LOAD_COMPLETE and status["fingerprint"]
    neo4j_store._run("MATCH (m:CrimegraphMeta) DELETE m")
    neo4j_store._load_status = None
    assert neo4j_store.load_status()["state"] == "unrecorded"
    stats = cli("stats", "--store", "neo4j", env=neo4j_env)
    assert stats.returncode == 0 and "no record of a finished load" in stats.stderr
    q = cli("query", "ego", "group-a", "--store", "neo4j", env=neo4j_env)
    assert q.returncode == 3 and "no record of a finished load" in q.stderr
    # a load marks its start before its first write
    neo4j_store._run("MERGE (m:CrimegraphMeta {key: 'dataset'}) SET m.load_state = $s", s=LOAD_IN_PROGRESS)
    neo4j_store._load_status = None
    assert "unfinished load" in neo4j_store.load_problem()
    neo4j_store.clear()
    assert "is empty" in neo4j_store.load_problem()


def test_the_same_dataset_has_the_same_fingerprint_loaded_or_bulk_imported(neo4j_store, mini_store, tmp_path):
    """The fingerprint in the meta node of a load equals the one the neo4j-csv export writes."""
    import csv

    from crimegraph.exports.neo4j_csv import write_neo4j_csv

    ds = mini_store.dataset()
    neo4j_store.write(ds, replace=True)
    write_neo4j_csv(ds, tmp_path / "bulk")
    with open(tmp_path / "bulk" / "meta.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = [h.split(":")[0] for h in rows[0]]
    meta = dict(zip(header, rows[1]))
    assert meta["load_state"] == "complete"
    assert meta["dataset_fp"] == neo4j_store.load_status()["fingerprint"]
