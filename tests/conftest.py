"""Shared fixtures: seed folders, a loaded memory store, and a CLI runner (a real subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import DATA, PERU, ROOT

#: the real Neo4j server for tests marked `neo4j` (started unless NEO4J_URI is set)
pytest_plugins = ["tests.neo4j_fixture"]


@pytest.fixture(scope="session", autouse=True)
def _seed_cache_dir(tmp_path_factory):
    """The cache of validated seed folders (crimegraph.schema.cache) in a temporary folder,
    never the user's own: for the tests in this process and every CLI they run."""
    folder = tmp_path_factory.mktemp("seed-cache")
    old = os.environ.get("CRIMEGRAPH_CACHE_DIR")
    os.environ["CRIMEGRAPH_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("CRIMEGRAPH_CACHE_DIR", None)
    else:
        os.environ["CRIMEGRAPH_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def peru_dataset():
    from crimegraph.schema.loader import load_dataset

    return load_dataset(PERU)


@pytest.fixture(scope="session")
def peru_store(peru_dataset):
    from crimegraph.graph.memory import MemoryStore

    store = MemoryStore()
    store.write(peru_dataset)
    return store


@pytest.fixture(scope="session")
def mini_store():
    from crimegraph.graph.registry import open_store

    return open_store("memory", seeds=DATA / "mini")


def _cli_path() -> list[str]:
    exe = Path(sys.executable).parent / "crimegraph"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("crimegraph")
    assert found, "the crimegraph console script is not installed (run make install)"
    return [found]


@pytest.fixture(scope="session")
def cli():
    """Run the real ``crimegraph`` command in a subprocess; returns CompletedProcess."""
    base = _cli_path()

    def run(*args: str, env: dict | None = None, cwd: Path | None = None, check_rc: int | None = None,
            input: str | None = None):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
        full_env["CRIMEGRAPH_CACHE_DIR"] = os.environ["CRIMEGRAPH_CACHE_DIR"]  # see _seed_cache_dir
        full_env.update(env or {})
        proc = subprocess.run([*base, *map(str, args)], capture_output=True, text=True,
                              env=full_env, cwd=cwd or ROOT, timeout=300, input=input)
        if check_rc is not None:
            assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
        return proc

    return run


@pytest.fixture
def copy_seeds(tmp_path):
    """Copy a seed folder to a temp dir, to break it on purpose."""

    def make(src: Path) -> Path:
        dst = tmp_path / src.name
        shutil.copytree(src, dst)
        return dst

    return make
