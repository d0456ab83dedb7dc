"""Fixtures for the query tests: the hand-made toy dataset, the mini dataset and the Peru data."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimegraph.graph.base import Store
from crimegraph.graph.memory import MemoryStore
from crimegraph.schema.loader import load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
TOY = DATA / "queries-toy"
MINI = DATA / "mini"


def _store(path) -> MemoryStore:
    store = MemoryStore()
    store.write(load_dataset(path))
    return store


@pytest.fixture(scope="session")
def toy() -> MemoryStore:
    """tests/data/queries-toy: every expected answer in these tests is worked out from its file."""
    return _store(TOY)


@pytest.fixture(scope="session")
def mini() -> MemoryStore:
    return _store(MINI)


@pytest.fixture(scope="session")
def peru() -> MemoryStore:
    """The bundled Peru dataset."""
    from crimegraph.seeds import PERU

    return _store(PERU)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """A small synthetic dataset (1,500 entities, 6,000 relations) in a memory store, and its graph."""
    from crimegraph.synth import write_synthetic

    out = tmp_path_factory.mktemp("synth")
    write_synthetic(out, entities=1500, relations=6000, seed=11)
    store = _store(out)
    return store, store.graph


class GenericStore(Store):
    """Delegates the abstract primitives to another store and nothing else, so that every
    derived operation and query helper runs its generic, protocol-only version."""

    backend = "generic-test"

    def __init__(self, inner):
        self.inner = inner

    def write(self, dataset, *, replace=False, progress=None):
        self.inner.write(dataset, replace=replace, progress=progress)

    def entity(self, entity_id):
        return self.inner.entity(entity_id)

    def entities(self, kinds=None, types=None):
        return self.inner.entities(kinds=kinds, types=types)

    def relation(self, relation_id):
        return self.inner.relation(relation_id)

    def relations(self, entity=None, *, direction="both", types=None, as_of=None):
        return self.inner.relations(entity, direction=direction, types=types, as_of=as_of)

    def source(self, source_id):
        return self.inner.source(source_id)

    def sources(self):
        return self.inner.sources()

    def search(self, text, limit=10):
        return self.inner.search(text, limit=limit)


@pytest.fixture(scope="session")
def generic(toy) -> GenericStore:
    """The toy store behind the bare protocol: every helper runs its generic version."""
    return GenericStore(toy)
