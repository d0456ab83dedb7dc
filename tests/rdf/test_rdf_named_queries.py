"""The named SPARQL queries (queries/sparql/*.rq) run against the RDF store holding the Peru export,
and give the Python helpers' answers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.rdf.rdf_helpers import BASE

pytest.importorskip("pyoxigraph")
library = pytest.importorskip("crimegraph.queries.library")
q = pytest.importorskip("crimegraph.queries")

AS_OF = dt.date(2016, 12, 31)


@pytest.fixture(scope="module")
def rdf(peru_dataset):
    from crimegraph.graph.rdf import RdfStore

    store = RdfStore(base_iri=BASE)
    store.write(peru_dataset, replace=True)
    return store


@pytest.fixture(scope="module")
def memory(peru_store):
    return peru_store


def _query(name: str, as_of: bool = False):
    query = library.load_query(name, "sparql", base=BASE)
    if as_of:
        # as-of compares dates: cg:since/cg:until hold the period as written (xsd:gYear...)
        assert "validFrom" in query.text and "validTo" in query.text, (
            f"queries/sparql/{name}.rq must filter as-of on cg:validFrom/cg:validTo (queries/README.md)")
    return query


def run(store, name: str, **params):
    from pyoxigraph import Literal, NamedNode, Variable

    def term(v):
        if isinstance(v, str) and v.startswith("http"):
            return NamedNode(v)
        if isinstance(v, dt.date):
            return Literal(v.isoformat(), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        return Literal(str(v))

    query = _query(name, as_of="asOf" in params)
    result = store.store.query(query.text, substitutions={Variable(k): term(v) for k, v in params.items()})
    cols = [v.value for v in result.variables]
    return [{c: (None if sol[c] is None else sol[c].value) for c in cols} for sol in result]


def iri(i: str) -> str:
    return f"{BASE}id/{i}"


def short(value):
    return value.rsplit("/", 1)[-1] if value else value


def places(memory):
    return [p.id for p in memory.entities(kinds=["place"])]


@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_actors_in(rdf, memory, as_of):
    for place in places(memory):
        rows = run(rdf, "actors_in", place=iri(place), **({"asOf": as_of} if as_of else {}))
        got = sorted({(short(r["actor"]), short(r["relation"])) for r in rows})
        want = sorted({(p.actor.id, p.relation.id) for p in q.actors_in(memory, place, as_of=as_of).presences})
        assert got == want, place


@pytest.mark.parametrize("name,helper,param,kind", [
    ("economies_of", "economies_of", "actor", "actor"),
    ("actors_in_economy", "actors_in_economy", "economy", "economy"),
    ("allies", "allies", "actor", "actor"),
    ("rivals", "rivals", "actor", "actor"),
])
@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_links(rdf, memory, name, helper, param, kind, as_of):
    for e in memory.entities(kinds=[kind]):
        rows = run(rdf, name, **{param: iri(e.id)}, **({"asOf": as_of} if as_of else {}))
        got = sorted({(short(r["other"]), short(r["relation"])) for r in rows})
        want = sorted({(lk.other.id, lk.relation.id)
                       for lk in getattr(q, helper)(memory, e.id, as_of=as_of).links})
        assert got == want, (name, e.id)


def test_evidence(rdf, memory):
    for rel in memory.relations():
        rows = run(rdf, "evidence", relation=f"{BASE}relation/{rel.id}")
        assert len(rows) == len(rel.citations), rel.id
        got = sorted((short(r["source"]), r["quote"], r["page"], r["title"], r["reliability"]) for r in rows)
        want = sorted((c.source, c.quote, c.page, memory.source(c.source).title,
                       memory.source(c.source).reliability) for c in rel.citations)
        assert got == want, rel.id
        r0 = rows[0]
        assert (short(r0["subject"]), short(r0["object"]), r0["confidence"]) == \
            (rel.subject, rel.object, rel.confidence.code)
        assert r0["since"] == (rel.since.value if rel.since else None)


def test_timeline(rdf, memory):
    for e in memory.entities(kinds=["actor"]):
        rows = run(rdf, "timeline", entity=iri(e.id))
        got = sorted((r["what"], short(r["relation"])) for r in rows)
        # the named query lists the entity's own dated entries; the helper adds lifetimes,
        # first reports and the events of factions, members and leaders (queries/README.md)
        want = sorted((x.what, x.relation.id) for x in q.timeline(memory, e.id).entries
                      if x.relation is not None and x.through is None
                      and x.what in ("event", "start", "end"))
        assert got == want, e.id


def test_search(rdf, memory):
    for text in ("sendero", "callao", "tren de aragua", "vraem"):
        rows = run(rdf, "search", text=text)
        got = {short(r["entity"]) for r in rows}
        want = {e.id for e in memory.entities()
                if any(text in n.lower() for n in e.names)}
        assert got == want, text


def test_projection(rdf, memory):
    rows = run(rdf, "projection", projection="all")
    assert len(rows) == len(memory.relations())


def test_connections(rdf, memory):
    for a, b in (("shining-path", "peru"), ("shining-path", "vraem")):
        if not (memory.has_entity(a) and memory.has_entity(b)):
            continue
        rows = run(rdf, "shortest_paths", a=iri(a), b=iri(b))
        expected = q.shortest_paths(memory, a, b)
        assert int(rows[0]["hops"]) == expected.hops


def test_ego_network(rdf, memory):
    rows = run(rdf, "ego_network", entity=iri("shining-path"))
    got = {short(r["neighbour"]) for r in rows}
    assert got == set(memory.neighbours("shining-path"))
