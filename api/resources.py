"""Representations of one resource (entity, relation, source) in every served format.

What an entity's RDF holds (a symmetric concise description, so that a
consumer needs no second request to read the page):

- the entity with all its fields, citations and its direct relation triples
  (``:shining-path cg:operatesIn :vraem``);
- every **qualified** relation it takes part in, either end (``cg:Relation``
  with ``cg:subject``, ``cg:object``, period, confidence, citations);
- the direct triples pointing at it (``:x cg:alliedWith :shining-path``) and
  the ``skos:prefLabel`` of every neighbour;
- every source cited by it or its relations.

A relation's RDF holds the qualified relation, its direct triple, both
entities' labels and its sources; a source's RDF holds the source and the
``prov:wasDerivedFrom`` links of everything citing it.

Plain JSON uses the shapes of the CLI: an entity is ``crimegraph show
--format json``, a relation ``crimegraph query evidence --format json``.

Each representation is built from the store (through the Store protocol) on
first request and cached as bytes per (resource, media type).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Optional

from crimegraph.errors import EntityNotFound, RelationNotFound, SourceNotFound
from crimegraph.schema.models import SLUG_PATTERN, Entity, Relation

from .cache import Representation

TURTLE, NTRIPLES, JSONLD, JSON, HTML = ("text/turtle", "application/n-triples", "application/ld+json",
                                        "application/json", "text/html")
#: what a resource IRI offers, in the server's order of preference (``*/*`` gets Turtle)
OFFERS = (TURTLE, JSONLD, NTRIPLES, JSON, HTML, "application/x-turtle")
ALIASES = {"application/x-turtle": TURTLE}
#: explicit extensions (``{base}id/shining-path.ttl``)
EXTENSIONS = {"ttl": TURTLE, "nt": NTRIPLES, "jsonld": JSONLD, "json": JSON, "html": HTML}
EXTENSION_OF = {v: k for k, v in EXTENSIONS.items()}
KINDS = ("id", "relation", "source")

_SLUG = re.compile(SLUG_PATTERN)
_RELATION_ID = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


def split_name(name: str) -> tuple[str, Optional[str]]:
    """``"shining-path.ttl"`` -> ``("shining-path", "ttl")``; ids never contain a dot."""
    stem, dot, ext = name.rpartition(".")
    if dot:
        return stem, ext
    return name, None


def valid_id(kind: str, ident: str) -> bool:
    if not ident or len(ident) > 400:
        return False
    return bool((_RELATION_ID if kind == "relation" else _SLUG).match(ident))


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=str, allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------- views
@dataclass
class EntityView:
    entity: Entity
    relations: list[Relation]
    names: dict[str, str]
    sources: dict  # SourceBook


def entity_view(state, slug: str) -> EntityView:
    from crimegraph.queries.shapes import SourceBook

    st, ds = state.store, state.dataset
    e = st.entity(slug)
    rels = st.relations(e.id)
    names = {e.id: e.name}
    for r in rels:
        o = r.other(e.id)
        if o not in names:
            other = ds.entities.get(o)
            names[o] = other.name if other is not None else st.entity(o).name
    book = SourceBook()
    for c in [*e.citations, *(c for r in rels for c in r.citations)]:
        if c.source not in book:
            s = ds.sources.get(c.source)
            if s is not None:
                book[c.source] = s
    return EntityView(e, rels, names, book)


# ---------------------------------------------------------------- RDF nodes
def entity_nodes(state, view: EntityView) -> list:
    from crimegraph.rdf.describe import IRI, LIT, Node

    v, d, e = state.vocab, state.describer, view.entity
    direct = sorted((r for r in view.relations if r.subject == e.id), key=lambda r: r.id)
    nodes = [d.entity(e, direct)]
    nodes.extend(d.relation(r) for r in view.relations)
    label = v.expand("skos:prefLabel")
    me = v.entity_iri(e.id)
    for other in sorted(set(view.names) - {e.id}):
        props: list = [(label, (LIT, view.names[other], None))]
        for r in view.relations:
            if r.subject == other and r.object == e.id:
                props.append((v.relation_props[r.type], (IRI, me)))
        nodes.append(Node(v.entity_iri(other), None, props))
    nodes.extend(d.source(view.sources[s]) for s in sorted(view.sources))
    return nodes


def relation_nodes(state, ev) -> list:
    from crimegraph.rdf.describe import IRI, LIT, Node

    v, d, r = state.vocab, state.describer, ev.relation
    label = v.expand("skos:prefLabel")
    nodes = [d.relation(r)]
    nodes.append(Node(v.entity_iri(ev.subject.id), None, [
        (label, (LIT, ev.subject.name, None)), (v.relation_props[r.type], (IRI, v.entity_iri(ev.object.id)))]))
    if ev.object.id != ev.subject.id:
        nodes.append(Node(v.entity_iri(ev.object.id), None, [(label, (LIT, ev.object.name, None))]))
    nodes.extend(d.source(ev.sources[s]) for s in sorted(ev.sources))
    return nodes


def source_nodes(state, s, relation_ids, entity_ids) -> list:
    from crimegraph.rdf.describe import IRI, Node

    v = state.vocab
    derived = v.expand("prov:wasDerivedFrom")
    me = (IRI, v.source_iri(s.id))
    nodes = [state.describer.source(s)]
    nodes.extend(Node(v.relation_iri(r), None, [(derived, me)]) for r in relation_ids)
    nodes.extend(Node(v.entity_iri(e), None, [(derived, me)]) for e in entity_ids)
    return nodes


def rdf_bytes(state, nodes: list, media: str) -> bytes:
    from crimegraph.rdf.jsonld import write_jsonld
    from crimegraph.rdf.writers import write_ntriples, write_turtle

    buf = io.BytesIO()
    if media == TURTLE:
        write_turtle(nodes, buf, state.vocab)
    elif media == NTRIPLES:
        write_ntriples(nodes, buf)
    else:
        write_jsonld(nodes, buf, state.vocab)
    return buf.getvalue()


# ---------------------------------------------------------------- building
def build(state, kind: str, ident: str, media: str) -> Representation:
    """The representation of ``{base}{kind}/{ident}`` in ``media``; NotFound errors pass through."""
    from . import pages

    site = site_of(state)
    path = f"{kind}/{ident}"
    if kind == "id":
        view = entity_view(state, ident)
        if media == JSON:
            from crimegraph.serialize import entity_dict, relation_dict

            body = _dumps({"entity": entity_dict(view.entity, store=view.sources),
                           "relations": [relation_dict(r, view.sources, names=view.names,
                                                       perspective=view.entity.id)
                                         for r in view.relations]})
        elif media == HTML:
            body = pages.entity_page(site, view.entity, view.relations, view.names, view.sources,
                                     map_url=site.url(f"map/{ident}")).encode("utf-8")
        else:
            body = rdf_bytes(state, entity_nodes(state, view), media)
    elif kind == "relation":
        from crimegraph.queries import evidence

        ev = evidence(state.store, ident)
        if media == JSON:
            body = _dumps(ev.as_dict())
        elif media == HTML:
            body = pages.relation_page(site, ev.relation, ev.subject, ev.object, ev.sources).encode("utf-8")
        else:
            body = rdf_bytes(state, relation_nodes(state, ev), media)
    elif kind == "source":
        from crimegraph.queries.sources import support

        s = state.store.source(ident)
        ds = state.dataset
        sup = support(s, state.citers, lambda i: ds.entities[i], lambda i: ds.relations[i])
        if media == JSON:
            body = _dumps(sup.as_dict())
        elif media == HTML:
            body = pages.source_page(site, sup).encode("utf-8")
        else:
            rel_ids, ent_ids = state.citers.get(s.id, ([], []))
            body = rdf_bytes(state, source_nodes(state, s, rel_ids, ent_ids), media)
    else:  # pragma: no cover - routes only pass the three kinds
        raise ValueError(kind)
    return Representation.of(body, media, resource_headers(state, path, media))


def resource_headers(state, path: str, media: str) -> dict[str, str]:
    headers = {"Content-Location": f"{state.prefix}/{path}.{EXTENSION_OF[media]}",
               "Link": link_header(state, path)}
    if media == HTML:
        from .pages import CSP

        headers["Content-Security-Policy"] = CSP
    return headers


def link_header(state, path: str) -> str:
    parts = [f'<{state.prefix}/{path}.{ext}>; rel="alternate"; type="{media}"'
             for ext, media in EXTENSIONS.items()]
    return ", ".join(parts)


def site_of(state):
    from .pages import Site

    site = getattr(state, "_site", None)
    if site is None:
        title = state.meta.title if state.meta is not None and state.meta.title else "crimegraph"
        site = state._site = Site(state.prefix, state.base, title)
    return site


NOT_FOUND = (EntityNotFound, RelationNotFound, SourceNotFound)
