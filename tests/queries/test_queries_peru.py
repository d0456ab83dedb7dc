"""The helpers on the bundled Peru data. Each expectation is a fact read in seeds/peru/
(the file is named next to it), not a snapshot of the helper's output."""

from __future__ import annotations

from crimegraph.queries import (
    actors_in, connections, economies_of, evidence, search, timeline,
)


def ids(entities):
    return {e.id for e in entities}


def test_peru_includes_the_actors_of_the_vraem_callao_and_lake_titicaca(peru):
    country = ids(actors_in(peru, "peru").actors)
    vraem, callao, titicaca = (ids(actors_in(peru, p).actors) for p in ("vraem", "callao", "lake-titicaca"))
    # relations/territory.yaml: shining-path operates in the VRAEM, tren-de-aragua in Callao,
    # peruvian-trafficking-clans on Lake Titicaca; relations/geography.yaml puts each inside Peru
    assert "shining-path" in vraem and "tren-de-aragua" in callao
    assert "peruvian-trafficking-clans" in titicaca
    assert vraem | callao | titicaca <= country


def test_callao_includes_its_port(peru):
    # relations/geography.yaml: callao-port located_in callao
    port = actors_in(peru, "callao-port")
    city = actors_in(peru, "Callao")
    assert ids(port.actors) <= ids(city.actors)
    chains = {p.place.id: p.within for p in city.presences}
    assert chains.get("callao-port") == ["callao", "callao-port"]


def test_shining_path_in_the_vraem_with_its_sources(peru):
    found = actors_in(peru, "VRAEM")
    rel = [p.relation for p in found.presences if p.actor.id == "shining-path" and p.place.id == "vraem"]
    assert [r.id for r in rel] == ["shining-path--operates-in--vraem"]
    assert "insightcrime-peru-profile" in {c.source for c in rel[0].citations}


def test_shining_path_economies(peru):
    # relations/economies.yaml: cocaine trafficking, illegal logging, extortion, money laundering
    assert {"cocaine-trafficking", "illegal-logging", "extortion", "money-laundering"} <= \
        ids(economies_of(peru, "Sendero Luminoso").entities)


def test_tren_de_aragua_to_shining_path(peru):
    found = connections(peru, "Tren de Aragua", "Shining Path")
    assert found.found
    for path in found.paths:
        assert path.entities[0].id == "tren-de-aragua" and path.entities[-1].id == "shining-path"
        for a, step, b in zip(path.entities, path.steps, path.entities[1:]):
            assert {step.relation.subject, step.relation.object} == {a.id, b.id}
            assert step.relation.citations
    d = found.as_dict()
    assert all(s["relation"]["citations"][0]["title"] for p in d["paths"] for s in p["steps"])


def test_as_of_boundary_guzman_led_until_his_capture(peru):
    # relations/organizations.yaml: abimael-guzman leads shining-path until 1992-09-12 (captured)
    led = peru.relation("abimael-guzman--leads--shining-path")
    assert str(led.until) == "1992-09-12"
    for day in (1991, "1992-08", "1992-09-12"):
        then = connections(peru, "abimael-guzman", "shining-path", as_of=day)
        assert then.hops == 1, day
        assert [s.relation.id for s in then.paths[0].steps] == ["abimael-guzman--leads--shining-path"]
    for day in ("1992-09-13", 1993):
        later = connections(peru, "abimael-guzman", "shining-path", as_of=day)
        assert "abimael-guzman--leads--shining-path" not in {
            s.relation.id for p in later.paths for s in p.steps}, day
        assert led.state_on(later.as_of) == "ended"
    ends = [(e.date.value, e.what) for e in timeline(peru, "abimael-guzman").entries
            if e.relation is not None and e.relation.id == "abimael-guzman--leads--shining-path"]
    assert ends == [("1992-09-12", "end")]


def test_search_forgives_typos_and_accents(peru):
    assert search(peru, "Tren de Aragwa").hits[0][1].id == "tren-de-aragua"
    assert search(peru, "sendero luminoso").hits[0][1].id == "shining-path"


def test_evidence(peru):
    ev = evidence(peru, "shining-path--operates-in--vraem")
    assert ev.subject.id == "shining-path" and ev.object.id == "vraem"
    assert any(c["source"] == "insightcrime-peru-profile" for c in ev.as_dict()["relation"]["citations"])
