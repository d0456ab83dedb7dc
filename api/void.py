"""The VoID description of the dataset, and the SPARQL service description, as Turtle.

VoID (https://www.w3.org/TR/void/): the dataset ``{base}dataset/{id}`` with
its title, description and license, where to get it (``void:dataDump``,
``void:sparqlEndpoint``, ``void:uriLookupEndpoint``), how its IRIs look
(``void:uriSpace``), its vocabularies, counts (triples, entities) and one
class partition per entity kind and type, one property partition per
relation type.
"""

from __future__ import annotations

from crimegraph.rdf.ttltext import lit
from crimegraph.schema.vocab import RELATION_TYPES

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FOAF = "http://xmlns.com/foaf/0.1/"
FORMATS = "http://www.w3.org/ns/formats/"


def dataset_iri(state) -> str:
    meta = state.meta
    return state.vocab.dataset_iri(meta.id if meta is not None else None)


def void_turtle(state) -> str:
    v, base, c = state.vocab, state.base, state.counts
    meta = state.meta
    ds = dataset_iri(state)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in {
        "void": VOID, "dcterms": "http://purl.org/dc/terms/", "foaf": FOAF, "cg": v.cg,
        "xsd": "http://www.w3.org/2001/XMLSchema#", "sd": SD}.items()]
    lines.append("")
    title = lit("VoID description of the crimegraph dataset", "en")
    lines.append(f"<{base}void> a void:DatasetDescription ;\n    dcterms:title {title} ;\n"
                 f"    foaf:primaryTopic <{ds}> .\n")
    props = [("a", "void:Dataset, cg:Dataset")]
    if meta is not None:
        if meta.title:
            props.append(("dcterms:title", lit(meta.title)))
        if meta.description:
            props.append(("dcterms:description", lit(meta.description)))
        if meta.license:
            props.append(("dcterms:license", lit(meta.license)))
        if meta.id:
            props.append(("dcterms:identifier", lit(meta.id)))
    props += [
        ("foaf:homepage", f"<{base}>"),
        ("void:sparqlEndpoint", f"<{base}sparql>"),
        ("void:uriLookupEndpoint", f"<{base}api/search?q=>"),
        ("void:uriSpace", lit(base)),
        ("void:uriRegexPattern", lit("^" + _regex_escape(base) + "(id|relation|source)/")),
        ("void:dataDump", ", ".join(f"<{base}dump.{ext}>" for ext in ("ttl", "nt", "jsonld", "trig", "nq"))),
        ("void:vocabulary", ", ".join(f"<{ns}>" for ns in (
            v.cg, "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
            "http://www.w3.org/ns/prov#", "http://schema.org/", "http://www.w3.org/2008/05/skos-xl#"))),
        ("void:feature", f"<{FORMATS}Turtle>, <{FORMATS}N-Triples>, <{FORMATS}JSON-LD>"),
        ("void:triples", str(int(state.sparql_triples))),
        ("void:entities", str(int(c["entities"]))),
        ("void:exampleResource", f"<{v.entity_iri(state.example)}>" if state.example else None),
        ("void:rootResource", f"<{v.entity_iri(state.example)}>" if state.example else None),
    ]
    parts = [f"    {p} {o}" for p, o in props if o]
    classes = [(v.kind_classes[k], n) for k, n in c.get("by_kind", {}).items() if k in v.kind_classes]
    classes += [(v.type_classes[t], n) for t, n in c.get("by_type", {}).items() if t in v.type_classes]
    for cls, n in classes:
        parts.append(f"    void:classPartition [ void:class <{cls}> ; void:entities {int(n)} ]")
    parts.append(f"    void:classPartition [ void:class <{v.Relation}> ; void:entities {int(c['relations'])} ]")
    parts.append(f"    void:classPartition [ void:class <{v.Source}> ; void:entities {int(c['sources'])} ]")
    for name, n in c.get("by_relation_type", {}).items():
        if name in RELATION_TYPES:
            parts.append(f"    void:propertyPartition [ void:property <{v.relation_props[name]}> ; "
                         f"void:triples {int(n)} ]")
    lines.append(f"<{ds}>\n" + " ;\n".join(parts) + " .\n")
    return "\n".join(lines)


SD_DESCRIPTION = ("Read-only SPARQL 1.1 endpoint: updates and SERVICE are refused; queries have a time and "
                  "a result-size limit.")


def service_description(state) -> str:
    """SPARQL 1.1 Service Description of ``{base}sparql``."""
    base = state.base
    ds = dataset_iri(state)
    return "\n".join([
        f"@prefix sd: <{SD}> .", f"@prefix void: <{VOID}> .", "@prefix dcterms: <http://purl.org/dc/terms/> .", "",
        f"<{base}sparql#service> a sd:Service ;",
        f"    sd:endpoint <{base}sparql> ;",
        "    sd:supportedLanguage sd:SPARQL11Query ;",
        f"    sd:resultFormat <{FORMATS}SPARQL_Results_JSON>, <{FORMATS}SPARQL_Results_XML>, "
        f"<{FORMATS}SPARQL_Results_CSV>, <{FORMATS}SPARQL_Results_TSV>, <{FORMATS}Turtle>, "
        f"<{FORMATS}N-Triples>, <{FORMATS}JSON-LD>, <{FORMATS}RDF_XML> ;",
        f"    dcterms:description {lit(SD_DESCRIPTION, 'en')} ;",
        "    sd:defaultDataset [ a sd:Dataset ;",
        f"        sd:defaultGraph [ a sd:Graph ; void:triples {int(state.sparql_triples)} ] ;",
        f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{state.vocab.ontology_iri}> ] ;",
        f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{base}shapes/> ] ;",
        f"        dcterms:source <{ds}> ] .", ""])


def _regex_escape(text: str) -> str:
    import re

    return re.escape(text).replace("\\/", "/")
