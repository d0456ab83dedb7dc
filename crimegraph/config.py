"""Settings read from the environment, in one place."""

from __future__ import annotations

import os

#: IRIs are {base}id/{slug}, {base}relation/{id}, {base}source/{id}; the HTTP server
#: dereferences everything under the base. The default matches `crimegraph serve`'s default address.
DEFAULT_BASE_IRI = "http://localhost:8000/"


def base_iri(override: str | None = None) -> str:
    """The base IRI: the argument, else ``$CRIMEGRAPH_BASE_IRI``, else the default; always ends in ``/``."""
    base = override or os.environ.get("CRIMEGRAPH_BASE_IRI") or DEFAULT_BASE_IRI
    return base if base.endswith("/") else base + "/"
