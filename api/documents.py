"""Serving negotiated representations: conditional requests, ``Vary``, and RDF documents
(ontology, shapes, VoID, single terms) converted between formats with pyoxigraph."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from starlette.requests import Request
from starlette.responses import Response

from .cache import Representation
from .conneg import negotiate
from .problems import Problem
from .resources import HTML, JSON, JSONLD, NTRIPLES, TURTLE

#: what an RDF document (ontology, shapes, VoID, a term) offers; plain JSON gets JSON-LD
DOC_OFFERS = (TURTLE, JSONLD, NTRIPLES, HTML, JSON, "application/x-turtle")
DOC_ALIASES = {JSON: JSONLD, "application/x-turtle": TURTLE}
DOC_EXTENSIONS = {"ttl": TURTLE, "nt": NTRIPLES, "jsonld": JSONLD, "html": HTML}


def etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    return etag in tags or f"W/{etag}" in tags


def respond(request: Request, rep: Representation, *, vary: bool, max_age: int = 300) -> Response:
    """The response for a representation, honouring ``If-None-Match``."""
    return cached_response(rep, vary=vary, max_age=max_age, if_none_match=request.headers.get("if-none-match"))


def cached_response(rep: Representation, *, vary: bool, max_age: int = 300,
                    if_none_match: Optional[str] = None) -> Response:
    headers = dict(rep.headers)
    headers["ETag"] = rep.etag
    headers["Cache-Control"] = f"public, max-age={max_age}"
    if vary:
        headers["Vary"] = "Accept"
    if if_none_match and etag_matches(if_none_match, rep.etag):
        return Response(status_code=304, headers=headers)
    return Response(rep.body, media_type=rep.media_type, headers=headers)


def choose(request: Request, offers: Sequence[str], aliases: Optional[dict] = None) -> str:
    """The negotiated media type, or a 406 problem listing what is available."""
    media = negotiate(request.headers.get("accept"), offers)
    if media is None:
        available = [o for o in offers if not (aliases and o in aliases)]
        raise Problem(406, "none of the media types in the Accept header can be served here; "
                           f"available: {', '.join(available)}", type="not-acceptable", available=available)
    return (aliases or {}).get(media, media)


def convert(turtle: str, media: str, prefixes: dict) -> bytes:
    """A Turtle document in another RDF format."""
    if media == TURTLE:
        return turtle.encode("utf-8")
    import pyoxigraph as ox

    triples = [q.triple for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    if media == NTRIPLES:
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if media == JSONLD:
        return ox.serialize(triples, format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    raise ValueError(media)


def describe_term(store, graph: str, iri: str, prefixes: dict) -> Optional[str]:
    """Turtle of the triples about ``iri`` in a named graph, with the blank nodes they lead to (a CBD)."""
    import pyoxigraph as ox

    g = ox.NamedNode(graph)
    out, seen, todo = [], set(), [ox.NamedNode(iri)]
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for q in store.quads_for_pattern(s, None, None, g):
            out.append(q.triple)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    if not out:
        return None
    return ox.serialize(out, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def document(request: Request, cache, key: tuple, make: Callable[[str], Representation], *,
             ext: Optional[str] = None) -> Response:
    """Negotiate (or take the extension's type), build once, cache, respond."""
    if ext is not None:
        media = DOC_EXTENSIONS.get(ext)
        if media is None:
            raise Problem(404, f"no such format: .{ext}; use .ttl, .nt, .jsonld or .html", type="not-found")
    else:
        media = choose(request, DOC_OFFERS, DOC_ALIASES)
    rep = cache.get((*key, media))
    if rep is None:
        rep = make(media)
        cache.put((*key, media), rep)
    return respond(request, rep, vary=ext is None)
