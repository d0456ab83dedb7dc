"""The Neo4j store against the memory store on the Peru data: every primitive, derived op and helper.

Answers must be identical, order included (the memory store is the reference).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from crimegraph.errors import CrimegraphError

pytestmark = pytest.mark.neo4j

DAYS = [None, dt.date(2005, 12, 31), dt.date(2019, 12, 31)]


@pytest.fixture(scope="module")
def mem(peru_store):
    return peru_store


def same(a, b, label=""):
    assert a == b, label


def call(f, store):
    """The answer, or the error (type and message): errors must be the same too."""
    try:
        out = f(store)
    except CrimegraphError as exc:
        return ("error", type(exc).__name__, str(exc))
    if hasattr(out, "as_dict"):
        return out.as_dict()
    if hasattr(out, "__next__"):
        return list(out)
    return out


def test_primitives_are_identical(mem, peru_neo4j):
    st = peru_neo4j
    assert st.counts() == mem.counts()
    assert list(st.entities()) == list(mem.entities())
    for kinds, types in ((["actor"], None), (None, ["port", "city"]), (["place"], ["port"]), (["nope"], None)):
        assert list(st.entities(kinds, types)) == list(mem.entities(kinds, types))
    assert st.relations() == mem.relations()
    assert list(st.sources()) == list(mem.sources())
    ds, dm = st.dataset(), mem.dataset()
    assert ds.entities == dm.entities and list(ds.entities) == list(dm.entities)
    assert ds.relations == dm.relations and list(ds.relations) == list(dm.relations)
    assert ds.sources == dm.sources and list(ds.sources) == list(dm.sources)
    for r in mem.relations():
        assert st.relation(r.id) == r
    for s in mem.sources():
        assert st.source(s.id) == s
    for day in DAYS:
        assert st.relations(as_of=day) == mem.relations(as_of=day)
        assert st.relations(types=["operates_in", "rival_of"], as_of=day) == \
            mem.relations(types=["operates_in", "rival_of"], as_of=day)


def test_relations_and_neighbours_of_every_entity(mem, peru_neo4j):
    st = peru_neo4j
    for e in mem.entities():
        assert st.entity(e.id) == e
        for direction in ("out", "in", "both"):
            for day in DAYS:
                assert st.relations(e.id, direction=direction, as_of=day) == \
                    mem.relations(e.id, direction=direction, as_of=day), (e.id, direction, day)
                assert st.neighbours(e.id, direction=direction, as_of=day) == \
                    mem.neighbours(e.id, direction=direction, as_of=day)
        assert st.relations(e.id, types=["allied_with"], direction="in") == \
            mem.relations(e.id, types=["allied_with"], direction="in")
        assert st.relations(e.id, types=[]) == mem.relations(e.id, types=[])


def test_subgraph_and_expand(mem, peru_neo4j):
    st = peru_neo4j
    ids = [e.id for e in mem.entities()]
    for seed in ids[::3]:
        for depth, cap, day in ((1, None, None), (2, 4, None), (2, None, DAYS[1]), (3, 2, DAYS[2])):
            a, b = st.expand([seed], depth=depth, cap=cap, as_of=day), mem.expand([seed], depth=depth, cap=cap, as_of=day)
            assert a == b and list(a.entities) == list(b.entities) and list(a.relations) == list(b.relations)
    some = ids[::5]
    a, b = st.subgraph(some), mem.subgraph(some)
    assert a == b and list(a.relations) == list(b.relations)
    assert st.subgraph(some, types=["operates_in"], as_of=DAYS[2]) == \
        mem.subgraph(some, types=["operates_in"], as_of=DAYS[2])
    assert st.expand(["shining-path", "peru"], depth=1) == mem.expand(["shining-path", "peru"], depth=1)


def test_search_and_resolve(mem, peru_neo4j):
    st = peru_neo4j
    queries = ["sendero", "Sendero Luminoso", "vraem", "tren", "lima", "callao", "cocaine", "shinning path",
               "apurimac", "PCC", "x", "zzzz", "  ", "mafia", "Clan"]
    for e in list(mem.entities())[::4]:
        queries += [e.name, e.name[:4], e.name[1:] + "s", e.id]
    for text in queries:
        for limit in (1, 3, 10):
            assert st.search(text, limit=limit) == mem.search(text, limit=limit), (text, limit)
        assert call(lambda s: s.resolve(text), st) == call(lambda s: s.resolve(text), mem), text
    for ref in ("shining-pat", "no-such-thing", "sendero-luminoso"):
        assert call(lambda s: s.entity(ref), st) == call(lambda s: s.entity(ref), mem)
    assert call(lambda s: s.relation("shining-path--operates-in--vraemx"), st) == \
        call(lambda s: s.relation("shining-path--operates-in--vraemx"), mem)
    assert call(lambda s: s.source("insightcrime-peru-profil"), st) == \
        call(lambda s: s.source("insightcrime-peru-profil"), mem)


def test_every_query_helper_gives_the_memory_answer(mem, peru_neo4j):
    from crimegraph import queries as q

    st = peru_neo4j
    ents = list(mem.entities())
    actors = [e.id for e in ents if e.kind.value == "actor"]
    places = [e.id for e in ents if e.kind.value == "place"]
    economies = [e.id for e in ents if e.kind.value == "economy"]
    checks = []
    for day in DAYS:
        for a in actors[::2]:
            checks += [lambda s, a=a, d=day: q.economies_of(s, a, as_of=d),
                       lambda s, a=a, d=day: q.allies(s, a, as_of=d),
                       lambda s, a=a, d=day: q.rivals(s, a, as_of=d),
                       lambda s, a=a, d=day: q.timeline(s, a, as_of=d),
                       lambda s, a=a, d=day: q.ego_network(s, a, as_of=d, depth=2, cap=5)]
        for p in places[::2]:
            checks.append(lambda s, p=p, d=day: q.actors_in(s, p, as_of=d))
        for e in economies:
            checks.append(lambda s, e=e, d=day: q.actors_in_economy(s, e, as_of=d))
        for a, b in itertools.islice(itertools.combinations(actors, 2), 0, 300, 9):
            checks.append(lambda s, a=a, b=b, d=day: q.connections(s, a, b, as_of=d))
        checks += [lambda s, d=day: q.brokers(s, as_of=d),
                   lambda s, d=day: q.communities(s, as_of=d),
                   lambda s, d=day: q.brokers(s, projection="all", as_of=d)]
    checks += [
        lambda s: q.connections(s, "Tren de Aragua", "Shining Path"),
        lambda s: q.connections(s, "shining-path", "tren-de-aragua", max_hops=1),
        lambda s: q.connections(s, "shining-path", "Sendero Luminoso"),
        lambda s: q.connections(s, "shining-path", "peru", types=["operates_in", "located_in"], k=2),
        lambda s: q.actors_in(s, "peru", types=["operates_in", "traffics_to"]),
        lambda s: q.actors_in(s, "shining-path"),
        lambda s: q.evidence(s, "shining-path--operates-in--vraem"),
        lambda s: q.evidence(s, "no-such-relation"),
        lambda s: q.links(s, "vraem", ["located_in"], direction="out", question="containing places"),
        lambda s: q.search(s, "sendero"),
        lambda s: q.search(s, "lima", kinds=["place"]),
        lambda s: q.ego_network(s, "peru", cap=2),
        lambda s: q.timeline(q.as_of(s, 2010), "shining-path"),
    ]
    checks += [lambda s, r=r.id: q.evidence(s, r) for r in mem.relations()[::10]]
    for f in checks:
        assert call(f, st) == call(f, mem)


def test_as_of_views_unwrap_to_native_calls(mem, peru_neo4j):
    from crimegraph import queries as q

    for f in (lambda s: q.connections(q.as_of(s, 2012), "shining-path", "peru"),
              lambda s: q.actors_in(q.as_of(s, "2019-06"), "peru"),
              lambda s: q.allies(q.as_of(s, 2016), "shining-path")):
        assert call(f, peru_neo4j) == call(f, mem)
