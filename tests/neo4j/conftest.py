"""Fixtures of the Neo4j backend tests (the server itself comes from ``tests/neo4j_fixture.py``)."""

from __future__ import annotations

import pytest


def dump(store) -> dict:
    """Everything in the database, comparable: nodes and relationships with ids, labels, properties."""
    nodes = sorted(
        (r[0], tuple(sorted(r[1])), tuple(sorted(r[2].items(), key=lambda kv: kv[0])))
        for r in store._rows("MATCH (n) RETURN elementId(n), labels(n), properties(n)"))
    rels = sorted(
        (r[0], r[1], r[2], r[3], tuple(sorted(r[4].items(), key=lambda kv: kv[0])))
        for r in store._rows("MATCH (a)-[r]->(b) RETURN elementId(r), type(r), elementId(a), "
                             "elementId(b), properties(r)"))
    return {"nodes": [(i, lab, _freeze(p)) for i, lab, p in nodes],
            "relationships": [(i, t, a, b, _freeze(p)) for i, t, a, b, p in rels]}


def _freeze(props):
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in props)


@pytest.fixture(scope="module")
def peru_neo4j(neo4j_options, peru_dataset):
    """A Neo4j store holding exactly the Peru dataset (loaded once per module)."""
    from crimegraph.graph.registry import open_store

    store = open_store("neo4j", seeds=False, **neo4j_options)
    store.clear()
    store.write(peru_dataset, replace=True)
    yield store
    store.close()
