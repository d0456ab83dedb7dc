"""The FastAPI application: :func:`create_app` wires the store, the routes and the safety nets.

Everything is served under the base IRI's path: with ``--base-iri
http://host:8000/crimegraph/`` the entity ``shining-path`` is at
``/crimegraph/id/shining-path``, the docs at ``/crimegraph/docs`` (``/health``
also answers at the root, for probes).
"""

from __future__ import annotations

import logging
import os
import weakref
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import FastAPI
from starlette.responses import RedirectResponse, Response

from crimegraph import __version__

from . import problems, routes_api, routes_ld, routes_meta, routes_sparql
from .settings import Settings
from .state import ApiState

log = logging.getLogger("crimegraph.api")

DESCRIPTION = """A sourced knowledge graph of criminal actors, the places they hold and the illicit
economies they run. Every relation carries its validity period, an Admiralty confidence grade
and its citations.

Linked data: every entity, relation and source IRI under the base dereferences, with content
negotiation (text/turtle, application/n-triples, application/ld+json, application/json,
text/html) or an explicit extension (.ttl, .nt, .jsonld, .json, .html). SPARQL 1.1 (read-only)
at /sparql. The investigator's questions as JSON under /api/. Errors are RFC 9457 problem
details."""

TAGS = [
    {"name": "linked data", "description": "Dereferenceable IRIs, documents and dumps."},
    {"name": "sparql", "description": "SPARQL 1.1 Protocol, read-only, with a time and result-size limit."},
    {"name": "queries", "description": "The investigator's questions; the JSON of `crimegraph query … --format json`."},
    {"name": "service", "description": "Home page, health, documentation."},
]


def create_app(store=None, base_iri: Optional[str] = None, settings: Optional[Settings] = None) -> FastAPI:
    """The HTTP API over a store.

    Parameters
    ----------
    store : Store, optional
        Any backend (default: the embedded memory store with ``$CRIMEGRAPH_SEEDS`` or the
        bundled Peru data).
    base_iri : str, optional
        The base of every IRI (default :func:`crimegraph.config.base_iri`). Its path, if
        any, is where the API is mounted.
    settings : Settings, optional
        Limits, workers, CORS, caches (default :meth:`Settings.from_env`).
    """
    from crimegraph.config import base_iri as default_base

    settings = settings or Settings.from_env()
    if store is None:
        from crimegraph.graph.registry import open_store

        store = open_store("memory")
    state = ApiState(store, default_base(base_iri), settings)
    prefix = state.prefix

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import asyncio

        from crimegraph.errors import StoreUnavailable

        try:
            await asyncio.get_running_loop().run_in_executor(None, state.sparql.start)
        except StoreUnavailable:
            if not state.sparql.refused:
                raise
            # SPARQL stays off: logged, and said in /health and on /sparql (503)
        try:
            yield
        finally:
            state.close()

    app = FastAPI(title="crimegraph", version=__version__,
                  summary="Linked data, SPARQL and investigator queries over the crimegraph knowledge graph.",
                  description=DESCRIPTION, openapi_tags=TAGS, docs_url=None, redoc_url=None,
                  openapi_url=f"{prefix}/openapi.json", lifespan=lifespan)
    app.state.crimegraph = state
    app.openapi = _openapi(app)
    problems.install(app, state.base)
    for module in (routes_meta, routes_ld, routes_sparql, routes_api):
        app.include_router(module.router(state), prefix=prefix)
    if prefix:
        _root_routes(app, state)
    from .fastpath import CachedRepresentations

    app.add_middleware(CachedRepresentations, state=state)
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                           allow_headers=["Accept", "Content-Type", "If-None-Match"],
                           expose_headers=["Content-Location", "Link", "ETag", "Vary", "X-Result-Count"],
                           max_age=600)
    app.add_middleware(SecurityHeaders)
    weakref.finalize(app, _cleanup, state)
    return app


def _openapi(app: FastAPI):
    """FastAPI's OpenAPI document, with validation errors documented as the problem details they are."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            problem = problems.responses(422)[422]
            for item in schema.get("paths", {}).values():
                for op in item.values():
                    resp = op.get("responses", {})
                    if "422" in resp:
                        resp["422"] = {**problem, "description": "Invalid parameter (problem details)."}
            comps = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                comps.pop(name, None)
            if "components" in schema and not comps:
                schema["components"].pop("schemas", None)
                if not schema["components"]:
                    schema.pop("components")
        return app.openapi_schema
    return openapi


def _cleanup(state: ApiState) -> None:
    try:
        state.close()
    except Exception:  # noqa: BLE001 - at exit, best effort
        pass


def _root_routes(app: FastAPI, state: ApiState) -> None:
    """With a base path, the root still answers ``/health`` and sends ``/`` to the base."""
    prefix = state.prefix

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse(prefix + "/", status_code=303)

    @app.get("/health", include_in_schema=False)
    async def root_health() -> Response:
        return RedirectResponse(prefix + "/health", status_code=307)

    @app.get("/.well-known/void", include_in_schema=False)
    async def root_void() -> Response:
        return RedirectResponse(prefix + "/void", status_code=303)


class SecurityHeaders:
    """A pure ASGI middleware adding ``X-Content-Type-Options: nosniff`` to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def open_serving_store(backend: str, seeds=None, base: Optional[str] = None, allow_incomplete: bool = False):
    """Open the store to serve: memory loads the seeds; an empty RDF store is filled with them;
    Neo4j serves what ``crimegraph load`` put there (refused when that load never finished,
    unless ``allow_incomplete``)."""
    from crimegraph.graph.registry import open_store, parse_spec

    name, given = parse_spec(backend)
    if name == "memory":
        return open_store("memory", seeds=seeds)
    options = {}
    if name == "rdf" and base and not (given or os.environ.get("CRIMEGRAPH_RDF_PATH")):
        options["base_iri"] = base
    st = open_store(backend, seeds=False, **options)
    problem = getattr(st, "load_problem", lambda: None)()
    if problem is not None:
        if not allow_incomplete:
            from crimegraph.errors import StoreUnavailable

            st.close()
            raise StoreUnavailable(f"{problem}; or pass --allow-incomplete to serve it as it is")
        log.warning("%s", problem)
    if name == "rdf" and len(st) == 0:
        from crimegraph.schema.loader import load_dataset

        st.write(load_dataset(seeds), replace=True)
    return st


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` (``crimegraph serve --workers N`` runs one per process).

    Reads ``CRIMEGRAPH_STORE``, ``CRIMEGRAPH_SEEDS``, ``CRIMEGRAPH_BASE_IRI`` and the
    settings' variables (:data:`crimegraph.api.settings.ENV`).
    """
    from crimegraph.graph.registry import default_backend

    base = os.environ.get("CRIMEGRAPH_BASE_IRI") or None
    allow = os.environ.get("CRIMEGRAPH_ALLOW_INCOMPLETE", "") not in ("", "0", "false", "no")
    store = open_serving_store(default_backend(), os.environ.get("CRIMEGRAPH_SEEDS") or None, base, allow)
    return create_app(store, base, Settings.from_env())
