"""The bulk loader: constraints first, idempotent loads, --replace, nothing written from a bad dataset."""

from __future__ import annotations

import copy
import json

import pytest

from tests.neo4j.conftest import dump
from tests.paths import DATA, PERU

pytestmark = pytest.mark.neo4j


def test_loading_twice_leaves_the_same_graph(neo4j_store, peru_dataset):
    st = neo4j_store
    st.write(peru_dataset)
    first = dump(st)
    assert st.last_write["relations_created"] == len(peru_dataset.relations)
    st.write(peru_dataset)
    assert st.last_write["relations_created"] == st.last_write["relations_updated"] == 0
    assert st.last_write["relations_unchanged"] == len(peru_dataset.relations)
    assert dump(st) == first  # same nodes, relationships, element ids, labels and property values
    st.write(peru_dataset, replace=True, batch_size=7)  # other batch sizes give the same graph
    assert dump(st) == first


def test_the_graph_follows_the_agreed_model(peru_neo4j):
    st = peru_neo4j
    (row,) = st._rows("MATCH (n:Entity {id: 'shining-path'}) RETURN labels(n), properties(n)")
    labels, props = row
    assert sorted(labels) == ["Actor", "ArmedGroup", "Entity"]
    assert props["kind"] == "actor" and props["type"] == "armed_group"
    assert "Sendero Luminoso" in props["aliases"] and len(props["alias_langs"]) == len(props["aliases"])
    assert json.loads(props["citations_json"])[0]["source"] in props["citation_sources"]
    (row,) = st._rows("MATCH (:Entity {id: 'vraem'})-[r:LOCATED_IN]->(p) RETURN p.id, properties(r) LIMIT 1")
    rows = st._rows("MATCH ()-[r:OPERATES_IN]->() WHERE r.since IS NOT NULL "
                    "RETURN r.since, r.since_precision, r.since_start, r.confidence, r.citation_sources")
    assert rows
    for since, precision, start, conf, cites in rows:
        assert precision in ("year", "month", "day") and len(start) == 10 and start[:4] == since[:4]
        assert len(conf) == 2 and cites
    types = {r[0] for r in st._rows("MATCH ()-[r]->() RETURN DISTINCT type(r)")}
    from crimegraph.schema.vocab import RELATION_TYPES

    assert types <= {rt.cypher_type for rt in RELATION_TYPES.values()}
    assert st._rows("MATCH (s:Source) RETURN count(s)")[0][0] == len(list(st.sources()))
    names = {r[0] for r in st._rows("SHOW CONSTRAINTS YIELD name")} | {r[0] for r in st._rows("SHOW INDEXES YIELD name")}
    assert {"entity_id", "source_id", "rel_operates_in_id", "entity_names"} <= names
    assert st.meta.id == "peru"


def test_replace_removes_what_the_new_version_no_longer_has(neo4j_store, peru_dataset):
    st = neo4j_store
    st.write(peru_dataset)
    smaller = copy.copy(peru_dataset)
    gone_entity = "tren-de-aragua"
    smaller.entities = {k: v for k, v in peru_dataset.entities.items() if k != gone_entity}
    smaller.relations = {k: v for k, v in peru_dataset.relations.items()
                         if gone_entity not in (v.subject, v.object)}
    dropped = sorted(peru_dataset.relations)[::5]
    smaller.relations = {k: v for k, v in smaller.relations.items() if k not in dropped}
    used = {c.source for x in [*smaller.entities.values(), *smaller.relations.values()] for c in x.citations}
    smaller.sources = {k: v for k, v in peru_dataset.sources.items() if k in used}

    st.write(smaller)  # without --replace: adds and updates only
    assert st.has_entity(gone_entity) and len(st.relations()) == len(peru_dataset.relations)

    st.write(smaller, replace=True)
    from crimegraph.graph.memory import MemoryStore

    ref = MemoryStore()
    ref.write(smaller)
    assert not st.has_entity(gone_entity)
    assert st.counts() == ref.counts()
    assert st.dataset().relations == ref.dataset().relations
    assert list(st.sources()) == list(ref.sources())
    assert st.last_write["entities_deleted"] == 1
    # and back: the full dataset again, exactly as a fresh load
    st.write(peru_dataset, replace=True)
    assert st.dataset().relations == peru_dataset.relations
    assert st.dataset().entities == peru_dataset.entities


def test_changed_type_ends_and_entity_type_are_rewritten(neo4j_store):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.schema.loader import load_dataset

    st = neo4j_store
    ds = load_dataset(DATA / "mini")
    st.write(ds)
    changed = copy.deepcopy(ds)
    rid = "group-a--operates-in--valley-y"
    r = changed.relations[rid]
    changed.relations[rid] = r.model_copy(update={"object": "country-x"})  # same id, other end
    rid2 = "group-b--rival-of--group-a"
    changed.relations[rid2] = changed.relations[rid2].model_copy(update={"type": "allied_with"})
    e = changed.entities["group-b"]
    changed.entities["group-b"] = type(e).model_validate({**e.model_dump(), "type": "local_clan"})
    st.write(changed)
    assert st.last_write["relations_moved"] == 2
    ref = MemoryStore()
    ref.write(changed)
    assert st.dataset().relations == ref.dataset().relations
    assert st.relations("valley-y") == ref.relations("valley-y")
    (labels,) = st._rows("MATCH (n:Entity {id: 'group-b'}) RETURN labels(n)")[0]
    assert sorted(labels) == ["Actor", "Entity", "LocalClan"]
    assert len(st._rows("MATCH ()-[r]->() WHERE r.id = $id RETURN r", id=rid2)) == 1


def test_an_invalid_dataset_writes_nothing(cli, neo4j_env, neo4j_store, copy_seeds):
    before = neo4j_store.counts()
    bad = cli("load", DATA / "ten-mistakes", "--store", "neo4j", env=neo4j_env)
    assert bad.returncode == 2 and "nothing was loaded" in bad.stderr and "Traceback" not in bad.stderr
    assert neo4j_store.counts() == before
    # one mistake in an otherwise good Peru copy: still nothing
    peru = copy_seeds(PERU)
    f = sorted(peru.rglob("*.yaml"))[-1]
    f.write_text(f.read_text() + "\n  - {type: operates_in, subject: nobody, object: peru, confidence: B2, "
                 "citations: [{source: nowhere}]}\n")
    bad = cli("load", peru, "--store", "neo4j", env=neo4j_env)
    assert bad.returncode == 2, bad.stderr
    assert neo4j_store.counts() == before and before["entities"] == 0


def test_cli_load_reports_counts_and_replace(cli, neo4j_env, neo4j_store):
    out = cli("load", DATA / "mini", "--store", "neo4j", "--format", "json", env=neo4j_env, check_rc=0)
    result = json.loads(out.stdout)
    assert result["written"] and result["entities"] == 5 and result["relations"] == 4
    assert result["relations_created"] == 4
    again = json.loads(cli("load", DATA / "mini", "--store", "neo4j", "--replace", "--batch-size", "2",
                           "-f", "json", env=neo4j_env, check_rc=0).stdout)
    assert again["relations_created"] == again["relations_updated"] == 0
    assert again["relations_unchanged"] == 4
    text = cli("load", DATA / "mini", "--store", "neo4j", env=neo4j_env, check_rc=0).stdout
    assert "loaded" in text and "5 entities, 4 relations, 1 source" in text
    mem = cli("load", DATA / "mini", check_rc=0).stdout
    assert "valid" in mem
    bad = cli("load", DATA / "mini", "--batch-size", "5")  # memory takes no batch size
    assert bad.returncode == 2 and "--batch-size" in bad.stderr


def test_progress_is_reported(neo4j_store, peru_dataset):
    seen = []
    neo4j_store.write(peru_dataset, progress=seen.append, batch_size=50)
    total = len(peru_dataset.entities) + len(peru_dataset.relations) + len(peru_dataset.sources)
    assert sum(seen) == total and max(seen) <= 50
