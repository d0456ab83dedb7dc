"""The Cypher library run on a real Neo4j 5, against the toy dataset loaded in the model of
queries/README.md, compared with the Python helpers.

The module starts its own throwaway server (tests/neo4j-server, Bolt on a free port, data in
a temp folder) so that it never writes into a database someone else uses; it is skipped when
Java or Maven is missing, and fails instead under CRIMEGRAPH_REQUIRE_NEO4J=1.
"""

from __future__ import annotations

import pytest

from crimegraph.queries import (
    actors_in, actors_in_economy, allies, ego_network, shortest_paths, economies_of, rivals, timeline,
)
from crimegraph.queries.library import load_query
from tests.neo4j_fixture import launch

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo(toy):
    """A throwaway server of this module's own, loaded by the project's own Neo4j store (the
    shared launcher: it fails, rather than skips, under CRIMEGRAPH_REQUIRE_NEO4J=1 when Java or
    Maven is missing)."""
    from crimegraph.graph.neo4j import Neo4jStore

    server = launch(["--pagecache-mb", "32"])
    try:
        store = Neo4jStore(uri=server.uri)
        store.write(toy.dataset(), replace=True)
        yield store._driver
        store.close()
    finally:
        server.stop()


def run(driver, name, **params):
    q = load_query(name, "cypher")
    params = {p: params.get(p) for p in q.parameters}
    with driver.session() as s:
        return [dict(rec) for rec in s.run(q.text, params)]


def iso(day):
    from crimegraph.queries.params import coerce_as_of

    d = coerce_as_of(day)
    return d.isoformat() if d else None


@pytest.mark.parametrize("a,b,day", [("red-army", "green-gang", None), ("red-army", "green-gang", 2011),
                                     ("green-gang", "grey-mafia", None), ("coke", "officer-x", None),
                                     ("red-army", "blue-cartel", None), ("lone-wolf", "red-army", None),
                                     ("green-gang", "red-army", 2010)])
def test_connections(neo, toy, a, b, day):
    rows = run(neo, "shortest_paths", a=a, b=b, max_hops=5 if day == 2010 else 4, k=5, as_of=iso(day))
    expected = shortest_paths(toy, a, b, as_of=day, max_hops=5 if day == 2010 else 4)
    if not expected.found:
        assert rows == []
        return
    assert {r["shortest_paths"] for r in rows} == {expected.total}
    assert [r["entities"] for r in rows] == [[e.id for e in p.entities] for p in expected.paths]
    assert [[s["relation"] for s in r["steps"]] for r in rows] == \
        [[s.relation.id for s in p.steps] for p in expected.paths]
    assert [[s["direction"] for s in r["steps"]] for r in rows] == \
        [[s.direction for s in p.steps] for p in expected.paths]
    assert [r["confidence"] for r in rows] == [p.confidence for p in expected.paths]


@pytest.mark.parametrize("place,day", [("nacion", None), ("nacion", 2016), ("highlands", 2005)])
def test_actors_in(neo, toy, place, day):
    rows = run(neo, "actors_in", place=place, as_of=iso(day))
    want = actors_in(toy, place, as_of=day)
    assert sorted((r["actor_id"], r["relation_id"], tuple(r["within"])) for r in rows) == \
        sorted((p.actor.id, p.relation.id, tuple(p.within)) for p in want.presences)


@pytest.mark.parametrize("query,helper,param,entity", [
    ("economies_of", economies_of, "actor", "black-clan"),
    ("actors_in_economy", actors_in_economy, "economy", "coke"),
    ("allies", allies, "actor", "blue-cartel"),
    ("rivals", rivals, "actor", "green-gang"),
])
@pytest.mark.parametrize("day", [None, 2010, 2016])
def test_links(neo, toy, query, helper, param, entity, day):
    rows = run(neo, query, **{param: entity}, as_of=iso(day))
    want = helper(toy, entity, as_of=day)
    assert sorted((r["id"], r["relation_id"], r["direction"]) for r in rows) == \
        sorted((lk.other.id, lk.relation.id, lk.direction(entity)) for lk in want.links)


@pytest.mark.parametrize("day", [None, 2010])
def test_timeline(neo, toy, day):
    rows = run(neo, "timeline", entity="red-army", as_of=iso(day))
    want = timeline(toy, "red-army", as_of=day)
    assert [(r["date"], r["what"], r["relation_id"]) for r in rows] == \
        [(e.date.value, e.what, e.relation.id if e.relation else None) for e in want.entries]


def test_ego_network(neo, toy):
    rows = run(neo, "ego_network", entity="red-army", cap=2)
    want = ego_network(toy, "red-army", cap=2)
    assert {r["id"] for r in rows} | {"red-army"} == set(want.entities)
    assert {r["more"] for r in rows} == {want.more["red-army"]}
    inside = run(neo, "subgraph_relations", ids=list(want.entities))
    assert sorted(r["id"] for r in inside) == sorted(want.relations)


def test_evidence(neo):
    [row] = run(neo, "evidence", relation_id="red-army--operates-in--green-valley")
    assert (row["subject"], row["object"], row["confidence"]) == ("red-army", "green-valley", "B2")
    assert row["citations"] == [{"source": "src-b", "title": "Field investigation", "publisher": "Newsroom",
                                 "date": "2016-04", "url": None, "reliability": "B",
                                 "quote": "The Red Army controls the Green Valley.", "page": "12"}]


def test_search(neo):
    from crimegraph.graph.text import normalize

    rows = run(neo, "search", text=normalize("Cártel Asul"), limit=5)
    assert rows[0]["id"] == "blue-cartel"
    assert run(neo, "search", text=normalize("ejercito rojo"), limit=5)[0]["id"] == "red-army"


def test_projection(neo, toy):
    from crimegraph.queries.analytics import project

    rows = run(neo, "projection", projection="actors")
    got = {tuple(sorted((r["id"], t))) for r in rows for t in r["targets"]}
    proj = project(toy, projection="actors")
    want = {tuple(sorted((proj.entities[e.source].id, proj.entities[e.target].id))) for e in proj.graph.es}
    assert got == want and len(rows) == len(proj.entities)
