"""Errors as RFC 9457 problem details (``application/problem+json``), never with a traceback.

Every error the server sends has the shape::

    {"type": "{base}problems/not-found", "title": "Not found", "status": 404,
     "detail": "no entity 'shinning-path'; did you mean: shining-path (Shining Path)?",
     "instance": "/id/shinning-path", ...extension members}

``type`` names one of :data:`TYPES` (each documented at its IRI, which the
server dereferences) or is ``about:blank`` for plain HTTP errors. A bug gives
a ``500`` whose detail says only that, with an incident id that the server
log repeats next to the traceback.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Optional

log = logging.getLogger("crimegraph.api")

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: int
    description: str


#: the problem types this server uses, documented at ``{base}problems/{slug}``
TYPES: dict[str, ProblemType] = {t.slug: t for t in [
    ProblemType("not-found", "Not found", 404,
                "No entity, relation, source or page has this identifier. The detail lists close "
                "matches where there are any; search with /api/search?q=…"),
    ProblemType("bad-parameter", "Bad parameter", 400,
                "A parameter has a value the server cannot use (an unknown relation type, a date "
                "that is not YYYY, YYYY-MM or YYYY-MM-DD, an entity of the wrong kind). The detail "
                "names the parameter and what is allowed."),
    ProblemType("invalid-request", "Invalid request", 422,
                "A parameter is missing, of the wrong type, or outside its limits (every parameter "
                "has one: see /docs). `errors` lists each parameter and what is wrong with it."),
    ProblemType("not-acceptable", "Not acceptable", 406,
                "None of the media types in the Accept header can be served here. `available` "
                "lists the ones that can; or use an explicit extension (.ttl, .nt, .jsonld, .json, .html)."),
    ProblemType("unsupported-media-type", "Unsupported media type", 415,
                "The request body has a Content-Type this endpoint does not read. SPARQL queries "
                "are sent as application/x-www-form-urlencoded or application/sparql-query."),
    ProblemType("read-only", "Read-only endpoint", 403,
                "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) is not "
                "allowed: this endpoint only answers queries."),
    ProblemType("federation-refused", "Federated query refused", 403,
                "SERVICE clauses are refused: this endpoint never sends requests to other hosts."),
    ProblemType("sparql-syntax", "SPARQL syntax error", 400,
                "The query could not be parsed. The detail gives the position and what was expected."),
    ProblemType("sparql-query-failed", "SPARQL query failed", 400,
                "The query parsed but could not be evaluated. The detail gives the reason."),
    ProblemType("sparql-timeout", "SPARQL query took too long", 422,
                "The query ran past the time limit and was stopped. `limit` gives the limit in "
                "seconds. Narrow the patterns, avoid unconnected triple patterns (cartesian "
                "products), add a LIMIT, or ask the operator to raise --sparql-timeout."),
    ProblemType("sparql-too-many-results", "SPARQL result too large", 422,
                "The query would return more rows or triples (or more bytes: `unit` is then MiB) "
                "than the server allows and was stopped. `limit` gives the limit. Add a LIMIT (and "
                "OFFSET to page), or ask the operator to raise --sparql-max-results."),
    ProblemType("sparql-out-of-memory", "SPARQL query needed too much memory", 422,
                "The query needed more memory than a query may use and was stopped (typically an "
                "ORDER BY or GROUP BY over a cartesian product). Narrow the patterns."),
    ProblemType("sparql-busy", "SPARQL endpoint busy", 503,
                "Every SPARQL worker stayed busy for longer than the time limit. Retry after the "
                "number of seconds in Retry-After."),
    ProblemType("payload-too-large", "Request too large", 413,
                "The request body (or the query text) is longer than the server accepts. `limit` "
                "gives the limit in bytes."),
    ProblemType("store-unavailable", "Store unavailable", 503,
                "The backend store cannot be reached. Retry later."),
    ProblemType("map-too-large", "Map too large", 422,
                "The map would be too big to draw; narrow it."),
    ProblemType("internal-error", "Internal error", 500,
                "A bug in the server. Nothing about it is shown here; the server log has the "
                "details next to the incident id."),
]}


class Problem(Exception):
    """An error to send as problem details.

    >>> p = Problem(404, "no entity 'x'", type="not-found")
    >>> p.body("http://h/", "/id/x")["title"]
    'Not found'
    """

    def __init__(self, status: int, detail: Optional[str] = None, *, type: Optional[str] = None,
                 title: Optional[str] = None, headers: Optional[dict[str, str]] = None, **extra: Any):
        super().__init__(detail or title or "")
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title
        self.headers = headers or {}
        self.extra = extra

    def body(self, base: str, instance: Optional[str] = None) -> dict[str, Any]:
        pt = TYPES.get(self.type) if self.type else None
        out: dict[str, Any] = {
            "type": f"{base}problems/{pt.slug}" if pt else "about:blank",
            "title": self.title or (pt.title if pt else _phrase(self.status)),
            "status": self.status,
        }
        if self.detail:
            out["detail"] = self.detail
        if instance:
            out["instance"] = instance
        for k, v in self.extra.items():
            if k not in out:
                out[k] = v
        return out


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(problem: Problem, base: str, instance: Optional[str] = None):
    from starlette.responses import Response

    body = json.dumps(problem.body(base, instance), ensure_ascii=False, allow_nan=False).encode("utf-8")
    headers = {"Cache-Control": "no-store", **problem.headers}
    return Response(body, status_code=problem.status, media_type=MEDIA_TYPE, headers=headers)


def from_crimegraph_error(exc) -> Problem:
    """The problem for an error crimegraph raises on purpose (its message is meant for users)."""
    from crimegraph.errors import NotFound, StoreUnavailable, UsageError

    if isinstance(exc, NotFound):
        return Problem(404, str(exc), type="not-found", suggestions=list(exc.suggestions))
    if isinstance(exc, UsageError):
        return Problem(400, str(exc), type="bad-parameter")
    if isinstance(exc, StoreUnavailable):
        return Problem(503, str(exc), type="store-unavailable", headers={"Retry-After": "30"})
    name = type(exc).__name__
    if name == "MapTooLarge":
        return Problem(422, str(exc), type="map-too-large")
    if name == "NothingToMap":
        return Problem(404, str(exc), type="not-found")
    return Problem(400, str(exc), type="bad-parameter")


def install(app, base: str) -> None:
    """Route every error through problem details."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.requests import ClientDisconnect

    from crimegraph.errors import CrimegraphError

    def instance(request) -> str:
        return request.url.path

    async def on_problem(request, exc: Problem):
        return problem_response(exc, base, instance(request))

    async def on_crimegraph(request, exc: CrimegraphError):
        return problem_response(from_crimegraph_error(exc), base, instance(request))

    async def on_http(request, exc: StarletteHTTPException):
        kind = {404: "not-found", 406: "not-acceptable", 413: "payload-too-large",
                415: "unsupported-media-type"}.get(exc.status_code)
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code) else None
        if exc.status_code == 404 and not detail:
            detail = f"nothing is served at {request.url.path}"
        p = Problem(exc.status_code, detail, type=kind, headers=dict(exc.headers or {}))
        return problem_response(p, base, instance(request))

    async def on_validation(request, exc: RequestValidationError):
        errors = []
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ())]
            where = loc[0] if loc else ""
            name = ".".join(loc[1:]) if len(loc) > 1 else where
            errors.append({"in": where, "parameter": name, "message": str(e.get("msg", "invalid"))})
        names = ", ".join(sorted({e["parameter"] for e in errors})) or "the request"
        p = Problem(422, f"invalid value for {names}", type="invalid-request", errors=errors)
        return problem_response(p, base, instance(request))

    async def on_disconnect(request, exc):
        # the client went away before it sent the whole request body: one line, no traceback
        log.info("%s %s: the client closed the connection before sending the whole request body",
                 request.method, request.url.path)
        p = Problem(400, "the request body ended before its Content-Length", type="bad-parameter")
        return problem_response(p, base, instance(request))

    async def on_error(request, exc: Exception):
        incident = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", incident, request.method, request.url.path,
                  exc_info=(type(exc), exc, exc.__traceback__))
        p = Problem(500, f"the server failed to answer (incident {incident}); this is a bug, "
                         "please report it", type="internal-error", incident=incident)
        return problem_response(p, base, instance(request))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(CrimegraphError, on_crimegraph)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ClientDisconnect, on_disconnect)
    app.add_exception_handler(Exception, on_error)


#: the OpenAPI schema of a problem (referenced by every documented error response)
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "IRI of the problem type, or about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}


def responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries documenting problem details for some statuses."""
    return {s: {"description": _phrase(s), "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}}
            for s in statuses}
