"""The OWL ontology, generated from the schema (``crimegraph schema owl``).

- a class per entity kind (``cg:Actor``) and per entity type (``cg:ArmedGroup``
  ⊑ ``cg:Actor``), aligned to schema.org (``cg:ArmedGroup`` ⊑ ``schema:Organization``,
  ``cg:Place`` ⊑ ``schema:Place``);
- an object property per relation type (``cg:operatesIn``), with its label,
  inverse label, definition, domain and range from the declaration;
  ``owl:SymmetricProperty`` where symmetric, ``owl:TransitiveProperty`` for
  ``cg:locatedIn`` (containment of places is transitive; the helpers'
  ``actors_in`` reads the hierarchy the same way);
- ``cg:Relation`` (the qualified statement), ``cg:Citation`` and ``cg:Source``,
  all ``prov:Entity``; a relation is ``prov:wasDerivedFrom`` its sources;
- a datatype or object property for every model field in the ``cg:`` namespace.
"""

from __future__ import annotations

from typing import Optional

from crimegraph import __version__
from crimegraph.schema.vocab import ENTITY_TYPES, NATURES, RELATION_TYPES, Kind

from .ttltext import block, bnode, lit, lst, prefixes
from .vocab import (
    DATE_DATATYPES,
    KIND_ALIGNMENT,
    MODELS,
    TYPE_ALIGNMENT,
    RdfVocab,
    _owner,
    fields,
    pascal,
    rdf_vocab,
)

#: the class of each model's resources
MODEL_CLASS = {"Entity": "cg:Entity", "Actor": "cg:Actor", "Place": "cg:Place", "Economy": "cg:Economy",
               "Event": "cg:Event", "Relation": "cg:Relation", "Source": "cg:Source",
               "Citation": "cg:Citation", "Coordinates": "schema:GeoCoordinates",
               "Figures": "cg:Figures", "DatasetMeta": "cg:Dataset"}
RANGE = {"string": "xsd:string", "enum": "xsd:string", "integer": "xsd:integer",
         "double": "xsd:double", "boolean": "xsd:boolean", "anyURI": "xsd:anyURI",
         "confidence": "xsd:string"}
DATE_RANGE = bnode([("a", "rdfs:Datatype"),
                    ("owl:unionOf", lst([f"xsd:{d.rsplit('#', 1)[1]}" for d in DATE_DATATYPES.values()]))])


#: the derived time properties: term, label, range, comment (schema/timing.py)
TIMING_ONTOLOGY = (
    ("firstReported", "first reported", DATE_RANGE,
     "The earliest date of the sources citing it (as written: year, month or day)."),
    ("lastReported", "last reported", DATE_RANGE,
     "The latest date of the sources citing it (as written)."),
    ("eventDate", "event date", DATE_RANGE, "The date of the event it is tied to (as written)."),
    ("datedSources", "dated sources", "xsd:nonNegativeInteger",
     "How many distinct citing sources carry a date."),
    ("shownFrom", "shown from", "xsd:date",
     "The first day an as-of answer shows it (0001-01-01: open at the start)."),
    ("shownUntil", "shown until", "xsd:date", "The last day an as-of answer shows it (absent: open)."),
    ("timeBasis", "time basis", "xsd:string",
     "What dates its window: period, lifetime, event (valid), reported (only its sources' dates), "
     "undated (never shown as of a date) or timeless (places and economies)."),
    ("shownFromBy", "shown from by", "xsd:string",
     "What sets cg:shownFrom: since, open, event, reported, relations, or an end's lifetime "
     "(subject:founded, object:born ...)."),
    ("shownUntilBy", "shown until by", "xsd:string", "What sets cg:shownUntil: until, or an end's lifetime."),
)


def class_iri(v: RdfVocab, allowed: frozenset[str]) -> list[str]:
    """Classes for the kinds / entity types a relation end allows."""
    out = []
    for a in sorted(allowed):
        if a in v.kind_classes:
            out.append(v.compact(v.kind_classes[a]))
        else:
            out.append(v.compact(v.type_classes[a]))
    return out


def _union(classes: list[str]) -> str:
    if len(classes) == 1:
        return classes[0]
    return bnode([("a", "owl:Class"), ("owl:unionOf", lst(classes))])


def ontology_text(vocab: Optional[RdfVocab] = None) -> str:
    """The ontology in Turtle."""
    v = vocab or rdf_vocab()
    out = [f"# crimegraph ontology {__version__}: generated from the schema by "
           "`crimegraph schema owl`; do not edit.\n",
           prefixes({k: ns for k, ns in v.prefixes.items() if k not in ("id", "rel", "src")})]
    out.append(block(f"<{v.ontology_iri}>", [
        ("a", "owl:Ontology"),
        ("dcterms:title", lit("crimegraph ontology", "en")),
        ("dcterms:description", lit(
            "Criminal actors, the places they operate in, the illicit economies they run and "
            "events, with first-class sourced relations. Each relation is published twice: as a "
            "direct triple (cg:operatesIn) and as a qualified cg:Relation resource carrying its "
            "period, Admiralty confidence and citations.", "en")),
        ("owl:versionInfo", lit(__version__)),
    ]))
    out.append("\n# ---------------------------------------------------------------- classes\n\n")
    out.append(block("cg:Entity", [("a", "owl:Class"), ("rdfs:label", lit("entity", "en")),
                                   ("skos:prefLabel", lit("entity", "en"))]))
    for kind in Kind:
        sup = ["cg:Entity", *KIND_ALIGNMENT[kind]]
        out.append(block(v.compact(v.kind_classes[kind.value]), [
            ("a", "owl:Class"), ("rdfs:subClassOf", sup),
            ("rdfs:label", lit(kind.value, "en")), ("skos:prefLabel", lit(kind.value, "en"))]))
    kinds = [v.compact(v.kind_classes[k.value]) for k in Kind]
    out.append(block("cg:Entity", [("owl:disjointUnionOf", lst(kinds))]))
    for t, (kind, label) in ENTITY_TYPES.items():
        sup = [v.compact(v.kind_classes[kind.value]), *TYPE_ALIGNMENT.get(t, ())]
        out.append(block(v.compact(v.type_classes[t]), [
            ("a", "owl:Class"), ("rdfs:subClassOf", sup),
            ("rdfs:label", lit(label, "en")), ("skos:prefLabel", lit(label, "en")),
            ("cg:typeName", lit(t))]))
    out.append(block("cg:Relation", [
        ("a", "owl:Class"), ("rdfs:subClassOf", "prov:Entity"),
        ("rdfs:label", lit("relation", "en")),
        ("skos:definition", lit("A qualified statement that a relation holds between two entities, with "
                                "its validity period, its confidence and the sources it was derived from.",
                                "en"))]))
    out.append(block("cg:Citation", [
        ("a", "owl:Class"), ("rdfs:label", lit("citation", "en")),
        ("skos:definition", lit("A pointer to a source, with an optional verbatim quote and page.", "en"))]))
    out.append(block("cg:Source", [
        ("a", "owl:Class"), ("rdfs:subClassOf", ["prov:Entity", "dcterms:BibliographicResource"]),
        ("rdfs:label", lit("source", "en")),
        ("skos:definition", lit("A document that facts cite.", "en"))]))
    out.append(block("cg:Dataset", [("a", "owl:Class"), ("rdfs:subClassOf", "schema:Dataset"),
                                    ("rdfs:label", lit("dataset", "en"))]))
    out.append(block("cg:Figures", [("a", "owl:Class"), ("rdfs:label", lit("figures of an event", "en"))]))
    out.append(block("cg:Derivation", [
        ("a", "owl:Class"), ("rdfs:label", lit("derivation", "en")),
        ("skos:definition", lit("How a stated date, figure or coordinate of an item follows from the "
                                "text its citations quote.", "en"))]))

    out.append("\n# ---------------------------------------------------------------- relation natures\n\n")
    out.append(block("cg:RelationNature", [
        ("a", "skos:ConceptScheme"), ("rdfs:label", lit("relation natures", "en")),
        ("skos:definition", lit("What kind of link a relation type is: criminal ties between actors, "
                                "or context (a shared place, economy, event or enemy).", "en"))]))
    for n in NATURES.values():
        out.append(block(f"cg:{pascal(n.name)}Nature", [
            ("a", "skos:Concept"), ("skos:inScheme", "cg:RelationNature"),
            ("skos:prefLabel", lit(n.label, "en")), ("skos:definition", lit(n.description, "en")),
            ("cg:criminalTie", lit(n.criminal))]))

    out.append("\n# ---------------------------------------------------------------- relation types\n\n")
    for name, d in RELATION_TYPES.items():
        types = ["owl:ObjectProperty"]
        if d.symmetric:
            types.append("owl:SymmetricProperty")
        if name == "located_in":
            types.append("owl:TransitiveProperty")
        out.append(block(v.compact(v.relation_props[name]), [
            ("a", types),
            ("rdfs:label", lit(d.label, "en")), ("skos:prefLabel", lit(d.label, "en")),
            ("cg:inverseLabel", lit(d.inverse_label, "en")),
            ("skos:definition", lit(d.description, "en")),
            ("rdfs:domain", _union(class_iri(v, d.subject))),
            ("rdfs:range", _union(class_iri(v, d.object))),
            ("cg:relationTypeName", lit(name)),
            ("cg:nature", f"cg:{pascal(d.nature)}Nature"),
            ("cg:acyclic", lit(True) if d.acyclic else None),
        ]))

    out.append("\n# ---------------------------------------------------------------- properties\n\n")
    props: dict[str, dict] = {}
    for m in MODELS:
        for f in fields(m):
            for curie, rng, label in ((f.curie, None, f.field), (f.precision_curie, "xsd:string",
                                                                 f"{f.field} precision")):
                if not curie or not curie.startswith("cg:"):
                    continue
                info = props.setdefault(curie, {"domains": set(), "range": None, "label": label,
                                                "object": False, "spec": f})
                info["domains"].add(MODEL_CLASS[_owner(MODELS[m], f.field)])
                if rng is None:
                    if f.kind == "date":
                        rng = DATE_RANGE
                    elif f.kind in RANGE:
                        rng = RANGE[f.kind]
                info["range"] = info["range"] or rng
    objects = {"cg:citation": "cg:Citation", "cg:source": "cg:Source", "cg:subject": "cg:Entity",
               "cg:object": "cg:Entity", "cg:figures": "cg:Figures", "cg:relationType": "owl:ObjectProperty"}
    props.setdefault("cg:subject", {"domains": {"cg:Relation"}, "label": "subject"})
    props.setdefault("cg:object", {"domains": {"cg:Relation"}, "label": "object"})
    props["cg:validFrom"] = {"domains": {"cg:Relation"}, "range": "xsd:date", "label": "valid from",
                             "comment": "The first day of the relation's period (from cg:since)."}
    props["cg:date"] = {"domains": {"cg:Event"}, "range": "xsd:date", "label": "first day",
                        "comment": "The first day of the event's date (dcterms:date holds it as written)."}
    props["cg:validTo"] = {"domains": {"cg:Relation"}, "range": "xsd:date", "label": "valid to",
                           "comment": "The last day of the relation's period (from cg:until)."}
    objects["cg:derivation"] = "cg:Derivation"
    props["cg:derivation"]["comment"] = "A note saying how a stated value follows from the cited text."
    props["cg:derivedField"] = {"domains": {"cg:Derivation"}, "range": "xsd:string",
                                "label": "derived field", "comment": "The field the note is about."}
    both = {"cg:Entity", "cg:Relation"}
    for term, label, rng, comment in TIMING_ONTOLOGY:
        props[f"cg:{term}"] = {"domains": both, "range": rng, "label": label,
                               "comment": comment + " Derived (attestation and as-of window are "
                               "kept apart from the stated validity cg:validFrom/cg:validTo)."}
    for curie in sorted(props):
        info = props[curie]
        is_obj = curie in objects
        doms = sorted(info["domains"])
        pairs = [("a", "owl:ObjectProperty" if is_obj else "owl:DatatypeProperty"),
                 ("rdfs:label", lit(info["label"].replace("_", " "), "en")),
                 ("rdfs:domain", _union(doms)),
                 ("rdfs:range", objects.get(curie) or info.get("range"))]
        if curie.endswith("Precision"):
            pairs.append(("rdfs:comment", lit("year, month or day", "en")))
        if info.get("comment"):
            pairs.append(("rdfs:comment", lit(info["comment"], "en")))
        spec = info.get("spec")
        if spec is not None and spec.enum:
            pairs.append(("rdfs:comment", lit("one of: " + ", ".join(map(str, spec.enum)), "en")))
        out.append(block(curie, pairs))
    for ann, label in (("cg:inverseLabel", "inverse label"), ("cg:relationTypeName", "relation type name"),
                       ("cg:typeName", "entity type name"), ("cg:acyclic", "acyclic"),
                       ("cg:nature", "relation nature"), ("cg:criminalTie", "criminal tie")):
        out.append(block(ann, [("a", "owl:AnnotationProperty"), ("rdfs:label", lit(label, "en"))]))
    return "".join(out)
