"""The JSON-LD context, generated from :mod:`crimegraph.rdf.vocab` (``crimegraph schema context``).

Terms are the local names of the properties (``prefLabel``, ``operatesIn``,
``validFrom``) and of the classes (``Actor``, ``ArmedGroup``, ``Relation``);
``id`` and ``type`` alias ``@id`` and ``@type``. Resource-valued terms are
coerced to ``@id`` (so ``"operatesIn": "…/id/vraem"`` is a link), typed ones
to their datatype (``validFrom`` is an ``xsd:date``). The context uses JSON-LD
1.0 features only, so every processor (PyLD, rdflib, Oxigraph) reads it.

Exports embed it inline by default, so a dump never needs a network fetch;
``context_url`` makes them refer to ``{base}ontology/context.jsonld`` instead
(served by ``crimegraph serve``; tests serve it from a local document loader).
"""

from __future__ import annotations

import json
from typing import Optional

from .describe import XSD_ANYURI, XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER
from .vocab import XSD_DATE, RdfVocab, fields, MODELS, rdf_vocab

#: kind of field -> datatype the term is coerced to
_COERCE = {"integer": XSD_INTEGER, "double": XSD_DOUBLE, "boolean": XSD_BOOLEAN, "anyURI": XSD_ANYURI}


def coercions(v: RdfVocab) -> dict[str, Optional[str]]:
    """term name -> ``"@id"``, ``"@vocab"``, a datatype IRI, or None (no coercion)."""
    out: dict[str, Optional[str]] = {t: None for t in v.terms}
    for m in MODELS:
        for f in fields(m):
            if f.curie and f.kind in _COERCE:
                out[v.term_name(v.expand(f.curie))] = _COERCE[f.kind]
    for curie in ("cg:subject", "cg:object", "cg:source", "prov:wasDerivedFrom", "owl:sameAs",
                  "cg:citation", "schema:geo", "schema:identifier", "cg:figures", "skosxl:altLabel",
                  "cg:derivation"):
        out[v.term_name(v.expand(curie))] = "@id"
    out[v.term_name(v.expand("cg:relationType"))] = "@vocab"
    for term in ("validFrom", "validTo", "shownFrom", "shownUntil"):
        out[term] = XSD_DATE
    out["datedSources"] = XSD_INTEGER
    for p in v.relation_props.values():
        out[v.term_name(p)] = "@id"
    return out


def class_terms(v: RdfVocab) -> dict[str, str]:
    """term -> class IRI for the ontology's own classes."""
    out = {}
    for iri in [*v.kind_classes.values(), *v.type_classes.values(), v.Relation, v.Citation,
                v.Source, v.Dataset, v.Figures, v.Entity, v.expand("cg:Derivation")]:
        out[iri.rsplit("/", 1)[-1]] = iri
    return out


def jsonld_context(vocab: Optional[RdfVocab] = None) -> dict:
    """The value of ``@context`` (a JSON object)."""
    v = vocab or rdf_vocab()
    ctx: dict = {"id": "@id", "type": "@type"}
    for p, ns in v.prefixes.items():
        if p not in ("id", "rel", "src"):  # "id" is the @id alias; entity IRIs are written in full
            ctx[p] = ns
    for term, iri in class_terms(v).items():
        ctx[term] = v.compact(iri)
    co = coercions(v)
    for term, iri in v.terms.items():
        c = co.get(term)
        if c is None:
            ctx[term] = v.compact(iri)
        else:
            ctx[term] = {"@id": v.compact(iri), "@type": c if c.startswith("@") else v.compact(c)}
    return ctx


def context_document(vocab: Optional[RdfVocab] = None) -> dict:
    """The context as a document (``{"@context": …}``), as served at ``{base}ontology/context.jsonld``."""
    return {"@context": jsonld_context(vocab)}


def context_text(vocab: Optional[RdfVocab] = None) -> str:
    return json.dumps(context_document(vocab), indent=2, ensure_ascii=False) + "\n"
