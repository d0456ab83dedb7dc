"""A real Neo4j 5 server for the tests marked ``neo4j`` (a pytest plugin).

Load it from the root conftest with ``pytest_plugins = ["tests.neo4j_fixture"]``
(or ``pytest -p tests.neo4j_fixture``).

* ``NEO4J_URI`` set: the tests use that server (with ``NEO4J_USER``,
  ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``). They clear its crimegraph nodes:
  point it at a throw-away database.
* otherwise the session starts ``scripts/neo4j-server.sh <free port>`` (the
  in-process Neo4j 5 Community launcher in ``tests/neo4j-server/``; the first
  run builds it with Maven) in its own process group, waits for its
  ``READY bolt://127.0.0.1:PORT`` line (up to ``CRIMEGRAPH_NEO4J_START_TIMEOUT``
  seconds, default 300) and sends it SIGTERM at the end.
* without Java (or without Maven while the launcher is not built yet) the
  ``neo4j`` tests are skipped with the reason, unless
  ``CRIMEGRAPH_REQUIRE_NEO4J=1`` (set by ``.ci/run``): then they fail.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional, Sequence

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j-server.sh"
LAUNCHER = ROOT / "tests" / "neo4j-server"


def required() -> bool:
    return os.environ.get("CRIMEGRAPH_REQUIRE_NEO4J", "") not in ("", "0", "false", "no")


def unavailable(reason: str):
    """Skip (or, with CRIMEGRAPH_REQUIRE_NEO4J=1, fail) the test that needs Neo4j."""
    if required():
        pytest.fail(f"Neo4j is required (CRIMEGRAPH_REQUIRE_NEO4J=1) but {reason}", pytrace=False)
    pytest.skip(f"no Neo4j server: {reason}; set NEO4J_URI, or install Java 17 and Maven "
                "(make system-deps)")


def launcher_built() -> bool:
    return (LAUNCHER / "target" / "neo4j-server.jar").exists() and (LAUNCHER / "target" / "lib").is_dir()


def missing_tools() -> Optional[str]:
    if not SCRIPT.exists():
        return f"{SCRIPT.relative_to(ROOT)} is missing"
    if shutil.which("java") is None:
        return "java is not installed"
    if shutil.which("mvn") is None and not launcher_built():
        return "mvn is not installed (needed once, to build the launcher)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LaunchedServer:
    """One ``scripts/neo4j-server.sh`` process; ``uri`` once it printed READY."""

    def __init__(self, extra_args: Sequence[str] = (), port: Optional[int] = None):
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.uri: Optional[str] = None
        self.log = tempfile.NamedTemporaryFile(prefix="crimegraph-neo4j-", suffix=".log", delete=False)
        self.proc: Optional[subprocess.Popen] = None

    def start(self, timeout: Optional[float] = None) -> str:
        timeout = timeout or float(os.environ.get("CRIMEGRAPH_NEO4J_START_TIMEOUT", "300"))
        self.proc = subprocess.Popen(
            ["bash", str(SCRIPT), str(self.port), *self.extra_args],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log,
            text=True, start_new_session=True)
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump(stream) -> None:
            for line in stream:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise RuntimeError(f"Neo4j launcher printed no READY line within {timeout:.0f} s; "
                                   f"log: {self.log.name}\n{self.tail()}")
            try:
                line = lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait()
                raise RuntimeError(f"Neo4j launcher exited ({code}) before READY; log: "
                                   f"{self.log.name}\n{self.tail()}")
            if line.startswith("READY "):
                self.uri = line.split(None, 1)[1].strip()
                return self.uri

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, timeout: float = 60) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def launch(extra_args: Sequence[str] = ()) -> LaunchedServer:
    why = missing_tools()
    if why:
        unavailable(why)
    server = LaunchedServer(extra_args)
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    return server


@pytest.fixture(scope="session")
def neo4j_uri():
    """The Bolt URI of a real Neo4j 5 server for this test session."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    server = launch()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_options(neo4j_uri):
    """Keyword arguments for ``open_store("neo4j", ...)`` that reach the session's server."""
    if os.environ.get("NEO4J_URI"):
        return {"uri": neo4j_uri}  # user, password and database from the environment
    return {"uri": neo4j_uri, "user": "neo4j", "password": None, "database": "neo4j"}


@pytest.fixture(scope="session")
def neo4j_env(neo4j_uri):
    """Environment variables for a ``crimegraph`` subprocess that should use the server."""
    env = {"NEO4J_URI": neo4j_uri}
    for k in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        if os.environ.get("NEO4J_URI") and os.environ.get(k):
            env[k] = os.environ[k]
    return env


@pytest.fixture
def neo4j_store(neo4j_options):
    """An empty Neo4j store (every crimegraph node of the session's server deleted first)."""
    from crimegraph.graph.registry import open_store

    store = open_store("neo4j", seeds=False, **neo4j_options)
    store.clear()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def neo4j_auth_server():
    """A second launcher with authentication on: ``(uri, user, password)``."""
    if os.environ.get("NEO4J_URI"):
        password = os.environ.get("NEO4J_PASSWORD")
        if not password:
            pytest.skip("NEO4J_URI is set without NEO4J_PASSWORD: the server's authentication is unknown")
        yield os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), password
        return
    server = launch(["--auth", "neo4j:crimegraph-test"])
    try:
        yield server.uri, "neo4j", "crimegraph-test"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_store_options(neo4j_options):
    """The conformance suite's hook (``<backend>_store_options``) for the neo4j backend."""
    return neo4j_options
