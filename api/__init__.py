"""The HTTP API for linked-data consumers (``crimegraph serve``).

- every entity, relation and source IRI under the base dereferences, with
  content negotiation (Turtle, N-Triples, JSON-LD, plain JSON, HTML);
- SPARQL 1.1 Protocol at ``{base}sparql``: read-only, on Oxigraph, in killable
  worker processes with a time, result-size and memory limit;
- the investigator's questions as JSON under ``{base}api/`` (the shapes of the
  CLI's ``--format json``), documented at ``{base}docs`` (offline);
- dumps, a VoID description, the ontology, the SHACL shapes and the JSON-LD context.

>>> from crimegraph.api import create_app          # doctest: +SKIP
>>> app = create_app()                             # the bundled Peru data, embedded store

Nothing heavy is imported here: ``create_app`` and ``Settings`` load on first use,
so that SPARQL worker processes (which import :mod:`crimegraph.api.sparql_worker`)
start without FastAPI.
"""

from __future__ import annotations

__all__ = ["create_app", "Settings"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)
