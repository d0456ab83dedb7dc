"""A dataset as a stream of RDF resources, shared by every RDF writer.

Each resource is a :class:`Node`: an IRI, the named graph it belongs to, and an
ordered list of ``(predicate IRI, object)``. An object is one of

- ``(IRI, iri)``: a resource;
- ``(LIT, lexical, datatype IRI or None)``: a literal (None means xsd:string);
- ``(SAFE, lexical, datatype IRI or None)``: the same, for a lexical form known to
  need no escaping (slugs, codes, dates, numbers): writers skip the check;
- ``(LANG, lexical, language tag)``: a language-tagged string;
- a :class:`Node`: a resource described right here (a citation, coordinates),
  whose IRI is the parent's IRI plus a fragment (``…/relation/x#citation-1``).

What is emitted (the data model agreed for every consumer):

- entity ``{base}id/{slug}``: ``rdf:type`` its kind class, its type class and the
  schema.org alignments; ``dcterms:identifier`` (the slug); ``skos:prefLabel``;
  ``skos:altLabel`` (language-tagged where known) and, to keep their order,
  SKOS-XL ``skosxl:altLabel`` nodes (``#alias-1``…); the other scalar fields;
  ``owl:sameAs`` Wikidata; ``schema:identifier`` nodes (external ids);
  ``schema:geo``; ``cg:figures``; ``cg:citation`` nodes and ``prov:wasDerivedFrom``;
  events ``cg:date`` (``xsd:date``, the first day of their date);
  and the **direct** relation triples (``:shining-path cg:operatesIn :vraem``),
  once, in the seed's direction, symmetric types too (the ontology declares
  them ``owl:SymmetricProperty``);
- relation ``{base}relation/{id}``, a ``cg:Relation`` (the **qualified**
  statement): ``cg:relationType`` (the property IRI), ``cg:subject``,
  ``cg:object``, ``cg:since``/``cg:until`` as written (``xsd:gYear``,
  ``xsd:gYearMonth`` or ``xsd:date``) with ``cg:sincePrecision``/``cg:untilPrecision``,
  ``cg:validFrom``/``cg:validTo`` (``xsd:date``, the first and last day of the
  period), ``cg:confidence``, ``cg:citation`` nodes (``cg:source``, ``cg:quote``,
  ``cg:page``) and ``prov:wasDerivedFrom`` each source; in TriG these sit in
  the named graph ``{base}graph/qualified``;
- on entities and relations alike, kept apart from validity: the derived
  attestation (``cg:firstReported``/``cg:lastReported`` as written,
  ``cg:eventDate``, ``cg:datedSources``) and as-of window (``cg:shownFrom``/
  ``cg:shownUntil`` as ``xsd:date``, ``cg:timeBasis``, ``cg:shownFromBy``/
  ``cg:shownUntilBy``) of schema/timing.py, and ``cg:derivation`` nodes
  (``#derivation-1``: ``cg:derivedField``, ``skos:note``) for ``derived`` notes;
- source ``{base}source/{id}``: ``cg:Source`` and ``prov:Entity`` with Dublin Core terms;
- the dataset header ``{base}dataset/{id}`` (when it has any field).

Resources come in a stable order (header, sources, entities, relations, each by id),
so the same data always exports to the same bytes.
"""

from __future__ import annotations

import math
import operator
from typing import Iterator, Optional

from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Citation, DatasetMeta, Entity, Relation, Source
from crimegraph.schema.types import PartialDate

from .vocab import DATE_DATATYPES, XSD, XSD_DATE, RdfVocab, Terms, scalar_fields

IRI, LIT, LANG, SAFE = 0, 1, 2, 3
XSD_INTEGER = XSD + "integer"
XSD_DOUBLE = XSD + "double"
XSD_BOOLEAN = XSD + "boolean"
XSD_ANYURI = XSD + "anyURI"


class Node:
    """One resource: its IRI, its named graph (None = default graph) and its properties."""

    __slots__ = ("iri", "graph", "props")

    def __init__(self, iri: str, graph: Optional[str] = None, props: Optional[list] = None):
        self.iri = iri
        self.graph = graph
        self.props = props if props is not None else []

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Node({self.iri!r}, {len(self.props)} props)"

    def triples(self) -> Iterator[tuple]:
        """``(subject, predicate, object)`` with nested nodes flattened (objects as tagged tuples)."""
        for p, o in self.props:
            if type(o) is Node:
                yield self.iri, p, (IRI, o.iri)
                yield from o.triples()
            else:
                yield self.iri, p, o


def _double(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    return repr(float(x))


class Describer(Terms):
    """Turns models into :class:`Node` s for one vocabulary (one base IRI)."""

    def __init__(self, vocab: RdfVocab):
        super().__init__(vocab)
        v = vocab
        self.t_citation = (self.p_type, (IRI, v.Citation))
        self.t_relation = (self.p_type, (IRI, v.Relation))
        self._precision_lits = {p: (SAFE, p, None) for p in DATE_DATATYPES}
        self._codes: dict[str, tuple] = {}
        self._citation_fast = [(f.field, f.kind) for f in scalar_fields("Citation")] == \
            [("quote", "string"), ("page", "string")]
        # precomputed (predicate, field name, kind, precision predicate) per model
        self._scalars = {m: tuple((p, f.field, f.kind, pp) for p, f, pp in specs)
                         for m, specs in self.scalar_table.items()}
        self._entity_model = {"actor": "Actor", "place": "Place", "economy": "Economy", "event": "Event"}
        # entities: the name is written first, by hand; the other scalars generically
        for m in self._entity_model.values():
            self._scalars[m] = tuple(s for s in self._scalars[m] if s[1] != "name")
        self._type_objs = {t: tuple((IRI, c) for c in cs) for t, cs in v.entity_types.items()}
        self._rel_props = {n: (IRI, p) for n, p in v.relation_props.items()}
        self._timings: dict = {}

    # ------------------------------------------------------------ scalars
    def _scalars_into(self, props: list, model: str, obj) -> None:
        prec_lit = self._precision_lits
        for pred, name, kind, prec in self._scalars[model]:
            val = getattr(obj, name)
            if val is None:
                continue
            if kind == "string":
                props.append((pred, (LIT, val, None)))
            elif kind == "date":
                props.append((pred, (SAFE, val.value, DATE_DATATYPES[val.precision])))
                props.append((prec, prec_lit[val.precision]))
            elif kind == "confidence":
                code = val.code
                lit = self._codes.get(code)
                if lit is None:
                    lit = self._codes[code] = (SAFE, code, None)
                props.append((pred, lit))
            elif kind == "enum":
                props.append((pred, (SAFE, str(val), None)))
            elif kind == "integer":
                props.append((pred, (SAFE, str(int(val)), XSD_INTEGER)))
            elif kind == "double":
                props.append((pred, (SAFE, _double(val), XSD_DOUBLE)))
            elif kind == "boolean":
                props.append((pred, (SAFE, "true" if val else "false", XSD_BOOLEAN)))
            elif kind == "anyURI":
                props.append((pred, (LIT, val, XSD_ANYURI)))
            else:
                props.append((pred, (LIT, str(val), None)))

    def _timing_into(self, props: list, timing) -> None:
        """The derived attestation and as-of window (:data:`~.vocab.TIMING_TERMS`), once per Timing."""
        if timing is None:
            return
        cached = self._timings.get(timing)
        if cached is None:
            cached = []
            for pred, attr, kind in self.timing_props:
                val = getattr(timing, attr)
                if val is None:
                    continue
                if kind == "date":
                    cached.append((pred, (SAFE, val.value, DATE_DATATYPES[val.precision])))
                elif kind == "day":
                    cached.append((pred, (SAFE, val.isoformat(), XSD_DATE)))
                elif kind == "integer":
                    cached.append((pred, (SAFE, str(val), XSD_INTEGER)))
                else:
                    cached.append((pred, (SAFE, val, None)))
            self._timings[timing] = cached
        props.extend(cached)

    def _derived_into(self, props: list, iri: str, derived) -> None:
        if not derived:
            return
        for i, (name, note) in enumerate(derived.items(), 1):
            props.append((self.p_derivation, Node(f"{iri}#derivation-{i}", None, [
                (self.p_type, (IRI, self.c_derivation)),
                (self.p_derived_field, (LIT, name, None)),
                (self.p_note, (LIT, note, None))])))

    def _citations_into(self, props: list, iri: str, citations: list[Citation]) -> None:
        src = self.v.source_ns
        p_citation, t_citation, p_source = self.p_citation, self.t_citation, self.p_source
        p_quote, p_page = self.p_quote, self.p_page
        for i, c in enumerate(citations, 1):
            cp: list = [t_citation, (p_source, (IRI, src + c.source))]
            if not self._citation_fast:  # a field was added to Citation: the generic way
                self._scalars_into(cp, "Citation", c)
            else:
                if c.quote is not None:
                    cp.append((p_quote, (LIT, c.quote, None)))
                if c.page is not None:
                    cp.append((p_page, (LIT, c.page, None)))
            props.append((p_citation, Node(f"{iri}#citation-{i}", None, cp)))
        if len(citations) == 1:
            props.append((self.p_derived, (IRI, src + citations[0].source)))
        else:
            for s in dict.fromkeys(c.source for c in citations):
                props.append((self.p_derived, (IRI, src + s)))

    # ------------------------------------------------------------ resources
    def meta(self, meta: DatasetMeta) -> Optional[Node]:
        if not any(getattr(meta, f) for f in type(meta).model_fields):
            return None
        props: list = [(self.p_type, (IRI, self.v.Dataset)),
                       (self.p_type, (IRI, self.v.expand("schema:Dataset")))]
        self._scalars_into(props, "DatasetMeta", meta)
        return Node(self.v.dataset_iri(meta.id), None, props)

    def source(self, s: Source) -> Node:
        props: list = [(self.p_type, (IRI, self.v.Source)), (self.p_type, (IRI, self.c_prov_entity)),
                       (self.p_identifier, (SAFE, s.id, None))]
        self._scalars_into(props, "Source", s)
        return Node(self.v.source_ns + s.id, None, props)

    def entity(self, e: Entity, direct: Optional[list[Relation]] = None) -> Node:
        """An entity; ``direct`` are the relations whose direct triple has it as subject."""
        iri = self.v.id_ns + e.id
        props: list = [(self.p_type, o) for o in self._type_objs[e.type]]
        props.append((self.p_identifier, (SAFE, e.id, None)))
        # name first, then aliases, then the other fields
        props.append((self.p_name, (LIT, e.name, None)))
        for a in e.aliases:
            props.append((self.p_alt, (LANG, a.name, a.lang) if a.lang else (LIT, a.name, None)))
        # and as SKOS-XL labels, whose IRIs keep the aliases' order
        for i, a in enumerate(e.aliases, 1):
            props.append((self.p_xl_alt, Node(f"{iri}#alias-{i}", None, [
                (self.p_type, (IRI, self.c_xl_label)),
                (self.p_literal_form, (LANG, a.name, a.lang) if a.lang else (LIT, a.name, None))])))
        model = self._entity_model[e.kind.value]
        self._scalars_into(props, model, e)
        is_event, is_place = model == "Event", model == "Place"
        day = e.date if is_event else None  # type: ignore[attr-defined]
        if day is not None:  # events: the first day, as an xsd:date, for ordering and filters
            props.append((self.p_first_day, (SAFE, day.start.isoformat(), XSD_DATE)))
        qid = e.external_ids.get("wikidata")
        if qid:
            props.append((self.p_sameas, (IRI, self.v.wikidata_iri(qid))))
        for i, (scheme, value) in enumerate(e.external_ids.items(), 1):
            props.append((self.p_extid, Node(f"{iri}#external-id-{i}", None, [
                (self.p_type, (IRI, self.c_propvalue)),
                (self.p_propid, (LIT, scheme, None)),
                (self.p_value, (LIT, value, None))])))
        coords = e.coordinates if is_place else None  # type: ignore[attr-defined]
        if coords is not None:
            cp: list = [(self.p_type, (IRI, self.c_geo))]
            self._scalars_into(cp, "Coordinates", coords)
            props.append((self.p_geo, Node(f"{iri}#geo", None, cp)))
            # GeoSPARQL: the point, and an area's bounding box, as WKT (longitude first)
            props.append((self.p_has_geometry, Node(f"{iri}#geometry", None, [
                (self.p_type, (IRI, self.c_geometry)),
                (self.p_as_wkt, (SAFE, point_wkt(coords.lat, coords.lon), self.dt_wkt))])))
            if coords.bbox is not None:
                props.append((self.p_has_bbox, Node(f"{iri}#bbox", None, [
                    (self.p_type, (IRI, self.c_geometry)),
                    (self.p_as_wkt, (SAFE, bbox_wkt(coords.bbox), self.dt_wkt))])))
        figures = e.figures if is_event else None  # type: ignore[attr-defined]
        if figures is not None:
            fp: list = [(self.p_type, (IRI, self.v.Figures))]
            self._scalars_into(fp, "Figures", figures)
            props.append((self.p_figures, Node(f"{iri}#figures", None, fp)))
        self._derived_into(props, iri, e.derived)
        self._timing_into(props, e.timing)
        self._citations_into(props, iri, e.citations)
        if direct:
            ns = self.v.id_ns
            for r in direct:
                props.append((self._rel_props[r.type][1], (IRI, ns + r.object)))
        return Node(iri, None, props)

    def relation(self, r: Relation, graph: Optional[str] = None) -> Node:
        iri = self.v.relation_ns + r.id
        ns = self.v.id_ns
        props: list = [self.t_relation,
                       (self.p_identifier, (SAFE, r.id, None)),
                       (self.p_reltype, self._rel_props[r.type]),
                       (self.p_subject, (IRI, ns + r.subject)),
                       (self.p_object, (IRI, ns + r.object))]
        self._scalars_into(props, "Relation", r)
        if r.since is not None:
            props.append((self.p_valid_from, (SAFE, r.since.start.isoformat(), XSD_DATE)))
        if r.until is not None:
            props.append((self.p_valid_to, (SAFE, r.until.end.isoformat(), XSD_DATE)))
        self._derived_into(props, iri, r.derived)
        self._timing_into(props, r.timing)
        self._citations_into(props, iri, r.citations)
        return Node(iri, graph, props)

    # ------------------------------------------------------------ the whole dataset
    def dataset(self, ds: Dataset, *, qualified_graph: Optional[str] = None,
                relations: bool = True) -> Iterator[Node]:
        """Every resource of a dataset, in a stable order.

        ``qualified_graph`` names the graph of the relation resources (TriG).
        ``relations=False`` leaves out the relation resources *and* the direct
        triples (a writer that renders relations itself adds both).
        """
        m = self.meta(ds.meta) if ds.meta is not None else None
        if m is not None:
            yield m
        for sid in sorted(ds.sources):
            yield self.source(ds.sources[sid])
        # direct triples, grouped by subject: references only, no copies
        direct: dict[str, list[Relation]] = {}
        for r in ds.relations.values() if relations else ():
            direct.setdefault(r.subject, []).append(r)
        for eid in sorted(ds.entities):
            rels = direct.get(eid)
            if rels:
                rels.sort(key=_rel_key)  # by id
            yield self.entity(ds.entities[eid], rels)
        del direct
        if relations:
            for rid in sorted(ds.relations):
                yield self.relation(ds.relations[rid], qualified_graph)


_rel_key = operator.attrgetter("id")


def _num(x: float) -> str:
    return repr(float(x))


def point_wkt(lat: float, lon: float) -> str:
    """A GeoSPARQL WKT point (longitude, then latitude).

    >>> point_wkt(-12.05, -77.13)
    'POINT(-77.13 -12.05)'
    """
    return f"POINT({_num(lon)} {_num(lat)})"


def bbox_wkt(bbox) -> str:
    """A bounding box ``[west, south, east, north]`` as a WKT polygon (counter-clockwise).

    >>> bbox_wkt([-74.5, -13.0, -73.0, -11.5])
    'POLYGON((-74.5 -13.0, -73.0 -13.0, -73.0 -11.5, -74.5 -11.5, -74.5 -13.0))'
    """
    w, s, e, n = (_num(x) for x in bbox)
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def bbox_from_wkt(text: str) -> Optional[list[float]]:
    """The ``[west, south, east, north]`` of :func:`bbox_wkt`'s polygon (None if it is not one).

    >>> bbox_from_wkt(bbox_wkt([170.0, -10.0, -170.0, 10.0]))
    [170.0, -10.0, -170.0, 10.0]
    """
    import re

    m = re.fullmatch(r"\s*POLYGON\s*\(\((.*)\)\)\s*", text, re.IGNORECASE)
    if not m:
        return None
    try:
        pts = [tuple(float(v) for v in p.split()) for p in m.group(1).split(",")]
    except ValueError:
        return None
    if len(pts) != 5 or any(len(p) != 2 for p in pts):
        return None
    # the first corner is the south-west one, the third the north-east one
    return [pts[0][0], pts[0][1], pts[2][0], pts[2][1]]


def date_literal(d: PartialDate) -> tuple:
    """The literal of a partial date as written: ``"1999"^^xsd:gYear``."""
    return (SAFE, d.value, DATE_DATATYPES[d.precision])
