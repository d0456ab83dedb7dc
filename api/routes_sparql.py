"""``{base}sparql``: the SPARQL 1.1 Protocol endpoint (read-only), its query page and service description."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from .cache import Representation
from .documents import choose, convert, respond
from .problems import Problem, responses
from .resources import HTML, JSONLD, NTRIPLES, TURTLE, site_of
from .sparql import (GRAPH_OFFERS, RESULTS_OFFERS, SparqlRequest, from_params, job_for, parse_form, parse_params,
                     reply_problem)

TAG = "sparql"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

_RESULT_CONTENT = {m: {"schema": {"type": "object" if "json" in m else "string"}}
                   for m in (*RESULTS_OFFERS[:4], *GRAPH_OFFERS[:4])}
SPARQL_RESPONSES = {
    200: {"description": "Query results (SELECT, ASK) or an RDF graph (CONSTRUCT, DESCRIBE); without "
                         "a query, the query page (HTML) or the service description (RDF).",
          "content": {**_RESULT_CONTENT, HTML: {"schema": {"type": "string"}}}},
    **responses(400, 403, 406, 413, 415, 422, 503),
}

QueryParam = Annotated[Optional[str], Query(description="The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).",
                                            max_length=65536)]
DefaultGraphParam = Annotated[Optional[list[str]], Query(alias="default-graph-uri", max_length=16,
                                                          description="Default graph IRI (repeatable).")]
NamedGraphParam = Annotated[Optional[list[str]], Query(alias="named-graph-uri", max_length=16,
                                                        description="Named graph IRI (repeatable).")]
FormatParam = Annotated[Optional[str], Query(max_length=64, description=(
    "Result format instead of Accept: json, xml, csv, tsv (SELECT, ASK); turtle, nt, jsonld, "
    "rdfxml (CONSTRUCT, DESCRIBE)."))]


def router(state) -> APIRouter:
    r = APIRouter(default_response_class=Response)
    s = state.settings

    async def execute(request: Request, req: SparqlRequest) -> Response:
        job = job_for(req, request.headers.get("accept"), timeout=s.sparql_timeout,
                      max_results=s.sparql_max_results, max_bytes=s.sparql_max_query_bytes,
                      max_result_bytes=s.sparql_max_result_mb * 2**20)
        reply = await state.sparql.run(job)
        if reply[0] != "ok":
            raise reply_problem(reply, s)
        _, media, body, count = reply
        headers = {"Cache-Control": "no-store", "X-Result-Count": str(count)}
        if not req.formats:
            headers["Vary"] = "Accept"
        return Response(body, media_type=media, headers=headers)

    def no_query(request: Request) -> Response:
        media = choose(request, (HTML, TURTLE, JSONLD, NTRIPLES))
        rep = state.cache.get(("sparql-page", media))
        if rep is None:
            rep = _page_or_description(state, media)
            state.cache.put(("sparql-page", media), rep)
        return respond(request, rep, vary=True, max_age=60)

    @r.api_route("/sparql", methods=["GET", "HEAD"], tags=[TAG], responses=SPARQL_RESPONSES,
                 summary="SPARQL 1.1 query (GET)")
    async def sparql_get(request: Request, query: QueryParam = None,
                         default_graph_uri: DefaultGraphParam = None,
                         named_graph_uri: NamedGraphParam = None,
                         format: FormatParam = None, output: FormatParam = None) -> Response:
        """Run a read-only query. Results follow ``Accept`` (q-values honoured) or ``format``.
        Without ``query``: the query page for browsers, the SPARQL service description for RDF
        clients. Updates and ``SERVICE`` are refused (403); queries past the time or result-size
        limit are stopped (422)."""
        params = parse_params(request.url.query)
        if "query" not in params and "update" not in params:
            return no_query(request)
        return await execute(request, from_params(params))

    @r.post("/sparql", tags=[TAG], responses=SPARQL_RESPONSES, summary="SPARQL 1.1 query (POST)",
            openapi_extra={"requestBody": {"required": True, "content": {
                FORM: {"schema": {"type": "object", "required": ["query"], "properties": {
                    "query": {"type": "string", "maxLength": 65536},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}, "maxItems": 16},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}, "maxItems": 16}}}},
                DIRECT: {"schema": {"type": "string", "maxLength": 65536}}}}})
    async def sparql_post(request: Request) -> Response:
        """Run a read-only query sent as a form (``query=…``) or as the body
        (``application/sparql-query``). ``application/sparql-update`` and ``update=…`` get 403."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == UPDATE:
            raise Problem(403, "SPARQL Update is not allowed: this endpoint is read-only", type="read-only")
        if ctype not in (FORM, DIRECT):
            raise Problem(415, f"send the query as {FORM} or {DIRECT}, not {ctype[:60] or 'no Content-Type'}",
                          type="unsupported-media-type")
        url_params = parse_params(request.url.query)
        body = await _read_body(request, s.sparql_max_query_bytes + 4096)
        if ctype == FORM:
            params = parse_form(body)
            for k in ("default-graph-uri", "named-graph-uri", "format", "output"):
                if k in url_params and k not in params:
                    params[k] = url_params[k]
            return await execute(request, from_params(params))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Problem(400, "the query is not UTF-8", type="sparql-syntax") from None
        return await execute(request, from_params(url_params, body_query=text))

    return r


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise Problem(413, f"the request body is longer than {limit} bytes", type="payload-too-large",
                              limit=limit)
        except ValueError:
            raise Problem(400, "bad Content-Length", type="bad-parameter") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"the request body is longer than {limit} bytes", type="payload-too-large",
                          limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _page_or_description(state, media: str) -> Representation:
    from crimegraph.queries.library import load_query, names

    from . import pages
    from .pages import CSP
    from .void import service_description

    if media != HTML:
        return Representation.of(convert(service_description(state), media, dict(state.vocab.prefixes)), media)
    v = state.vocab
    example = state.example or "shining-path"
    examples = [
        {"name": "Actors and what they are", "query":
            "SELECT ?actor ?name ?type WHERE {\n  ?actor a cg:Actor ; skos:prefLabel ?name ; a ?type .\n"
            "  FILTER(?type != cg:Actor && STRSTARTS(STR(?type), STR(cg:)))\n} ORDER BY ?name LIMIT 100"},
        {"name": "Qualified relations of an entity, with sources", "query":
            f"SELECT ?rel ?type ?other ?since ?until ?confidence ?source WHERE {{\n"
            f"  {{ ?rel cg:subject id:{example} ; cg:object ?other }}\n"
            f"  UNION {{ ?rel cg:object id:{example} ; cg:subject ?other }}\n"
            "  ?rel cg:relationType ?type ; cg:confidence ?confidence ; prov:wasDerivedFrom ?source .\n"
            "  OPTIONAL { ?rel cg:since ?since } OPTIONAL { ?rel cg:until ?until }\n} ORDER BY ?type ?other"},
        {"name": "Count relations by type", "query":
            "SELECT ?type (COUNT(?rel) AS ?n) WHERE { ?rel a cg:Relation ; cg:relationType ?type }\n"
            "GROUP BY ?type ORDER BY DESC(?n)"},
        {"name": f"Describe {example} (Turtle)", "query": f"DESCRIBE id:{example}"},
        {"name": "Direct relation triples (CONSTRUCT)", "query":
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . ?p a owl:ObjectProperty . "
            "FILTER(STRSTARTS(STR(?p), STR(cg:))) } LIMIT 200"},
        {"name": "Ontology: relation properties and their labels", "query":
            f"SELECT ?property ?label WHERE {{ GRAPH <{v.ontology_iri}> {{ ?property a owl:ObjectProperty ; "
            "rdfs:label ?label } } ORDER BY ?property"},
    ]
    for n in names("sparql"):
        q = load_query(n, "sparql", base=state.base)
        examples.append({"name": f"named query: {q.summary}", "query": q.text})
    s = state.settings
    html = pages.sparql_page(site_of(state), f"{state.prefix}/sparql", examples,
                             {"timeout": f"{s.sparql_timeout:g}", "max_results": f"{s.sparql_max_results:,}"})
    return Representation.of(html.encode("utf-8"), HTML, {"Content-Security-Policy": CSP})
