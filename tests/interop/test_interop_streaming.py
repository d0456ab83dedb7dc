"""The exporters stream: memory while writing stays far below the size of what they write."""

from __future__ import annotations

import os
import tracemalloc

import pytest


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from crimegraph.schema.loader import load_dataset
    from crimegraph.synth import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, entities=600, relations=3000, seed=7)
    return load_dataset(folder)


def _size(path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _quarter(ds):
    """A quarter of the dataset (entities, and the relations among them)."""
    from crimegraph.schema.dataset import Dataset

    ids = list(ds.entities)[: len(ds.entities) // 4]
    keep = set(ids)
    rels = {k: r for k, r in ds.relations.items() if r.subject in keep and r.object in keep}
    return Dataset(meta=ds.meta, sources=ds.sources, entities={k: ds.entities[k] for k in ids}, relations=rels)


def _peak(write, dataset, target, multi_file: bool) -> tuple[int, int]:
    tracemalloc.start()
    try:
        if multi_file:
            write(dataset, target, {})
        else:
            with open(target, "wb") as fh:
                write(dataset, fh, {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, _size(target)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["ftm", "gexf", "graphml", "csv", "neo4j-csv"])
def test_exporters_stream(fmt, synthetic, tmp_path):
    """Writing four times the data takes no more memory: nothing is collected before it is written."""
    from crimegraph.exports import EXPORTERS

    f = EXPORTERS[fmt]
    write = f.load()
    small = _quarter(synthetic)
    _peak(write, small, tmp_path / "warm-up", f.multi_file)  # library caches, first-use imports
    peak_small, size_small = _peak(write, small, tmp_path / "small", f.multi_file)
    peak_full, size_full = _peak(write, synthetic, tmp_path / "full", f.multi_file)
    assert size_full > 4 * size_small
    assert peak_full < 1.5 * peak_small + 256 * 1024, (
        f"{fmt}: peak {peak_full:,} bytes for {size_full:,} bytes written, "
        f"{peak_small:,} for {size_small:,}")
