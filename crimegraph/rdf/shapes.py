"""SHACL shapes, generated from the models and the relation declarations (``crimegraph schema shacl``).

One closed node shape per entity kind, for relations, citations, sources,
coordinates, figures, external ids and the dataset header. Every property
shape comes from a model field: cardinality from whether the field is
required or a list, datatype from its annotation, ``sh:in`` from a ``Literal``,
``sh:pattern``/``sh:minInclusive``/``sh:minLength`` from its constraints. Each
relation type gets a shape on the subjects of its direct property that checks
the allowed kinds or types at both ends; a SHACL-SPARQL constraint checks
that every qualified relation has its direct triple.

Patterns are written in the XML Schema regex dialect SHACL uses (no ``(?:``).
"""

from __future__ import annotations

from typing import Optional

from crimegraph.schema.models import SLUG_PATTERN
from crimegraph.schema.vocab import RELATION_TYPES, TYPES_BY_KIND, Kind, kind_of

from .ontology import class_iri
from .ttltext import block, bnode, lit, lst, prefixes
from .vocab import DATE_DATATYPES, PRECISIONS, TIMING_TERMS, FieldSpec, RdfVocab, fields, rdf_vocab

IND = "        "


def xsd_pattern(py: str) -> str:
    """A Python regex from the models in the XML Schema dialect (non-capturing groups dropped)."""
    return py.replace("(?:", "(")


def _xsd_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\|.?*+(){}-[]^$" else c for c in text)


def field_property(f: FieldSpec, v: RdfVocab) -> list[str]:
    """The property shapes of one scalar field (two for a partial date: value and precision)."""
    pairs: list[tuple[str, object]] = [("sh:path", f.curie)]
    if f.required:
        pairs.append(("sh:minCount", lit(1)))
    if not f.multiple:
        pairs.append(("sh:maxCount", lit(1)))
    if f.kind == "date":
        pairs.append(("sh:or", lst([bnode([("sh:datatype", "xsd:" + d.rsplit("#", 1)[1])], IND + "    ")
                                    for d in DATE_DATATYPES.values()])))
    elif f.kind in ("string", "enum", "confidence"):
        pairs.append(("sh:datatype", "xsd:string"))
    elif f.kind in ("integer", "double", "boolean", "anyURI"):
        pairs.append(("sh:datatype", f"xsd:{f.kind}"))
    if f.enum:
        pairs.append(("sh:in", lst([lit(x) for x in f.enum])))
    if f.pattern:
        pairs.append(("sh:pattern", lit(xsd_pattern(f.pattern))))
    if f.min_length:
        pairs.append(("sh:minLength", lit(f.min_length)))
    for key, bound in (("sh:minInclusive", f.minimum), ("sh:maxInclusive", f.maximum)):
        if bound is not None:
            pairs.append((key, lit(int(bound)) if f.kind == "integer"
                          else lit(str(float(bound)), dt="xsd:double")))
    out = [bnode(pairs)]
    if f.precision_curie:
        out.append(bnode([("sh:path", f.precision_curie), ("sh:maxCount", lit(1)),
                          ("sh:datatype", "xsd:string"), ("sh:in", lst([lit(p) for p in PRECISIONS]))]))
    return out


def _scalar_props(model: str, v: RdfVocab) -> list[str]:
    """Property shapes of a model's scalar fields. (A closed shape allows exactly the paths
    of its property shapes, so every property a resource may have gets one.)"""
    shapes: list[str] = []
    for f in fields(model):
        if f.kind != "special":
            shapes.extend(field_property(f, v))
    return shapes


def _classes(v: RdfVocab, allowed) -> object:
    classes = class_iri(v, frozenset(allowed))
    if len(classes) == 1:
        return ("sh:class", classes[0])
    return ("sh:or", lst([bnode([("sh:class", c)], IND + "    ") for c in classes]))


def _closed(shape: str, target: Optional[str], props: list[str],
            extra: list[tuple[str, object]] = ()) -> str:
    pairs: list[tuple[str, object]] = [("a", "sh:NodeShape")]
    if target:
        pairs.append(("sh:targetClass", target))
    pairs.extend(extra)
    pairs.append(("sh:closed", "true"))
    pairs.append(("sh:ignoredProperties", lst(["rdf:type"])))
    pairs.append(("sh:property", props))
    return block(shape, pairs)


def _may_hold(kind: Kind, allowed: frozenset[str]) -> bool:
    return kind.value in allowed or any(kind_of(t) is kind for t in allowed if t not in {k.value for k in Kind})


def timing_properties() -> list[str]:
    """The property shapes of the derived time (schema/timing.py) and of derivation notes,
    shared by the entity and relation shapes."""
    from crimegraph.schema.timing import BASES

    out = [bnode([("sh:path", "cg:derivation"), ("sh:nodeKind", "sh:IRI"),
                  ("sh:node", "cgsh:DerivationShape")])]
    dates = lst([bnode([("sh:datatype", "xsd:" + d.rsplit("#", 1)[1])], IND + "    ")
                 for d in DATE_DATATYPES.values()])
    for term, _attr, kind in TIMING_TERMS:
        pairs: list = [("sh:path", f"cg:{term}"), ("sh:maxCount", lit(1))]
        if kind == "date":
            pairs.append(("sh:or", dates))
        elif kind == "day":
            pairs.append(("sh:datatype", "xsd:date"))
        elif kind == "integer":
            pairs += [("sh:datatype", "xsd:integer"), ("sh:minInclusive", lit(0))]
        else:
            pairs.append(("sh:datatype", "xsd:string"))
        if term == "timeBasis":
            pairs.append(("sh:in", lst([lit(b) for b in BASES])))
        if term == "shownFrom":
            pairs.append(("sh:lessThanOrEquals", "cg:shownUntil"))
        out.append(bnode(pairs))
    return out


def shapes_text(vocab: Optional[RdfVocab] = None) -> str:
    """The SHACL shapes in Turtle."""
    v = vocab or rdf_vocab()
    slug = lit(xsd_pattern(SLUG_PATTERN))
    pre = {k: ns for k, ns in v.prefixes.items() if k not in ("id", "rel", "src")}
    pre["sh"] = "http://www.w3.org/ns/shacl#"
    pre["cgsh"] = v.base + "shapes/"
    out = ["# crimegraph SHACL shapes: generated from the schema by `crimegraph schema shacl`; "
           "do not edit.\n", prefixes(pre)]
    ident = bnode([("sh:path", "dcterms:identifier"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
                   ("sh:datatype", "xsd:string"), ("sh:pattern", slug)])
    # default relation ids join slugs with "--" (shining-path--operates-in--vraem)
    rel_ident = ident.replace(slug, lit(xsd_pattern(SLUG_PATTERN).replace("(-", "(-{1,2}")))
    citation = bnode([("sh:path", "cg:citation"), ("sh:minCount", lit(1)), ("sh:nodeKind", "sh:IRI"),
                      ("sh:node", "cgsh:CitationShape")])
    derived = bnode([("sh:path", "prov:wasDerivedFrom"), ("sh:minCount", lit(1)),
                     ("sh:nodeKind", "sh:IRI"), ("sh:class", "cg:Source")])
    timing = timing_properties()

    # ---- entities, one shape per kind
    for kind in Kind:
        model = kind.value.capitalize()
        kclass = v.compact(v.kind_classes[kind.value])
        props = _scalar_props(model, v)
        types = lst([v.compact(v.type_classes[t]) for t in TYPES_BY_KIND[kind]])
        props.insert(0, bnode([("sh:path", "rdf:type"),
                               ("sh:qualifiedValueShape", bnode([("sh:in", types)], IND + "    ")),
                               ("sh:qualifiedMinCount", lit(1)), ("sh:qualifiedMaxCount", lit(1))]))
        props.insert(1, ident)
        props.append(bnode([("sh:path", "skos:altLabel"), ("sh:or", lst([
            bnode([("sh:datatype", "xsd:string")], IND + "    "),
            bnode([("sh:datatype", "rdf:langString")], IND + "    ")]))]))
        props.append(bnode([("sh:path", "skosxl:altLabel"), ("sh:nodeKind", "sh:IRI"),
                            ("sh:node", "cgsh:LabelShape")]))
        props.append(bnode([("sh:path", "owl:sameAs"), ("sh:nodeKind", "sh:IRI"), ("sh:maxCount", lit(1)),
                            ("sh:pattern", lit("^" + _xsd_escape("http://www.wikidata.org/entity/")
                                               + "Q[1-9][0-9]*$"))]))
        props.append(bnode([("sh:path", "schema:identifier"), ("sh:nodeKind", "sh:IRI"),
                            ("sh:node", "cgsh:ExternalIdShape")]))
        props.extend([citation, derived, *timing])
        if kind is Kind.place:
            props.append(bnode([("sh:path", "schema:geo"), ("sh:maxCount", lit(1)),
                                ("sh:nodeKind", "sh:IRI"), ("sh:node", "cgsh:GeoShape")]))
            # GeoSPARQL: the point and the bounding box as WKT geometries
            for path in ("gsp:hasGeometry", "gsp:hasBoundingBox"):
                props.append(bnode([("sh:path", path), ("sh:maxCount", lit(1)),
                                    ("sh:nodeKind", "sh:IRI"), ("sh:node", "cgsh:GeometryShape")]))
        if kind is Kind.event:
            props.append(bnode([("sh:path", "cg:figures"), ("sh:maxCount", lit(1)),
                                ("sh:nodeKind", "sh:IRI"), ("sh:node", "cgsh:FiguresShape")]))
            props.append(bnode([("sh:path", "cg:date"), ("sh:maxCount", lit(1)),
                                ("sh:datatype", "xsd:date")]))
        for name, d in RELATION_TYPES.items():
            if _may_hold(kind, d.subject):
                prop = v.compact(v.relation_props[name])
                props.append(bnode([("sh:path", prop), ("sh:nodeKind", "sh:IRI")]))
        pattern = lit("^" + _xsd_escape(v.id_ns) + xsd_pattern(SLUG_PATTERN)[1:])
        out.append(_closed(f"cgsh:{model}Shape", kclass, props,
                           [("sh:nodeKind", "sh:IRI"), ("sh:pattern", pattern)]))

    # ---- what each relation type allows at its ends (on the direct triples)
    for name, d in RELATION_TYPES.items():
        prop = v.compact(v.relation_props[name])
        subj, obj = d.subject, d.object
        out.append(block(f"cgsh:{d.rdf_name[0].upper()}{d.rdf_name[1:]}Shape", [
            ("a", "sh:NodeShape"),
            ("rdfs:comment", lit(f"{d.label}: {' or '.join(sorted(subj))} -> {' or '.join(sorted(obj))}", "en")),
            ("sh:targetSubjectsOf", prop),
            _classes(v, subj),
            ("sh:property", bnode([("sh:path", prop), _classes(v, obj)])),
        ]))

    # ---- qualified relations
    props = _scalar_props("Relation", v)
    kinds = [v.compact(v.kind_classes[k.value]) for k in Kind]
    end_classes = lst([bnode([("sh:class", c)], IND + "    ") for c in kinds])
    props[:0] = [
        rel_ident,
        bnode([("sh:path", "cg:relationType"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:in", lst([v.compact(p) for p in v.relation_props.values()]))]),
        bnode([("sh:path", "cg:subject"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:nodeKind", "sh:IRI"), ("sh:or", end_classes)]),
        bnode([("sh:path", "cg:object"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:nodeKind", "sh:IRI"), ("sh:or", end_classes)]),
    ]
    props += [
        bnode([("sh:path", "cg:validFrom"), ("sh:maxCount", lit(1)), ("sh:datatype", "xsd:date"),
               ("sh:lessThanOrEquals", "cg:validTo")]),
        bnode([("sh:path", "cg:validTo"), ("sh:maxCount", lit(1)), ("sh:datatype", "xsd:date")]),
        citation, derived, *timing,
    ]
    rt, subj_p, obj_p = (v.expand(c) for c in ("cg:relationType", "cg:subject", "cg:object"))
    direct = bnode([
        ("a", "sh:SPARQLConstraint"),
        ("sh:message", lit("the direct triple of this qualified relation is missing", "en")),
        ("sh:select", lit(f"SELECT $this WHERE {{ $this <{rt}> ?p ; <{subj_p}> ?s ; <{obj_p}> ?o . "
                          "FILTER NOT EXISTS { ?s ?p ?o } }")),
    ])
    out.append(_closed("cgsh:RelationShape", "cg:Relation", props,
                       [("sh:nodeKind", "sh:IRI"), ("sh:sparql", direct)]))

    # ---- citations, sources, nested nodes, header
    props = _scalar_props("Citation", v)
    props.insert(0, bnode([("sh:path", "cg:source"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
                           ("sh:nodeKind", "sh:IRI"), ("sh:class", "cg:Source")]))
    out.append(_closed("cgsh:CitationShape", "cg:Citation", props))
    props = _scalar_props("Source", v)
    props.insert(0, ident)
    out.append(_closed("cgsh:SourceShape", "cg:Source", props,
                       [("sh:nodeKind", "sh:IRI")]))
    props = _scalar_props("Coordinates", v)
    out.append(_closed("cgsh:GeoShape", None, props))
    out.append(_closed("cgsh:GeometryShape", "gsp:Geometry", [
        bnode([("sh:path", "gsp:asWKT"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:datatype", "gsp:wktLiteral")])]))
    props = _scalar_props("Figures", v)
    out.append(_closed("cgsh:FiguresShape", None, props))
    out.append(_closed("cgsh:ExternalIdShape", None, [
        bnode([("sh:path", "schema:propertyID"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:datatype", "xsd:string")]),
        bnode([("sh:path", "schema:value"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:datatype", "xsd:string")])]))
    out.append(_closed("cgsh:DerivationShape", "cg:Derivation", [
        bnode([("sh:path", "cg:derivedField"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:datatype", "xsd:string")]),
        bnode([("sh:path", "skos:note"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:datatype", "xsd:string"), ("sh:minLength", lit(1))])]))
    out.append(_closed("cgsh:LabelShape", None, [
        bnode([("sh:path", "skosxl:literalForm"), ("sh:minCount", lit(1)), ("sh:maxCount", lit(1)),
               ("sh:or", lst([bnode([("sh:datatype", "xsd:string")], IND + "    "),
                              bnode([("sh:datatype", "rdf:langString")], IND + "    ")]))])]))
    props = _scalar_props("DatasetMeta", v)
    out.append(_closed("cgsh:DatasetShape", "cg:Dataset", props))
    return "".join(out)
