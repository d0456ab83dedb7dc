"""actors_in, economies_of, actors_in_economy, allies, rivals on the toy dataset."""

from __future__ import annotations

import pytest

from crimegraph.errors import UsageError
from crimegraph.queries import (
    actors_in, actors_in_economy, allies, as_of, economies_of, places_within, rivals,
)


def actor_ids(result):
    return [a.id for a in result.actors]


def test_places_within_follows_located_in_down(toy):
    assert places_within(toy, "nacion") == {
        "nacion": ["nacion"], "highlands": ["nacion", "highlands"], "north-port": ["nacion", "north-port"],
        "blue-lake": ["nacion", "blue-lake"], "green-valley": ["nacion", "highlands", "green-valley"]}


def test_actors_in_a_country_include_those_of_places_inside_it(toy):
    found = actors_in(toy, "nacion")
    # sorted by name, ignoring accents: Banda Verde, Cártel Azul, Clan Negro, Ejército Rojo
    assert actor_ids(found) == ["green-gang", "blue-cartel", "black-clan", "red-army"]
    red = [p for p in found.presences if p.actor.id == "red-army"][0]
    assert red.place.id == "green-valley" and red.within == ["nacion", "highlands", "green-valley"]
    assert red.relation.since.value == "1999"
    assert "grey-mafia" not in actor_ids(found)  # operates in far-city, in another country


def test_actors_in_a_region_and_a_leaf(toy):
    assert actor_ids(actors_in(toy, "Las Alturas")) == ["black-clan", "red-army"]
    assert actor_ids(actors_in(toy, "green-valley")) == ["red-army"]
    assert actor_ids(actors_in(toy, "elsewhere")) == ["grey-mafia"]


def test_actors_in_as_of_boundaries(toy):
    # blue-cartel operates in north-port 2005-2015: present at the end of 2015, gone in 2016
    assert "blue-cartel" in actor_ids(actors_in(toy, "nacion", as_of=2015))
    assert "blue-cartel" not in actor_ids(actors_in(toy, "nacion", as_of=2016))
    assert "blue-cartel" not in actor_ids(actors_in(as_of(toy, "2016-01-01"), "nacion"))
    # 2005: green-gang (since 2010) not yet; blue-cartel (since 2005) already
    assert actor_ids(actors_in(toy, "nacion", as_of=2005)) == ["blue-cartel", "black-clan", "red-army"]
    # a year means its last day; a day means that day
    assert "blue-cartel" not in actor_ids(actors_in(toy, "nacion", as_of="2004-12-31"))


def test_actors_in_needs_a_place(toy):
    with pytest.raises(UsageError, match="Ejército Rojo \\(red-army\\) is an armed group"):
        actors_in(toy, "red-army")


def test_actors_in_json_and_rows(toy):
    d = actors_in(toy, "highlands").as_dict()
    assert d["place"]["id"] == "highlands" and d["places_searched"] == 2
    assert [p["actor"]["id"] for p in d["presences"]] == ["black-clan", "red-army"]
    assert d["presences"][1]["within"] == ["highlands", "green-valley"]
    assert d["presences"][1]["relation"]["citations"][0]["quote"] == "The Red Army controls the Green Valley."
    rows = actors_in(toy, "highlands").rows()
    assert rows[1]["within"] == "highlands > green-valley" and rows[1]["sources"] == ["src-b"]


def test_economies_of(toy):
    assert [e.id for e in economies_of(toy, "red-army").entities] == ["coke"]
    assert [e.id for e in economies_of(toy, "black-clan").entities] == ["logging"]
    # black-clan's logging ended in 2010
    assert economies_of(toy, "black-clan", as_of=2011).entities == []
    assert [e.id for e in economies_of(toy, "black-clan", as_of=2010).entities] == ["logging"]


def test_actors_in_economy(toy):
    assert [e.id for e in actors_in_economy(toy, "coke").entities] == ["green-gang", "blue-cartel", "red-army"]
    # blue-cartel's is undated and first reported in 2016-04 (src-b): not yet known as of 2010
    assert [e.id for e in actors_in_economy(toy, "Cocaine trafficking", as_of=2010).entities] == \
        ["red-army"]
    assert [e.id for e in actors_in_economy(toy, "Cocaine trafficking", as_of=2016).entities] == \
        ["green-gang", "blue-cartel", "red-army"]


def test_allies_are_symmetric(toy):
    assert [e.id for e in allies(toy, "blue-cartel").entities] == ["red-army", "grey-mafia"]
    assert [e.id for e in allies(toy, "red-army").entities] == ["blue-cartel"]
    assert [e.id for e in allies(toy, "grey-mafia").entities] == ["blue-cartel"]
    assert allies(toy, "red-army", as_of=2007).entities == []  # the alliance dates from 2008
    assert [lk.direction("grey-mafia") for lk in allies(toy, "grey-mafia").links] == ["both"]


def test_rivals(toy):
    assert [e.id for e in rivals(toy, "blue-cartel").entities] == ["green-gang"]
    assert [e.id for e in rivals(toy, "green-gang").entities] == ["blue-cartel"]
    assert rivals(toy, "green-gang", as_of=2011).entities == []
    # ties (associated_with) are neither alliances nor rivalries
    assert "red-army" not in [e.id for e in rivals(toy, "blue-cartel").entities]


def test_links_check_the_kind(toy):
    with pytest.raises(UsageError, match="economies of Nación \\(nacion\\): expected an actor"):
        economies_of(toy, "nacion")
    with pytest.raises(UsageError, match="expected an economy"):
        actors_in_economy(toy, "red-army")


def test_links_sentences_carry_sources(toy):
    lines = allies(toy, "red-army").lines()
    # the answer, then the links of a kindred nature that are not alliances
    assert lines[0] == ("Ejército Rojo (red-army): 1 ally; 2 other links of a kindred nature "
                        "(has ties to 1, leads 1).")
    assert lines[-2:] == [
        "  Ejército Rojo —has ties to— Cártel Azul (since 2015; confidence D4; source: Blog, Local rumours)",
        "  Óscar Equis —leads→ Ejército Rojo (2001–2012; confidence B2; source: Newsroom, Field investigation (2016-04))"]
    assert lines[1] == ("  Ejército Rojo —allied with— Cártel Azul (since 2008; confidence B2; sources: "
                        "Ministry, Official report (2019); Newsroom, Field investigation (2016-04))")
