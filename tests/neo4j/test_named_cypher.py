"""The named Cypher queries (queries/cypher/*.cypher) on the real server, loaded by our loader.

Each query runs on the Peru data in Neo4j; its rows must say what the Python
helper says on the memory store (the expected results).
"""

from __future__ import annotations

import datetime as dt

import pytest

from crimegraph import queries as q
from crimegraph.queries.library import load_query, names

pytestmark = pytest.mark.neo4j

ACTORS = ["shining-path", "tren-de-aragua", "los-pulpos", "primeiro-comando-da-capital"]
DAYS = [None, "2010-12-31", "2019-12-31"]


def run(store, name: str, **params):
    return store.cypher(load_query(name, "cypher").text, **params)


def day(d):
    return None if d is None else dt.date.fromisoformat(d)


def test_every_named_query_runs(peru_neo4j):
    defaults = {"place": "peru", "economy": "cocaine-trafficking", "actor": "shining-path",
                "entity": "shining-path", "a": "shining-path", "b": "peru", "max_hops": 4, "k": 3,
                "relation_id": "shining-path--operates-in--vraem", "projection": "actors",
                "text": "sendero", "limit": 5, "ids": ["shining-path", "vraem", "peru"], "cap": 10,
                "as_of": None, "types": None}
    for name in names("cypher"):
        params = {p: defaults[p] for p in load_query(name, "cypher").parameters}
        assert isinstance(run(peru_neo4j, name, **params), list), name


def test_links_queries(peru_store, peru_neo4j):
    helpers = {"economies_of": q.economies_of, "allies": q.allies, "rivals": q.rivals}
    for name, helper in helpers.items():
        for actor in ACTORS:
            if not peru_store.has_entity(actor):
                continue
            for d in DAYS:
                want = {(lk.other.id, lk.relation.id, lk.direction(actor))
                        for lk in helper(peru_store, actor, as_of=day(d)).links}
                got = {(r["id"], r["relation_id"], r["direction"])
                       for r in run(peru_neo4j, name, actor=actor, as_of=d)}
                assert got == want, (name, actor, d)
    for econ in [e.id for e in peru_store.entities(kinds=["economy"])]:
        want = {(lk.other.id, lk.relation.id) for lk in q.actors_in_economy(peru_store, econ).links}
        got = {(r["id"], r["relation_id"]) for r in run(peru_neo4j, "actors_in_economy", economy=econ, as_of=None)}
        assert got == want, econ


def test_actors_in(peru_store, peru_neo4j):
    for place in ("peru", "vraem", "lima", "callao-port"):
        if not peru_store.has_entity(place):
            continue
        for d in DAYS:
            res = q.actors_in(peru_store, place, as_of=day(d))
            want = {(p.actor.id, p.relation.id, p.place.id, len(p.within)) for p in res.presences}
            got = {(r["actor_id"], r["relation_id"], r["place_id"], len(r["within"]))
                   for r in run(peru_neo4j, "actors_in", place=place, as_of=d, types=None)}
            assert got == want, (place, d)


def test_connections(peru_store, peru_neo4j):
    pairs = [("tren-de-aragua", "shining-path"), ("shining-path", "peru"), ("shining-path", "vraem")]
    for a, b in pairs:
        for d in DAYS:
            res = q.shortest_paths(peru_store, a, b, as_of=day(d), k=3)
            rows = run(peru_neo4j, "shortest_paths", a=a, b=b, max_hops=4, k=3, as_of=d, types=None)
            if not res.found:
                assert rows == []
                continue
            assert rows[0]["hops"] == res.hops and rows[0]["shortest_paths"] == res.total
            assert [r["entities"] for r in rows] == [[e.id for e in p.entities] for p in res.paths]


def test_ego_subgraph_evidence_timeline_projection_search(peru_store, peru_neo4j):
    for e in ACTORS[:2] + ["vraem"]:
        want = peru_store.neighbours(e)
        rows = run(peru_neo4j, "ego_network", entity=e, cap=None, as_of=None, types=None)
        assert sorted(r["id"] for r in rows) == want
        ids = [e, *want[:5]]
        got = [r["id"] for r in run(peru_neo4j, "subgraph_relations", ids=ids, as_of=None, types=None)]
        assert got == sorted(peru_store.subgraph(ids).relations)
    ev = q.evidence(peru_store, "shining-path--operates-in--vraem")
    (row,) = run(peru_neo4j, "evidence", relation_id=ev.relation.id)
    assert (row["subject"], row["object"]) == (ev.relation.subject, ev.relation.object)
    assert [c["source"] for c in row["citations"]] == [c.source for c in ev.relation.citations]
    t = q.timeline(peru_store, "shining-path")
    # the named query lists the entity's own dated entries (events, starts, ends); the helper
    # adds lifetimes, first reports and the events of factions, members and leaders
    want = [(x.date.value, x.what, x.relation.id if x.relation else None) for x in t.entries
            if x.through is None and x.what in ("event", "start", "end")]
    got = [(r["date"], r["what"], r["relation_id"]) for r in run(peru_neo4j, "timeline", entity="shining-path", as_of=None)]
    assert sorted(got, key=str) == sorted(want, key=str)
    rows = run(peru_neo4j, "projection", projection="actors", as_of=None, types=None)
    actors = {e.id for e in peru_store.entities(kinds=["actor"])}
    assert {r["id"] for r in rows} == actors
    edges = {frozenset((r["id"], t)) for r in rows for t in r["targets"]}
    assert edges == {frozenset((r.subject, r.object)) for r in peru_store.relations()
                     if r.subject in actors and r.object in actors}
    hits = run(peru_neo4j, "search", text="sendero luminoso", limit=5)
    assert "shining-path" in [h["id"] for h in hits]  # Lucene ranks; the helper puts it first
