"""The named query library: headers, parameters, SPARQL syntax, and the SPARQL queries run on
Oxigraph against the toy dataset loaded in the RDF model of queries/README.md, compared with
the Python helpers."""

from __future__ import annotations

import re

import pytest

from crimegraph.queries import (
    actors_in, actors_in_economy, allies, economies_of, rivals, shortest_paths, timeline,
)
from crimegraph.queries.library import DEFAULT_BASE, load_query, names
from crimegraph.schema.vocab import RELATION_TYPES

HELPERS = {"shortest_paths", "ego_network", "actors_in", "economies_of", "actors_in_economy", "allies",
           "rivals", "timeline", "evidence", "search", "projection"}


@pytest.mark.parametrize("language", ["cypher", "sparql"])
def test_every_question_has_a_query(language):
    assert HELPERS <= set(names(language))


@pytest.mark.parametrize("language,name", [(lang, n) for lang in ("cypher", "sparql") for n in names(lang)])
def test_header_states_what_and_parameters(language, name):
    q = load_query(name, language)
    assert q.summary.startswith(f"{name}: ") and len(q.summary) > len(name) + 20
    assert q.parameters, "the header lists its parameters"
    body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith(("//", "#")))
    if language == "cypher":
        used = set(re.findall(r"\$(\w+)", body))
    else:
        used = set(re.findall(r"\?(\w+)", body))
    assert set(q.parameters) <= used, "every declared parameter is used"
    if language == "cypher":
        assert used <= set(q.parameters), "every parameter used is declared"


def test_cypher_symmetric_types_match_the_vocabulary():
    symmetric = sorted(rt.cypher_type for rt in RELATION_TYPES.values() if rt.symmetric)
    for name in names("cypher"):
        text = load_query(name, "cypher").text
        for found in re.findall(r"IN (\[[A-Z_', ]+\]) THEN 'both'", text):
            assert sorted(re.findall(r"'(\w+)'", found)) == symmetric


def test_base_rewrite():
    q = load_query("actors_in", "sparql", base="https://example.org/cg")
    assert DEFAULT_BASE not in q.text and "<https://example.org/cg/ontology/>" in q.text


@pytest.mark.parametrize("name", names("sparql"))
def test_sparql_parses(name):
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(load_query(name, "sparql").text)


# ---------------------------------------------------------------- run on Oxigraph
pyoxigraph = pytest.importorskip("pyoxigraph")
def load_rdf(dataset):
    """The dataset as the project's own N-Triples export (crimegraph.rdf.writers), in Oxigraph."""
    import io

    from pyoxigraph import RdfFormat, Store

    from crimegraph.rdf.vocab import rdf_vocab
    from crimegraph.rdf.writers import write_dataset_ntriples

    buf = io.BytesIO()
    write_dataset_ntriples(dataset, buf, rdf_vocab(DEFAULT_BASE))
    store = Store()
    store.load(buf.getvalue(), format=RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def oxi(toy):
    return load_rdf(toy.dataset())


def run(store, name, **params):
    from pyoxigraph import Literal, NamedNode, Variable

    def term(v):
        if isinstance(v, str) and v.startswith("http"):
            return NamedNode(v)
        if isinstance(v, int):
            return Literal(str(v), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if hasattr(v, "isoformat"):
            return Literal(v.isoformat(), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        return Literal(v)

    result = store.query(load_query(name, "sparql").text,
                         substitutions={Variable(k): term(v) for k, v in params.items()})
    names_ = [v.value for v in result.variables]
    rows = []
    for sol in result:
        row = {}
        for n in names_:
            t = sol[n]
            row[n] = None if t is None else t.value
        rows.append(row)
    return rows


def iri(i):
    return f"{DEFAULT_BASE}id/{i}"


def short(value):
    return value.rsplit("/", 1)[-1] if value else value


@pytest.mark.parametrize("a,b,day", [("red-army", "green-gang", None), ("red-army", "green-gang", 2011),
                                     ("green-gang", "grey-mafia", None), ("coke", "officer-x", None),
                                     ("red-army", "blue-cartel", None), ("lone-wolf", "red-army", None)])
def test_sparql_connections_agree_with_the_helper(oxi, toy, a, b, day):
    from crimegraph.queries.params import coerce_as_of

    d = coerce_as_of(day)
    rows = run(oxi, "shortest_paths", a=iri(a), b=iri(b), **({"asOf": d} if d else {}))
    expected = shortest_paths(toy, a, b, as_of=d)
    if not expected.found:
        assert rows == []
        return
    hops = int(rows[0]["hops"])
    assert hops == expected.hops
    # first row of each entity sequence, in order
    seen, paths = set(), []
    for row in rows:
        if int(row["hops"]) != hops:
            break
        seq = tuple(short(row[f"n{i}"]) for i in range(1, hops))
        if seq not in seen:
            seen.add(seq)
            paths.append((seq, [short(row[f"r{i}"]) for i in range(1, hops + 1)]))
    assert len(paths) == expected.total
    assert paths[:len(expected.paths)] == [
        (tuple(e.id for e in p.entities[1:-1]), [s.relation.id for s in p.steps]) for p in expected.paths]


@pytest.mark.parametrize("place,day", [("nacion", None), ("nacion", 2016), ("highlands", 2005)])
def test_sparql_actors_in(oxi, toy, place, day):
    from crimegraph.queries.params import coerce_as_of

    d = coerce_as_of(day)
    rows = run(oxi, "actors_in", place=iri(place), **({"asOf": d} if d else {}))
    got = sorted((short(r["actor"]), short(r["relation"])) for r in rows)
    want = sorted((p.actor.id, p.relation.id) for p in actors_in(toy, place, as_of=d).presences)
    assert got == want


@pytest.mark.parametrize("query,helper,param,entity", [
    ("economies_of", economies_of, "actor", "red-army"),
    ("economies_of", economies_of, "actor", "black-clan"),
    ("actors_in_economy", actors_in_economy, "economy", "coke"),
    ("allies", allies, "actor", "blue-cartel"),
    ("rivals", rivals, "actor", "green-gang"),
])
@pytest.mark.parametrize("day", [None, 2010, 2016])
def test_sparql_links(oxi, toy, query, helper, param, entity, day):
    from crimegraph.queries.params import coerce_as_of

    d = coerce_as_of(day)
    rows = run(oxi, query, **{param: iri(entity)}, **({"asOf": d} if d else {}))
    got = list(dict.fromkeys((short(r["other"]), short(r["relation"])) for r in rows))
    want = [(lk.other.id, lk.relation.id) for lk in helper(toy, entity, as_of=d).links]
    assert got == want


def test_sparql_timeline(oxi, toy):
    rows = run(oxi, "timeline", entity=iri("red-army"))
    got = [(r["what"], short(r["relation"])) for r in rows]
    want = [(e.what, e.relation.id) for e in timeline(toy, "red-army").entries]
    # the same entries; "end 2012" sorts at 2012-12-31 in RDF (after the June 2012 attack)
    assert sorted(got) == sorted(want)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert got[5:7] == [want[6], want[5]]
    rows = run(oxi, "timeline", entity=iri("red-army"), asOf=coerce(2010))
    assert [short(r["relation"]) for r in rows] == \
        [e.relation.id for e in timeline(toy, "red-army", as_of=2010).entries]


def coerce(day):
    from crimegraph.queries.params import coerce_as_of

    return coerce_as_of(day)


def test_sparql_evidence(oxi):
    rows = run(oxi, "evidence", relation=f"{DEFAULT_BASE}relation/red-army--operates-in--green-valley")
    assert len(rows) == 1
    r = rows[0]
    assert (short(r["subject"]), short(r["object"]), r["confidence"]) == ("red-army", "green-valley", "B2")
    assert (r["title"], r["quote"], r["page"], r["reliability"]) == (
        "Field investigation", "The Red Army controls the Green Valley.", "12", "B")


def test_sparql_ego_network(oxi, toy):
    rows = run(oxi, "ego_network", entity=iri("red-army"))
    order = list(dict.fromkeys(short(r["neighbour"]) for r in rows))
    capped = [e for e in order[:2]]
    assert set(capped) | {"red-army"} == set(toy and __import__("crimegraph").queries.ego_network(
        toy, "red-army", cap=2).entities)
    assert len(order) == 6


def test_sparql_search(oxi):
    rows = run(oxi, "search", text="cartel")
    assert [short(r["entity"]) for r in rows] == ["blue-cartel"]  # "Blue Cartel" (alias) and not "Cártel"
    assert run(oxi, "search", text="red army")[0]["rank"] == "0"


def test_sparql_projection(oxi, toy):
    from crimegraph.queries.analytics import project

    rows = run(oxi, "projection", projection="actors")
    got = {tuple(sorted((short(r["source"]), short(r["target"])))) for r in rows}
    proj = project(toy, projection="actors")
    want = {tuple(sorted((proj.entities[e.source].id, proj.entities[e.target].id)))
            for e in proj.graph.es}
    assert got == want
    assert len(run(oxi, "projection", projection="all")) == len(toy.relations())
