"""Linked data: dereferenceable IRIs, the ontology, shapes, context, VoID, dumps and entity maps.

URL layout (all under the base IRI's path):

================================  =====================================================
``id/{slug}``                     an entity; content negotiation on ``Accept``, served
                                  directly (``200``, ``Vary: Accept``, ``Content-Location``
                                  naming the format's own URL, ``Link`` to every format)
``id/{slug}.ttl|.nt|.jsonld|.json|.html``   one format, whatever ``Accept`` says
``relation/{id}``, ``source/{id}``          likewise (and with the extensions)
``dataset/{id}``, ``void``        the VoID description (``/.well-known/void`` redirects)
``ontology/``, ``ontology/{term}``  the OWL ontology, and each class or property in it
``ontology/context.jsonld``       the JSON-LD context
``shapes/``, ``shapes/{name}``    the SHACL shapes, and each shape
``dump.ttl|.nt|.jsonld|.trig|.nq``  the whole dataset (written once, then streamed from a file)
``graph/qualified``               the named graph of qualified relations: 303 to ``dump.trig``
``map/{slug}``                    an offline network map around an entity (embedded in its page)
================================  =====================================================

Why ``200`` and not ``303``: every representation names the document it came
from (``Content-Location``) and the entity it describes (its subject IRI), so
a client with ``curl -H 'Accept: text/turtle' {base}id/x`` gets the data in one
request; a ``303`` would only add a round trip (see the W3C TAG's 2012 note on
httpRange-14, which allows either).
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from fastapi import APIRouter

from .cache import Representation
from .documents import DOC_EXTENSIONS, choose, convert, describe_term, document, respond
from .problems import Problem, responses
from .resources import (ALIASES, EXTENSIONS, HTML, JSON, JSONLD, NTRIPLES, OFFERS, TURTLE, build,
                        site_of, split_name, valid_id)
from .state import DUMPS

TAG = "linked data"
#: the local names of ontology terms and shapes (cg:operatesIn, cgsh:CitationShape)
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,199}$")

_RDF_CONTENT = {
    TURTLE: {"schema": {"type": "string"}},
    JSONLD: {"schema": {"type": "object"}},
    NTRIPLES: {"schema": {"type": "string"}},
    JSON: {"schema": {"type": "object"}},
    HTML: {"schema": {"type": "string"}},
}
LD_RESPONSES = {200: {"description": "The resource, in the negotiated format.", "content": _RDF_CONTENT},
                304: {"description": "Not modified (If-None-Match)."},
                **responses(404, 406)}
DOC_RESPONSES = {200: {"description": "The document, in the negotiated format.",
                       "content": {k: v for k, v in _RDF_CONTENT.items() if k != JSON}},
                 304: {"description": "Not modified (If-None-Match)."},
                 **responses(404, 406)}
_WHAT = {"id": "entity", "relation": "relation", "source": "source"}
_LOOKUP = {"id": "entities", "relation": "relations", "source": "sources"}


def router(state) -> APIRouter:
    r = APIRouter(default_response_class=Response)
    cache = state.cache

    async def deref(request: Request, kind: str, name: str) -> Response:
        ident, ext = split_name(name)
        if not valid_id(kind, ident):
            raise Problem(404, f"no {_WHAT[kind]} {ident[:200]!r}", type="not-found")
        if ext is not None:
            media = EXTENSIONS.get(ext)
            if media is None:
                raise Problem(404, f"no such format: .{ext[:20]}; use .ttl, .nt, .jsonld, .json or .html",
                              type="not-found")
        else:
            media = choose(request, OFFERS, ALIASES)
        key = (kind, ident, media)
        rep = cache.get(key)
        if rep is None:
            if ident not in getattr(state.dataset, _LOOKUP[kind]):
                # not there: let the store say so, with its suggestions
                await run_in_threadpool(_lookup, state, kind, ident)
            rep = await run_in_threadpool(build, state, kind, ident, media)
            cache.put(key, rep)
        return respond(request, rep, vary=ext is None)

    @r.api_route("/id/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=LD_RESPONSES,
                 summary="An entity (content negotiation; or add .ttl, .nt, .jsonld, .json, .html)")
    async def entity(request: Request, name: str) -> Response:
        """The entity ``{base}id/{slug}``: its fields, citations, direct relation triples, every
        qualified relation it takes part in (period, confidence, citations), its neighbours'
        labels and the sources cited. Negotiated on ``Accept`` (``text/turtle`` when anything
        goes), with ``Vary: Accept`` and a ``Content-Location`` naming the format's own URL."""
        return await deref(request, "id", name)

    @r.api_route("/relation/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=LD_RESPONSES,
                 summary="A qualified relation with its evidence")
    async def relation(request: Request, name: str) -> Response:
        """The relation ``{base}relation/{id}``: type, both entities, period, confidence and every
        citation with its source."""
        return await deref(request, "relation", name)

    @r.api_route("/source/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=LD_RESPONSES,
                 summary="A source, and what cites it")
    async def source(request: Request, name: str) -> Response:
        """The source ``{base}source/{id}`` and the relations and entities that cite it."""
        return await deref(request, "source", name)

    # ------------------------------------------------------------ VoID
    def void_rep(media: str) -> Representation:
        from . import pages
        from .void import void_turtle

        text = void_turtle(state)
        if media == HTML:
            body = pages.rdf_page(site_of(state), "VoID description", "What the dataset holds, and where to "
                                  "get it.", text, [("void.ttl", "Turtle"), ("void.nt", "N-Triples"),
                                                    ("void.jsonld", "JSON-LD")]).encode("utf-8")
        else:
            body = convert(text, media, dict(state.vocab.prefixes))
        return _doc_rep(body, media)

    @r.api_route("/void", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The VoID description of the dataset")
    async def void(request: Request) -> Response:
        return document(request, cache, ("void",), void_rep)

    @r.api_route("/void.{ext}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The VoID description in one format (ttl, nt, jsonld, html)")
    async def void_ext(request: Request, ext: str) -> Response:
        return document(request, cache, ("void",), void_rep, ext=ext)

    @r.api_route("/dataset/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The dataset (its VoID description)")
    async def dataset(request: Request, name: str) -> Response:
        from .void import dataset_iri

        ident, ext = split_name(name)
        if state.base + "dataset/" + ident != dataset_iri(state):
            raise Problem(404, f"no dataset {ident[:100]!r}", type="not-found")
        return document(request, cache, ("void",), void_rep, ext=ext)

    # ------------------------------------------------------------ ontology, shapes, context
    def schema_doc(which: str, title: str, intro: str):
        def make(media: str) -> Representation:
            from . import pages

            text = state.docs()[which]
            if media == HTML:
                path = "ontology" if which == "ontology" else "shapes"
                body = pages.rdf_page(site_of(state), title, intro, text, [
                    (f"{path}.ttl", "Turtle"), (f"{path}.nt", "N-Triples"), (f"{path}.jsonld", "JSON-LD")]
                ).encode("utf-8")
            else:
                body = convert(text, media, dict(state.vocab.prefixes))
            return _doc_rep(body, media)
        return make

    onto = schema_doc("ontology", "Ontology", "The OWL ontology, generated from the schema: a class per "
                      "entity kind and type, a property per relation type.")
    shapes = schema_doc("shapes", "SHACL shapes", "The SHACL shapes every export conforms to, generated "
                        "from the schema.")

    @r.api_route("/ontology/", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The OWL ontology")
    async def ontology(request: Request) -> Response:
        return await run_in_threadpool(document, request, cache, ("ontology",), onto)

    @r.api_route("/ontology.{ext}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The OWL ontology in one format (ttl, nt, jsonld, html)")
    async def ontology_ext(request: Request, ext: str) -> Response:
        return await run_in_threadpool(document, request, cache, ("ontology",), onto, ext=ext)

    @r.get("/ontology/context.jsonld", tags=[TAG], summary="The JSON-LD context",
           responses={200: {"content": {JSONLD: {"schema": {"type": "object"}}}, "description": "The context."}})
    async def context(request: Request) -> Response:
        rep = cache.get(("context",))
        if rep is None:
            rep = _doc_rep(state.docs()["context"].encode("utf-8"), JSONLD)
            cache.put(("context",), rep)
        return respond(request, rep, vary=False)

    @r.api_route("/shapes/", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The SHACL shapes")
    async def shapes_doc(request: Request) -> Response:
        return await run_in_threadpool(document, request, cache, ("shapes",), shapes)

    @r.api_route("/shapes.{ext}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="The SHACL shapes in one format (ttl, nt, jsonld, html)")
    async def shapes_ext(request: Request, ext: str) -> Response:
        return await run_in_threadpool(document, request, cache, ("shapes",), shapes, ext=ext)

    def term_handler(graph_path: str, what: str):
        def serve(request: Request, name: str) -> Response:
            local, ext = split_name(name)
            if ext is not None and ext not in DOC_EXTENSIONS:
                local, ext = name, None
            if not _TERM.match(local):
                raise Problem(404, f"no {what} {local[:100]!r}", type="not-found")
            graph = state.base + graph_path
            iri = graph + local
            docs = state.docs()
            text = describe_term(docs["store"], graph, iri, dict(state.vocab.prefixes))
            if text is None:
                raise Problem(404, f"no {what} {local[:100]!r} in {graph}", type="not-found")

            def make(media: str) -> Representation:
                from . import pages

                if media == HTML:
                    body = pages.rdf_page(site_of(state), local, f"{iri}, as defined in {graph}", text,
                                          [(f"{graph_path}{local}.ttl", "Turtle"),
                                           (f"{graph_path}{local}.jsonld", "JSON-LD")]).encode("utf-8")
                else:
                    body = convert(text, media, dict(state.vocab.prefixes))
                return _doc_rep(body, media)

            return document(request, cache, (graph_path, local), make, ext=ext)
        return serve

    onto_term = term_handler("ontology/", "class or property")
    shape_term = term_handler("shapes/", "shape")

    @r.api_route("/ontology/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="A class or property of the ontology")
    async def ontology_term(request: Request, name: str) -> Response:
        return await run_in_threadpool(onto_term, request, name)

    @r.api_route("/shapes/{name}", methods=["GET", "HEAD"], tags=[TAG], responses=DOC_RESPONSES,
                 summary="One SHACL shape")
    async def shape(request: Request, name: str) -> Response:
        return await run_in_threadpool(shape_term, request, name)

    # ------------------------------------------------------------ dumps
    @r.api_route("/dump.{ext}", methods=["GET", "HEAD"], tags=[TAG],
                 summary="The whole dataset: ttl, nt, jsonld, trig or nq (streamed)",
                 responses={200: {"description": "The dump.", "content": {
                     m: {"schema": {"type": "string"}} for _, m in DUMPS.values()}}, **responses(404)})
    async def dump(request: Request, ext: str) -> Response:
        """The dataset in one file, streamed from disk (written on the first request). Turtle,
        N-Triples, JSON-LD (compacted with the embedded context), TriG (qualified relations in
        the named graph ``{base}graph/qualified``) and N-Quads."""
        if ext not in DUMPS:
            raise Problem(404, f"no dump in .{ext[:20]}; available: {', '.join('dump.' + e for e in DUMPS)}",
                          type="not-found")
        path = await run_in_threadpool(state.dump_path, ext)
        name = (state.meta.id if state.meta is not None and state.meta.id else "crimegraph") + f".{ext}"
        return FileResponse(path, media_type=DUMPS[ext][1], filename=name,
                            content_disposition_type="inline",
                            headers={"Cache-Control": "public, max-age=300"})

    @r.get("/graph/qualified", tags=[TAG], status_code=303, summary="The named graph of qualified relations",
           responses={303: {"description": "See the TriG dump."}})
    async def qualified(request: Request) -> Response:
        return RedirectResponse(f"{state.prefix}/dump.trig", status_code=303)

    @r.get("/.well-known/void", tags=[TAG], status_code=303, include_in_schema=False)
    async def well_known_void(request: Request) -> Response:
        return RedirectResponse(f"{state.prefix}/void", status_code=303)

    # ------------------------------------------------------------ maps
    @r.get("/map/{slug}", tags=[TAG], summary="An offline network map around an entity (HTML)",
           responses={200: {"content": {HTML: {"schema": {"type": "string"}}}, "description": "The map."},
                      **responses(404)})
    async def entity_map(request: Request, slug: str) -> Response:
        """The entity, its neighbours and the relations among them, as one self-contained HTML
        page (nothing is loaded from elsewhere). At most 30 neighbours are drawn."""
        if not valid_id("id", slug):
            raise Problem(404, f"no entity {slug[:200]!r}", type="not-found")
        rep = state.maps.get(slug)
        if rep is None:
            rep = await run_in_threadpool(_map, state, slug)
            state.maps.put(slug, rep)
        return respond(request, rep, vary=False)

    return r


def _doc_rep(body: bytes, media: str) -> Representation:
    headers = {}
    if media == HTML:
        from .pages import CSP

        headers["Content-Security-Policy"] = CSP
    return Representation.of(body, media, headers)


def _lookup(state, kind: str, ident: str) -> None:
    st = state.store
    if kind == "id":
        st.entity(ident)
    elif kind == "relation":
        st.relation(ident)
    else:
        st.source(ident)


def _map(state, slug: str) -> Representation:
    from crimegraph.visualizations import render, select

    from .pages import MAP_CSP

    e = state.store.entity(slug)
    sel = select(state.store, ego=e.id, depth=1, cap=30)
    m = render(sel.subgraph, title=sel.title or e.name, subtitle=sel.subtitle, store=state.store,
               notes=list(sel.notes))
    return Representation.of(m.html.encode("utf-8"), HTML, {"Content-Security-Policy": MAP_CSP})
