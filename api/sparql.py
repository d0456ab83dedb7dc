"""The SPARQL 1.1 Protocol, read-only: requests in, jobs for the workers, results out.

Requests (https://www.w3.org/TR/sparql11-protocol/):

- ``GET {base}sparql?query=…``;
- ``POST`` with ``application/x-www-form-urlencoded`` (``query=…``);
- ``POST`` with ``application/sparql-query`` (the body is the query);

each with optional, repeatable ``default-graph-uri`` and ``named-graph-uri``.
``update=…`` or ``application/sparql-update`` gets ``403``; so does text that
parses as an update, or a query whose algebra holds a ``SERVICE``; text that
parses as neither gets ``400`` (:mod:`crimegraph.api.sparql_check`: the text is
parsed in the worker, under the query's limits). Every malformed request (too
many parameters, a repeated one, a body that is not UTF-8) is a ``4xx`` problem.

Result formats follow the ``Accept`` header (q-values honoured), or a
``format`` (alias ``output``) parameter, as SPARQLWrapper sends it:

============== ====================================================================
SELECT, ASK    ``application/sparql-results+json`` (default; ``application/json``
               too), ``application/sparql-results+xml``, ``text/csv``,
               ``text/tab-separated-values``
CONSTRUCT,     ``text/turtle`` (default), ``application/n-triples``,
DESCRIBE       ``application/ld+json``, ``application/rdf+xml``
============== ====================================================================

The data: the default graph holds exactly the N-Triples export (entities with
their direct relation triples, qualified ``cg:Relation`` resources, sources,
the dataset header); the named graphs ``{base}ontology/`` and ``{base}shapes/``
hold the ontology and the SHACL shapes. The usual prefixes (``cg:``, ``skos:``,
``dcterms:``, ``prov:``, ``schema:``, ``rdf:``, ``rdfs:``, ``xsd:``, ``owl:``,
``id:``, ``rel:``, ``src:``…) are predeclared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import parse_qs

from .conneg import negotiate
from .problems import Problem
from .sparql_check import Refused, prepare

RESULTS_OFFERS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values", "application/json", "application/xml", "text/xml")
RESULTS_KEY = {"application/sparql-results+json": "json", "application/json": "json",
               "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
               "text/csv": "csv", "text/tab-separated-values": "tsv"}
GRAPH_OFFERS = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                "application/x-turtle", "application/turtle")
GRAPH_KEY = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
             "application/n-triples": "nt", "application/ld+json": "jsonld",
             "application/rdf+xml": "rdfxml"}
#: ``format=`` values: (results format, graph format)
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "nt": (None, "nt"), "ntriples": (None, "nt"), "n-triples": (None, "nt"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"), "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"),
}
for _m, _k in RESULTS_KEY.items():
    FORMAT_PARAM.setdefault(_m, (_k, None))
for _m, _k in GRAPH_KEY.items():
    FORMAT_PARAM.setdefault(_m, (None, _k))
FORMAT_PARAM["application/json"] = ("json", "jsonld")
FORMAT_PARAM["application/xml"] = ("xml", "rdfxml")

MAX_GRAPHS = 16
MAX_IRI = 2048
_ABS_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*$")


@dataclass
class SparqlRequest:
    query: str
    default_graph: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)


def _one(params: dict[str, list[str]], name: str) -> Optional[str]:
    values = params.get(name) or []
    if len(values) > 1:
        raise Problem(400, f"give the parameter {name!r} once, not {len(values)} times", type="bad-parameter")
    return values[0] if values else None


def _formats(params: dict[str, list[str]]) -> list[str]:
    """``format`` and ``output`` values (SPARQLWrapper sends both, some twice: ``tsv`` and its media type)."""
    values = [*(params.get("format") or []), *(params.get("output") or [])]
    if len(values) > 8:
        raise Problem(400, "too many format parameters", type="bad-parameter")
    return list(dict.fromkeys(v.strip().lower() for v in values))


def _graphs(params: dict[str, list[str]], name: str) -> list[str]:
    values = params.get(name) or []
    if len(values) > MAX_GRAPHS:
        raise Problem(400, f"{name}: at most {MAX_GRAPHS} graphs", type="bad-parameter")
    for v in values:
        if len(v) > MAX_IRI or not _ABS_IRI.match(v):
            raise Problem(400, f"{name}: {v[:100]!r} is not an absolute IRI", type="bad-parameter")
    return values


def from_params(params: dict[str, list[str]], body_query: Optional[str] = None) -> SparqlRequest:
    """A request from its parameters (URL query string and/or form body)."""
    if "update" in params:
        raise Problem(403, "SPARQL Update is not allowed: this endpoint is read-only", type="read-only")
    query = body_query if body_query is not None else _one(params, "query")
    if body_query is not None and "query" in params:
        raise Problem(400, "give the query either in the body or as a parameter, not both",
                      type="bad-parameter")
    if query is None or not query.strip():
        raise Problem(400, "missing the 'query' parameter", type="bad-parameter")
    return SparqlRequest(query, _graphs(params, "default-graph-uri"), _graphs(params, "named-graph-uri"),
                         _formats(params))


#: most parameters one request may carry (query string and form body each)
MAX_PARAMETERS = 64


def parse_params(text: str, where: str = "query string") -> dict[str, list[str]]:
    """Parameters of a query string or form body; too many, or malformed, is a 400 problem."""
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_PARAMETERS, errors="strict")
    except ValueError as exc:  # more than MAX_PARAMETERS fields, or an escape that is not UTF-8
        if "max_num_fields" in str(exc) or "Max number of fields" in str(exc):
            raise Problem(400, f"the {where} has more than {MAX_PARAMETERS} parameters",
                          type="bad-parameter", limit=MAX_PARAMETERS) from None
        raise Problem(400, f"the {where} is malformed: {' '.join(str(exc).split())[:200]}",
                      type="bad-parameter") from None


def parse_form(body: bytes) -> dict[str, list[str]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "the form body is not UTF-8", type="bad-parameter") from None
    return parse_params(text, "form body")


def job_for(req: SparqlRequest, accept: Optional[str], *, timeout: float, max_results: int,
            max_bytes: int, max_result_bytes: int = 64 * 2**20) -> dict:
    """Check a request and turn it into a worker job (or raise the right :class:`Problem`).

    The query's form is not known yet (the worker parses it): the job carries the
    results format for SELECT and ASK and the graph format for CONSTRUCT and DESCRIBE,
    either of which may be None when the Accept header (or ``format``) allows none.
    """
    if len(req.query.encode("utf-8", "surrogatepass")) > max_bytes:
        raise Problem(413, f"the query is longer than {max_bytes} bytes", type="payload-too-large",
                      limit=max_bytes)
    try:
        query = prepare(req.query)
    except Refused as exc:
        raise refused_problem(exc.kind, exc.detail) from None
    if req.formats:
        keys = set()
        for f in req.formats:
            key = FORMAT_PARAM.get(f)
            if key is None:
                raise Problem(400, f"format: unknown format {f[:40]!r}; known: json, xml, csv, tsv, turtle, nt, "
                                   "jsonld, rdfxml", type="bad-parameter")
            keys.add(key)
        if len(keys) > 1:
            raise Problem(400, f"format: {', '.join(repr(f[:40]) for f in req.formats)} disagree",
                          type="bad-parameter")
        results_format, graph_format = keys.pop()
    else:
        r = negotiate(accept, RESULTS_OFFERS)
        g = negotiate(accept, GRAPH_OFFERS)
        results_format = RESULTS_KEY[r] if r else None
        graph_format = GRAPH_KEY[g] if g else None
        if results_format is None and graph_format is None:
            raise Problem(406, "a SPARQL query is answered in a SPARQL results format or an RDF format; "
                               "the Accept header allows neither", type="not-acceptable",
                          available=[*RESULTS_OFFERS[:4], *GRAPH_OFFERS[:4]])
    return {"query": query, "timeout": timeout, "max_results": max_results, "max_bytes": max_result_bytes,
            "results_format": results_format, "graph_format": graph_format,
            "default_graph": req.default_graph, "named_graphs": req.named_graphs,
            "explicit_format": req.formats[0][:40] if req.formats else None}


def refused_problem(kind: str, detail: str) -> Problem:
    """The problem for a refusal of :mod:`crimegraph.api.sparql_check`."""
    if kind == "update":
        return Problem(403, detail, type="read-only")
    if kind == "service":
        return Problem(403, detail, type="federation-refused")
    return Problem(400, f"SPARQL syntax error: {detail}", type="sparql-syntax")


def reply_problem(reply: tuple, settings) -> Problem:
    """The problem for a worker's error reply."""
    _, kind, detail = reply
    if kind in ("syntax", "update", "service"):
        return refused_problem(kind, detail)
    if kind == "query":
        return Problem(400, f"the query could not be evaluated: {detail}", type="sparql-query-failed")
    if kind == "time":
        return Problem(422, f"the query ran longer than {settings.sparql_timeout:g} s and was stopped; "
                            "narrow it (no unconnected patterns) or add a LIMIT",
                       type="sparql-timeout", limit=settings.sparql_timeout)
    if kind == "rows":
        return Problem(422, f"the query returns more than {settings.sparql_max_results:,} results and was "
                            "stopped; add a LIMIT (and OFFSET to page through)",
                       type="sparql-too-many-results", limit=settings.sparql_max_results)
    if kind == "bytes":
        mb = settings.sparql_max_result_mb
        return Problem(422, f"the result is larger than {mb} MiB and was not sent; add a LIMIT or select less",
                       type="sparql-too-many-results", limit=settings.sparql_max_result_mb, unit="MiB")
    if kind == "memory":
        limit = settings.sparql_max_memory_mb
        what = f"more than the {limit} MiB of memory a query may use" if limit else "more memory than there is"
        return Problem(422, f"the query needed {what} and was stopped; narrow it",
                       type="sparql-out-of-memory", limit=limit or None)
    if kind == "busy":
        return Problem(503, f"every SPARQL worker stayed busy for {detail} s; retry shortly",
                       type="sparql-busy", headers={"Retry-After": "5"})
    if kind == "unavailable":
        return Problem(503, str(detail), type="store-unavailable", headers={"Retry-After": "30"})
    if kind == "not-acceptable":  # detail: (the query form, the format asked for or None)
        form, asked = detail if isinstance(detail, (list, tuple)) else (str(detail), None)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        offers = list(GRAPH_OFFERS[:4] if graph else RESULTS_OFFERS[:4])
        if asked:
            return Problem(406, f"a {form} query cannot be answered as {asked!r}", type="not-acceptable",
                           available=offers)
        what = "an RDF format" if graph else "a SPARQL results format"
        return Problem(406, f"a {form} query is answered in {what}; the Accept header allows none",
                       type="not-acceptable", available=offers)
    raise RuntimeError(f"SPARQL worker failure: {detail}")
