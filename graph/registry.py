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


#: what a backend takes after a colon in a store name: ``rdf:PATH``, ``neo4j:URI``
SPEC_OPTIONS: dict[str, str] = {
    "rdf": "path",
    "neo4j": "uri",
}


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"rdf:/data/kg"`` -> ``("rdf", {"path": "/data/kg"})``; ``"neo4j"`` -> ``("neo4j", {})``.

    >>> parse_spec("neo4j:bolt://127.0.0.1:7687")
    ('neo4j', {'uri': 'bolt://127.0.0.1:7687'})
    """
    name, colon, arg = spec.partition(":")
    if name not in BACKENDS:
        raise UsageError(f"unknown store {name!r}; available: {', '.join(BACKENDS)}")
    if not colon:
        return name, {}
    option = SPEC_OPTIONS.get(name)
    if option is None:
        takes = ", ".join(f"{n}:{o.upper()}" for n, o in SPEC_OPTIONS.items())
        raise UsageError(f"the {name} store takes nothing after ':' (store {spec!r}); these do: {takes}")
    if not arg:
        raise UsageError(f"store {spec!r}: give the {option} after the colon ({name}:{option.upper()})")
    return name, {option: arg}


def backend_class(spec: str) -> type[Store]:
    """The class of a store name (``rdf:PATH`` names the ``rdf`` class)."""
    name, _ = parse_spec(spec)
    target = BACKENDS[name]
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

    ``backend`` is a store name, or ``NAME:ARG`` (:data:`SPEC_OPTIONS`): ``rdf:PATH``
    opens a persistent Oxigraph folder, ``neo4j:URI`` a given server.

    ``seeds`` is a seed folder (default: ``$CRIMEGRAPH_SEEDS`` or the bundled Peru data),
    a :class:`~crimegraph.schema.Dataset`, or False to open without loading.
    """
    name, given = parse_spec(backend)
    store = backend_class(name)(**{**given, **options})
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


