"""The conformance suite's backends: every store must answer exactly like the memory store.

Adding a backend is one line in :data:`BACKENDS_UNDER_TEST`. A backend whose
options come from another fixture (a server's address) gets them from a
fixture named ``<backend>_store_options`` when one is defined, e.g.::

    pytest.param("neo4j", marks=pytest.mark.neo4j, id="neo4j"),

with a ``neo4j_store_options`` fixture (session scope) returning the
connection options. The store is written once per session from the Peru
dataset (``replace=True``) and closed at the end.
"""

from __future__ import annotations

import pytest

#: every backend checked against the memory store: a registry name, or (name, extra options)
BACKENDS_UNDER_TEST = [
    pytest.param("memory", id="memory"),
    pytest.param("rdf", id="rdf"),
    pytest.param("neo4j", marks=pytest.mark.neo4j, id="neo4j"),
    pytest.param("indexed", id="indexed"),  # the seed cache's SQLite form (not a --store name)
]


@pytest.fixture(scope="session")
def reference(peru_dataset):
    """The memory store: the reference answers."""
    from crimegraph.graph.memory import MemoryStore

    store = MemoryStore()
    store.write(peru_dataset)
    return store


def _options(request, backend: str, extra: dict, tmp_path_factory) -> dict:
    options = {}
    try:
        options.update(request.getfixturevalue(f"{backend}_store_options"))
    except pytest.FixtureLookupError:
        pass
    extra = dict(extra)
    if extra.pop("persistent", False):  # e.g. ("rdf", {"persistent": True}): a store in a temp folder
        options["path"] = tmp_path_factory.mktemp(f"{backend}-store") / "store"
    options.update(extra)
    return options


@pytest.fixture(scope="session", params=BACKENDS_UNDER_TEST)
def store(request, peru_dataset, tmp_path_factory):
    """Each backend under test, holding the Peru dataset."""
    from crimegraph.graph.registry import open_store

    backend, *rest = request.param if isinstance(request.param, tuple) else (request.param,)
    if backend == "indexed":
        from crimegraph.graph.indexed import IndexedStore

        st = IndexedStore(tmp_path_factory.mktemp("indexed-store") / "index.sqlite")
        st.write(peru_dataset, replace=True)
        yield st
        st.close()
        return
    options = _options(request, backend, rest[0] if rest else {}, tmp_path_factory)
    st = open_store(backend, seeds=peru_dataset, replace=True, **options)
    yield st
    st.close()
