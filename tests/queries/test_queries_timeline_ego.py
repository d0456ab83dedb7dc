"""timeline() and ego_network() on the toy dataset."""

from __future__ import annotations

from crimegraph.graph.subgraph import Subgraph
from crimegraph.queries import ego_network, timeline


def entries(t, section="dated"):
    return [(e.date.value, e.what, e.relation.id if e.relation else e.event.id) for e in t.entries
            if e.section == section]


def test_timeline_in_date_order(toy):
    assert entries(timeline(toy, "red-army")) == [
        ("1990", "start", "state-police--opposes--red-army"),
        ("1999", "start", "red-army--operates-in--green-valley"),
        ("2000", "start", "red-army--engages-in--coke"),
        ("2001", "start", "officer-x--leads--red-army"),
        ("2008", "start", "red-army--allied-with--blue-cartel"),
        ("2012", "end", "officer-x--leads--red-army"),
        ("2012-06-15", "event", "red-army--participated-in--attack-2012"),
        ("2015", "start", "red-army--associated-with--blue-cartel"),
    ]
    assert timeline(toy, "red-army").undated == []


def test_timeline_as_of_keeps_what_held_and_was_known_then(toy):
    # valid at the end of 2010; the 2012 end of the leadership and the 2012 attack are later
    assert entries(timeline(toy, "red-army", as_of=2010)) == [
        ("1990", "start", "state-police--opposes--red-army"),
        ("1999", "start", "red-army--operates-in--green-valley"),
        ("2000", "start", "red-army--engages-in--coke"),
        ("2001", "start", "officer-x--leads--red-army"),
        ("2008", "start", "red-army--allied-with--blue-cartel"),
    ]


def test_timeline_of_an_event_and_of_a_place(toy):
    t = timeline(toy, "Valley ambush")
    # an event's own relations (who took part, where) sit on its date
    assert entries(t) == [("2012-06-15", "event", "attack-2012--occurred-in--green-valley"),
                          ("2012-06-15", "event", "red-army--participated-in--attack-2012")]
    assert t.undated == []
    port = timeline(toy, "north-port")
    assert entries(port) == [("2005", "start", "blue-cartel--operates-in--north-port"),
                             ("2015", "end", "blue-cartel--operates-in--north-port"),
                             ("2018-03", "event", "seizure-2018--occurred-in--north-port")]
    # being inside Nación is timeless: no part of the port's history
    assert port.undated == [] and all(e.relation.type != "located_in" for e in port.entries)


def test_timeline_json(toy):
    d = timeline(toy, "officer-x").as_dict()
    assert [(e["date"], e["precision"], e["what"]) for e in d["entries"]] == [
        ("2001", "year", "start"), ("2012", "year", "end")]
    assert d["entries"][0]["relation"]["direction"] == "out"


def test_ego_network_depth_one(toy):
    ego = ego_network(toy, "red-army")
    assert isinstance(ego, Subgraph) and ego.center == "red-army"
    assert sorted(ego.entities) == ["attack-2012", "blue-cartel", "coke", "green-valley", "officer-x",
                                    "red-army", "state-police"]
    # red-army's 7 relations, plus those among its neighbours: the attack's place, the cartel's trade
    assert sorted(ego.relations) == sorted([
        "red-army--operates-in--green-valley", "red-army--allied-with--blue-cartel",
        "red-army--associated-with--blue-cartel", "red-army--engages-in--coke",
        "officer-x--leads--red-army", "state-police--opposes--red-army",
        "red-army--participated-in--attack-2012", "attack-2012--occurred-in--green-valley",
        "blue-cartel--engages-in--coke"])
    assert ego.more == {}
    assert ego.distances()["coke"] == 1
    assert set(ego.sources) == {"src-a", "src-b", "src-c"}


def test_ego_network_cap_and_more(toy):
    # best-sourced first: the alliance has two sources; then A1 (police) beats A2 (coke)
    ego = ego_network(toy, "red-army", cap=2)
    assert sorted(ego.entities) == ["blue-cartel", "red-army", "state-police"]
    assert ego.more == {"red-army": 4}
    assert "  … and 4 more neighbours of Ejército Rojo not shown (cap 2 per entity)" in ego.lines()
    assert ego.as_dict()["more"] == {"red-army": 4}


def test_ego_network_as_of_and_types(toy):
    ego = ego_network(toy, "red-army", as_of=2009, types=["allied_with", "associated_with"])
    assert sorted(ego.entities) == ["blue-cartel", "red-army"]
    assert list(ego.relations) == ["red-army--allied-with--blue-cartel"]


def test_ego_network_depth_two(toy):
    ego = ego_network(toy, "green-gang", depth=2)
    d = ego.distances()
    assert d["blue-cartel"] == 1 and d["grey-mafia"] == 2 and d["nacion"] == 2
    assert "officer-x" not in ego.entities  # three hops away


def test_memory_expand_matches_the_generic_one(synthetic):
    """MemoryStore.expand (native) gives the very subgraph Store.expand (protocol-only) gives."""
    import random

    from crimegraph.graph.base import Store

    store, graph = synthetic
    hubs = sorted(graph.nodes, key=lambda n: -graph.degree(n))[:3]
    picks = hubs + random.Random(3).sample(sorted(graph.nodes), 12)
    for node in picks:
        for kw in ({"cap": 50}, {"cap": 5, "depth": 2}, {"cap": None, "as_of": __import__("datetime").date(2010, 1, 1)},
                   {"cap": 10, "types": frozenset({"operates_in", "allied_with"})}):
            native = store.expand([node], **kw)
            generic = Store.expand(store, [node], **kw)
            assert list(native.entities) == list(generic.entities)
            assert list(native.relations) == list(generic.relations)
            assert native.more == generic.more
