"""Issue 15 on the Peru data, read as an analyst would: connections that explain themselves,
brokers among criminal actors, ego networks without hairballs, allies that point elsewhere.

Each test states what an analyst would sign; the ranking is checked against a brute-force
enumeration of every simple path, so the best-first search cannot silently drop one.
"""

from __future__ import annotations

import networkx as nx
import pytest

from crimegraph.queries import allies, brokers, connections, ego_network
from crimegraph.queries import ties


def through(path) -> list[str]:
    return [e.id for e in path.entities[1:-1]]


def test_tren_de_aragua_and_shining_path_have_no_criminal_tie_and_say_so(peru):
    found = connections(peru, "Tren de Aragua", "Shining Path")
    assert found.criminal_tie is False
    assert found.message.startswith("No criminal tie (criminal cooperation, hierarchy or supply chain) "
                                    "links Tren de Aragua (tren-de-aragua) and Shining Path (shining-path) "
                                    "within 4 hops. Weaker connections, by kind:")
    assert all(not p.criminal for p in found.paths) and len(found.paths) == 5
    # no path through a country before a more specific one
    order = [through(p) for p in found.paths]
    peru_at = order.index(["peru"])
    assert order.index(["extortion"]) < peru_at
    assert order[0] != ["peru"]
    # every path says what it means
    by_via = {tuple(through(p)): p for p in found.paths}
    assert by_via[("peruvian-national-police",)].sentence.startswith(
        "Tren de Aragua and Shining Path share an adversary: Peruvian National Police, a state actor")
    assert by_via[("peru",)].sentence.startswith("both operate in Peru, a country with ")
    assert by_via[("peru",)].sentence.endswith(": a weak connection")
    assert all(p.strength == "weak" for p in found.paths)
    # diverse: no two paths through the same intermediate
    seen: set[str] = set()
    for p in found.paths:
        assert not seen & set(through(p))
        seen |= set(through(p))
    assert found.skipped_similar > 0


def test_a_criminal_tie_comes_first_when_there_is_one(peru):
    found = connections(peru, "sinaloa-cartel", "shining-path")
    assert found.criminal_tie is True and found.paths[0].criminal
    assert through(found.paths[0]) == ["peruvian-trafficking-clans"]
    assert found.groups()[0][0] == "criminal"
    assert found.paths[0].sentence.startswith("Sinaloa Cartel and Shining Path are tied through "
                                              "Peruvian domestic trafficking clans (collective): ")
    direct = connections(peru, "mpcp", "shining-path")
    assert direct.paths[0].hops == 1 and direct.paths[0].strength == "strong"
    assert direct.paths[0].sentence == "Militarized Communist Party of Peru is a faction of Shining Path"


def test_avoid_natures_and_similar(peru):
    found = connections(peru, "tren-de-aragua", "shining-path", avoid=["peru", "Peruvian National Police"])
    assert all({"peru", "peruvian-national-police"}.isdisjoint(p.entities[i].id for i in range(len(p.entities)))
               for p in found.paths)
    only = connections(peru, "tren-de-aragua", "shining-path", natures=["adversarial"])
    assert only.criminal_tie is None and {s.relation.type for p in only.paths for s in p.steps} <= \
        ties.types_of({"adversarial"})
    crim = connections(peru, "tren-de-aragua", "shining-path", natures=ties.TIE_PRESETS["criminal"])
    assert not crim.found and crim.message.startswith("no connection")
    many = connections(peru, "tren-de-aragua", "shining-path", similar=True, k=10)
    assert len(many.paths) == 10 and many.skipped_similar == 0


def _brute_force(store, a, b, max_hops):
    """Every simple path, scored with the same weights, best first (no search, no bound)."""
    g = nx.Graph()
    for r in store.relations():
        if r.subject != r.object:
            g.add_edge(r.subject, r.object)
    publisher = {s.id: s.publisher for s in store.sources()}.get
    total = store.counts()["entities"]
    degree = store.degrees(list(g.nodes))

    def w(u, v):
        return max(ties.step_weight(r, publisher) for r in store.links_between(u, v))

    def f(x):
        e = store.entity(x)
        return ties.specificity(degree[x]) * (ties.HUB_PENALTY if ties.is_hub(e, degree[x], total) else 1)

    scored = []
    for nodes in nx.all_simple_paths(g, a, b, cutoff=max_hops):
        s = 1.0
        for u, v in zip(nodes, nodes[1:]):
            s *= w(u, v)
        for x in nodes[1:-1]:
            s *= f(x)
        scored.append((round(s, 12), tuple(nodes)))
    scored.sort(key=lambda t: (-t[0], len(t[1]), t[1]))
    return scored


@pytest.mark.parametrize("a,b,hops", [("tren-de-aragua", "shining-path", 3), ("mpcp", "los-pulpos", 3),
                                      ("callao-port", "lake-titicaca", 3)])
def test_the_ranking_is_exact(peru, a, b, hops):
    brute = _brute_force(peru, a, b, hops)
    found = connections(peru, a, b, max_hops=hops, k=8, similar=True, natures=ties.TIE_PRESETS["all"])
    assert [tuple(e.id for e in p.entities) for p in found.paths] == [nodes for _, nodes in brute[:8]]
    assert [round(p.score, 9) for p in found.paths] == [round(s, 9) for s, _ in brute[:8]]


def test_brokers_are_criminal_actors_with_their_ties_and_sources(peru):
    found = brokers(peru, top=10)
    assert found.projection == "criminal" and found.include_state is False
    assert all(b.entity.type != "state_actor" for b in found.brokers)
    assert found.brokers[0].entity.id != "peruvian-national-police"
    for b in found.brokers[:5]:
        assert b.ties and all(r.citations for _, rels in b.ties for r in rels)
        assert all(b.entity.id in (r.subject, r.object) for _, rels in b.ties for r in rels)
    d = found.as_dict()
    assert d["brokers"][0]["ties"][0]["relations"][0]["citations"][0]["title"]
    # asked for, the state comes back
    with_state = brokers(peru, top=10, projection="actors", include_state=True)
    assert with_state.brokers[0].entity.type == "state_actor"


def test_ego_at_depth_two_is_the_shining_paths_own_network(peru):
    total = peru.counts()["entities"]
    own = ego_network(peru, "shining-path", depth=2)
    every = ego_network(peru, "shining-path", depth=2, through_hubs=True)
    assert len(own.entities) < 0.35 * total < len(every.entities)
    assert {"peru", "cocaine-trafficking", "peruvian-national-police"} <= set(own.hubs)
    assert {"mpcp", "abimael-guzman", "victor-quispe-palomino", "vraem"} <= set(own.entities)
    assert "tren-de-aragua" not in own.entities and "tren-de-aragua" in every.entities
    assert own.lines()[-1].startswith("Hubs shown but not expanded (--through-hubs expands them): Peru ")
    peru_hub = own.as_dict()["hubs_not_expanded"]
    assert any(h["id"] == "peru" and h["entities_not_shown"] > 10 for h in peru_hub)


def test_allies_point_to_the_other_ties(peru):
    found = allies(peru, "shining-path")
    assert found.links == [] and found.lines()[0].startswith("Shining Path (shining-path): 0 allies; ")
    assert "has ties to 1" in found.lines()[0]
    assert {lk.other.id for lk in found.also} >= {"peruvian-trafficking-clans", "mpcp"}
    assert all(lk.relation.citations for lk in found.also)


def test_brokers_with_and_without_the_state_on_one_store(peru):
    """The communities kept for one projection are never reused for another (found by schemathesis:
    a 500 on /api/brokers?include_state=true after the default question)."""
    plain = brokers(peru, top=3)
    with_state = brokers(peru, top=3, include_state=True)
    assert with_state.nodes > plain.nodes
    assert brokers(peru, top=3).as_dict() == plain.as_dict()
