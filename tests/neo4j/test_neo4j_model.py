"""The Neo4j projection of the schema, without a server: labels, DDL, property maps round-trip."""

from __future__ import annotations

import json

import pytest

from crimegraph.errors import StoreUnavailable, UsageError
from crimegraph.graph.neo4j_connect import Settings, check_version, down_message
from crimegraph.graph.neo4j_cypher import (
    entity_from_props,
    entity_labels,
    entity_props,
    rel_pattern,
    rel_type,
    relation_from_row,
    relation_props,
    schema_statements,
    source_from_props,
    source_props,
)
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES


def test_labels_and_types_come_from_the_schema():
    assert entity_labels("armed_group") == ":Entity:Actor:ArmedGroup"
    assert entity_labels("river_valley") == ":Entity:Place:RiverValley"
    assert rel_type("operates_in") == "OPERATES_IN"
    assert rel_pattern(["rival_of", "allied_with"]) == ":ALLIED_WITH|RIVAL_OF"
    for bad in ("armed_group`) DETACH DELETE (n", "Person", ""):
        with pytest.raises(UsageError):
            entity_labels(bad)
    with pytest.raises(UsageError):
        rel_type("OPERATES_IN]->() DELETE r //")


def test_constraints_and_indexes_are_generated_for_every_declared_type():
    from crimegraph.graph.neo4j_cypher import deferred_statements

    assert "FULLTEXT" in dict(deferred_statements())["entity_names"]
    names = dict(schema_statements())
    assert "REQUIRE n.id IS UNIQUE" in names["entity_id"] and "REQUIRE n.id IS UNIQUE" in names["source_id"]
    for name, rt in RELATION_TYPES.items():
        assert f"[r:{rt.cypher_type}]" in names[f"rel_{name}_id"]
    assert all("IF NOT EXISTS" in s for s in names.values())


def test_property_maps_rebuild_the_models_exactly(peru_dataset):
    for i, e in enumerate(peru_dataset.entities.values()):
        p = entity_props(e, i)
        assert all(v is not None for v in p.values())
        assert p.get("aliases") == ([a.name for a in e.aliases] or None)
        langs = [a.lang or "" for a in e.aliases]
        assert p.get("alias_langs") == (langs if any(langs) else None)
        assert entity_from_props(p) == e
        assert entity_from_props(p).model_dump(mode="json") == e.model_dump(mode="json")
    for r in peru_dataset.relations.values():
        p = relation_props(r)
        back = relation_from_row(RELATION_TYPES[r.type].cypher_type, r.subject, r.object, p)
        assert back == r and back.model_dump(mode="json") == r.model_dump(mode="json")
        # parallel to the sources; not set at all when no citation has one (as neo4j-admin reads it)
        quotes, pages = [c.quote or "" for c in r.citations], [c.page or "" for c in r.citations]
        assert p.get("citation_quotes") == (quotes if any(quotes) else None)
        assert p.get("citation_pages") == (pages if any(pages) else None)
        # the hand-written citation encoder says what pydantic's serializer says, quote and page included
        assert json.loads(p["citations_json"]) == [c.model_dump(exclude_none=True) for c in r.citations]
        if r.since:
            assert p["since_start"] == r.since.start.isoformat() and p["since_precision"] == r.since.precision
        if r.until:
            assert p["until_end"] == r.until.end.isoformat()
    for s in peru_dataset.sources.values():
        assert source_from_props(source_props(s)) == s
    assert {e.type for e in peru_dataset.entities.values()} <= set(ENTITY_TYPES)


def test_version_check_and_messages():
    check_version("bolt://h:1", "5.26.30")
    check_version("bolt://h:1", "2025.10.1")
    with pytest.raises(StoreUnavailable, match=r"is version 4\.4\.40; crimegraph needs Neo4j 5 or newer"):
        check_version("bolt://h:1", "4.4.40")
    msg = down_message("bolt://127.0.0.1:9", ConnectionRefusedError("Connection refused"))
    assert "\n" not in msg and "bolt://127.0.0.1:9" in msg and "make neo4j" in msg and "NEO4J_URI" in msg


def test_settings_default_from_the_environment(monkeypatch):
    for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(k, raising=False)
    s = Settings.resolve()
    assert (s.uri, s.user, s.password, s.database) == ("bolt://127.0.0.1:7687", "neo4j", None, "neo4j")
    assert s.auth is None
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7688")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    s = Settings.resolve(database="other")
    assert (s.uri, s.auth, s.database) == ("neo4j://db.example:7688", ("neo4j", "pw"), "other")


def test_the_backend_is_registered_and_imported_lazily():
    import subprocess
    import sys

    from crimegraph.graph.registry import BACKENDS

    assert BACKENDS["neo4j"] == "crimegraph.graph.neo4j:Neo4jStore"
    code = ("import sys, crimegraph.graph.registry, crimegraph.cli.main; "
            "print('neo4j' in sys.modules, 'crimegraph.graph.neo4j' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_batch_rows_pack_like_a_list_but_print_short():
    """The driver formats every RUN's parameters for a debug line; our batches print short."""
    from neo4j._codec.packstream.v1 import Packer

    from crimegraph.graph.neo4j_writer import _Rows

    class Buffer:
        def __init__(self):
            self.data = bytearray()

        def write(self, b):
            self.data.extend(b)

    rows = [{"id": f"r{i}", "p": {"quotes": ["", "sí"], "score": 0.5}} for i in range(3)]
    plain, ours = Buffer(), Buffer()
    Packer(plain).pack(rows)
    Packer(ours).pack(_Rows(rows))
    assert plain.data == ours.data
    assert repr({"rows": _Rows(rows)}) == "{'rows': <3 rows>}"
