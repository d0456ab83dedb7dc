"""RDF back into the schema: resources -> seed data (plain dicts) -> validated models.

The reader is the inverse of :mod:`crimegraph.rdf.describe` and reads the same
mapping (:mod:`crimegraph.rdf.vocab`). It works on resources grouped by
subject: ``props`` maps a predicate IRI to its objects (tagged tuples as in
``describe``), ``children`` maps the IRI of a nested resource (a citation,
coordinates, an external id) to its own ``props``. The qualified ``cg:Relation``
resources are the relations; the direct triples are derived from them and
only checked.

Language tags come back in BCP 47's usual casing (RDF stores lowercase them).
What cannot be mapped is reported, never silently dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Iterator, Optional

from crimegraph.schema.vocab import ENTITY_TYPES

from .describe import IRI, LANG, LIT, bbox_from_wkt
from .vocab import RDF_TYPE, RdfVocab, Terms, canonical_lang

BNODE = 5  # (read side only) a blank node
Props = dict[str, list]


def from_ox(term) -> tuple:
    """A pyoxigraph term as a tagged tuple."""
    name = type(term).__name__
    if name == "NamedNode":
        return (IRI, term.value)
    if name == "Literal":
        if term.language:
            return (LANG, term.value, term.language)
        return (LIT, term.value, term.datatype.value)
    return (BNODE, term.value)


def _index(iri: str) -> tuple:
    """Sort key of a nested resource: its trailing number (``#citation-2`` -> 2), then the IRI."""
    m = re.search(r"(\d+)$", iri)
    return (int(m.group(1)) if m else 1 << 30, iri)


class Reader(Terms):
    """Rebuilds seed dicts from resources, noting what it could not map in :attr:`problems`."""

    def __init__(self, vocab: RdfVocab):
        super().__init__(vocab)
        v = vocab
        self.problems: list[str] = []
        self.derived_props = {self.p_valid_from, self.p_valid_to, self.p_first_day}
        self._scalars = self.scalar_table
        self._model_of_kind = {"actor": "Actor", "place": "Place", "economy": "Economy", "event": "Event"}
        self.relation_props = set(v.relation_props.values())

    # ------------------------------------------------------------ helpers
    def _problem(self, iri: str, message: str) -> None:
        self.problems.append(f"<{iri}>: {message}")

    def _slug(self, o, namespace: str, what: str, iri: str) -> Optional[str]:
        if o[0] != IRI:
            self._problem(iri, f"{what} should be an IRI, got a literal {o[1]!r}")
            return None
        s = self.v.slug(o[1], namespace)
        if s is None:
            self._problem(iri, f"{what} <{o[1]}> is not under {namespace}")
        return s

    def _id_of(self, iri: str, namespace: str, props: Props) -> Optional[str]:
        s = self.v.slug(iri, namespace)
        if s is None:
            ident = props.get(self.p_identifier)
            if ident and ident[0][0] == LIT:
                return ident[0][1]
            self._problem(iri, f"IRI is not under {namespace} and it has no dcterms:identifier")
        return s

    def _one(self, iri: str, props: Props, pred: str, what: str):
        vals = props.get(pred)
        if not vals:
            return None
        if len(vals) > 1:
            self._problem(iri, f"{len(vals)} values for {what}; kept the first")
            vals.sort(key=lambda o: o[1])
        return vals[0]

    def _value(self, iri: str, f, o) -> Any:
        kind = f.kind
        if o[0] == IRI:
            if kind == "anyURI":
                return o[1]
            self._problem(iri, f"{f.model}.{f.field} should be a literal, got <{o[1]}>")
            return None
        lex = o[1]
        try:
            if kind == "integer":
                return int(lex)
            if kind == "double":
                return float({"INF": "inf", "-INF": "-inf"}.get(lex, lex))
            if kind == "boolean":
                return lex in ("true", "1")
        except ValueError:
            self._problem(iri, f"{f.model}.{f.field}: {lex!r} is not a number")
            return None
        return lex

    def _scalars_into(self, d: dict, model: str, iri: str, props: Props, used: set) -> None:
        for pred, f, prec in self._scalars[model]:
            used.add(pred)
            if prec:
                used.add(prec)
            o = self._one(iri, props, pred, f"{f.model}.{f.field}")
            if o is None:
                continue
            val = self._value(iri, f, o)
            if val is not None:
                d[f.field] = val

    def _citations(self, iri: str, props: Props, children: dict[str, Props], used: set) -> list[dict]:
        used.update((self.p_citation, self.p_derived))
        out: list[dict] = []
        for o in sorted(props.get(self.p_citation, ()), key=lambda o: _index(o[1])):
            cp = children.get(o[1], {})
            c: dict = {}
            src = self._one(o[1], cp, self.p_source, "cg:source")
            if src is None:
                self._problem(o[1], "citation without cg:source (dropped)")
                continue
            c["source"] = self._slug(src, self.v.source_ns, "cg:source", o[1])
            cused = {RDF_TYPE, self.p_source}
            self._scalars_into(c, "Citation", o[1], cp, cused)
            self._unused(o[1], cp, cused)
            if c["source"]:
                out.append(c)
        if not out:  # only prov:wasDerivedFrom: a bare citation per source
            for o in sorted(props.get(self.p_derived, ()), key=lambda o: o[1]):
                s = self._slug(o, self.v.source_ns, "prov:wasDerivedFrom", iri)
                if s:
                    out.append({"source": s})
        return out

    def _timing(self, d: dict, iri: str, props: Props, used: set) -> None:
        """The derived :class:`~crimegraph.schema.timing.Timing`, when the resource carries one."""
        values: dict = {}
        for pred, attr, kind in self.timing_props:
            used.add(pred)
            o = self._one(iri, props, pred, self.v.compact(pred))
            if o is None or o[0] == IRI:
                continue
            values[attr] = o[1]
        if not values:
            return
        from crimegraph.schema.timing import Timing

        try:
            d["timing"] = Timing.from_dict({
                "first_reported": values.get("first"), "last_reported": values.get("last"),
                "event_date": values.get("event"), "dated_sources": values.get("dated"),
                "shown_from": values.get("start"), "shown_until": values.get("end"),
                "basis": values.get("basis"), "start_by": values.get("start_by"),
                "end_by": values.get("end_by")})
        except ValueError as exc:
            self._problem(iri, f"timing properties do not make a timing ({exc}); recomputed on import")

    def _derived(self, d: dict, iri: str, props: Props, children: dict[str, Props], used: set) -> None:
        used.add(self.p_derivation)
        notes: dict[str, str] = {}
        for o in sorted(props.get(self.p_derivation, ()), key=lambda o: _index(o[1])):
            cp = children.get(o[1], {})
            k = self._one(o[1], cp, self.p_derived_field, "cg:derivedField")
            note = self._one(o[1], cp, self.p_note, "skos:note")
            if k is None or note is None:
                self._problem(o[1], "derivation without cg:derivedField and skos:note")
                continue
            notes[k[1]] = note[1]
            self._unused(o[1], cp, {RDF_TYPE, self.p_derived_field, self.p_note})
        if notes:
            d["derived"] = notes

    def _unused(self, iri: str, props: Props, used: set, allowed: Iterable[str] = ()) -> None:
        allowed = set(allowed)
        for p in props:
            if p not in used and p not in allowed:
                self._problem(iri, f"property <{p}> is not part of the crimegraph vocabulary (ignored)")

    # ------------------------------------------------------------ resources
    def entity(self, iri: str, props: Props, children: dict[str, Props]) -> Optional[dict]:
        v = self.v
        types = [o[1] for o in props.get(RDF_TYPE, ()) if o[0] == IRI]
        etypes = [v.class_by_iri[t][1] for t in types if v.class_by_iri.get(t, ("", ""))[0] == "type"]
        if len(etypes) != 1:
            self._problem(iri, "no entity type class" if not etypes else f"several entity types {etypes}")
            if not etypes:
                return None
        etype = sorted(etypes)[0]
        model = self._model_of_kind[ENTITY_TYPES[etype][0].value]
        ident = self._id_of(iri, v.id_ns, props)
        if ident is None:
            return None
        d: dict = {"id": ident, "type": etype}
        used = {RDF_TYPE, self.p_identifier, self.p_alt, self.p_sameas, self.p_extid,
                self.p_geo, self.p_figures, *self.derived_props,
                self.p_has_geometry, self.p_has_bbox, self.p_derivation}
        self._scalars_into(d, model, iri, props, used)
        used.add(self.p_xl_alt)
        aliases = []
        # SKOS-XL labels keep the order (#alias-1, #alias-2...); plain altLabels are a set
        xl = []
        for o in sorted(props.get(self.p_xl_alt, ()), key=lambda o: _index(o[1])):
            cp = children.get(o[1], {})
            form = self._one(o[1], cp, self.p_literal_form, "skosxl:literalForm")
            if form is not None:
                xl.append(form)
            self._unused(o[1], cp, {RDF_TYPE, self.p_literal_form})
        plain = sorted(props.get(self.p_alt, ()), key=lambda o: (o[2] or "", o[1]) if o[0] == LANG else ("", o[1]))
        seen = set(xl)
        for o in xl + [o for o in plain if o not in seen]:
            if o[0] == LANG:
                aliases.append({"name": o[1], "lang": canonical_lang(o[2])})
            elif o[0] == LIT:
                aliases.append({"name": o[1]})
        if aliases:
            d["aliases"] = aliases
        ext: dict[str, str] = {}
        for o in sorted(props.get(self.p_extid, ()), key=lambda o: _index(o[1])):
            cp = children.get(o[1], {})
            k = self._one(o[1], cp, self.p_propid, "schema:propertyID")
            val = self._one(o[1], cp, self.p_value, "schema:value")
            if k is None or val is None:
                self._problem(o[1], "external id without schema:propertyID and schema:value")
                continue
            ext[k[1]] = val[1]
        for o in props.get(self.p_sameas, ()):
            if o[0] == IRI and o[1].startswith("http://www.wikidata.org/entity/Q"):
                ext.setdefault("wikidata", o[1].rsplit("/", 1)[1])
        if ext:
            d["external_ids"] = ext
        for pred, name, sub in ((self.p_geo, "coordinates", "Coordinates"),
                                (self.p_figures, "figures", "Figures")):
            o = self._one(iri, props, pred, name)
            if o is not None:
                cp = children.get(o[1], {})
                sd: dict = {}
                cused = {RDF_TYPE}
                self._scalars_into(sd, sub, o[1], cp, cused)
                self._unused(o[1], cp, cused)
                d[name] = sd
        if "coordinates" in d:
            o = self._one(iri, props, self.p_has_bbox, "geo:hasBoundingBox")
            if o is not None:
                wkt = self._one(o[1], children.get(o[1], {}), self.p_as_wkt, "geo:asWKT")
                box = bbox_from_wkt(wkt[1]) if wkt is not None else None
                if box is None:
                    self._problem(o[1], "bounding box without a WKT polygon from bbox_wkt")
                else:
                    d["coordinates"]["bbox"] = box
        self._derived(d, iri, props, children, used)
        self._timing(d, iri, props, used)
        d["citations"] = self._citations(iri, props, children, used)
        self._unused(iri, props, used, self.relation_props)
        return d

    def relation(self, iri: str, props: Props, children: dict[str, Props]) -> Optional[dict]:
        v = self.v
        ident = self._id_of(iri, v.relation_ns, props)
        rt = self._one(iri, props, self.p_reltype, "cg:relationType")
        s = self._one(iri, props, self.p_subject, "cg:subject")
        o = self._one(iri, props, self.p_object, "cg:object")
        if ident is None or rt is None or s is None or o is None:
            self._problem(iri, "a cg:Relation needs cg:relationType, cg:subject and cg:object (dropped)")
            return None
        rtype = v.relation_by_prop.get(rt[1])
        if rtype is None:
            self._problem(iri, f"unknown relation type <{rt[1]}> (dropped)")
            return None
        d: dict = {"id": ident, "type": rtype,
                   "subject": self._slug(s, v.id_ns, "cg:subject", iri),
                   "object": self._slug(o, v.id_ns, "cg:object", iri)}
        used = {RDF_TYPE, self.p_identifier, self.p_reltype, self.p_subject, self.p_object,
                *self.derived_props}
        self._scalars_into(d, "Relation", iri, props, used)
        self._derived(d, iri, props, children, used)
        self._timing(d, iri, props, used)
        d["citations"] = self._citations(iri, props, children, used)
        self._unused(iri, props, used)
        return d

    def source(self, iri: str, props: Props) -> Optional[dict]:
        ident = self._id_of(iri, self.v.source_ns, props)
        if ident is None:
            return None
        d: dict = {"id": ident}
        used = {RDF_TYPE, self.p_identifier}
        self._scalars_into(d, "Source", iri, props, used)
        self._unused(iri, props, used)
        return d

    def meta(self, iri: str, props: Props) -> dict:
        d: dict = {}
        used = {RDF_TYPE}
        self._scalars_into(d, "DatasetMeta", iri, props, used)
        self._unused(iri, props, used)
        return d


# ---------------------------------------------------------------- reading a pyoxigraph store

def group_rows(rows: Iterable) -> dict[str, tuple[Props, dict[str, Props]]]:
    """``(x, c, p, o)`` solutions -> ``{x: (props, {c: props})}`` (``c`` None: x's own triple)."""
    out: dict[str, tuple[Props, dict[str, Props]]] = {}
    for x, c, p, o in rows:
        key = x.value
        entry = out.get(key)
        if entry is None:
            entry = out[key] = (defaultdict(list), defaultdict(lambda: defaultdict(list)))
        if c is None:
            entry[0][p.value].append(from_ox(o))
        else:
            entry[1][c.value][p.value].append(from_ox(o))
    return out


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


class StoreReader:
    """SPARQL reads of resources from a pyoxigraph store, grouped for :class:`Reader`."""

    def __init__(self, store, vocab: RdfVocab):
        self.store = store
        self.v = vocab
        self.reader = Reader(vocab)
        v = vocab
        self._kinds = _values(v.kind_classes.values())
        self._children = _values(v.child_links)
        self._direct = ", ".join(f"<{p}>" for p in v.relation_props.values())

    def query(self, q: str):
        return self.store.query(q)

    def select(self, q: str) -> list:
        """The distinct ``?x`` of a SPARQL query, as pyoxigraph terms."""
        return list(dict.fromkeys(row[0] for row in self.query(q)))

    def hydrate(self, xs: Iterable, links: Iterable[str] = ()) -> dict:
        """``{x: (props, {child: props})}``: the triples of each resource and of the nested
        resources it links to with ``links`` (pattern look-ups: cheaper than a join)."""
        import pyoxigraph as ox

        links = tuple(links)
        graph = getattr(self.store, "graph", ox.DefaultGraph())
        quads = self.store.quads_for_pattern
        out: dict = {}
        for x in xs:
            props: Props = defaultdict(list)
            for q in quads(x, None, None, graph):
                props[q.predicate.value].append(from_ox(q.object))
            children: dict[str, Props] = {}
            for link in links:
                for o in props.get(link, ()):
                    if o[0] == IRI or o[0] == BNODE:
                        cp: Props = defaultdict(list)
                        node = ox.NamedNode(o[1]) if o[0] == IRI else ox.BlankNode(o[1])
                        for q in quads(node, None, None, graph):
                            cp[q.predicate.value].append(from_ox(q.object))
                        children[o[1]] = cp
            out[x.value] = (props, children)
        return out

    def entity_rows(self, where: str = "") -> dict:
        """Entities matching ``where`` (SPARQL patterns over ``?x``), with their nested resources."""
        q = f"SELECT DISTINCT ?x WHERE {{ {where} ?x a ?k . VALUES ?k {{ {self._kinds} }} }}"
        return self.hydrate(self.select(q), self.v.child_links)

    def relation_rows(self, where: str = "") -> dict:
        """Relations matching ``where`` (patterns that bind ``?x``; default: every cg:Relation).

        Put the selective patterns first: Oxigraph joins in the order written."""
        q = f"SELECT DISTINCT ?x WHERE {{ {where or f'?x a <{self.v.Relation}> .'} }}"
        return self.hydrate(self.select(q), (self.reader.p_citation, self.reader.p_derivation))

    def source_rows(self, where: str = "") -> dict:
        q = f"SELECT DISTINCT ?x WHERE {{ {where} ?x a <{self.v.Source}> . }}"
        return self.hydrate(self.select(q))

    def meta_rows(self) -> dict:
        q = f"SELECT DISTINCT ?x WHERE {{ ?x a <{self.v.Dataset}> . }}"
        return self.hydrate(self.select(q))

    # -- to seed dicts
    def entities(self, where: str = "") -> Iterator[dict]:
        for iri, (props, children) in sorted(self.entity_rows(where).items()):
            d = self.reader.entity(iri, props, children)
            if d is not None:
                yield d

    def relations(self, where: str = "") -> Iterator[dict]:
        for iri, (props, children) in sorted(self.relation_rows(where).items()):
            d = self.reader.relation(iri, props, children)
            if d is not None:
                yield d

    def sources(self, where: str = "") -> Iterator[dict]:
        for iri, (props, _children) in sorted(self.source_rows(where).items()):
            d = self.reader.source(iri, props)
            if d is not None:
                yield d

    def meta(self) -> dict:
        rows = self.meta_rows()
        if not rows:
            return {}
        if len(rows) > 1:
            self.reader.problems.append(f"{len(rows)} dataset headers; kept the first")
        iri = sorted(rows)[0]
        return self.reader.meta(iri, rows[iri][0])

    def seed_data(self) -> dict:
        """Everything, as the data of one seed file (derived timing left out: it is recomputed
        when the seeds are validated, never typed)."""
        data: dict = {}
        meta = self.meta()
        if meta:
            data["dataset"] = meta
        data["sources"] = list(self.sources())
        data["entities"] = [_stated(d) for d in self.entities()]
        data["relations"] = [_stated(d) for d in self.relations()]
        self.check_direct(data["relations"])
        return data

    def check_direct(self, relations: list[dict]) -> None:
        """Report direct triples that no qualified relation stands behind."""
        v = self.v
        have: set[tuple[str, str, str]] = set()
        symmetric = set(v.symmetric_props)
        for r in relations:
            p = v.relation_props[r["type"]]
            have.add((r["subject"], p, r["object"]))
            if p in symmetric:  # written once; either direction stands for the relation
                have.add((r["object"], p, r["subject"]))
        q = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . VALUES ?p {{ {_values(v.relation_props.values())} }} }}"""
        missing = 0
        for s, p, o in self.query(q):
            key = (v.slug(s.value, v.id_ns), p.value, v.slug(getattr(o, "value", ""), v.id_ns))
            if key not in have:
                missing += 1
                if missing <= 20:
                    self.reader.problems.append(
                        f"<{s.value}> <{p.value}> <{getattr(o, 'value', o)}>: a direct triple without a "
                        "qualified cg:Relation (no period, confidence or source) was not imported")
        if missing > 20:
            self.reader.problems.append(f"... and {missing - 20} more direct triples without a cg:Relation")


def _stated(d: dict) -> dict:
    d.pop("timing", None)
    return d


def detect_base(store) -> Optional[str]:
    """The base IRI of crimegraph RDF in a store, from its ontology namespace (``{base}ontology/``)."""
    for local in ("relationType", "citation", "confidence"):
        q = (f'SELECT ?p WHERE {{ ?s ?p ?o FILTER(STRENDS(STR(?p), "/ontology/{local}")) }} LIMIT 1')
        for (p,) in store.query(q):
            return p.value[: -len(f"ontology/{local}")]
    q = ('SELECT ?t WHERE { ?s a ?t FILTER(STRENDS(STR(?t), "/ontology/Relation") || '
         'STRENDS(STR(?t), "/ontology/Actor") || STRENDS(STR(?t), "/ontology/Place")) } LIMIT 1')
    for (t,) in store.query(q):
        return t.value.rsplit("/ontology/", 1)[0] + "/"
    return None


__all__ = ["Reader", "StoreReader", "detect_base", "from_ox", "group_rows"]
