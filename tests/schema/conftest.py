"""Fixtures of the seed-cache tests (the pickle, its indexed form): a cache folder of the test's
own, and a copy of the small seed folder to edit."""

from __future__ import annotations

import shutil

import pytest

from tests.paths import DATA


@pytest.fixture
def env(tmp_path):
    """The environment of a CLI run whose seed cache is this test's own."""
    return {"CRIMEGRAPH_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def seeds(tmp_path):
    """A copy of ``tests/data/mini`` that a test may edit."""
    dst = tmp_path / "seeds"
    shutil.copytree(DATA / "mini", dst)
    return dst
