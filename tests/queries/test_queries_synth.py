"""The synthetic data generator: valid, exact counts, reproducible, realistic in shape."""

from __future__ import annotations

import hashlib
import statistics

import pytest

from crimegraph.errors import UsageError
from crimegraph.schema.loader import load_dataset, seed_files
from crimegraph.synth import write_synthetic


def digest(folder):
    h = hashlib.sha256()
    for f in seed_files(folder):
        h.update(f.relative_to(folder).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def test_valid_exact_and_split(tmp_path):
    summary = write_synthetic(tmp_path, entities=3000, relations=12000, seed=5, chunk=5000)
    ds = load_dataset(tmp_path)
    assert len(ds.entities) == 3000 and len(ds.relations) == 12000
    assert summary.files == ["dataset.yaml", "sources.yaml", "entities/entities-0001.yaml",
                             "relations/relations-0001.yaml", "relations/relations-0002.yaml",
                             "relations/relations-0003.yaml"]
    assert sum(summary.relations.values()) == 12000


def test_reproducible(tmp_path):
    write_synthetic(tmp_path / "a", entities=500, relations=2000, seed=9)
    write_synthetic(tmp_path / "b", entities=500, relations=2000, seed=9)
    write_synthetic(tmp_path / "c", entities=500, relations=2000, seed=10)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_realistic_shape(synthetic):
    store, graph = synthetic
    ds = store.dataset()
    degrees = sorted((d for _, d in graph.degree()), reverse=True)
    # heavy-tailed: hubs far above the median
    assert degrees[0] > 15 * statistics.median(degrees)
    # a place hierarchy: every non-country place sits in a larger place, with no cycle
    located = [r for r in ds.relations.values() if r.type == "located_in"]
    assert len(located) > 0.9 * sum(1 for e in ds.entities.values() if e.kind.value == "place"
                                    and e.type != "country")
    # sourced relations, most dated, some ended
    assert all(r.citations for r in ds.relations.values())
    dated = sum(1 for r in ds.relations.values() if r.since) / len(ds.relations)
    ended = sum(1 for r in ds.relations.values() if r.until) / len(ds.relations)
    assert 0.4 < dated < 0.9 and 0.05 < ended < 0.3
    kinds = {e.kind.value for e in ds.entities.values()}
    assert kinds == {"actor", "place", "economy", "event"}


def test_refuses_a_non_empty_folder_and_bad_sizes(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty"):
        write_synthetic(tmp_path, entities=100, relations=300)
    with pytest.raises(UsageError, match="at least 40"):
        write_synthetic(tmp_path / "x", entities=10, relations=300)
    with pytest.raises(UsageError, match="at most 200 per entity"):
        write_synthetic(tmp_path / "y", entities=100, relations=30_000)


def test_force_replaces_only_yaml(tmp_path):
    write_synthetic(tmp_path, entities=100, relations=300, seed=1)
    (tmp_path / "notes.txt").write_text("keep me")
    write_synthetic(tmp_path, entities=120, relations=300, seed=1, force=True)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert len(load_dataset(tmp_path).entities) == 120
