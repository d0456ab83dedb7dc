"""Every backend gives the memory store's answers on the Peru data: primitives, derived ops, query helpers.

The ``store`` fixture (see conftest) runs each test once per backend in
``BACKENDS_UNDER_TEST``; ``reference`` is the memory store.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crimegraph.errors import EntityNotFound, NoPath, RelationNotFound, SourceNotFound, UsageError
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES, Kind

DATES = [dt.date(1990, 12, 31), dt.date(2005, 6, 30), dt.date(2016, 1, 1), dt.date(2024, 12, 31)]


def ids(items) -> list[str]:
    return [x.id for x in items]


def dumps(items) -> list[dict]:
    return [x.model_dump(mode="json") for x in items]


def _error(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the type and message are what is compared
        return type(exc).__name__, str(exc)
    return None


# ---------------------------------------------------------------- primitives

def test_every_entity(store, reference):
    for e in reference.entities():
        assert store.entity(e.id).model_dump(mode="json") == e.model_dump(mode="json"), e.id


def test_entities_filters(store, reference):
    assert dumps(store.entities()) == dumps(reference.entities())
    for k in Kind:
        assert ids(store.entities(kinds=[k.value])) == ids(reference.entities(kinds=[k.value])), k
    for t in ENTITY_TYPES:
        assert ids(store.entities(types=[t])) == ids(reference.entities(types=[t])), t
    combos = [dict(kinds=["actor", "place"]), dict(kinds=["actor"], types=["person", "port"]),
              dict(types=["gang", "armed_group"]), dict(kinds=["nothing"]), dict(types=["nothing"]),
              dict(kinds=[]), dict(types=[])]
    for c in combos:
        assert ids(store.entities(**c)) == ids(reference.entities(**c)), c


def test_every_relation(store, reference):
    for r in reference.relations():
        assert store.relation(r.id).model_dump(mode="json") == r.model_dump(mode="json"), r.id
    assert dumps(store.relations()) == dumps(reference.relations())


def test_relations_by_entity_and_direction(store, reference):
    for e in reference.entities():
        for direction in ("out", "in", "both"):
            got, want = store.relations(e.id, direction=direction), reference.relations(e.id, direction=direction)
            assert dumps(got) == dumps(want), (e.id, direction)


def test_relations_as_of(store, reference):
    for day in DATES:
        assert ids(store.relations(as_of=day)) == ids(reference.relations(as_of=day)), day
        for e in reference.entities(kinds=["actor"]):
            assert ids(store.relations(e.id, as_of=day)) == ids(reference.relations(e.id, as_of=day)), (e.id, day)


def test_relations_by_type(store, reference):
    for t in RELATION_TYPES:
        assert ids(store.relations(types=[t])) == ids(reference.relations(types=[t])), t
    for e in list(reference.entities())[::3]:
        for types in (["operates_in"], ["allied_with", "rival_of"], ["located_in"], []):
            for direction in ("out", "in", "both"):
                kw = dict(direction=direction, types=types, as_of=DATES[2])
                assert ids(store.relations(e.id, **kw)) == ids(reference.relations(e.id, **kw)), (e.id, kw)


def test_sources(store, reference):
    assert dumps(store.sources()) == dumps(reference.sources())
    for s in reference.sources():
        assert store.source(s.id) == s


def test_search(store, reference):
    queries = ["Sendero Luminoso", "shining path", "sendero", "callao", "VRAEM", "tren",
               "Sendero Lumnoso", "apurimac", "xyz-nothing", "", "  ", "pcp", "cocaine"]
    for e in reference.entities():
        queries.append(e.name)
        queries.extend(a.name for a in e.aliases)
    for q in queries:
        for limit in (1, 5, 10):
            got = [h.as_dict() for h in store.search(q, limit=limit)]
            want = [h.as_dict() for h in reference.search(q, limit=limit)]
            assert got == want, (q, limit)


def test_not_found_errors(store, reference):
    cases = [
        (store.entity, reference.entity, ("shining-pat",)),
        (store.entity, reference.entity, ("Sendero Luminoso",)),
        (store.entity, reference.entity, ("no such thing at all",)),
        (store.relation, reference.relation, ("shining-path--operates-in--vraemm",)),
        (store.relation, reference.relation, ("<script>",)),
        (store.source, reference.source, ("insight-crime-peru-profil",)),
        (store.source, reference.source, ('"quoted"',)),
        (store.relations, reference.relations, ("nobody",)),
        (store.neighbours, reference.neighbours, ("nobody",)),
    ]
    for mine, ref, args in cases:
        got, want = _error(mine, *args), _error(ref, *args)
        assert want is not None and got == want, (mine.__name__, args, got, want)
    with pytest.raises(EntityNotFound):
        store.entity("shining-pat")
    with pytest.raises(RelationNotFound):
        store.relation("nope")
    with pytest.raises(SourceNotFound):
        store.source("nope")
    with pytest.raises(UsageError):
        store.relations("shining-path", types=["operates-in"])
    with pytest.raises(ValueError):
        store.relations("shining-path", direction="sideways")


# ---------------------------------------------------------------- derived operations

def _resolved(store, ref):
    try:
        return store.resolve(ref).id
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)


def test_has_entity_and_resolve(store, reference):
    refs = ["shin", "peru", "sendero", "Tren", "zzzz", "Sendero Lumnoso"]
    for e in reference.entities():
        assert store.has_entity(e.id)
        refs += [e.id, e.name, *(a.name for a in e.aliases)]
    assert not store.has_entity("no-such-entity")
    for ref in dict.fromkeys(refs):
        assert _resolved(store, ref) == _resolved(reference, ref), ref


def test_counts(store, reference):
    assert store.counts() == reference.counts()


def test_dataset(store, reference):
    got, want = store.dataset(), reference.dataset()
    assert sorted(got.entities) == sorted(want.entities)
    assert {k: v.model_dump(mode="json") for k, v in got.entities.items()} == \
        {k: v.model_dump(mode="json") for k, v in want.entities.items()}
    assert {k: v.model_dump(mode="json") for k, v in got.relations.items()} == \
        {k: v.model_dump(mode="json") for k, v in want.relations.items()}
    assert {k: v.model_dump(mode="json") for k, v in got.sources.items()} == \
        {k: v.model_dump(mode="json") for k, v in want.sources.items()}


def test_neighbours(store, reference):
    for e in reference.entities():
        for direction in ("out", "in", "both"):
            assert store.neighbours(e.id, direction=direction) == reference.neighbours(e.id, direction=direction)
        kw = dict(types=["allied_with", "rival_of", "operates_in"], as_of=DATES[1])
        assert store.neighbours(e.id, **kw) == reference.neighbours(e.id, **kw), e.id


def _sg(sg) -> tuple:
    return (sorted(sg.entities), sorted(sg.relations), dict(sg.more), list(sg.focus))


def test_subgraph_and_expand(store, reference):
    actors = ids(reference.entities(kinds=["actor"]))
    assert _sg(store.subgraph(actors)) == _sg(reference.subgraph(actors))
    assert _sg(store.subgraph(actors, as_of=DATES[2])) == _sg(reference.subgraph(actors, as_of=DATES[2]))
    for seed in ("shining-path", "peru", "vraem", "callao"):
        if not reference.has_entity(seed):
            continue
        for kw in (dict(depth=1), dict(depth=2, cap=5), dict(depth=2, types=["operates_in", "located_in"]),
                   dict(depth=1, as_of=DATES[1])):
            assert _sg(store.expand([seed], **kw)) == _sg(reference.expand([seed], **kw)), (seed, kw)


def _layers(layers):
    if layers is None:
        return None
    return [{a: {b: sorted(r.id for r in rs) for b, rs in d.items()} for a, d in layer.items()}
            for layer in layers]


def test_shortest_path_links(store, reference):
    ents = ids(reference.entities())
    pairs = [(ents[i], ents[-1 - i]) for i in range(0, len(ents) // 2, 7)]
    pairs += [("shining-path", "peru"), ("shining-path", "shining-path")]
    for a, b in pairs:
        for kw in (dict(max_hops=4), dict(max_hops=2, as_of=DATES[1]), dict(types=["allied_with", "rival_of"])):
            got = _error(store.shortest_path_links, a, b, **kw) or _layers(store.shortest_path_links(a, b, **kw))
            want = _error(reference.shortest_path_links, a, b, **kw) or \
                _layers(reference.shortest_path_links(a, b, **kw))
            assert got == want, (a, b, kw)


def _links(found) -> dict:
    return {u: {v: [r.id for r in rels] for v, rels in sorted(nbrs.items())} for u, nbrs in sorted(found.items())}


def test_path_links_and_degrees(store, reference):
    """The candidate relations of the connection ranking, and the degrees its specificity reads."""
    for a, b in (("tren-de-aragua", "shining-path"), ("sinaloa-cartel", "mpcp"), ("shining-path", "peru"),
                 ("callao-port", "lake-titicaca")):
        for kw in (dict(max_hops=4), dict(max_hops=3, as_of=DATES[2]),
                   dict(types=["allied_with", "associated_with", "faction_of"]),
                   dict(max_hops=4, avoid=["peru"])):
            assert _links(store.path_links(a, b, **kw)) == _links(reference.path_links(a, b, **kw)), (a, b, kw)
    ents = ids(reference.entities())
    assert store.degrees(ents) == reference.degrees(ents)
    assert store.degrees(ents, as_of=DATES[1]) == reference.degrees(ents, as_of=DATES[1])


# ---------------------------------------------------------------- query helpers (generic or native)

def _same(helper, store, reference, *args, **kwargs):
    got, want = _error(helper, store, *args, **kwargs), _error(helper, reference, *args, **kwargs)
    assert got == want, (helper.__name__, args, kwargs)
    if got is None:
        assert helper(store, *args, **kwargs).as_dict() == helper(reference, *args, **kwargs).as_dict(), \
            (helper.__name__, args, kwargs)


@pytest.fixture(scope="module")
def q():
    return pytest.importorskip("crimegraph.queries")


def test_actors_in(store, reference, q):
    places = ids(reference.entities(kinds=["place"]))
    for i, p in enumerate(places):
        _same(q.actors_in, store, reference, p)
        if i % 3 == 0:
            _same(q.actors_in, store, reference, p, as_of=DATES[i % 4])
            _same(q.actors_in, store, reference, p, types=["operates_in", "traffics_to"])
    _same(q.actors_in, store, reference, "shining-path")  # not a place: same error
    if hasattr(store, "native_actors_in"):  # the native answer is the generic one, on the store itself
        for p in places[::2]:
            assert q.actors_in.generic(store, p).as_dict() == store.native_actors_in(p).as_dict()


def test_links(store, reference, q):
    for a in reference.entities(kinds=["actor"]):
        for helper in (q.allies, q.rivals, q.economies_of):
            _same(helper, store, reference, a.id)
        _same(q.allies, store, reference, a.id, as_of=DATES[1])
    for e in reference.entities(kinds=["economy"]):
        _same(q.actors_in_economy, store, reference, e.id)
    _same(q.links, store, reference, "vraem", ["located_in"], direction="out")


def test_neighbourhood_timeline_evidence(store, reference, q):
    for seed in ("shining-path", "peru", "vraem", "tren-de-aragua"):
        if reference.has_entity(seed):
            _same(q.ego_network, store, reference, seed)
            _same(q.ego_network, store, reference, seed, depth=2, cap=10, as_of=DATES[2])
            _same(q.timeline, store, reference, seed)
    for r in list(reference.relations())[::5]:
        _same(q.evidence, store, reference, r.id)
    _same(q.search, store, reference, "sendero")
    _same(q.search, store, reference, "callao", kinds=["place"])


def test_connections(store, reference, q):
    ents = ids(reference.entities(kinds=["actor"]))
    pairs = [(ents[i], ents[(i * 7 + 3) % len(ents)]) for i in range(0, len(ents), 9)]
    for a, b in pairs:
        try:
            _same(q.connections, store, reference, a, b, max_hops=3)
        except NoPath:
            pass


def test_ranked_connections_the_analyst_asks(store, reference, q):
    """Issue 15: the same ranked answer, sentences, scores and groups on every store."""
    pairs = [("tren-de-aragua", "shining-path"), ("sinaloa-cartel", "shining-path"), ("mpcp", "los-pulpos"),
             ("callao-port", "lake-titicaca"), ("abimael-guzman", "victor-quispe-palomino")]
    for a, b in pairs:
        _same(q.connections, store, reference, a, b)
        _same(q.connections, store, reference, a, b, as_of=DATES[2])
    _same(q.connections, store, reference, "tren-de-aragua", "shining-path", avoid=["peru"], similar=True, k=8)
    _same(q.connections, store, reference, "tren-de-aragua", "shining-path", natures=["adversarial", "economy"])
    _same(q.ego_network, store, reference, "shining-path", depth=2)
    _same(q.ego_network, store, reference, "tren-de-aragua", depth=2, as_of=DATES[3])
    _same(q.brokers, store, reference, top=10)
    _same(q.brokers, store, reference, top=5, projection="actors", include_state=True)
    _same(q.allies, store, reference, "shining-path")


def test_analytics(store, reference, q):
    _same(q.brokers, store, reference, top=5)
    _same(q.communities, store, reference, top=5)


# ---------------------------------------------------------------- time (schema/timing.py)

def test_every_timing(store, reference):
    """The derived attestation and as-of window come back from every store exactly."""
    for e in reference.entities():
        assert store.entity(e.id).timing == e.timing, e.id
    for r in reference.relations():
        assert store.relation(r.id).timing == r.timing, r.id
    assert all(r.timing is not None for r in store.relations())


def test_as_of_answers_with_what_they_leave_out(store, reference, q):
    """The same as-of answers, states, markers and left-out lists on every store, on dates
    before and after the Tren de Aragua, Guzmán's capture and the MPCP's founding."""
    for day in (dt.date(1985, 12, 31), dt.date(1992, 9, 12), dt.date(1992, 9, 13), *DATES):
        for actor in ("shining-path", "tren-de-aragua", "mpcp", "abimael-guzman"):
            if reference.has_entity(actor):
                _same(q.economies_of, store, reference, actor, as_of=day)
                _same(q.timeline, store, reference, actor, as_of=day)
                _same(q.ego_network, store, reference, actor, as_of=day)
        for place in ("peru", "vraem", "callao-port"):
            if reference.has_entity(place):
                _same(q.actors_in, store, reference, place, as_of=day)


def test_actors_near_and_places_geojson(store, reference, q):
    """The point-and-radius question and the GeoJSON of the places: the same on every store
    (each store gives back every place's coordinates and extent)."""
    from crimegraph.queries.geography import places_geojson

    for lat, lon, km in ((-12.277, -73.961, 50), (-12.05162, -77.13452, 20), (-15.8, -69.6, 150), (0, 0, 10)):
        _same(q.actors_near, store, reference, lat, lon, km)
        _same(q.actors_near, store, reference, lat, lon, km, as_of=DATES[2])
    _same(q.actors_near, store, reference, 95, 0, 10)  # the same error
    for kw in ({}, {"as_of": DATES[1]}, {"within": "vraem"}, {"types": ["port", "city"]},
               {"near": (-12.277, -73.961, 80), "routes": False}):
        assert places_geojson(store, base="http://x/", **kw) == places_geojson(reference, base="http://x/", **kw), kw
