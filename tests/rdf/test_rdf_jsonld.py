"""The JSON-LD export expands with PyLD using the local context, and never fetches anything."""

from __future__ import annotations

import json

import pytest

from tests.rdf.rdf_helpers import BASE, rdflib_graph, same_graph

jsonld = pytest.importorskip("pyld.jsonld")


class Fetched(AssertionError):
    pass


@pytest.fixture(scope="module")
def offline_loader():
    """A PyLD document loader that serves the generated context and refuses any other URL."""
    from crimegraph.rdf.context import context_document
    from crimegraph.rdf.vocab import rdf_vocab

    v = rdf_vocab(BASE)
    served = []

    def load(url, options=None):
        if url != v.context_iri:
            raise Fetched(f"network fetch attempted: {url}")
        served.append(url)
        return {"contextUrl": None, "documentUrl": url, "document": context_document(v)}

    load.served = served
    return load


def _to_graph(doc, loader):
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return rdflib_graph(nquads.encode("utf-8"), "nquads")


@pytest.mark.parametrize("ds", ["mini", "hostile", "peru"])
def test_embedded_context_expands_without_any_fetch(export_bytes, offline_loader, ds):
    doc = json.loads(export_bytes(ds, "jsonld"))
    expanded = jsonld.expand(doc, {"documentLoader": offline_loader})
    assert expanded and all("@id" in node for node in expanded)
    assert same_graph(_to_graph(doc, offline_loader), rdflib_graph(export_bytes(ds, "nt"), "nt"))


def test_context_by_url_is_served_locally(export_bytes, offline_loader):
    doc = json.loads(export_bytes("hostile", "jsonld", context_url="true"))
    assert doc["@context"] == BASE + "ontology/context.jsonld"
    before = len(offline_loader.served)
    g = _to_graph(doc, offline_loader)
    assert len(offline_loader.served) > before  # the context came from the local loader
    assert same_graph(g, rdflib_graph(export_bytes("hostile", "nt"), "nt"))


def test_a_foreign_context_url_is_refused(offline_loader):
    doc = {"@context": "https://schema.org/", "name": "x"}
    with pytest.raises(Exception) as err:
        jsonld.expand(doc, {"documentLoader": offline_loader})
    assert "network fetch attempted" in str(err.value) or isinstance(err.value.__cause__, Fetched) or \
        "loading remote context failed" in str(err.value)


def test_compacted_shape(export_bytes):
    """Terms, links as bare IRIs, typed values coerced, nested citations."""
    doc = json.loads(export_bytes("mini", "jsonld"))
    nodes = {n["id"]: n for n in doc["@graph"]}
    a = nodes[BASE + "id/group-a"]
    assert a["type"] == ["Actor", "ArmedGroup", "schema:Organization"]
    assert a["prefLabel"] == "Grupo Ápice"
    assert a["altLabel"] == {"@value": "The Apex", "@language": "en"}
    assert a["operatesIn"] == BASE + "id/valley-y"
    r = nodes[BASE + "relation/group-a--operates-in--valley-y"]
    assert r["relationType"] == "operatesIn"
    assert r["since"] == {"@value": "1999", "@type": "xsd:gYear"}
    assert r["validFrom"] == "1999-01-01"
    assert r["citation"]["quote"] == "Group A operates in the valley"
    assert r["wasDerivedFrom"] == BASE + "source/src-a"


def test_pyld_compaction_with_the_context_gives_the_same_graph(export_bytes, offline_loader):
    """Compacting the expanded document again with the context loses nothing."""
    from crimegraph.rdf.context import jsonld_context
    from crimegraph.rdf.vocab import rdf_vocab

    doc = json.loads(export_bytes("hostile", "jsonld"))
    opts = {"documentLoader": offline_loader}
    compacted = jsonld.compact(jsonld.expand(doc, opts), {"@context": jsonld_context(rdf_vocab(BASE))}, opts)
    assert same_graph(_to_graph(compacted, offline_loader), _to_graph(doc, offline_loader))
