"""The data as an ``rdflib.Graph``, for consumers who want rdflib's API (small and medium datasets).

rdflib holds about a kilobyte per triple; for large data use the RDF store
(Oxigraph) or stream an export instead.
"""

from __future__ import annotations

import io
from typing import Optional


def to_rdflib(dataset, base_iri: Optional[str] = None):
    """An ``rdflib.Graph`` of a dataset: exactly the triples of the N-Triples export, prefixes bound.

    >>> from crimegraph.schema.loader import load_dataset
    >>> g = to_rdflib(load_dataset("tests/data/mini"))
    >>> len(g) > 100
    True
    """
    import rdflib

    from .formats import export_ntriples
    from .vocab import RdfVocab, resolve_base

    vocab = RdfVocab(resolve_base(base_iri, getattr(dataset, "meta", None)))
    buf = io.BytesIO()
    export_ntriples(dataset, buf, {"base_iri": vocab.base})
    g = rdflib.Graph()
    for p, ns in vocab.prefixes.items():
        g.bind(p, ns, override=True, replace=True)
    g.parse(data=buf.getvalue(), format="nt")
    return g
