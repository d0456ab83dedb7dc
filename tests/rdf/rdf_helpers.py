"""Helpers shared by the RDF tests: formats, parsers."""

from __future__ import annotations

#: format name -> (file suffix, rdflib parser name, has named graphs)
FORMATS = {
    "nt": (".nt", "nt", False),
    "turtle": (".ttl", "turtle", False),
    "trig": (".trig", "trig", True),
    "jsonld": (".jsonld", "json-ld", False),
    "nquads": (".nq", "nquads", True),
}
BASE = "http://localhost:8000/"


def rdflib_graph(data: bytes, fmt: str):
    """Parse with rdflib; named graphs are merged into one graph."""
    import rdflib

    _suffix, parser, quads = FORMATS[fmt]
    if quads:
        import warnings

        d = rdflib.Dataset()
        with warnings.catch_warnings():  # rdflib's own N-Quads parser uses a deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            d.parse(data=data, format=parser)
        g = rdflib.Graph()
        for s, p, o, _c in d.quads():
            g.add((s, p, o))
        return g
    g = rdflib.Graph()
    g.parse(data=data, format=parser)
    return g


def oxigraph_store(data: bytes, fmt: str):
    import pyoxigraph as ox

    st = ox.Store()
    suffix = FORMATS[fmt][0]
    st.load(input=data, format=ox.RdfFormat.from_extension(suffix[1:]))
    return st


def same_graph(a, b) -> bool:
    """Graph isomorphism with language tags compared case-insensitively (RDF 1.1: they are;
    PyLD and Oxigraph lowercase them, rdflib keeps the case)."""
    import rdflib
    from rdflib.compare import isomorphic

    def norm(g):
        out = rdflib.Graph()
        for s, p, o in g:
            if isinstance(o, rdflib.Literal) and o.language:
                o = rdflib.Literal(str(o), lang=o.language.lower())
            out.add((s, p, o))
        return out

    return isomorphic(norm(a), norm(b))
