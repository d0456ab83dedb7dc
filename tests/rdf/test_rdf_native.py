"""The RDF store's native ego networks and brokers: the memory store's answers, built lean.

On a synthetic graph with hubs (so that caps, hubs and sampled betweenness all
matter), each answer is compared with the memory store's, and the relations the
RDF store rebuilds into models are counted: only those the answer shows.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pyoxigraph")


@pytest.fixture(scope="module")
def synth_stores(tmp_path_factory):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.graph.rdf import RdfStore
    from crimegraph.schema.loader import load_dataset
    from crimegraph.synth import write_synthetic

    out = tmp_path_factory.mktemp("synth") / "seeds"
    write_synthetic(out, entities=400, relations=2400, seed=3)
    ds = load_dataset(out)
    mem, rdf = MemoryStore(), RdfStore()
    mem.write(ds)
    rdf.write(ds, replace=True)
    return mem, rdf


@pytest.fixture
def built(monkeypatch):
    """The ids of the relations the RDF reader turns into seed dicts (hence models)."""
    from crimegraph.rdf.read import Reader

    seen: list[str] = []
    original = Reader.relation

    def counting(self, iri, props, children):
        d = original(self, iri, props, children)
        if d is not None:
            seen.append(d["id"])
        return d

    monkeypatch.setattr(Reader, "relation", counting)
    return seen


def _busiest_actor(mem) -> str:
    actors = [e.id for e in mem.entities(kinds=("actor",))]
    return max(actors, key=lambda i: (mem.degrees([i])[i], i))


@pytest.mark.parametrize("kwargs", [
    {}, {"cap": 5}, {"depth": 2, "cap": 4}, {"depth": 2, "cap": 3, "through_hubs": True},
    {"types": ["allied_with", "member_of"], "cap": 10}, {"as_of": dt.date(2015, 6, 1), "cap": 8},
])
def test_ego_network_is_the_memory_stores_and_rebuilds_only_what_it_shows(synth_stores, built, kwargs):
    from crimegraph.queries import ego_network

    mem, rdf = synth_stores
    centre = _busiest_actor(mem)
    want = ego_network(mem, centre, **kwargs)
    built.clear()
    got = ego_network(rdf, centre, **kwargs)
    assert got.as_dict() == want.as_dict()
    assert got.lines() == want.lines()
    assert list(got.entities) == list(want.entities)
    assert list(got.relations) == list(want.relations)
    if kwargs.get("depth", 1) == 1 and "as_of" not in kwargs:  # (as-of answers are asked twice)
        # the busiest actor has many more relations than the cap lets through: none of them is built
        assert len(want.more) and sorted(built) == sorted(got.relations)

def test_relation_ends_are_streamed_without_models(synth_stores, built):
    from crimegraph.queries.ties import types_of
    from crimegraph.schema.vocab import CRIMINAL_NATURES

    mem, rdf = synth_stores
    for kw in ({}, {"types": types_of(CRIMINAL_NATURES)}, {"types": []}):
        # undated: the direct triples (parallel relations of one type come once)
        assert set(rdf.relation_ends(**kw)) == set(mem.relation_ends(**kw))
    day = {"as_of": dt.date(2010, 1, 1)}
    assert sorted(rdf.relation_ends(**day)) == sorted(mem.relation_ends(**day))
    assert built == []


@pytest.mark.parametrize("kwargs", [
    {"top": 5}, {"top": 4, "projection": "actors"}, {"top": 3, "projection": "all", "samples": 40},
    {"top": 3, "include_state": True, "ties": 2}, {"top": 3, "as_of": dt.date(2018, 1, 1)},
])
def test_brokers_are_the_memory_stores_with_full_entities(synth_stores, built, kwargs):
    from crimegraph.queries import brokers

    mem, rdf = synth_stores
    want = brokers(mem, **kwargs)
    built.clear()
    got = brokers(rdf, **kwargs)
    assert got.as_dict() == want.as_dict()
    assert got.lines() == want.lines()
    # the brokers are whole entities (aliases, citations...), not the projection's lean vertices
    assert [b.entity.model_dump() for b in got.brokers] == [b.entity.model_dump() for b in want.brokers]
    # only the ties shown were rebuilt, never the projection's relations
    shown = {r.id for b in got.brokers for _, rels in b.ties for r in rels}
    assert set(built) == shown
