"""``crimegraph serve``: its help, its errors, its base IRI; and the API modules' doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

from crimegraph.cli.serve import default_base


def test_help_says_where_sparql_runs(cli):
    out = cli("serve", "--help", check_rc=0).stdout
    for word in ("--store", "--host", "--port", "--base-iri", "--sparql-timeout", "--sparql-max-results",
                 "--cors-origin", "Oxigraph", "--store memory", "--store rdf", "--store neo4j"):
        assert word in out, word


@pytest.mark.parametrize("args, message", [
    (["--sparql-max-memory", "10"], "--sparql-max-memory"),
    (["--base-iri", "not an iri"], "--base-iri"),
    (["--store", "nosuch"], "unknown store"),
])
def test_bad_options_say_what_is_wrong(cli, args, message):
    proc = cli("serve", "--port", "1", *args)
    assert proc.returncode != 0
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("host, port, base", [
    ("localhost", 8000, "http://localhost:8000/"),
    ("127.0.0.1", 9000, "http://127.0.0.1:9000/"),
    ("0.0.0.0", 80, "http://localhost:80/"),
    ("::1", 8000, "http://[::1]:8000/"),
])
def test_default_base(host, port, base):
    assert default_base(host, port) == base


def test_the_default_base_is_the_config_default():
    from crimegraph.config import DEFAULT_BASE_IRI

    assert default_base("localhost", 8000) == DEFAULT_BASE_IRI


def test_settings_from_environment():
    from crimegraph.api.settings import Settings
    from crimegraph.errors import UsageError

    s = Settings.from_env({"CRIMEGRAPH_SPARQL_TIMEOUT": "2.5", "CRIMEGRAPH_SPARQL_MAX_RESULTS": "7",
                           "CRIMEGRAPH_CORS_ORIGINS": "https://a.example,https://b.example"})
    assert (s.sparql_timeout, s.sparql_max_results) == (2.5, 7)
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(UsageError):
        Settings.from_env({"CRIMEGRAPH_SPARQL_TIMEOUT": "soon"})
    with pytest.raises(UsageError):
        Settings(sparql_timeout=0)


@pytest.mark.parametrize("module", ["conneg", "cache", "problems", "sparql_check"])
def test_doctests(module):
    mod = importlib.import_module(f"crimegraph.api.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
