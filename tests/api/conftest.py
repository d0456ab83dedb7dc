"""Fixtures for the HTTP API: in-process clients (FastAPI's TestClient) and a real uvicorn server.

- ``client``: the Peru data on the embedded store, base ``http://testserver/``,
  one SPARQL worker, small limits (3 s, 500 results) so that hostile queries
  are cut off quickly;
- ``xss_client``: the hostile strings of ``tests/data/xss``;
- ``prefixed_client``: base ``http://testserver/crimegraph/`` (everything under a path);
- ``live_server``: ``crimegraph serve`` in a subprocess on 127.0.0.1 and a free
  port, waited for on ``/health``, terminated at the end of the session.

Each in-process client starts its app's lifespan (and so its SPARQL worker
processes) once per session and stops it at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import DATA, ROOT

pytest.importorskip("fastapi")
pytest.importorskip("pyoxigraph")

LIMITS = dict(sparql_timeout=3.0, sparql_max_results=500, sparql_workers=1, sparql_max_memory_mb=1024,
              sparql_max_result_mb=1)


def make_client(store=None, base: str = "http://testserver/", **settings):
    from fastapi.testclient import TestClient

    from crimegraph.api import Settings, create_app

    app = create_app(store, base, Settings(**{**LIMITS, **settings}))
    return TestClient(app, base_url="http://testserver", raise_server_exceptions=False)


@pytest.fixture(scope="session")
def client(peru_store):
    with make_client(peru_store) as c:
        yield c


@pytest.fixture(scope="session")
def app_state(client):
    return client.app.state.crimegraph


@pytest.fixture(scope="session")
def xss_client():
    from crimegraph.graph.registry import open_store

    with make_client(open_store("memory", seeds=DATA / "xss")) as c:
        yield c


@pytest.fixture(scope="session")
def prefixed_client(peru_store):
    with make_client(peru_store, "http://testserver/crimegraph/") as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli() -> str:
    exe = Path(sys.executable).parent / "crimegraph"
    return str(exe) if exe.exists() else "crimegraph"


class LiveServer:
    """A running ``crimegraph serve``; ``base`` ends in ``/``."""

    def __init__(self, port: int, proc: subprocess.Popen, log: Path):
        self.port = port
        self.base = f"http://127.0.0.1:{port}/"
        self.proc = proc
        self.log = log

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_server(tmp: Path, *args: str, ready_timeout: float = 120.0, preexec_fn=None,
                 sparql: bool = True, env: dict | None = None) -> LiveServer:
    """Start ``crimegraph serve ARGS`` and wait for ``/health`` (and, if ``sparql``, its workers).

    ``preexec_fn`` runs in the child before ``exec`` (a lowered ``ulimit -n``, a seccomp filter);
    ``env``: more environment variables (``CRIMEGRAPH_*`` settings).
    """
    import httpx

    port = free_port()
    log = tmp / f"serve-{port}.log"
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
    env.update(extra)
    cmd = [_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=preexec_fn)
    server = LiveServer(port, proc, log)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"crimegraph serve exited with {proc.returncode}:\n{server.output()[-3000:]}")
        try:
            r = httpx.get(server.url("health"), timeout=2)
            status = r.json()["sparql"] if r.status_code == 200 else {}
            if r.status_code == 200 and (status["started"] or status.get("refused") or not sparql):
                return server
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.25)
    stop_server(server)
    raise RuntimeError(f"crimegraph serve did not answer /health in {ready_timeout:.0f} s:\n{server.output()[-3000:]}")


def stop_server(server: LiveServer) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("live"), "--sparql-timeout", "3", "--sparql-max-results",
                          "2000", "--sparql-workers", "2", "--log-level", "warning")
    yield server
    stop_server(server)
