"""The ontology, the SHACL shapes and the JSON-LD context are generated from the schema, and the data conforms."""

from __future__ import annotations

import pytest

from tests.rdf.rdf_helpers import BASE, rdflib_graph

pyshacl = pytest.importorskip("pyshacl")


@pytest.fixture(scope="module")
def shapes():
    import rdflib

    from crimegraph.rdf.shapes import shapes_text
    from crimegraph.rdf.vocab import rdf_vocab

    g = rdflib.Graph()
    g.parse(data=shapes_text(rdf_vocab(BASE)), format="turtle")
    return g


@pytest.fixture(scope="module")
def ontology():
    import rdflib

    from crimegraph.rdf.ontology import ontology_text
    from crimegraph.rdf.vocab import rdf_vocab

    g = rdflib.Graph()
    g.parse(data=ontology_text(rdf_vocab(BASE)), format="turtle")
    return g


def _validate(data_graph, shapes):
    conforms, _graph, text = pyshacl.validate(data_graph, shacl_graph=shapes, advanced=True)
    return conforms, text


@pytest.mark.parametrize("ds", ["peru", "hostile", "mini"])
def test_exports_conform_to_the_generated_shapes(export_bytes, shapes, ds):
    conforms, text = _validate(rdflib_graph(export_bytes(ds, "turtle"), "turtle"), shapes)
    assert conforms, text


def test_jsonld_export_conforms_too(export_bytes, shapes):
    conforms, text = _validate(rdflib_graph(export_bytes("hostile", "jsonld"), "jsonld"), shapes)
    assert conforms, text


BROKEN = {
    "no citation": "DELETE {{ ?r cg:citation ?c }} WHERE {{ ?r a cg:Relation ; cg:citation ?c }}",
    "bad confidence": 'DELETE {{ ?r cg:confidence ?c }} INSERT {{ ?r cg:confidence "Z9" }} '
                      "WHERE {{ ?r a cg:Relation ; cg:confidence ?c }}",
    "wrong end kind": "INSERT DATA {{ <{b}id/drugs> cg:operatesIn <{b}id/group-b> }}",
    "unknown property": 'INSERT DATA {{ <{b}id/group-a> cg:favouriteColour "red" }}',
    "direct triple missing": "DELETE DATA {{ <{b}id/group-a> cg:operatesIn <{b}id/valley-y> }}",
    "period backwards": 'INSERT DATA {{ <{b}relation/group-a--engages-in--drugs> '
                        'cg:validFrom "2030-01-01"^^xsd:date }}',
    "two names": 'INSERT DATA {{ <{b}id/group-b> skos:prefLabel "Another name" }}',
    "two types": "INSERT DATA {{ <{b}id/group-b> a cg:Person }}",
    "dangling source": "INSERT DATA {{ <{b}relation/group-a--engages-in--drugs> "
                       "prov:wasDerivedFrom <{b}source/nope> }}",
    "bad precision": 'INSERT DATA {{ <{b}relation/group-a--engages-in--drugs> cg:sincePrecision "decade" }}',
    "latitude out of range": 'INSERT DATA {{ <{b}id/valley-y> <http://schema.org/geo> <{b}id/valley-y#geo> . '
                             '<{b}id/valley-y#geo> <http://schema.org/latitude> "95.0"^^xsd:double ; '
                             '<http://schema.org/longitude> "1.0"^^xsd:double }}',
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_shapes_catch_broken_data(export_bytes, shapes, case):
    g = rdflib_graph(export_bytes("mini", "turtle"), "turtle")
    prefixes = (f"PREFIX cg: <{BASE}ontology/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX prov: <http://www.w3.org/ns/prov#> ")
    g.update(prefixes + BROKEN[case].format(b=BASE))
    conforms, _text = _validate(g, shapes)
    assert not conforms, case


def test_ontology_declares_the_vocabulary(ontology):
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES

    cg = rdflib.Namespace(BASE + "ontology/")
    schema = rdflib.Namespace("http://schema.org/")
    for name, d in RELATION_TYPES.items():
        p = cg[d.rdf_name]
        assert (p, RDF.type, OWL.ObjectProperty) in ontology
        assert ((p, RDF.type, OWL.SymmetricProperty) in ontology) == d.symmetric, name
        assert (p, RDFS.label, rdflib.Literal(d.label, lang="en")) in ontology
    assert (cg.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    for t, (kind, label) in ENTITY_TYPES.items():
        cls = cg["".join(p.capitalize() for p in t.split("_"))]
        assert (cls, RDFS.subClassOf, cg[kind.value.capitalize()]) in ontology
    assert (cg.ArmedGroup, RDFS.subClassOf, schema.Organization) in ontology
    assert (cg.Person, RDFS.subClassOf, schema.Person) in ontology
    assert (cg.Place, RDFS.subClassOf, schema.Place) in ontology
    assert (cg.Relation, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) in ontology
    assert (cg.operatesIn, RDFS.domain, cg.Actor) in ontology and (cg.operatesIn, RDFS.range, cg.Place) in ontology


def test_every_property_and_class_of_the_data_is_declared_or_external(export_bytes, ontology):
    """Nothing in the cg: namespace is used without a declaration in the ontology."""
    import rdflib
    from rdflib.namespace import RDF

    cg = BASE + "ontology/"
    declared = {s for s in ontology.subjects() if isinstance(s, rdflib.URIRef)}
    for ds in ("peru", "hostile"):
        g = rdflib_graph(export_bytes(ds, "nt"), "nt")
        used = set(g.predicates()) | set(g.objects(None, RDF.type))
        used |= {o for o in g.objects(None, rdflib.URIRef(cg + "relationType"))}
        missing = sorted(str(u) for u in used if str(u).startswith(cg) and u not in declared)
        assert not missing, missing


def test_every_model_field_is_mapped():
    """A field added to a model gets a property (or fails here with a message naming it)."""
    from crimegraph.rdf.vocab import EXTRA_TERMS, MODELS, TIMING_TERMS, fields, rdf_vocab

    v = rdf_vocab(BASE)
    for name, cls in MODELS.items():
        specs = {f.field: f for f in fields(name)}
        assert set(specs) == set(cls.model_fields), name
        for f in specs.values():
            if f.field == "timing":  # derived: one property per part of the Timing
                assert f.curie is None
                for term, _attr, _kind in TIMING_TERMS:
                    assert v.expand(EXTRA_TERMS[term]) in v.term_by_iri, (name, term)
            elif f.field != "type":
                assert f.curie, (name, f.field)
                assert v.expand(f.curie) in v.term_by_iri, (name, f.field)
    assert len(set(v.terms.values())) == len(v.terms)  # one term per IRI


def test_context_matches_what_the_export_embeds(export_bytes):
    import json

    from crimegraph.rdf.context import context_document
    from crimegraph.rdf.vocab import rdf_vocab

    doc = json.loads(export_bytes("mini", "jsonld"))
    assert doc["@context"] == context_document(rdf_vocab(BASE))["@context"]
    ctx = doc["@context"]
    assert ctx["operatesIn"] == {"@id": "cg:operatesIn", "@type": "@id"}
    assert ctx["prefLabel"] == "skos:prefLabel"
    assert ctx["validFrom"] == {"@id": "cg:validFrom", "@type": "xsd:date"}
    assert ctx["cg"] == BASE + "ontology/"


def test_schema_commands(cli, tmp_path):
    import json

    import rdflib

    for cmd, fmt in (("owl", "turtle"), ("shacl", "turtle")):
        out = cli("schema", cmd, check_rc=0).stdout
        g = rdflib.Graph()
        g.parse(data=out, format=fmt)
        assert len(g) > 100
    ctx = json.loads(cli("schema", "context", "--base-iri", "https://kg.example/", check_rc=0).stdout)
    assert ctx["@context"]["cg"] == "https://kg.example/ontology/"
    cli("schema", "shacl", "-o", tmp_path / "shapes.ttl", check_rc=0)
    assert (tmp_path / "shapes.ttl").read_text().startswith("# crimegraph SHACL shapes")
