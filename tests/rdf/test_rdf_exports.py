"""Every RDF export parses with rdflib and with pyoxigraph, and says the same thing in every format."""

from __future__ import annotations

import pytest
from tests.rdf.rdf_helpers import BASE, FORMATS, oxigraph_store, rdflib_graph, same_graph

DATASETS = ["peru", "hostile", "mini"]


@pytest.fixture(scope="module")
def reference_graphs(export_bytes):
    """The N-Triples export of each dataset, parsed by rdflib: what every format must equal."""
    return {ds: rdflib_graph(export_bytes(ds, "nt"), "nt") for ds in DATASETS}


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("ds", DATASETS)
def test_export_parses_with_rdflib_and_oxigraph(export_bytes, reference_graphs, ds, fmt):
    data = export_bytes(ds, fmt)
    g = rdflib_graph(data, fmt)
    st = oxigraph_store(data, fmt)
    ref = reference_graphs[ds]
    assert len(g) == len(ref) == len(st)
    assert same_graph(g, ref), f"{fmt} does not say what N-Triples says"


@pytest.mark.parametrize("ds", DATASETS)
def test_jsonld_context_url_variant_is_the_same_graph(export_bytes, ds):
    """With ``context_url`` the document refers to {base}ontology/context.jsonld; pyoxigraph reads it
    through the importer, which substitutes the generated context (no network)."""
    import json

    data = export_bytes(ds, "jsonld", context_url="true")
    doc = json.loads(data)
    assert doc["@context"] == BASE + "ontology/context.jsonld"
    assert json.loads(export_bytes(ds, "jsonld"))["@graph"] == doc["@graph"]


def test_exports_are_deterministic(datasets, export_bytes):
    import io

    from crimegraph.rdf.formats import export_turtle

    buf = io.BytesIO()
    export_turtle(datasets["peru"], buf, {"base_iri": BASE})
    assert buf.getvalue() == export_bytes("peru", "turtle")


def test_ntriples_is_one_triple_a_line_with_spec_escapes(export_bytes):
    text = export_bytes("hostile", "nt").decode("utf-8")
    lines = text.splitlines()
    assert all(line.endswith(" .") for line in lines)
    # raw control characters never appear; they are ECHAR/UCHAR escapes
    assert not any(c in text for c in "\r\t\x07\x08\x0b\x0c\x1b")
    assert '\\"Quoted\\" Gang' in text
    assert "Ctrl\\u0007\\b\\f\\u000B\\u001B chars" in text
    assert "\\n" in text and "جماعة الاختبار" in text and "🏙️" in text
    assert '"Tab\\there \\\\ backslash"@en-GB' in text


def test_turtle_uses_prefixes_and_groups_by_subject(export_bytes):
    text = export_bytes("peru", "turtle").decode("utf-8")
    assert "@prefix cg: <http://localhost:8000/ontology/> ." in text
    assert "id:shining-path a cg:Actor, cg:ArmedGroup, schema:Organization ;" in text
    assert "cg:relationType cg:operatesIn ;" in text


def test_trig_puts_qualified_relations_in_their_named_graph(export_bytes):
    import rdflib

    d = rdflib.Dataset()
    d.parse(data=export_bytes("mini", "trig"), format="trig")
    qualified = d.graph(rdflib.URIRef(BASE + "graph/qualified"))
    rel = rdflib.URIRef(BASE + "ontology/Relation")
    assert len(list(qualified.subjects(rdflib.RDF.type, rel))) == 4
    default = d.default_graph
    assert not list(default.subjects(rdflib.RDF.type, rel))
    # the direct triples stay in the default graph, for simple consumers
    assert (rdflib.URIRef(BASE + "id/group-a"), rdflib.URIRef(BASE + "ontology/operatesIn"),
            rdflib.URIRef(BASE + "id/valley-y")) in default


def test_each_relation_is_published_twice(export_bytes, datasets):
    """The direct triple (truthy) and the qualified resource with period, confidence and sources."""
    st = oxigraph_store(export_bytes("peru", "nt"), "nt")
    ds = datasets["peru"]
    from crimegraph.schema.vocab import RELATION_TYPES

    rows = st.query(f"""PREFIX cg: <{BASE}ontology/>
SELECT ?r ?s ?p ?o WHERE {{ ?r a cg:Relation ; cg:subject ?s ; cg:relationType ?p ; cg:object ?o . ?s ?p ?o }}""")
    found = {r.value.rsplit("/", 1)[1]: (s.value, p.value, o.value) for r, s, p, o in rows}
    assert set(found) == set(ds.relations)
    for rid, r in ds.relations.items():
        assert found[rid] == (BASE + "id/" + r.subject, BASE + "ontology/" + RELATION_TYPES[r.type].rdf_name,
                              BASE + "id/" + r.object)


def test_base_iri_option_and_dataset_header(datasets):
    import io

    from crimegraph.rdf.formats import export_ntriples

    buf = io.BytesIO()
    export_ntriples(datasets["mini"], buf, {"base_iri": "https://crimegraph.example/kg"})
    text = buf.getvalue().decode()
    assert "<https://crimegraph.example/kg/id/group-a>" in text
    assert "localhost" not in text
    assert "<https://crimegraph.example/kg/dataset/mini>" in text


def test_bad_base_iri_is_a_usage_error(datasets):
    import io

    from crimegraph.errors import UsageError
    from crimegraph.rdf.formats import export_ntriples

    for bad in ("not an iri", "http://x/<script>/", "relative/path/"):
        with pytest.raises(UsageError, match="base-iri"):
            export_ntriples(datasets["mini"], io.BytesIO(), {"base_iri": bad})


def test_rdflib_graph_for_consumers(datasets):
    from crimegraph.rdf.graph import to_rdflib

    g = to_rdflib(datasets["mini"], base_iri=BASE)
    assert len(g) == len(rdflib_graph(_nt(datasets["mini"]), "nt"))
    assert dict(g.namespaces())["cg"] == __import__("rdflib").URIRef(BASE + "ontology/")


def _nt(ds) -> bytes:
    import io

    from crimegraph.rdf.formats import export_ntriples

    buf = io.BytesIO()
    export_ntriples(ds, buf, {"base_iri": BASE})
    return buf.getvalue()


@pytest.mark.parametrize("ds", ["peru", "hostile"])
def test_fast_relation_lines_say_what_the_describer_says(datasets, ds):
    """The N-Triples fast path for relations gives exactly the Describer's triples (plus the direct one)."""
    import io

    from crimegraph.rdf.describe import Describer
    from crimegraph.rdf.vocab import rdf_vocab
    from crimegraph.rdf.writers import RelationLines, write_ntriples

    assert RelationLines.supported()
    v = rdf_vocab(BASE)
    render, describer = RelationLines(v), Describer(v)
    for r in datasets[ds].relations.values():
        fast, n = render(r)
        buf = io.BytesIO()
        write_ntriples([describer.relation(r)], buf)
        direct = f"<{v.entity_iri(r.subject)}> <{v.relation_property(r.type)}> <{v.entity_iri(r.object)}> .\n"
        generic = buf.getvalue().decode("utf-8") + direct
        assert sorted(fast.splitlines()) == sorted(generic.splitlines()), r.id
        assert n == len(fast.splitlines())


def test_triple_counts_are_exact(export_bytes, datasets):
    import io

    from crimegraph.exports import exporter

    for fmt in FORMATS:
        n = exporter(fmt).load()(datasets["hostile"], io.BytesIO(), {"base_iri": BASE})
        if fmt != "jsonld":  # JSON-LD counts node objects
            assert n == export_bytes("hostile", "nt").count(b"\n"), fmt
