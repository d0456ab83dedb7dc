"""The one mapping between the schema and RDF: namespaces, IRIs, classes, properties, terms.

Everything here is derived from :mod:`crimegraph.schema.vocab` (entity kinds and
types, relation types) and from the pydantic models' fields. The only things
written by hand are the alignments to well-known vocabularies (which model
field is ``skos:prefLabel``, which type is a ``schema:Organization``); every
other field gets ``cg:<lowerCamelName>`` automatically, so a field added to a
model shows up in the ontology, the shapes, the context, the exports and the
import without another edit. The ontology, the SHACL shapes, the JSON-LD
context, the writers, the reader and the RDF store all read this module.

>>> v = rdf_vocab("http://example.org/")
>>> v.entity_iri("shining-path")
'http://example.org/id/shining-path'
>>> v.relation_property("operates_in")
'http://example.org/ontology/operatesIn'
>>> v.type_class("armed_group"), v.kind_class("actor")
('http://example.org/ontology/ArmedGroup', 'http://example.org/ontology/Actor')
>>> v.term_name(v.prop("name"))
'prefLabel'
"""

from __future__ import annotations

import functools
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Optional, get_args, get_origin

from pydantic import BaseModel

from crimegraph.config import base_iri as _config_base_iri
from crimegraph.errors import UsageError
from crimegraph.schema import models as M
from crimegraph.schema.types import Confidence, PartialDate
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES, TYPES_BY_KIND, Kind

# ---------------------------------------------------------------- namespaces
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"
GEO = "http://www.opengis.net/ont/geosparql#"

#: prefixes that do not depend on the base IRI
STATIC_PREFIXES: dict[str, str] = {
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS, "skosxl": SKOSXL,
    "dcterms": DCTERMS, "prov": PROV, "schema": SCHEMA, "wd": WD, "gsp": GEO,
}

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
XSD_DATE = XSD + "date"
RDF_LANGSTRING = RDF + "langString"

#: the datatype of a partial date, by precision ("1999"^^xsd:gYear, "1999-05"^^xsd:gYearMonth)
DATE_DATATYPES = {"year": XSD + "gYear", "month": XSD + "gYearMonth", "day": XSD + "date"}
PRECISIONS = tuple(DATE_DATATYPES)

#: the name of the named graph (TriG) that holds the qualified statements
QUALIFIED_GRAPH = "graph/qualified"

# ---------------------------------------------------------------- alignments (hand-written)
#: schema.org classes of each entity kind
KIND_ALIGNMENT: dict[Kind, tuple[str, ...]] = {
    Kind.actor: (),
    Kind.place: ("schema:Place",),
    Kind.economy: (),
    Kind.event: ("schema:Event",),
}
#: schema.org classes of entity types (on top of their kind's)
TYPE_ALIGNMENT: dict[str, tuple[str, ...]] = {
    "person": ("schema:Person",),
    "state_actor": ("schema:GovernmentOrganization",),
    "country": ("schema:Country",),
    "city": ("schema:City",),
    "region": ("schema:AdministrativeArea",),
    "lake": ("schema:LakeBodyOfWater",),
    "river_valley": ("schema:Landform",),
}
for _t in TYPES_BY_KIND[Kind.actor]:
    TYPE_ALIGNMENT.setdefault(_t, ("schema:Organization",))

#: model field -> RDF property, where a well-known vocabulary fits. Every other
#: scalar field becomes cg:<lowerCamelName>.
FIELD_ALIGNMENT: dict[tuple[str, str], str] = {
    ("Entity", "name"): "skos:prefLabel",
    ("Entity", "aliases"): "skos:altLabel",
    ("Entity", "description"): "dcterms:description",
    ("Entity", "external_ids"): "schema:identifier",
    ("Entity", "citations"): "cg:citation",
    ("Place", "coordinates"): "schema:geo",
    ("Coordinates", "lat"): "schema:latitude",
    ("Coordinates", "lon"): "schema:longitude",
    ("Coordinates", "bbox"): "gsp:hasBoundingBox",
    ("Event", "date"): "dcterms:date",
    ("Entity", "derived"): "cg:derivation",
    ("Relation", "derived"): "cg:derivation",
    ("Relation", "type"): "cg:relationType",
    ("Relation", "notes"): "skos:note",
    ("Relation", "citations"): "cg:citation",
    ("Source", "title"): "dcterms:title",
    ("Source", "publisher"): "dcterms:publisher",
    ("Source", "date"): "dcterms:date",
    ("Source", "url"): "schema:url",
    ("Source", "notes"): "skos:note",
    ("DatasetMeta", "id"): "dcterms:identifier",
    ("DatasetMeta", "title"): "dcterms:title",
    ("DatasetMeta", "description"): "dcterms:description",
    ("DatasetMeta", "license"): "dcterms:license",
}
#: fields whose literal is an xsd:anyURI rather than a string
ANYURI_FIELDS = {("Source", "url")}
#: JSON-LD term names that differ from the property's local name
TERM_OVERRIDES = {"schema:identifier": "externalId", "skosxl:altLabel": "xlAltLabel",
                  "cg:date": "firstDay"}

#: structural terms (not model fields)
EXTRA_TERMS: dict[str, str] = {
    "identifier": "dcterms:identifier",     # the slug of an entity, relation or source
    "wasDerivedFrom": "prov:wasDerivedFrom",  # a relation's / entity's sources
    "sameAs": "owl:sameAs",                 # Wikidata, where a QID is known
    "xlAltLabel": "skosxl:altLabel",        # aliases as resources, in order (SKOS-XL)
    "literalForm": "skosxl:literalForm",
    "propertyID": "schema:propertyID",      # external id: scheme
    "value": "schema:value",                # external id: value
    "validFrom": "cg:validFrom",            # start of a relation's period (xsd:date)
    "validTo": "cg:validTo",                # end of a relation's period (xsd:date)
    "firstDay": "cg:date",                  # first day of an event's date (xsd:date)
    "subject": "cg:subject",
    "object": "cg:object",
    "source": "cg:source",
    # attestation and as-of window (schema/timing.py): derived, kept apart from validity
    "firstReported": "cg:firstReported",    # earliest date of a citing source (as written)
    "lastReported": "cg:lastReported",      # latest date of a citing source (as written)
    "eventDate": "cg:eventDate",            # date of the event it is tied to (as written)
    "datedSources": "cg:datedSources",      # how many distinct citing sources are dated
    "shownFrom": "cg:shownFrom",            # first day an as-of answer shows it (xsd:date)
    "shownUntil": "cg:shownUntil",          # last day an as-of answer shows it (xsd:date)
    "timeBasis": "cg:timeBasis",            # period, lifetime, event, reported, undated, timeless
    "shownFromBy": "cg:shownFromBy",        # what sets cg:shownFrom (since, reported, subject:founded…)
    "shownUntilBy": "cg:shownUntilBy",      # what sets cg:shownUntil
    "derivedField": "cg:derivedField",      # the field a derivation note is about
}

#: the timing properties, in the order they are written: (term, Timing attribute, kind)
TIMING_TERMS = (("firstReported", "first", "date"), ("lastReported", "last", "date"),
                ("eventDate", "event", "date"), ("datedSources", "dated", "integer"),
                ("shownFrom", "start", "day"), ("shownUntil", "end", "day"),
                ("timeBasis", "basis", "string"), ("shownFromBy", "start_by", "string"),
                ("shownUntilBy", "end_by", "string"))

# ---------------------------------------------------------------- naming helpers


def camel(name: str) -> str:
    """``"base_iri"`` -> ``"baseIri"``."""
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def pascal(name: str) -> str:
    """``"armed_group"`` -> ``"ArmedGroup"``."""
    return "".join(p.capitalize() for p in name.split("_"))


_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_base(base: str) -> str:
    """A base IRI usable in every format: absolute, ending in ``/``, no characters IRIs forbid."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", base) or _BAD_IRI_CHARS.search(base):
        raise UsageError(f"--base-iri: {base!r} is not an absolute IRI (like https://example.org/crimegraph/)")
    return base if base.endswith("/") else base + "/"


def resolve_base(override: Optional[str] = None, meta: Any = None) -> str:
    """The base IRI of an export: the argument, else ``$CRIMEGRAPH_BASE_IRI``, else the
    dataset header's ``base_iri``, else the default."""
    import os

    if not override and not os.environ.get("CRIMEGRAPH_BASE_IRI") and meta is not None:
        override = getattr(meta, "base_iri", None)
    return check_base(_config_base_iri(override))


# ---------------------------------------------------------------- fields of the models

#: how a field's value is written
ValueKind = Literal["string", "enum", "integer", "double", "boolean", "anyURI", "date",
                    "confidence", "special"]


@dataclass(frozen=True)
class FieldSpec:
    """One model field and its RDF projection."""

    model: str
    field: str
    curie: Optional[str]          # the property ("skos:prefLabel"); None for id/type
    kind: ValueKind
    required: bool
    multiple: bool = False
    enum: tuple = ()
    pattern: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    min_length: Optional[int] = None
    nested: Optional[str] = None  # model name of a nested node (geo, figures)

    @property
    def precision_curie(self) -> Optional[str]:
        """For a partial date: the property of its precision (``cg:sincePrecision``)."""
        if self.kind != "date" or self.curie is None:
            return None
        return f"cg:{camel(self.field)}Precision"


#: the models projected to RDF, by the name used in the tables above
MODELS: dict[str, type[BaseModel]] = {
    "Entity": M.Entity, "Actor": M.Actor, "Place": M.Place, "Economy": M.Economy,
    "Event": M.Event, "Relation": M.Relation, "Source": M.Source, "Citation": M.Citation,
    "Coordinates": M.Coordinates, "Figures": M.Figures, "DatasetMeta": M.DatasetMeta,
}
#: fields with their own handling in the writers and the reader
SPECIAL_FIELDS = {
    ("Entity", "id"), ("Entity", "type"), ("Entity", "aliases"), ("Entity", "external_ids"),
    ("Coordinates", "bbox"),
    ("Entity", "citations"), ("Place", "coordinates"), ("Event", "figures"),
    ("Relation", "id"), ("Relation", "type"), ("Relation", "subject"), ("Relation", "object"),
    ("Relation", "citations"), ("Source", "id"), ("Citation", "source"),
    ("Entity", "derived"), ("Relation", "derived"),
}
#: derived fields: written as the properties of TIMING_TERMS, not as one property
TIMING_FIELDS = {("Entity", "timing"), ("Relation", "timing")}
_NESTED = {("Place", "coordinates"): "Coordinates", ("Event", "figures"): "Figures"}


def _owner(model: type[BaseModel], name: str) -> str:
    """The most general model in MODELS that declares the field (Entity for Actor.name)."""
    for cls in reversed(model.__mro__):
        if cls in MODELS.values() and name in getattr(cls, "model_fields", {}):
            return next(k for k, v in MODELS.items() if v is cls)
    return next(k for k, v in MODELS.items() if v is model)


def _unwrap(ann: Any) -> tuple[Any, list, bool]:
    """Strip Optional/Annotated: (base annotation, constraint metadata, optional?)."""
    meta: list = []
    optional = False
    while True:
        origin = get_origin(ann)
        if origin is typing.Annotated:
            args = get_args(ann)
            ann = args[0]
            for m in args[1:]:
                meta.extend(getattr(m, "metadata", None) or [m])
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) < len(get_args(ann)):
                optional = True
            if len(args) == 1:
                ann = args[0]
                continue
        return ann, meta, optional


def _constraints(meta: list) -> dict:
    out: dict = {}
    for m in meta:
        for attr, key in (("ge", "minimum"), ("le", "maximum"), ("min_length", "min_length"),
                          ("pattern", "pattern")):
            v = getattr(m, attr, None)
            if v is not None:
                out[key] = v
    return out


def _spec(model_name: str, cls: type[BaseModel], name: str) -> FieldSpec:
    info = cls.model_fields[name]
    ann, meta, optional = _unwrap(info.annotation)
    meta = list(info.metadata) + meta
    cons = _constraints(meta)
    owner = _owner(cls, name)
    required = info.is_required()
    key = (owner, name) if (owner, name) in FIELD_ALIGNMENT or (owner, name) in SPECIAL_FIELDS else (model_name, name)
    curie = FIELD_ALIGNMENT.get(key) or FIELD_ALIGNMENT.get((model_name, name))
    special = key in SPECIAL_FIELDS or (model_name, name) in SPECIAL_FIELDS
    if name == "id" and not curie:
        return FieldSpec(model_name, name, "dcterms:identifier", "special", True)
    if (owner, name) in TIMING_FIELDS:
        return FieldSpec(model_name, name, None, "special", False)
    if special:
        defaults = {"type": None, "subject": "cg:subject", "object": "cg:object",
                    "source": "cg:source", "figures": "cg:figures"}
        return FieldSpec(model_name, name, curie or defaults.get(name, f"cg:{camel(name)}"),
                         "special", required, multiple=get_origin(ann) in (list, dict),
                         nested=_NESTED.get(key) or _NESTED.get((model_name, name)))
    curie = curie or f"cg:{camel(name)}"
    enum: tuple = ()
    if ann is PartialDate:
        kind: ValueKind = "date"
    elif ann is Confidence:
        kind = "confidence"
        cons.setdefault("pattern", r"^[A-F][1-6]$")
    elif get_origin(ann) is Literal:
        kind, enum = "enum", tuple(get_args(ann))
    elif ann is bool:
        kind = "boolean"
    elif ann is int:
        kind = "integer"
    elif ann is float:
        kind = "double"
    elif ann is str:
        kind = "anyURI" if key in ANYURI_FIELDS or (model_name, name) in ANYURI_FIELDS else "string"
    else:
        raise TypeError(f"{model_name}.{name}: no RDF mapping for {ann!r}; "
                        "add it to crimegraph.rdf.vocab (FIELD_ALIGNMENT / SPECIAL_FIELDS)")
    return FieldSpec(model_name, name, curie, kind, required and not optional, enum=enum,
                     pattern=cons.get("pattern"), minimum=cons.get("minimum"),
                     maximum=cons.get("maximum"), min_length=cons.get("min_length"))


@functools.lru_cache(maxsize=None)
def fields(model_name: str) -> tuple[FieldSpec, ...]:
    """Every field of a model with its RDF projection, in declaration order.

    >>> [f.curie for f in fields("Citation")]
    ['cg:source', 'cg:quote', 'cg:page']
    """
    cls = MODELS[model_name]
    return tuple(_spec(model_name, cls, n) for n in cls.model_fields)


def scalar_fields(model_name: str) -> tuple[FieldSpec, ...]:
    """The fields written generically (not id/type/citations/nested)."""
    return tuple(f for f in fields(model_name) if f.kind != "special")


# ---------------------------------------------------------------- the vocabulary, per base


@dataclass
class RdfVocab:
    """Namespaces, IRIs and terms for one base IRI. Get one with :func:`rdf_vocab`."""

    base: str
    cg: str = ""
    prefixes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cg = self.base + "ontology/"
        self.id_ns = self.base + "id/"
        self.relation_ns = self.base + "relation/"
        self.source_ns = self.base + "source/"
        self.dataset_ns = self.base + "dataset/"
        self.prefixes = {"cg": self.cg, **STATIC_PREFIXES, "id": self.id_ns,
                         "rel": self.relation_ns, "src": self.source_ns}
        self.context_iri = self.cg + "context.jsonld"
        self.ontology_iri = self.cg
        self.qualified_graph = self.base + QUALIFIED_GRAPH
        # classes
        self.kind_classes = {k.value: self.cg + pascal(k.value) for k in Kind}
        self.type_classes = {t: self.cg + pascal(t) for t in ENTITY_TYPES}
        self.class_by_iri = {v: ("kind", k) for k, v in self.kind_classes.items()}
        self.class_by_iri.update({v: ("type", k) for k, v in self.type_classes.items()})
        self.Relation = self.cg + "Relation"
        self.Citation = self.cg + "Citation"
        self.Source = self.cg + "Source"
        self.Dataset = self.cg + "Dataset"
        self.Figures = self.cg + "Figures"
        self.Entity = self.cg + "Entity"
        # relation properties
        self.relation_props = {n: self.cg + d.rdf_name for n, d in RELATION_TYPES.items()}
        self.relation_by_prop = {v: k for k, v in self.relation_props.items()}
        # entity types -> every rdf:type it gets (kind, type, schema.org)
        self.entity_types: dict[str, tuple[str, ...]] = {}
        for t, (kind, _label) in ENTITY_TYPES.items():
            iris = [self.kind_classes[kind.value], self.type_classes[t]]
            for c in (*KIND_ALIGNMENT[kind], *TYPE_ALIGNMENT.get(t, ())):
                iris.append(self.expand(c))
            self.entity_types[t] = tuple(dict.fromkeys(iris))
        # JSON-LD terms: term name -> IRI, and back
        self.terms: dict[str, str] = {}
        for curie in self._all_property_curies():
            iri = self.expand(curie)
            name = TERM_OVERRIDES.get(curie) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            old = self.terms.get(name)
            if old is not None and old != iri:
                raise AssertionError(f"JSON-LD term {name!r} would mean both {old} and {iri}")
            self.terms[name] = iri
        for name, iri in self.relation_props.items():
            term = RELATION_TYPES[name].rdf_name
            if term in self.terms and self.terms[term] != iri:
                raise AssertionError(f"JSON-LD term {term!r} is both a field and a relation type")
            self.terms[term] = iri
        self.term_by_iri = {v: k for k, v in self.terms.items()}

    # -- IRIs
    def expand(self, curie: str) -> str:
        """``"skos:prefLabel"`` -> the full IRI (full IRIs pass through)."""
        prefix, sep, local = curie.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return curie

    def entity_iri(self, slug: str) -> str:
        return self.id_ns + slug

    def relation_iri(self, rid: str) -> str:
        return self.relation_ns + rid

    def source_iri(self, sid: str) -> str:
        return self.source_ns + sid

    def dataset_iri(self, did: Optional[str]) -> str:
        return self.dataset_ns + (did or "dataset")

    def slug(self, iri: str, namespace: str) -> Optional[str]:
        """The id of an IRI under a namespace (``id_ns``...), or None."""
        if iri.startswith(namespace):
            rest = iri[len(namespace):]
            if rest and "/" not in rest and "#" not in rest:
                return rest
        return None

    def kind_class(self, kind: str) -> str:
        return self.kind_classes[str(kind)]

    def type_class(self, entity_type: str) -> str:
        return self.type_classes[entity_type]

    def relation_property(self, relation_type: str) -> str:
        return self.relation_props[relation_type]

    def prop(self, field_name: str, model: str = "Entity") -> str:
        """The property IRI of a model field: ``prop("name")`` -> skos:prefLabel."""
        for f in fields(model):
            if f.field == field_name and f.curie:
                return self.expand(f.curie)
        raise KeyError(f"{model}.{field_name}")

    def term_name(self, iri: str) -> str:
        return self.term_by_iri[iri]

    def compact(self, iri: str) -> str:
        """A CURIE for an IRI in a known namespace (``cg:Actor``), else the IRI."""
        best = None
        for p, ns in self.prefixes.items():
            if iri.startswith(ns) and (best is None or len(ns) > len(self.prefixes[best])):
                best = p
        return f"{best}:{iri[len(self.prefixes[best]):]}" if best else iri

    def wikidata_iri(self, qid: str) -> str:
        return WD + qid

    # -- property sets
    def _all_property_curies(self) -> Iterator[str]:
        seen = set()
        for m in MODELS:
            for f in fields(m):
                for c in (f.curie, f.precision_curie):
                    if c and c not in seen:
                        seen.add(c)
                        yield c
        for c in (*EXTRA_TERMS.values(), "cg:citation"):
            if c not in seen:
                seen.add(c)
                yield c

    @functools.cached_property
    def symmetric_props(self) -> tuple[str, ...]:
        return tuple(self.relation_props[n] for n, d in RELATION_TYPES.items() if d.symmetric)

    @functools.cached_property
    def child_links(self) -> tuple[str, ...]:
        """Properties that point from an entity to its own hash-IRI nodes (citations, geo...)."""
        return (self.expand("cg:citation"), self.expand("schema:geo"),
                self.expand("schema:identifier"), self.expand("cg:figures"),
                self.expand("skosxl:altLabel"), GEO + "hasGeometry", GEO + "hasBoundingBox",
                self.expand("cg:derivation"))


class Terms:
    """The structural terms the writers (:mod:`.describe`) and the reader (:mod:`.read`) share,
    expanded once for a vocabulary's base: one table, so that the two sides cannot drift apart."""

    def __init__(self, vocab: "RdfVocab"):
        self.v = vocab
        e = vocab.expand
        self.p_type = RDF_TYPE
        self.p_identifier = e("dcterms:identifier")
        self.p_name = e("skos:prefLabel")
        self.p_alt = e("skos:altLabel")
        self.p_xl_alt = e("skosxl:altLabel")
        self.p_literal_form = e("skosxl:literalForm")
        self.c_xl_label = e("skosxl:Label")
        self.p_citation = e("cg:citation")
        self.p_source = e("cg:source")
        self.p_quote = e("cg:quote")
        self.p_page = e("cg:page")
        self.p_derived = PROV + "wasDerivedFrom"
        self.c_prov_entity = PROV + "Entity"
        self.p_sameas = e("owl:sameAs")
        self.p_extid = e("schema:identifier")
        self.p_propid = e("schema:propertyID")
        self.p_value = e("schema:value")
        self.c_propvalue = e("schema:PropertyValue")
        self.p_geo = e("schema:geo")
        self.c_geo = e("schema:GeoCoordinates")
        # GeoSPARQL: the point (and an area's bounding box) as WKT geometries
        self.p_has_geometry = GEO + "hasGeometry"
        self.p_has_bbox = GEO + "hasBoundingBox"
        self.p_as_wkt = GEO + "asWKT"
        self.c_geometry = GEO + "Geometry"
        self.dt_wkt = GEO + "wktLiteral"
        self.p_figures = e("cg:figures")
        self.p_reltype = e("cg:relationType")
        self.p_subject = e("cg:subject")
        self.p_object = e("cg:object")
        # written for consumers, derived from other fields: the reader skips them
        self.p_valid_from = e("cg:validFrom")
        self.p_valid_to = e("cg:validTo")
        self.p_first_day = e("cg:date")
        # derived time (schema/timing.py) and derivation notes
        self.timing_props = tuple((e(EXTRA_TERMS[term]), attr, kind) for term, attr, kind in TIMING_TERMS)
        self.p_derivation = e("cg:derivation")
        self.c_derivation = e("cg:Derivation")
        self.p_derived_field = e("cg:derivedField")
        self.p_note = e("skos:note")
        self.scalar_table = _scalar_table(vocab)


#: the models whose scalar fields the writers and the reader map generically
SCALAR_MODELS = ("Actor", "Place", "Economy", "Event", "Relation", "Source", "Citation",
                 "Coordinates", "Figures", "DatasetMeta")
_SCALAR_TABLES: dict[str, dict] = {}


def _scalar_table(v: "RdfVocab") -> dict:
    """model -> ((property IRI, FieldSpec, precision property IRI or None), ...), once per base."""
    table = _SCALAR_TABLES.get(v.base)
    if table is None:
        e = v.expand
        table = _SCALAR_TABLES[v.base] = {
            m: tuple((e(f.curie), f, e(f.precision_curie) if f.precision_curie else None)
                     for f in scalar_fields(m))
            for m in SCALAR_MODELS}
    return table


@functools.lru_cache(maxsize=16)
def rdf_vocab(base: Optional[str] = None) -> RdfVocab:
    """The vocabulary for a base IRI (default: :func:`crimegraph.config.base_iri`)."""
    return RdfVocab(check_base(_config_base_iri(base)))


def canonical_lang(tag: str) -> str:
    """BCP 47 conventional casing (``"en-gb"`` -> ``"en-GB"``, ``"zh-hant"`` -> ``"zh-Hant"``).

    RDF stores lowercase language tags; this gives back the usual spelling.

    >>> canonical_lang("sr-latn-rs"), canonical_lang("ES")
    ('sr-Latn-RS', 'es')
    """
    parts = tag.split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 2 and p.isalpha():
            out.append(p.upper())
        elif len(p) == 4 and p.isalpha():
            out.append(p.capitalize())
        else:
            out.append(p.lower())
    return "-".join(out)
