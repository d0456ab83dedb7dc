"""as_of views and native overrides (native_<helper> on a store)."""

from __future__ import annotations

import datetime as dt

import pytest

from crimegraph.errors import UsageError
from crimegraph.queries import (
    AsOfView, actors_in, allies, as_of, connections, ego_network, evidence, timeline,
)


def test_view_shows_only_relations_valid_on_its_date(toy):
    view = as_of(toy, 2016)
    assert view.date == dt.date(2016, 12, 31)
    rels = view.relations()
    assert rels and all(r.valid_on(view.date) for r in rels)
    assert "blue-cartel--operates-in--north-port" not in {r.id for r in rels}  # ended 2015
    assert "blue-cartel--operates-in--north-port" in {r.id for r in as_of(toy, 2015).relations()}
    # entities and lookups by id are unchanged
    assert view.entity("blue-cartel").name == "Cártel Azul"
    assert view.relation("blue-cartel--operates-in--north-port").until.value == "2015"
    assert view.counts()["relations"] == len(rels)


def test_view_with_another_date_keeps_relations_valid_on_both(toy):
    view = as_of(toy, 2016)
    # valid in 2010 but not in 2016: leads (2001-2012), logging (2001-2010), north-port (2005-2015)
    ids = {r.id for r in view.relations(as_of=dt.date(2010, 6, 1))}
    assert "officer-x--leads--red-army" not in ids
    assert "red-army--operates-in--green-valley" in ids
    # and helpers given both a view and another as_of read through the view
    assert allies(view, "red-army", as_of=dt.date(2009, 1, 1)).entities[0].id == "blue-cartel"
    assert allies(view, "red-army", as_of=dt.date(2007, 1, 1)).entities == []


def test_every_helper_accepts_a_view(toy):
    view = as_of(toy, "2010")
    assert [a.id for a in actors_in(view, "nacion").actors] == \
        [a.id for a in actors_in(toy, "nacion", as_of=2010).actors]
    assert ego_network(view, "red-army").as_of == dt.date(2010, 12, 31)
    assert connections(view, "red-army", "green-gang").as_of == dt.date(2010, 12, 31)
    assert timeline(view, "red-army").as_of == dt.date(2010, 12, 31)
    assert evidence(view, "officer-x--leads--red-army").relation.until.value == "2012"


def test_view_is_read_only_and_needs_a_date(toy):
    with pytest.raises(UsageError, match="read-only"):
        as_of(toy, 2016).write(None)
    with pytest.raises(UsageError):
        AsOfView(toy, None)
    with pytest.raises(UsageError, match="date"):
        as_of(toy, "soon")


def test_nested_views(toy):
    inner = as_of(as_of(toy, 2016), 2016)
    assert "blue-cartel" not in [a.id for a in actors_in(inner, "nacion").actors]


class _Native:
    """Wraps the toy store and answers actors_in natively."""

    def __init__(self, store, answer):
        self._store, self.answer, self.calls = store, answer, []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def native_actors_in(self, place, **kwargs):
        self.calls.append((place, kwargs))
        return self.answer


def test_native_override_is_called_with_the_same_arguments(toy):
    store = _Native(toy, "native answer")
    assert actors_in(store, "nacion", as_of=2016) == "native answer"
    assert store.calls == [("nacion", {"as_of": dt.date(2016, 12, 31)})]


def test_native_override_may_decline(toy):
    store = _Native(toy, NotImplemented)
    assert [a.id for a in actors_in(store, "highlands").actors] == ["black-clan", "red-army"]
    assert store.calls == [("highlands", {"as_of": None})]


def test_native_override_receives_the_view_date(toy):
    store = _Native(toy, "native answer")
    assert actors_in(as_of(store, 2012), "nacion") == "native answer"
    assert store.calls == [("nacion", {"as_of": dt.date(2012, 12, 31)})]


def test_generic_helpers_on_the_bare_protocol(toy, generic):
    """Every helper gives the same JSON on a store with no native parts."""
    from crimegraph import queries as q

    for ask in (lambda s: q.actors_in(s, "nacion", as_of=2012),
                lambda s: q.ego_network(s, "red-army", depth=2, cap=3),
                lambda s: q.timeline(s, "red-army"),
                lambda s: q.allies(s, "blue-cartel"),
                lambda s: q.economies_of(s, "red-army"),
                lambda s: q.actors_in_economy(s, "coke"),
                lambda s: q.rivals(s, "green-gang"),
                lambda s: q.evidence(s, "red-army--operates-in--green-valley"),
                lambda s: q.search(s, "cartel"),
                lambda s: q.brokers(s),
                lambda s: q.communities(s)):
        assert ask(generic).as_dict() == ask(toy).as_dict()
