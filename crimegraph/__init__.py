"""crimegraph: a sourced knowledge graph of criminal actors, places and illicit economies.

Python API::

    >>> import crimegraph
    >>> store = crimegraph.open_store()          # the bundled Peru data, embedded store
    >>> store.entity("shining-path").name
    'Shining Path'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: F401
    CrimegraphError,
    DatasetInvalid,
    EntityNotFound,
    NoPath,
    RelationNotFound,
    SourceNotFound,
    StoreUnavailable,
)


def load_dataset(path=None):
    """Validate and load a seed folder (default: the bundled Peru dataset)."""
    from .schema.loader import load_dataset as _load

    return _load(path)


def open_store(backend: str = "memory", seeds=None, **options):
    """Open a store and fill it with a validated dataset (default: Peru).

    ``seeds=False`` opens the store without loading anything (for a server
    that already holds data).
    """
    from .graph.registry import open_store as _open

    return _open(backend, seeds=seeds, **options)
