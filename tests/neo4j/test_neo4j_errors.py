"""What a user sees when the server is down, the password is wrong or the server is too old."""

from __future__ import annotations

import socket

import pytest

from crimegraph.errors import StoreUnavailable
from tests.paths import DATA


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


def test_server_down_is_one_line_naming_the_uri_and_the_fix():
    from crimegraph.graph.registry import open_store

    uri = f"bolt://127.0.0.1:{closed_port()}"
    with pytest.raises(StoreUnavailable) as err:
        open_store("neo4j", seeds=False, uri=uri)
    msg = str(err.value)
    assert "\n" not in msg and uri in msg and "make neo4j" in msg and "NEO4J_URI" in msg
    assert "docker" in msg.lower()


def test_server_down_in_the_cli_has_no_traceback(cli):
    uri = f"bolt://127.0.0.1:{closed_port()}"
    for args in (("load", DATA / "mini", "--store", "neo4j"), ("stats", "--store", "neo4j")):
        out = cli(*args, env={"NEO4J_URI": uri})
        assert out.returncode == StoreUnavailable.exit_code, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and uri in lines[0] and "make neo4j" in lines[0]
        assert "Traceback" not in out.stderr


def test_a_bad_uri_is_reported():
    from crimegraph.graph.registry import open_store

    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        open_store("neo4j", seeds=False, uri="htp://127.0.0.1:7687")


@pytest.mark.neo4j
def test_wrong_password_is_a_clear_auth_error(neo4j_auth_server, cli):
    from crimegraph.graph.registry import open_store

    uri, user, password = neo4j_auth_server
    with pytest.raises(StoreUnavailable) as err:
        open_store("neo4j", seeds=False, uri=uri, user=user, password=password + "-wrong")
    msg = str(err.value)
    assert "\n" not in msg and uri in msg and "NEO4J_PASSWORD" in msg and "authentication" in msg
    out = cli("stats", "--store", "neo4j",
              env={"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": "wrong"})
    assert out.returncode == 3 and "Traceback" not in out.stderr and "NEO4J_PASSWORD" in out.stderr
    # the right password works
    with open_store("neo4j", seeds=False, uri=uri, user=user, password=password) as st:
        assert st.server_version.startswith("5.")


@pytest.mark.neo4j
def test_the_version_is_checked_on_connect(neo4j_options, monkeypatch):
    """A server older than Neo4j 5 is refused with a clear message (simulated: there is no 4.x here)."""
    from crimegraph.graph import neo4j_connect
    from crimegraph.graph.registry import open_store

    with open_store("neo4j", seeds=False, **neo4j_options) as st:
        assert int(st.server_version.split(".")[0]) >= 5
    real = neo4j_connect.check_version
    monkeypatch.setattr(neo4j_connect, "check_version", lambda uri, v: real(uri, "4.4.12"))
    with pytest.raises(StoreUnavailable, match=r"version 4\.4\.12; crimegraph needs Neo4j 5 or newer"):
        open_store("neo4j", seeds=False, **neo4j_options)
