"""The SPARQL 1.1 Protocol endpoint, in process: forms of request, result formats, limits, refusals."""

from __future__ import annotations

import csv
import io
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from crimegraph.api.sparql_check import check_query, prepare

BASE = "http://testserver/"
SELECT = "SELECT ?name WHERE { id:shining-path skos:prefLabel ?name }"
ACTORS = "SELECT ?x ?name WHERE { ?x a cg:Actor ; skos:prefLabel ?name } ORDER BY ?x LIMIT 5"
JSON = "application/sparql-results+json"


def problem(r, status: int, kind: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == f"{BASE}problems/{kind}", body
    return body


# ---------------------------------------------------------------- the three forms of request
def test_get_form_post_and_direct_post_agree(client):
    get = client.get("/sparql", params={"query": ACTORS}, headers={"Accept": JSON})
    form = client.post("/sparql", data={"query": ACTORS}, headers={"Accept": JSON})
    direct = client.post("/sparql", content=ACTORS.encode(),
                         headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    for r in (get, form, direct):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == JSON
    assert get.json() == form.json() == direct.json()
    data = get.json()
    assert data["head"]["vars"] == ["x", "name"]
    assert len(data["results"]["bindings"]) == 5
    assert data["results"]["bindings"][0]["x"]["type"] == "uri"


def test_select_default_is_json_and_the_data_is_the_export(client, app_state):
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert r.headers["content-type"] == JSON
    n = r.json()["results"]["bindings"][0]["n"]
    assert n == {"type": "literal", "value": str(app_state.sparql_triples),
                 "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_literals_in_json(client):
    q = 'SELECT ?alias WHERE { id:shining-path skos:altLabel ?alias } ORDER BY ?alias'
    rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert {"type": "literal", "value": "Sendero Luminoso", "xml:lang": "es"} in [b["alias"] for b in rows]
    assert {"type": "literal", "value": "Communist Party of Peru"} in [b["alias"] for b in rows]


# ---------------------------------------------------------------- result formats
def test_xml_results(client):
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["content-type"] == "application/sparql-results+xml"
    root = ET.fromstring(r.content)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.find(f"{ns}head/{ns}variable").get("name") == "name"
    assert root.find(f"{ns}results/{ns}result/{ns}binding/{ns}literal").text == "Shining Path"


def test_csv_and_tsv(client):
    c = client.get("/sparql", params={"query": ACTORS}, headers={"Accept": "text/csv"})
    assert c.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(c.text)))
    assert rows[0] == ["x", "name"] and len(rows) == 6 and rows[1][0].startswith(BASE + "id/")
    t = client.get("/sparql", params={"query": ACTORS, "format": "tsv"})
    assert t.headers["content-type"].startswith("text/tab-separated-values")
    lines = t.text.splitlines()
    assert lines[0] == "?x\t?name" and lines[1].startswith(f"<{BASE}id/")


def test_q_values_choose_the_results_format(client):
    r = client.get("/sparql", params={"query": SELECT},
                   headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["vary"] == "Accept"


def test_ask(client):
    yes = client.get("/sparql", params={"query": "ASK { id:shining-path cg:operatesIn id:vraem }"})
    assert yes.json() == {"head": {}, "boolean": True}
    no = client.get("/sparql", params={"query": "ASK { id:vraem cg:operatesIn id:shining-path }"},
                    headers={"Accept": "application/sparql-results+xml"})
    assert b"<boolean>false</boolean>" in no.content


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                         ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                         ("application/ld+json", ox.RdfFormat.JSON_LD),
                                         ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_construct_in_every_rdf_format(client, accept, fmt):
    q = "CONSTRUCT { ?x cg:operatesIn id:vraem } WHERE { ?x cg:operatesIn id:vraem }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    ts = [q.triple for q in ox.parse(r.content, format=fmt)]
    assert ox.Triple(ox.NamedNode(BASE + "id/shining-path"), ox.NamedNode(BASE + "ontology/operatesIn"),
                     ox.NamedNode(BASE + "id/vraem")) in ts


def test_construct_default_is_turtle_and_describe_works(client):
    r = client.get("/sparql", params={"query": "DESCRIBE id:shining-path"})
    assert r.headers["content-type"].startswith("text/turtle")
    ts = [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]
    assert any(t.predicate.value.endswith("prefLabel") for t in ts)


def test_named_graphs_and_graph_parameters(client):
    ask = "ASK { cg:operatesIn a owl:ObjectProperty }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False  # not in the data
    in_graph = f"ASK {{ GRAPH <{BASE}ontology/> {{ cg:operatesIn a owl:ObjectProperty }} }}"
    assert client.get("/sparql", params={"query": in_graph}).json()["boolean"] is True
    as_default = client.get("/sparql", params={"query": ask, "default-graph-uri": BASE + "ontology/"})
    assert as_default.json()["boolean"] is True
    shapes = f"ASK {{ GRAPH <{BASE}shapes/> {{ ?s a <http://www.w3.org/ns/shacl#NodeShape> }} }}"
    assert client.get("/sparql", params={"query": shapes}).json()["boolean"] is True
    bad = client.get("/sparql", params={"query": ask, "default-graph-uri": "not an iri"})
    problem(bad, 400, "bad-parameter")


def test_named_queries_of_the_library_run(client):
    from crimegraph.queries.library import load_query, names

    for name in names("sparql"):
        text = load_query(name, "sparql", base=BASE).text
        r = client.post("/sparql", data={"query": text})
        assert r.status_code in (200, 422), (name, r.text)  # 422: more rows than this test server's limit


def test_service_description_and_page(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    ts = [q.triple for q in ox.parse(sd.content, format=ox.RdfFormat.TURTLE)]
    assert any(t.object == ox.NamedNode(BASE + "sparql") for t in ts)


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete { ?s ?p ?o } where { ?s ?p ?o }",
    "PREFIX x: <http://x/> WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL", "DROP DEFAULT", "CREATE GRAPH <http://g>", "ADD DEFAULT TO <http://g>",
    "MOVE DEFAULT TO <http://g>", "COPY DEFAULT TO <http://g>",
    "# a comment\n  \\u0049NSERT DATA { <http://a/b> <http://a/c> 1 }",
])
def test_updates_are_refused(client, query):
    for r in (client.get("/sparql", params={"query": query}),
              client.post("/sparql", data={"query": query}),
              client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})):
        problem(r, 403, "read-only")


def test_update_protocol_is_refused(client):
    q = "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }"
    problem(client.post("/sparql", data={"update": q}), 403, "read-only")
    problem(client.get("/sparql", params={"update": q}), 403, "read-only")
    problem(client.post("/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-update"}),
            403, "read-only")
    # and nothing changed
    ask = client.get("/sparql", params={"query": "ASK { <http://a/b> ?p ?o }"})
    assert ask.json()["boolean"] is False


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/q> } }",
    "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE # a comment\n <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c FILTER(?a<'x>') SERVICE <http://example.org/s> { ?s ?p ?o } FILTER(?b<'y>') }",
])
def test_service_is_refused(client, query):
    problem(client.get("/sparql", params={"query": query}), 403, "federation-refused")


def test_words_in_names_and_strings_are_not_keywords(client):
    q = ('SELECT ?service ?insert WHERE { BIND("insert data; drop all" AS ?insert) '
         'BIND(<http://example.org/delete> AS ?service) }')
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200, r.text
    assert check_query(prepare(q)).form == "SELECT"


@pytest.mark.parametrize("params, status, kind", [
    ({"query": "SELECT * WHERE { ?s ?p }"}, 400, "sparql-syntax"),
    ({"query": "hello world"}, 400, "sparql-syntax"),
    ({"query": ""}, 400, "bad-parameter"),
    ({"query": SELECT, "format": "pdf"}, 400, "bad-parameter"),
    ({"query": SELECT, "format": "turtle"}, 406, "not-acceptable"),
    ({"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"}, 406, "not-acceptable"),
    ({"query": "SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200}, 400, "sparql-syntax"),
])
def test_bad_requests(client, params, status, kind):
    body = problem(client.get("/sparql", params=params), status, kind)
    assert "Traceback" not in body.get("detail", "")


def test_not_acceptable(client):
    problem(client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"}), 406, "not-acceptable")
    problem(client.get("/sparql", params={"query": "DESCRIBE id:peru"}, headers={"Accept": "text/csv"}),
            406, "not-acceptable")


def test_request_limits(client):
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000
    problem(client.post("/sparql", data={"query": long_query}), 413, "payload-too-large")
    problem(client.post("/sparql", content=long_query.encode(), headers={"Content-Type": "application/sparql-query"}),
            413, "payload-too-large")
    problem(client.post("/sparql", content=b"query", headers={"Content-Type": "text/plain"}),
            415, "unsupported-media-type")
    problem(client.post("/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
            400, "sparql-syntax")
    r = client.get("/sparql", params=[("query", SELECT), ("query", SELECT)])
    problem(r, 400, "bad-parameter")


# ---------------------------------------------------------------- cut off: results, time, memory
def timed(fn):
    t = time.monotonic()
    r = fn()
    return r, time.monotonic() - t


def test_cartesian_explosion_is_cut_off_by_the_result_limit(client):
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    r, took = timed(lambda: client.get("/sparql", params={"query": q}))
    body = problem(r, 422, "sparql-too-many-results")
    assert body["limit"] == 500 and took < 10


def test_cartesian_count_is_cut_off_by_the_time_limit(client, app_state):
    """COUNT over 10^11 solutions yields nothing until done: the worker is killed and replaced."""
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    restarts = app_state.sparql.restarts
    r, took = timed(lambda: client.get("/sparql", params={"query": q}))
    body = problem(r, 422, "sparql-timeout")
    assert body["limit"] == 3.0 and took < 3.0 + 5
    # the endpoint answers again (the killed worker was replaced)
    ok = client.get("/sparql", params={"query": SELECT})
    assert ok.status_code == 200 and ok.json()["results"]["bindings"]
    assert app_state.sparql.restarts > restarts


def test_a_huge_single_row_is_refused(client):
    """One row, tens of megabytes: the result-size limit (1 MiB here) refuses it."""
    q = ("SELECT (GROUP_CONCAT(?n) AS ?all) WHERE { ?x skos:prefLabel ?n . ?y skos:prefLabel ?m . "
         "?z skos:prefLabel ?k }")
    r, took = timed(lambda: client.get("/sparql", params={"query": q}))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["type"] in (BASE + "problems/sparql-too-many-results", BASE + "problems/sparql-timeout",
                            BASE + "problems/sparql-out-of-memory")
    assert took < 3.0 + 5


def test_huge_offset_is_cut_off(client):
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } OFFSET 1000000000 LIMIT 1"
    r, took = timed(lambda: client.get("/sparql", params={"query": q}))
    problem(r, 422, "sparql-timeout")
    assert took < 3.0 + 5


def test_ordered_cartesian_is_cut_off_by_time_or_memory(client):
    """ORDER BY materialises the product: the memory limit or the kill stops it, whichever comes first."""
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i"
    r, took = timed(lambda: client.get("/sparql", params={"query": q}))
    assert r.status_code == 422
    assert r.json()["type"] in (BASE + "problems/sparql-timeout", BASE + "problems/sparql-out-of-memory")
    assert took < 3.0 + 10
    assert client.get("/sparql", params={"query": SELECT}).status_code == 200


def test_workers_are_isolated_from_the_network(client):
    status = client.get("/health").json()["sparql"]
    assert status["started"] and status["memory_limited"] is True
    # SERVICE is refused before it reaches a worker; a worker could not connect anyway (Linux, where
    # the namespace could be made)
    assert status["network_isolated"] in (True, False)


# ---------------------------------------------------------------- the checker itself
@pytest.mark.parametrize("query, form", [
    ("PREFIX ask: <http://x/> SELECT ?construct WHERE { ?construct ask:describe 'ASK' }", "SELECT"),
    ("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ('BASE <http://x/> PREFIX : <http://y/> ASK { :a :b "SELECT" }', "ASK"),
    ("describe <http://x>", "DESCRIBE"),
])
def test_query_form(query, form):
    assert check_query(prepare(query), {"ask": "http://x/"}).form == form
