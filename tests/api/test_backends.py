"""The server over every backend gives the same representations and SPARQL answers as over the memory store."""

from __future__ import annotations

import os

import pytest

from tests.api.conftest import make_client

PATHS = ["/id/shining-path", "/id/vraem", "/relation/shining-path--operates-in--vraem",
         "/source/insightcrime-peru-profile"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def same_answers(c, reference) -> None:
    for path in PATHS:
        for accept in ("text/turtle", "application/json", "application/ld+json"):
            a = c.get(path, headers={"Accept": accept})
            b = reference.get(path, headers={"Accept": accept})
            assert a.status_code == b.status_code == 200, (path, a.text)
            assert a.content == b.content, (path, accept)
    for path in ("/api/actors-in/peru", "/api/connections?a=tren-de-aragua&b=shining-path", "/api/stats"):
        assert c.get(path).json() == reference.get(path).json(), path
    assert c.get("/sparql", params={"query": COUNT}).json() == reference.get("/sparql", params={"query": COUNT}).json()
    assert c.get("/dump.nt").content == reference.get("/dump.nt").content


def test_rdf_store(client, peru_dataset):
    """``--store rdf``: SPARQL runs on the store's own Oxigraph data."""
    from crimegraph.api.app import open_serving_store

    st = open_serving_store("rdf", None, "http://testserver/")
    assert len(st) > 0
    with make_client(st) as c:
        same_answers(c, client)


def test_rdf_store_with_another_base(client, peru_dataset):
    """A store written with another base: the server's SPARQL copy uses the server's base."""
    from crimegraph.graph.registry import open_store

    st = open_store("rdf", seeds=peru_dataset, base_iri="http://elsewhere.example/")
    with make_client(st) as c:
        same_answers(c, client)


@pytest.fixture(scope="module")
def neo4j_opts(request):
    try:
        return request.getfixturevalue("neo4j_options")
    except pytest.FixtureLookupError:  # the session plugin is not loaded: start a server here
        pass
    from tests.neo4j_fixture import launch

    if os.environ.get("NEO4J_URI"):
        return {"uri": os.environ["NEO4J_URI"]}
    server = launch()
    request.addfinalizer(server.stop)
    return {"uri": server.uri, "user": "neo4j", "password": None, "database": "neo4j"}


@pytest.mark.neo4j
def test_neo4j_store(client, peru_dataset, neo4j_opts):
    """``--store neo4j``: the SPARQL data is written from the store's dataset at startup."""
    from crimegraph.graph.registry import open_store

    st = open_store("neo4j", seeds=False, **neo4j_opts)
    st.clear()
    st.write(peru_dataset, replace=True)
    with make_client(st) as c:
        assert c.get("/health").json()["store"] == "neo4j"
        same_answers(c, client)
