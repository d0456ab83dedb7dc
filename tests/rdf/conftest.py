"""Fixtures for the RDF tests: datasets, their exports in every format (made once), parsers."""

from __future__ import annotations

import io

import pytest

from tests.paths import DATA
from tests.rdf.rdf_helpers import BASE

pytest.importorskip("pyoxigraph")
pytest.importorskip("rdflib")


@pytest.fixture(scope="session")
def hostile_dataset():
    from crimegraph.schema.loader import load_dataset

    return load_dataset(DATA / "hostile")


@pytest.fixture(scope="session")
def mini_dataset():
    from crimegraph.schema.loader import load_dataset

    return load_dataset(DATA / "mini")


@pytest.fixture(scope="session")
def datasets(peru_dataset, hostile_dataset, mini_dataset):
    return {"peru": peru_dataset, "hostile": hostile_dataset, "mini": mini_dataset}


@pytest.fixture(scope="session")
def export_bytes(datasets):
    """``export_bytes(dataset name, format name, **options)`` -> the exported bytes (cached)."""
    from crimegraph.cli.export import load_formats
    from crimegraph.exports import exporter

    load_formats()
    cache: dict = {}

    def make(ds: str, fmt: str, **options) -> bytes:
        key = (ds, fmt, tuple(sorted(options.items())))
        if key not in cache:
            buf = io.BytesIO()
            exporter(fmt).load()(datasets[ds], buf, {"base_iri": BASE, **options})
            cache[key] = buf.getvalue()
        return cache[key]

    return make
