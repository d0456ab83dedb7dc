"""The home page, ``/health``, the offline API docs and the problem types."""

from __future__ import annotations

import json
import time
from typing import Annotated, Optional

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from crimegraph import __version__

from .cache import Representation
from .documents import choose, convert, respond
from .problems import TYPES, Problem, responses
from .resources import HTML, JSON, JSONLD, NTRIPLES, TURTLE, site_of

TAG = "service"


def router(state) -> APIRouter:
    r = APIRouter(default_response_class=Response)

    @r.get("/", tags=[TAG], summary="Home: the dataset, search, and links to everything",
           responses={200: {"description": "HTML for browsers; the VoID description for RDF clients; "
                                           "an index for JSON clients.",
                            "content": {HTML: {"schema": {"type": "string"}}, TURTLE: {"schema": {"type": "string"}},
                                        JSON: {"schema": {"type": "object"}}}}, **responses(406, 422)})
    def home(request: Request, q: Annotated[Optional[str], Query(max_length=200, description="Search text.")] = None
             ) -> Response:
        media = choose(request, (HTML, TURTLE, JSONLD, NTRIPLES, JSON))
        if q is not None and q.strip() and media == HTML:
            from crimegraph.queries import search

            from . import pages

            hits = search(state.store, q.strip(), limit=20).as_dict()["results"]
            html = pages.home_page(site_of(state), state.meta, state.counts, query=q, hits=hits,
                                   example=state.example)
            return Response(html, media_type=HTML, headers={"Vary": "Accept", "Cache-Control": "no-store",
                                                             "Content-Security-Policy": pages.CSP})
        rep = state.cache.get(("home", media))
        if rep is None:
            rep = _home(state, media)
            state.cache.put(("home", media), rep)
        return respond(request, rep, vary=True, max_age=60)

    @r.get("/health", tags=[TAG], summary="Liveness and what the server holds",
           responses={200: {"description": "The server is up.", "content": {"application/json": {
               "schema": {"type": "object", "required": ["status"], "properties": {
                   "status": {"type": "string"}}}}}}})
    async def health() -> Response:
        body = {"status": "ok", "version": __version__, "store": state.store.backend,
                "base_iri": state.base, "entities": state.counts["entities"],
                "relations": state.counts["relations"], "sources": state.counts["sources"],
                "uptime_s": round(time.time() - state.started, 1), "sparql": state.sparql.status()}
        return Response(json.dumps(body, allow_nan=False), media_type="application/json",
                        headers={"Cache-Control": "no-store"})

    @r.get("/docs", tags=[TAG], summary="API documentation (offline HTML)",
           responses={200: {"content": {HTML: {"schema": {"type": "string"}}}, "description": "The docs."}})
    def docs(request: Request) -> Response:
        rep = state.cache.get(("docs",))
        if rep is None:
            from . import pages

            html = pages.docs_page(site_of(state), request.app.openapi())
            rep = Representation.of(html.encode("utf-8"), HTML, {"Content-Security-Policy": pages.CSP})
            state.cache.put(("docs",), rep)
        return respond(request, rep, vary=False, max_age=60)

    @r.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    @r.get("/problems/", tags=[TAG], summary="The problem types of error responses (HTML)",
           responses={200: {"content": {HTML: {"schema": {"type": "string"}}}, "description": "The list."}})
    def problem_types(request: Request) -> Response:
        from . import pages

        html = pages.problems_page(site_of(state), TYPES.values())
        return Response(html, media_type=HTML, headers={"Content-Security-Policy": pages.CSP})

    @r.get("/problems/{slug}", tags=[TAG], summary="One problem type (HTML)",
           responses={200: {"content": {HTML: {"schema": {"type": "string"}}}, "description": "The type."},
                      **responses(404)})
    def problem_type(request: Request, slug: str) -> Response:
        from . import pages

        t = TYPES.get(slug)
        if t is None:
            raise Problem(404, f"no problem type {slug[:60]!r}", type="not-found")
        html = pages.problems_page(site_of(state), [t])
        return Response(html, media_type=HTML, headers={"Content-Security-Policy": pages.CSP})

    return r


def _home(state, media: str) -> Representation:
    from . import pages
    from .void import void_turtle

    if media == HTML:
        html = pages.home_page(site_of(state), state.meta, state.counts, example=state.example)
        return Representation.of(html.encode("utf-8"), HTML, {"Content-Security-Policy": pages.CSP})
    if media == JSON:
        p = state.prefix
        body = {"title": state.meta.title if state.meta is not None else None, "base_iri": state.base,
                "counts": state.counts,
                "links": {"entity": f"{p}/id/{{slug}}", "relation": f"{p}/relation/{{id}}",
                          "source": f"{p}/source/{{id}}", "sparql": f"{p}/sparql", "api": f"{p}/api/",
                          "docs": f"{p}/docs", "openapi": f"{p}/openapi.json", "void": f"{p}/void",
                          "ontology": f"{p}/ontology/", "shapes": f"{p}/shapes/",
                          "context": f"{p}/ontology/context.jsonld",
                          "dumps": [f"{p}/dump.{e}" for e in ("ttl", "nt", "jsonld", "trig", "nq")]}}
        return Representation.of(json.dumps(body, allow_nan=False).encode("utf-8"), JSON)
    return Representation.of(convert(void_turtle(state), media, dict(state.vocab.prefixes)), media)
