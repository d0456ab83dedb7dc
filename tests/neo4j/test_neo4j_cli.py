"""``crimegraph load --store neo4j``, then the same questions of both stores give the same answers."""

from __future__ import annotations

import pytest

from tests.paths import PERU

pytestmark = pytest.mark.neo4j

QUESTIONS = [
    ("query", "connections", "Tren de Aragua", "Shining Path"),
    ("query", "connections", "shining-path", "peru", "--as-of", "2010", "-k", "3"),
    ("query", "actors-in", "peru", "--as-of", "2019"),
    ("query", "economies", "shining-path"),
    ("query", "timeline", "shining-path"),
    ("query", "ego", "Sendero Luminoso"),
    ("query", "evidence", "shining-path--operates-in--vraem"),
    ("query", "brokers"),
    ("stats",),
]
#: also compared as the table people read
TABLES = [QUESTIONS[0], QUESTIONS[2]]


def test_load_then_query_gives_the_memory_answers(cli, neo4j_env, neo4j_store):
    cli("load", PERU, "--store", "neo4j", "--replace", env=neo4j_env, check_rc=0)
    runs = [(q, "json") for q in QUESTIONS] + [(q, "table") for q in TABLES]
    for q, fmt in runs:
        mem = cli(*q, "--format", fmt)
        neo = cli(*q, "--store", "neo4j", "--format", fmt, env=neo4j_env)
        assert neo.returncode == mem.returncode == 0, (q, neo.stderr, mem.stderr)
        assert neo.stdout == mem.stdout, q


def test_connections_avoiding_an_entity(peru_store, peru_neo4j):
    from crimegraph.queries import connections

    for args in (("shining-path", "tren-de-aragua"), ("shining-path", "peru")):
        a = connections(peru_store, *args, avoid=["peru"]).as_dict()
        b = connections(peru_neo4j, *args, avoid=["peru"]).as_dict()
        assert a == b


def test_store_neo4j_uri_names_the_server(cli, neo4j_env, neo4j_uri, neo4j_store):
    """`--store neo4j:URI` wins over $NEO4J_URI (here pointing at a port nobody listens on)."""
    dead = dict(neo4j_env, NEO4J_URI="bolt://127.0.0.1:9")
    cli("load", PERU, "--store", f"neo4j:{neo4j_uri}", "--replace", env=dead, check_rc=0)
    mem = cli("stats", "--format", "json", check_rc=0)
    neo = cli("stats", "--store", f"neo4j:{neo4j_uri}", "--format", "json", env=dead, check_rc=0)
    assert neo.stdout == mem.stdout
    down = cli("stats", "--store", "neo4j", env=dead)
    assert down.returncode != 0 and "bolt://127.0.0.1:9" in down.stdout + down.stderr
