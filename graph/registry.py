"""Backends by name, imported on first use so that the embedded default starts fast."""

from __future__ import annotations

import importlib
import os

from crimegraph.errors import StoreUnavailable, UsageError

from .base import Store

#: backend name -> "module:Class"; heavy backends are imported only when asked for
BACKENDS: dict[str, str] = {
    "memory": "crimegraph.graph.memory:MemoryStore",
    "neo4j": "crimegraph.graph.neo4j:Neo4jStore",
    "rdf": "crimegraph.graph.rdf:RdfStore",
}

#: the pip extra that brings a backend's optional dependencies
EXTRAS: dict[str, str] = {
    "rdf": "rdf",
}


def backend_class(name: str) -> type[Store]:
    try:
        target = BACKENDS[name]
    except KeyError:
        raise UsageError(f"unknown store {name!r}; available: {', '.join(BACKENDS)}") from None
    module, _, cls = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        extra = EXTRAS.get(name)
        hint = f"; install it with: pip install 'crimegraph[{extra}]'" if extra else ""
        raise StoreUnavailable(f"the {name} store needs a package that is missing ({exc.name}){hint}") from None
    return getattr(mod, cls)


def open_store(backend: str = "memory", seeds=None, progress=None, replace: bool = True,
               **options) -> Store:
    """Open a backend and, unless ``seeds`` is False, write the validated dataset into it.

    ``seeds`` is a seed folder (default: ``$CRIMEGRAPH_SEEDS`` or the bundled Peru data),
    a :class:`~crimegraph.schema.Dataset`, or False to open without loading.
    """
    store = backend_class(backend)(**options)
    if seeds is False:
        return store
    from crimegraph.schema.dataset import Dataset
    from crimegraph.schema.loader import load_dataset

    dataset = seeds if isinstance(seeds, Dataset) else load_dataset(seeds)
    store.write(dataset, replace=replace, progress=progress)
    return store


def default_backend() -> str:
    return os.environ.get("CRIMEGRAPH_STORE", "memory")


def available() -> list[str]:
    return list(BACKENDS)


