"""shortest_paths(): the shortest paths with evidence (what the named queries return), on the toy dataset.

Confidence scores used below (Confidence.score): A1 1.0, A2 0.8333, B2 0.6944,
B3 0.5556, C3 0.4444.
"""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from crimegraph.errors import EntityNotFound, UsageError
from crimegraph.graph.base import Store
from crimegraph.queries import as_of, shortest_paths


def ids(path):
    return [e.id for e in path.entities]


def test_two_shortest_paths_ranked_by_evidence(toy):
    # red-army and green-gang share two neighbours: coke (engages_in, both) and blue-cartel
    # (allied_with / rival_of). Via coke: A2 x C3 = 0.8333 x 0.4444 = 0.3703; via the
    # cartel: B2 x C3 = 0.6944 x 0.4444 = 0.3086. The coke path ranks first.
    found = shortest_paths(toy, "red-army", "green-gang")
    assert found.found and found.hops == 2 and found.total == 2
    assert [ids(p) for p in found.paths] == [["red-army", "coke", "green-gang"],
                                             ["red-army", "blue-cartel", "green-gang"]]
    assert [p.confidence for p in found.paths] == [0.3703, 0.3086]
    assert [p.weakest for p in found.paths] == ["C3", "C3"]


def test_each_step_records_relation_direction_and_sources(toy):
    best, second = shortest_paths(toy, "red-army", "green-gang").paths
    # red-army -engages_in-> coke runs along the relation; coke to green-gang runs against
    # green-gang -engages_in-> coke
    assert [(s.relation.id, s.direction) for s in best.steps] == [
        ("red-army--engages-in--coke", "out"), ("green-gang--engages-in--coke", "in")]
    assert [c.source for c in best.steps[0].relation.citations] == ["src-a"]
    # symmetric relations: direction "both"; the weaker parallel tie is kept as "others"
    assert [(s.relation.id, s.direction) for s in second.steps] == [
        ("red-army--allied-with--blue-cartel", "both"), ("green-gang--rival-of--blue-cartel", "both")]
    assert [r.id for r in second.steps[0].others] == ["red-army--associated-with--blue-cartel"]
    assert second.source_ids == ["src-a", "src-b", "src-c"]


def test_paths_through_symmetric_relations_in_either_stored_direction(toy):
    # green-gang is the stored subject of the rivalry, blue-cartel of the alliance with grey-mafia
    there = shortest_paths(toy, "green-gang", "grey-mafia")
    back = shortest_paths(toy, "grey-mafia", "green-gang")
    assert [ids(p) for p in there.paths] == [["green-gang", "blue-cartel", "grey-mafia"]]
    assert [ids(p) for p in back.paths] == [["grey-mafia", "blue-cartel", "green-gang"]]
    for found in (there, back):
        assert [s.direction for s in found.paths[0].steps] == ["both", "both"]
    assert {s.relation.id for s in there.paths[0].steps} == {s.relation.id for s in back.paths[0].steps}


def test_paths_against_directed_relations(toy):
    # officer-x -leads-> red-army -engages_in-> coke, walked from coke
    found = shortest_paths(toy, "coke", "officer-x")
    assert [ids(p) for p in found.paths] == [["coke", "red-army", "officer-x"]]
    assert [s.direction for s in found.paths[0].steps] == ["in", "in"]
    assert [s.direction for s in shortest_paths(toy, "officer-x", "coke").paths[0].steps] == ["out", "out"]


def test_as_of_drops_relations_outside_their_period(toy):
    # 2011: the rivalry (since 2012) is not yet there; green-gang's cocaine trade (since 2011) is
    found = shortest_paths(toy, "red-army", "green-gang", as_of=2011)
    assert [ids(p) for p in found.paths] == [["red-army", "coke", "green-gang"]]
    assert found.total == 1
    # the same through a view
    assert [ids(p) for p in shortest_paths(as_of(toy, 2011), "red-army", "green-gang").paths] == \
        [["red-army", "coke", "green-gang"]]


def test_as_of_no_connection_within_hops_then_longer_paths(toy):
    # 2010: green-gang only operates in blue-lake; red-army is 5 hops away
    found = shortest_paths(toy, "red-army", "green-gang", as_of="2010")
    assert not found.found and found.paths == [] and found.hops is None
    assert found.message == ("no connection between Ejército Rojo (red-army) and Banda Verde "
                             "(green-gang) within 4 hops as of 2010-12-31")
    longer = shortest_paths(toy, "green-gang", "red-army", as_of=2010, max_hops=5)
    # via the valley: C3 A1 A1 A1 B2 = 0.3086; via the port: C3 A1 A1 B2 B2 = 0.2143
    assert [ids(p) for p in longer.paths] == [
        ["green-gang", "blue-lake", "nacion", "highlands", "green-valley", "red-army"],
        ["green-gang", "blue-lake", "nacion", "north-port", "blue-cartel", "red-army"]]
    assert [p.confidence for p in longer.paths] == [0.3086, 0.2143]


def test_parallel_relation_outside_period_is_not_listed(toy):
    # the ties between red-army and blue-cartel begin in 2015
    step = shortest_paths(toy, "red-army", "blue-cartel", as_of=2014).paths[0].steps[0]
    assert step.relation.id == "red-army--allied-with--blue-cartel" and step.others == []


def test_no_path_is_an_answer_not_an_error(toy):
    found = shortest_paths(toy, "lone-wolf", "red-army")
    assert not found.found
    assert found.message == ("no connection between Lobo Solitario (lone-wolf) and Ejército Rojo "
                             "(red-army) within 4 hops")
    assert found.as_dict()["paths"] == [] and found.as_dict()["found"] is False


def test_max_hops(toy):
    # elsewhere - far-city - grey-mafia - blue-cartel - north-port - nacion: 5 hops
    assert not shortest_paths(toy, "elsewhere", "nacion").found
    found = shortest_paths(toy, "elsewhere", "nacion", max_hops=5)
    assert found.hops == 5 and found.total == 1
    assert shortest_paths(toy, "red-army", "coke", max_hops=1).hops == 1
    assert not shortest_paths(toy, "green-gang", "grey-mafia", max_hops=1).found
    assert shortest_paths(toy, "green-gang", "grey-mafia", max_hops=2).hops == 2


def test_k_limits_paths_but_total_counts_all(toy):
    found = shortest_paths(toy, "red-army", "green-gang", k=1)
    assert len(found.paths) == 1 and found.total == 2
    assert "the best 1 of 2 shortest paths" in found.message


def test_types_and_avoid(toy):
    only = shortest_paths(toy, "red-army", "green-gang", types=["allied_with", "rival_of"])
    assert [ids(p) for p in only.paths] == [["red-army", "blue-cartel", "green-gang"]]
    avoiding = shortest_paths(toy, "red-army", "green-gang", avoid=["Cocaine trafficking"])
    assert [ids(p) for p in avoiding.paths] == [["red-army", "blue-cartel", "green-gang"]]
    assert "avoiding Cocaine trafficking" in avoiding.message


def test_names_and_aliases_resolve_ignoring_case_and_accents(toy):
    found = shortest_paths(toy, "EJERCITO ROJO", "banda verde")
    assert (found.a.id, found.b.id) == ("red-army", "green-gang")
    assert shortest_paths(toy, "Red Army", "Blue Cartel").hops == 1


def test_unclear_entity_lists_candidates(toy):
    assert shortest_paths(toy, "Ejercito Rojjo", "coke").a.id == "red-army"  # one clear match: opened
    with pytest.raises(EntityNotFound) as err:
        shortest_paths(toy, "azul", "coke")
    assert "blue-cartel" in str(err.value) and "blue-lake" in str(err.value)


def test_bad_parameters(toy):
    with pytest.raises(UsageError, match="same entity"):
        shortest_paths(toy, "red-army", "Red Army")
    with pytest.raises(UsageError, match="max_hops"):
        shortest_paths(toy, "red-army", "coke", max_hops=0)
    with pytest.raises(UsageError, match="unknown relation type"):
        shortest_paths(toy, "red-army", "coke", types=["friends_with"])
    with pytest.raises(UsageError, match="as_of"):
        shortest_paths(toy, "red-army", "coke", as_of="last year")


def test_json_shape(toy):
    d = shortest_paths(toy, "officer-x", "coke").as_dict()
    assert d["from"]["id"] == "officer-x" and d["to"]["id"] == "coke"
    assert d["found"] and d["hops"] == 2 and d["shortest_paths"] == 1
    step = d["paths"][0]["steps"][0]
    assert step["from"]["id"] == "officer-x" and step["to"]["id"] == "red-army"
    assert step["type"] == "leads" and step["direction"] == "out"
    rel = step["relation"]
    assert rel["since"] == "2001" and rel["until"] == "2012" and rel["confidence"] == "B2"
    assert rel["citations"] == [{"source": "src-b", "title": "Field investigation",
                                 "publisher": "Newsroom", "date": "2016-04", "reliability": "B"}]
    assert step["sentence"].startswith("Óscar Equis —leads→ Ejército Rojo (2001–2012; confidence B2")


def test_generic_protocol_version_gives_the_same_answers(toy, generic):
    for a, b in itertools.combinations(["red-army", "green-gang", "grey-mafia", "coke", "nacion",
                                        "officer-x", "elsewhere", "lone-wolf"], 2):
        for day in (None, 2010, 2016):
            native = shortest_paths(toy, a, b, as_of=day, max_hops=6).as_dict()
            assert shortest_paths(generic, a, b, as_of=day, max_hops=6).as_dict() == native


def test_same_hops_and_path_count_as_networkx(synthetic):
    store, graph = synthetic
    undirected = nx.Graph(graph.to_undirected(as_view=True))
    rng = random.Random(7)
    nodes = sorted(graph.nodes)
    for _ in range(40):
        a, b = rng.sample(nodes, 2)
        found = shortest_paths(store, a, b, max_hops=6, k=3)
        try:
            expected = list(nx.all_shortest_paths(undirected, a, b))
        except nx.NetworkXNoPath:
            expected = []
        if not expected or len(expected[0]) - 1 > 6:
            assert not found.found
            continue
        assert found.hops == len(expected[0]) - 1
        assert found.total == len(expected)
        assert {tuple(ids(p)) for p in found.paths} <= {tuple(p) for p in expected}
        # ranked: no returned path is beaten by a shortest path left out
        confidences = [p.confidence for p in found.paths]
        assert confidences == sorted(confidences, reverse=True)


def test_generic_store_is_a_store(generic):
    assert isinstance(generic, Store) and type(generic).adjacent is Store.adjacent
