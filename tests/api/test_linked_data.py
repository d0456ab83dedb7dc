"""Dereferenceable IRIs: content negotiation, the representations' content, documents and dumps."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

BASE = "http://testserver/"
CG = BASE + "ontology/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}


def triples(body: bytes, media: str) -> set:
    return {q.triple for q in ox.parse(body, format=FORMATS[media])}


def objects(ts: set, s: str, p: str) -> set:
    return {t.object for t in ts if t.subject == ox.NamedNode(s) and t.predicate == ox.NamedNode(p)}


def subjects(ts: set, p: str, o) -> set:
    return {t.subject.value for t in ts if t.predicate == ox.NamedNode(p) and t.object == o}


# ---------------------------------------------------------------- entities
def test_entity_turtle_has_the_entity_and_its_qualified_relations(client, peru_store):
    r = client.get("/id/shining-path", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    assert r.headers["vary"] == "Accept"
    assert r.headers["content-location"] == "/id/shining-path.ttl"
    assert 'rel="alternate"; type="application/ld+json"' in r.headers["link"]
    ts = triples(r.content, "text/turtle")
    me = BASE + "id/shining-path"
    assert objects(ts, me, SKOS + "prefLabel") == {ox.Literal("Shining Path")}
    assert ox.NamedNode(CG + "ArmedGroup") in objects(ts, me, RDF_TYPE)
    # every relation of the entity, qualified, with its period, confidence and citations
    expected = {rel.id for rel in peru_store.relations("shining-path")}
    qualified = subjects(ts, RDF_TYPE, ox.NamedNode(CG + "Relation"))
    assert {q.rsplit("/", 1)[1] for q in qualified} == expected
    for q in qualified:
        ends = objects(ts, q, CG + "subject") | objects(ts, q, CG + "object")
        assert ox.NamedNode(me) in ends
        assert objects(ts, q, CG + "confidence")
        assert objects(ts, q, CG + "citation")
        for src in objects(ts, q, PROV + "wasDerivedFrom"):  # the sources are described too
            assert objects(ts, src.value, "http://purl.org/dc/terms/title")
    # the direct triple, and the neighbour's label
    assert ox.NamedNode(BASE + "id/vraem") in objects(ts, me, CG + "operatesIn")
    assert objects(ts, BASE + "id/vraem", SKOS + "prefLabel")


def test_every_rdf_format_says_the_same(client):
    graphs = {}
    for media in FORMATS:
        r = client.get("/id/vraem", headers={"Accept": media})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        graphs[media] = triples(r.content, media)
    assert graphs["text/turtle"] == graphs["application/n-triples"] == graphs["application/ld+json"]
    assert len(graphs["text/turtle"]) > 100


def test_jsonld_is_compacted_with_the_embedded_context(client):
    r = client.get("/id/shining-path.jsonld")
    doc = r.json()
    assert isinstance(doc["@context"], dict)  # no network fetch needed
    first = doc["@graph"][0]
    assert first["id"] == BASE + "id/shining-path" and first["prefLabel"] == "Shining Path"


def test_plain_json_is_the_cli_show_shape(client, cli):
    r = client.get("/id/shining-path", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    proc = cli("show", "shining-path", "--format", "json", check_rc=0)
    assert r.json() == json.loads(proc.stdout)


def test_html_page(client):
    r = client.get("/id/shining-path", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    assert "<h1>Shining Path</h1>" in page
    assert "Relations (" in page and "InSight Crime" in page
    assert '<iframe class="map" src="/map/shining-path"' in page
    assert 'href="/id/vraem"' in page


@pytest.mark.parametrize("ext, media", [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                        ("jsonld", "application/ld+json"), ("json", "application/json"),
                                        ("html", "text/html")])
def test_extensions_fix_the_format(client, ext, media):
    r = client.get(f"/id/shining-path.{ext}", headers={"Accept": "image/png"})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "vary" not in r.headers
    assert r.headers["content-location"] == f"/id/shining-path.{ext}"


def test_406_lists_what_is_available(client):
    r = client.get("/id/shining-path", headers={"Accept": "image/png, text/plain;q=0.5"})
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == BASE + "problems/not-acceptable"
    assert "text/turtle" in body["available"] and "text/html" in body["available"]


def test_q_values_pick_the_format(client):
    r = client.get("/id/peru", headers={"Accept": "text/turtle;q=0.2, application/ld+json;q=0.8, text/html;q=0.5"})
    assert r.headers["content-type"] == "application/ld+json"
    r = client.get("/id/peru", headers={"Accept": "application/*;q=0.9, application/json;q=0"})
    assert r.headers["content-type"] == "application/ld+json"


@pytest.mark.parametrize("path", ["/id/shinning-path", "/id/Shining-Path", "/id/x..y", "/id/%00",
                                  "/id/" + "a" * 500, "/id/shining-path.xml", "/relation/nope",
                                  "/source/nope", "/id/shining-path.ttl.ttl"])
def test_unknown_resources_are_404_problems(client, path):
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404


def test_404_suggests_close_matches(client):
    body = client.get("/id/shinning-path").json()
    assert body["type"] == BASE + "problems/not-found"
    assert any(s.startswith("shining-path") for s in body["suggestions"])


def test_etag_and_conditional_get(client):
    r = client.get("/id/peru", headers={"Accept": "text/turtle"})
    tag = r.headers["etag"]
    again = client.get("/id/peru", headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/id/peru", headers={"Accept": "application/ld+json", "If-None-Match": tag})
    assert other.status_code == 200


def test_head(client):
    r = client.head("/id/shining-path", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("text/turtle")


# ---------------------------------------------------------------- relations and sources
def test_relation(client, cli):
    rid = "shining-path--operates-in--vraem"
    r = client.get(f"/relation/{rid}", headers={"Accept": "text/turtle"})
    ts = triples(r.content, "text/turtle")
    me = BASE + "relation/" + rid
    assert objects(ts, me, CG + "relationType") == {ox.NamedNode(CG + "operatesIn")}
    assert objects(ts, me, CG + "subject") == {ox.NamedNode(BASE + "id/shining-path")}
    assert ox.NamedNode(BASE + "id/vraem") in objects(ts, BASE + "id/shining-path", CG + "operatesIn")
    assert objects(ts, BASE + "id/vraem", SKOS + "prefLabel")
    data = client.get(f"/relation/{rid}.json").json()
    proc = cli("query", "evidence", rid, "--format", "json", check_rc=0)
    assert data == json.loads(proc.stdout)
    page = client.get(f"/relation/{rid}.html").text
    assert "Evidence (" in page


def test_source(client, peru_dataset):
    sid = "insightcrime-peru-profile"
    data = client.get(f"/source/{sid}", headers={"Accept": "application/json"}).json()
    assert data["source"]["id"] == sid
    citing = sorted(r.id for r in peru_dataset.relations.values() if any(c.source == sid for c in r.citations))
    assert data["cited_by"]["relations"] == citing
    ts = triples(client.get(f"/source/{sid}.nt").content, "application/n-triples")
    assert len(subjects(ts, PROV + "wasDerivedFrom", ox.NamedNode(BASE + "source/" + sid))) >= len(citing)
    page = client.get(f"/source/{sid}.html").text
    assert f"Relations citing it ({len(citing)})" in page


# ---------------------------------------------------------------- documents
def test_ontology_shapes_context(client):
    onto = triples(client.get("/ontology/", headers={"Accept": "text/turtle"}).content, "text/turtle")
    assert ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology") in objects(onto, CG, RDF_TYPE)
    nt = triples(client.get("/ontology/", headers={"Accept": "application/n-triples"}).content,
                 "application/n-triples")
    ground = lambda ts: {t for t in ts if not any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object))}  # noqa: E731
    assert len(nt) == len(onto) and ground(nt) == ground(onto)
    term = triples(client.get("/ontology/operatesIn", headers={"Accept": "text/turtle"}).content, "text/turtle")
    assert ox.NamedNode("http://www.w3.org/2002/07/owl#ObjectProperty") in objects(term, CG + "operatesIn", RDF_TYPE)
    assert client.get("/ontology/ArmedGroup.html").status_code == 200
    assert client.get("/ontology/noSuchTerm").status_code == 404
    shapes = client.get("/shapes/", headers={"Accept": "text/turtle"})
    assert shapes.status_code == 200 and "sh:NodeShape" in shapes.text
    shape_names = {s.value for s in {t.subject for t in triples(shapes.content, "text/turtle")}
                   if isinstance(s, ox.NamedNode) and s.value.startswith(BASE + "shapes/")}
    name = sorted(shape_names)[0][len(BASE + "shapes/"):]
    assert client.get(f"/shapes/{name}", headers={"Accept": "text/turtle"}).status_code == 200
    ctx = client.get("/ontology/context.jsonld")
    assert ctx.headers["content-type"] == "application/ld+json"
    assert ctx.json()["@context"]["operatesIn"]["@type"] == "@id"
    assert client.get("/ontology").status_code in (200, 307, 308)


def test_void(client, app_state):
    r = client.get("/void", headers={"Accept": "text/turtle"})
    ts = triples(r.content, "text/turtle")
    ds = BASE + "dataset/peru"
    void = "http://rdfs.org/ns/void#"
    assert objects(ts, ds, void + "sparqlEndpoint") == {ox.NamedNode(BASE + "sparql")}
    assert ox.NamedNode(BASE + "dump.nt") in objects(ts, ds, void + "dataDump")
    assert objects(ts, ds, void + "triples") == {ox.Literal(str(app_state.sparql_triples),
                                                            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert client.get("/dataset/peru", headers={"Accept": "text/turtle"}).content == r.content
    assert client.get("/dataset/other").status_code == 404
    wk = client.get("/.well-known/void", follow_redirects=False)
    assert wk.status_code == 303 and wk.headers["location"] == "/void"
    assert client.get("/void.html").headers["content-type"].startswith("text/html")


def test_dumps_are_the_exports(client, app_state, peru_dataset):
    import io

    from crimegraph.rdf.formats import export_ntriples

    buf = io.BytesIO()
    n = export_ntriples(peru_dataset, buf, {"base_iri": BASE})
    nt = client.get("/dump.nt")
    assert nt.status_code == 200 and nt.headers["content-type"] == "application/n-triples"
    assert nt.content == buf.getvalue()
    expected = triples(nt.content, "application/n-triples")
    assert len(expected) == n
    assert triples(client.get("/dump.ttl").content, "text/turtle") == expected
    assert triples(client.get("/dump.jsonld").content, "application/ld+json") == expected
    trig = {q.triple for q in ox.parse(client.get("/dump.trig").content, format=ox.RdfFormat.TRIG)}
    assert trig == expected
    assert client.head("/dump.ttl").status_code == 200
    assert client.get("/dump.xml").status_code == 404
    q = client.get("/graph/qualified", follow_redirects=False)
    assert q.status_code == 303 and q.headers["location"] == "/dump.trig"


def test_every_iri_under_the_base_dereferences(client):
    """Each IRI the data uses under the base (entities, relations, sources, the dataset, ontology terms)."""
    dump = client.get("/dump.nt").content
    iris = set()
    for t in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES):
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value.split("#", 1)[0])
    assert len(iris) > 500
    failed = []
    for iri in sorted(iris):
        r = client.get(iri[len(BASE) - 1:], headers={"Accept": "text/turtle"})
        if r.status_code != 200 or not r.content:
            failed.append((iri, r.status_code))
    assert not failed, failed[:10]


# ---------------------------------------------------------------- a base with a path
def test_base_path_is_respected(prefixed_client):
    c = prefixed_client
    base = "http://testserver/crimegraph/"
    r = c.get("/crimegraph/id/shining-path", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-location"] == "/crimegraph/id/shining-path.ttl"
    ts = triples(r.content, "text/turtle")
    assert objects(ts, base + "id/shining-path", SKOS + "prefLabel") == {ox.Literal("Shining Path")}
    assert c.get("/id/shining-path").status_code == 404
    assert c.get("/health", follow_redirects=False).status_code == 307
    assert c.get("/health").json()["status"] == "ok"
    spec = c.get("/crimegraph/openapi.json").json()
    assert spec["paths"] and all(p.startswith("/crimegraph/") for p in spec["paths"])
    page = c.get("/crimegraph/id/shining-path.html").text
    assert 'href="/crimegraph/id/vraem"' in page
    sparql = c.get("/crimegraph/sparql", params={"query": "ASK { id:shining-path ?p ?o }"})
    assert sparql.json()["boolean"] is True
