"""A real ``crimegraph serve`` (uvicorn, 127.0.0.1, a free port), driven by real clients:
SPARQLWrapper for SPARQL, httpx for content negotiation, schemathesis for the OpenAPI document."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

Q = ("PREFIX cg: <{base}ontology/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
     "SELECT ?actor ?name WHERE {{ ?r cg:relationType cg:operatesIn ; cg:subject ?actor ; "
     "cg:object <{base}id/vraem> . ?actor skos:prefLabel ?name }} ORDER BY ?name")


def wrapper(live_server, query: str, fmt, method=None):
    from SPARQLWrapper import GET, SPARQLWrapper as Wrapper

    sw = Wrapper(live_server.url("sparql"))
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method or GET)
    sw.setTimeout(30)
    return sw


# ---------------------------------------------------------------- the "done when" criteria
def test_curl_turtle_of_an_entity(live_server):
    """``curl -H 'Accept: text/turtle' {base}id/shining-path`` gives the entity and its qualified relations."""
    proc = subprocess.run(["curl", "-sS", "-H", "Accept: text/turtle", live_server.url("id/shining-path")],
                          capture_output=True, timeout=30) if _has_curl() else None
    body = proc.stdout if proc is not None else httpx.get(live_server.url("id/shining-path"),
                                                           headers={"Accept": "text/turtle"}).content
    ts = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    base = live_server.base
    me = ox.NamedNode(base + "id/shining-path")
    assert any(t.subject == me and t.predicate.value.endswith("prefLabel") for t in ts)
    qualified = {t.subject for t in ts if t.predicate == ox.NamedNode(base + "ontology/subject") and t.object == me}
    assert len(qualified) >= 5


def _has_curl() -> bool:
    import shutil

    return shutil.which("curl") is not None


def test_sparqlwrapper_json(live_server):
    from SPARQLWrapper import JSON, POST

    for method in (None, POST):
        res = wrapper(live_server, Q.format(base=live_server.base), JSON, method).queryAndConvert()
        names = [b["name"]["value"] for b in res["results"]["bindings"]]
        assert "Shining Path" in names and names == sorted(names)


def test_sparqlwrapper_xml_csv_tsv(live_server):
    from SPARQLWrapper import CSV, TSV, XML

    q = Q.format(base=live_server.base)
    doc = wrapper(live_server, q, XML).queryAndConvert()  # an xml.dom.minidom document
    assert any(n.firstChild.data == "Shining Path" for n in doc.getElementsByTagName("literal"))
    rows = list(csv.reader(io.StringIO(wrapper(live_server, q, CSV).queryAndConvert().decode())))
    assert rows[0] == ["actor", "name"] and ["Shining Path"] == [r[1] for r in rows if r[1] == "Shining Path"]
    tsv = wrapper(live_server, q, TSV).queryAndConvert().decode().splitlines()
    assert tsv[0] == "?actor\t?name"


def test_sparqlwrapper_construct_turtle(live_server):
    from SPARQLWrapper import POSTDIRECTLY, TURTLE

    base = live_server.base
    q = (f"CONSTRUCT {{ ?a <{base}ontology/operatesIn> <{base}id/vraem> }} "
         f"WHERE {{ ?a <{base}ontology/operatesIn> <{base}id/vraem> }}")
    for method in (None, POSTDIRECTLY):
        sw = wrapper(live_server, q, TURTLE, method)
        if method is POSTDIRECTLY:
            sw.setRequestMethod(POSTDIRECTLY)
            from SPARQLWrapper import POST

            sw.setMethod(POST)
        data = sw.queryAndConvert()
        ts = [x.triple for x in ox.parse(data, format=ox.RdfFormat.TURTLE)]
        assert ox.Triple(ox.NamedNode(base + "id/shining-path"), ox.NamedNode(base + "ontology/operatesIn"),
                         ox.NamedNode(base + "id/vraem")) in ts


def test_sparqlwrapper_ask(live_server):
    from SPARQLWrapper import JSON

    res = wrapper(live_server, f"ASK {{ <{live_server.base}id/shining-path> ?p ?o }}", JSON).queryAndConvert()
    assert res["boolean"] is True


def test_sparqlwrapper_update_is_refused(live_server):
    from SPARQLWrapper import JSON, POST
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sw = wrapper(live_server, "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }", JSON, POST)
    with pytest.raises((SPARQLWrapperException, Exception)) as err:
        sw.query()
    assert "403" in str(err.value) or "read-only" in str(err.value).lower() or "Unauthorized" in str(err.value)
    r = httpx.post(live_server.url("sparql"), data={"update": "CLEAR ALL"})
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"


def test_hostile_sparql_on_the_real_server(live_server):
    url = live_server.url("sparql")
    r = httpx.get(url, params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert r.status_code == 403
    t = time.monotonic()
    r = httpx.get(url, params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}, timeout=60)
    assert r.status_code == 422 and r.json()["type"].endswith("/sparql-too-many-results")
    r = httpx.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
                  timeout=60)
    assert r.status_code == 422 and r.json()["type"].endswith("/sparql-timeout")
    assert time.monotonic() - t < 3 + 3 + 10
    ok = httpx.get(url, params={"query": Q.format(base=live_server.base)})
    assert ok.status_code == 200


# ---------------------------------------------------------------- content negotiation with httpx
@pytest.mark.parametrize("accept, media", [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/json", "application/json"),
    ("text/html", "text/html"),
    ("text/turtle;q=0.4, application/ld+json;q=0.8", "application/ld+json"),
    ("application/n-triples;q=0.9, text/turtle;q=0.3, */*;q=0.1", "application/n-triples"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "text/turtle"),
])
def test_conneg(live_server, accept, media):
    r = httpx.get(live_server.url("id/vraem"), headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["vary"] == "Accept"
    assert r.headers["content-location"].startswith("/id/vraem.")


def test_conneg_406_and_extensions(live_server):
    r = httpx.get(live_server.url("id/vraem"), headers={"Accept": "application/pdf"})
    assert r.status_code == 406 and r.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in r.json()["available"]
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        r = httpx.get(live_server.url(f"id/vraem.{ext}"))
        assert r.headers["content-type"].split(";")[0] == media


def test_dumps_stream(live_server):
    with httpx.stream("GET", live_server.url("dump.nt")) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/n-triples"
        size = sum(len(chunk) for chunk in r.iter_bytes())
    assert size == int(r.headers["content-length"]) > 100_000


def test_concurrent_clients(live_server):
    """A small burst of parallel requests of every kind: all answered, none failed."""
    paths = (["id/shining-path", "id/vraem.html", "api/search?q=sendero", "health", "void"] * 8
             + ["sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"] * 10)
    with httpx.Client(timeout=30) as c, concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(lambda p: c.get(live_server.url(p)).status_code, paths))
    assert codes == [200] * len(paths)


# ---------------------------------------------------------------- schemathesis against the OpenAPI document
@pytest.mark.slow
def test_schemathesis_finds_no_server_error(live_server, tmp_path):
    """Property-based requests from the OpenAPI document (bounded examples): no 5xx anywhere."""
    st = Path(sys.executable).parent / "st"
    cmd = [str(st) if st.exists() else "st", "run", live_server.url("openapi.json"),
           "--checks", "not_a_server_error", "--max-examples", "12", "--seed", "7", "--workers", "1",
           "--phases", "examples,coverage,fuzzing", "--request-timeout", "30", "--no-shrink",
           "--warnings", "off", "--max-failures", "5"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    tail = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, tail
    assert "No issues found" in proc.stdout or " passed" in proc.stdout, tail
    # every operation of the document was exercised, and none answered with a 5xx
    import re

    selected = re.search(r"Selected:\s*(\d+)/(\d+)", proc.stdout)
    tested = re.search(r"Tested:\s*(\d+)", proc.stdout)
    assert selected and tested and int(tested.group(1)) == int(selected.group(2)) > 40, tail
    log = live_server.output().lower()
    assert "internal error" not in log and "exception in asgi application" not in log, log[-3000:]
