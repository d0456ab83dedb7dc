"""brokers, communities, evidence and search."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimegraph.errors import RelationNotFound, UsageError
from crimegraph.queries import brokers, communities, evidence, search


def test_brokers_on_the_actor_projection(toy):
    # actor-to-actor links: officer-x - red-army - state-police, red-army - blue-cartel,
    # blue-cartel - green-gang, blue-cartel - grey-mafia (8 actors; black-clan and lone-wolf alone).
    # red-army lies between {officer-x, state-police} and {each other, blue-cartel, green-gang,
    # grey-mafia}: 2*3 + 1 = 7 pairs; blue-cartel between {red-army, officer-x, state-police}
    # and {green-gang, grey-mafia}: 3*2 + 1 = 7 pairs. Normalised by 7*6/2 = 21: 1/3 each.
    found = brokers(toy, projection="actors")
    assert [(b.entity.id, round(b.betweenness, 4)) for b in found.brokers] == [
        ("blue-cartel", 0.3333), ("red-army", 0.3333)]
    assert found.samples is None and (found.nodes, found.edges) == (8, 5)
    assert [b.degree for b in found.brokers] == [3, 3]
    # each broker's neighbours fall in at least two groups, one of them its own
    for b in found.brokers:
        assert b.groups >= 2 and sum(own for _, _, own in b.bridges) <= 1
        assert sum(n for _, n, _ in b.bridges) == b.degree
    assert "bridges its own group, the " in found.lines()[1] or "bridges the " in found.lines()[1]


def test_brokers_on_the_whole_graph_rank_actors_only(toy):
    found = brokers(toy, projection="all", top=3)
    assert len(found.brokers) == 3
    assert all(b.entity.kind.value == "actor" for b in found.brokers)
    assert found.brokers[0].entity.id == "red-army"
    everything = brokers(toy, projection="all", kinds=None, top=30)
    assert {b.entity.kind.value for b in everything.brokers} > {"actor"}


def test_brokers_sampled_estimate_is_seeded(toy):
    a = brokers(toy, projection="all", samples=5, seed=3).as_dict()
    assert a == brokers(toy, projection="all", samples=5, seed=3).as_dict()
    assert a["samples"] == 5 and a["exact"] is False


def test_brokers_as_of(toy):
    # in 2005 there is no alliance yet: blue-cartel is isolated among actors
    found = brokers(toy, projection="actors", as_of=2005)
    assert [b.entity.id for b in found.brokers] == ["red-army"]


def test_brokers_bad_projection(toy):
    with pytest.raises(UsageError, match="projection"):
        brokers(toy, projection="people")


def test_communities_partition_and_are_reproducible(toy):
    found = communities(toy)
    members = [e.id for c in found.communities for e in c.members]
    assert len(members) == len(set(members))
    # lone-wolf has no relation at all: left out as a singleton
    assert "lone-wolf" not in members and found.singletons == 1
    assert len(members) == 18
    assert found.modularity > 0.3
    again = communities(toy)
    assert [[e.id for e in c.members] for c in again.communities] == \
        [[e.id for e in c.members] for c in found.communities]
    # the other country's three entities hang on blue-cartel's alliance: never with the valley
    by_id = {e.id: i for i, c in enumerate(found.communities) for e in c.members}
    assert by_id["far-city"] == by_id["elsewhere"]
    assert by_id["green-valley"] != by_id["far-city"]


def test_communities_top_and_json(toy):
    d = communities(toy, top=1).as_dict()
    assert len(d["communities"]) == 1 and d["algorithm"] == "leiden"
    assert d["communities"][0]["size"] == len(d["communities"][0]["members"])


def test_evidence_resolves_every_citation(toy):
    ev = evidence(toy, "red-army--allied-with--blue-cartel")
    d = ev.as_dict()
    assert d["subject"]["id"] == "red-army" and d["object"]["id"] == "blue-cartel"
    assert [c["source"] for c in d["relation"]["citations"]] == ["src-a", "src-b"]
    assert d["relation"]["citations"][0]["title"] == "Official report"
    assert d["confidence"] == {"code": "B2", "score": 0.6944, "reliability": "usually reliable",
                               "credibility": "probably true"}
    quoted = evidence(toy, "red-army--operates-in--green-valley")
    assert "     “The Red Army controls the Green Valley.”" in quoted.lines()
    assert quoted.rows()[0]["page"] == "12"


def test_evidence_unknown_relation_suggests(toy):
    with pytest.raises(RelationNotFound, match="red-army--operates-in--green-valley"):
        evidence(toy, "red-army--operates-in--green-vally")


def test_search_ignores_case_and_accents_and_forgives_typos(toy):
    assert search(toy, "ejercito ROJO").hits[0][1].id == "red-army"
    assert search(toy, "red army").hits[0][0].match == "exact"  # an alias
    assert search(toy, "Cartel Asul").hits[0][1].id == "blue-cartel"  # typo
    assert search(toy, "Oscar").hits[0][1].id == "officer-x"  # prefix, accent-insensitive
    assert search(toy, "zzzzzz").hits == []


def test_search_kinds_and_limit(toy):
    every = search(toy, "verde", limit=50)
    assert {e.id for _, e in every.hits} >= {"green-valley", "green-gang"}
    places = search(toy, "verde", kinds=["place"], limit=50)
    assert [e.id for _, e in places.hits] == ["green-valley"]
    assert len(search(toy, "azul", limit=1).hits) == 1
    with pytest.raises(UsageError, match="unknown kind"):
        search(toy, "a", kinds=["person"])


def test_projection_and_communities_are_kept_until_the_next_write(tmp_path):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.queries.analytics import project
    from crimegraph.schema.loader import load_dataset

    data = Path(__file__).resolve().parents[1] / "data"
    TOY, MINI = data / "queries-toy", data / "mini"
    store = MemoryStore()
    store.write(load_dataset(TOY))
    first = project(store, projection="all")
    assert project(store, projection="all") is first
    assert project(store, projection="all", as_of=2010) is not first
    found = brokers(store).as_dict()
    assert brokers(store).as_dict() == found
    store.write(load_dataset(MINI), replace=True)
    assert project(store, projection="all") is not first
    assert project(store, projection="all").graph.vcount() == 5
