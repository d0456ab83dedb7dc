"""Fixtures of the interchange-format tests: datasets (tiny, hostile, Peru)."""

from __future__ import annotations

import pytest

from tests.interop.interop_helpers import DATASETS


@pytest.fixture(scope="session")
def load():
    """Load a named test dataset once per session."""
    from crimegraph.schema.loader import load_dataset

    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = load_dataset(DATASETS[name])
        return cache[name]

    return get


@pytest.fixture(params=list(DATASETS))
def dataset(request, load):
    """Each test dataset in turn: mini, hostile strings (ours and the RDF tests'), the Peru data."""
    assert DATASETS[request.param].exists(), f"{DATASETS[request.param]} is missing"
    return load(request.param)


@pytest.fixture
def hostile(load):
    return load("hostile")
