"""``/api/…``: the investigator's questions, with the JSON of ``crimegraph query … --format json``."""

from __future__ import annotations

import json

import pytest

from crimegraph import queries as q


def roundtrip(ask) -> dict:
    """What the CLI prints for a question: ``as_dict()`` (with ``resolved``, what each named
    entity was taken to be) through ``json.dumps(default=str)``."""
    from crimegraph.graph.resolution import attach, collecting

    with collecting() as notes:
        result = ask()
    return json.loads(json.dumps(attach(result.as_dict(), notes), ensure_ascii=False, default=str))


CASES = [
    ("/api/search?q=Sendero", lambda st: q.search(st, "Sendero")),
    ("/api/search?q=tren%20de%20aragwa&limit=3&kind=actor", lambda st: q.search(st, "tren de aragwa", limit=3,
                                                                                   kinds=["actor"])),
    ("/api/connections?a=Tren%20de%20Aragua&b=shining-path", lambda st: q.connections(st, "Tren de Aragua",
                                                                                       "shining-path")),
    ("/api/connections?a=tren-de-aragua&b=shining-path&max_hops=3&paths=2&avoid=peru&types=operates_in,allied_with",
     lambda st: q.connections(st, "tren-de-aragua", "shining-path", max_hops=3, k=2, avoid=["peru"],
                              types=frozenset({"operates_in", "allied_with"}))),
    ("/api/connections?a=sinaloa-cartel&b=shining-path&ties=criminal&similar=true",
     lambda st: q.connections(st, "sinaloa-cartel", "shining-path", natures=frozenset(
         {"cooperation", "hierarchy", "supply"}), similar=True)),
    ("/api/connections?a=tren-de-aragua&b=shining-path&natures=adversarial&natures=economy",
     lambda st: q.connections(st, "tren-de-aragua", "shining-path", natures=frozenset({"adversarial", "economy"}))),
    ("/api/ego/shining-path?depth=2", lambda st: q.ego_network(st, "shining-path", depth=2)),
    ("/api/ego/shining-path?depth=2&through_hubs=true",
     lambda st: q.ego_network(st, "shining-path", depth=2, through_hubs=True)),
    ("/api/brokers?include_state=true&top=3", lambda st: q.brokers(st, top=3, include_state=True)),
    ("/api/ego/shining-path", lambda st: q.ego_network(st, "shining-path")),
    ("/api/ego/peru?depth=2&cap=5&as_of=2019", lambda st: q.ego_network(st, "peru", depth=2, cap=5, as_of=2019)),
    ("/api/actors-in/vraem", lambda st: q.actors_in(st, "vraem")),
    ("/api/actors-in/peru?trafficking=true&as_of=2015-06",
     lambda st: q.actors_in(st, "peru", as_of="2015-06", types=("operates_in", "traffics_to"))),
    ("/api/economies/shining-path", lambda st: q.economies_of(st, "shining-path")),
    ("/api/actors-in-economy/illegal-logging", lambda st: q.actors_in_economy(st, "illegal-logging")),
    ("/api/allies/shining-path?as_of=2019", lambda st: q.allies(st, "shining-path", as_of=2019)),
    ("/api/rivals/shining-path", lambda st: q.rivals(st, "shining-path")),
    ("/api/timeline/shining-path", lambda st: q.timeline(st, "shining-path")),
    ("/api/brokers?top=5", lambda st: q.brokers(st, top=5)),
    ("/api/communities?top=3&seed=1", lambda st: q.communities(st, top=3, seed=1)),
    ("/api/evidence/shining-path--operates-in--vraem",
     lambda st: q.evidence(st, "shining-path--operates-in--vraem")),
]


@pytest.mark.parametrize("path, ask", CASES, ids=[c[0] for c in CASES])
def test_same_json_as_the_helpers(client, peru_store, path, ask):
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json() == roundtrip(lambda: ask(peru_store))


@pytest.mark.parametrize("path, args", [
    ("/api/connections?a=tren-de-aragua&b=shining-path&max_hops=3",
     ["query", "connections", "tren-de-aragua", "shining-path", "--max-hops", "3"]),
    ("/api/actors-in/VRAEM?as_of=2019", ["query", "actors-in", "VRAEM", "--as-of", "2019"]),
    ("/api/entity/Sendero%20Luminoso", ["show", "Sendero Luminoso"]),
])
def test_same_json_as_the_cli(client, cli, path, args):
    proc = cli(*args, "--format", "json", check_rc=0)
    assert client.get(path).json() == json.loads(proc.stdout)


def test_entity_as_of(client, peru_store):
    all_rels = client.get("/api/entity/shining-path").json()["relations"]
    then = client.get("/api/entity/shining-path?as_of=1995").json()["relations"]  # Guzmán led it until 1992
    assert 0 < len(then) < len(all_rels)


def test_stats(client, peru_dataset):
    assert client.get("/api/stats").json() == peru_dataset.stats()


@pytest.mark.parametrize("path, status, kind", [
    ("/api/entity/no-such-entity", 404, "not-found"),
    ("/api/evidence/nope--nope", 404, "not-found"),
    ("/api/actors-in/shining-path", 400, "bad-parameter"),          # not a place
    ("/api/connections?a=peru&b=vraem&types=bogus", 400, "bad-parameter"),
    ("/api/ego/peru?as_of=2019-13", 400, "bad-parameter"),          # no 13th month
    ("/api/ego/peru?as_of=yesterday", 422, "invalid-request"),
    ("/api/ego/peru?depth=9", 422, "invalid-request"),
    ("/api/ego/peru?cap=0", 422, "invalid-request"),
    ("/api/connections?a=peru", 422, "invalid-request"),            # b is missing
    ("/api/connections?a=peru&b=vraem&max_hops=100", 422, "invalid-request"),
    ("/api/search?q=" + "x" * 201, 422, "invalid-request"),
    ("/api/search?q=", 422, "invalid-request"),
    ("/api/search?q=peru&limit=1000", 422, "invalid-request"),
    ("/api/search?q=peru&kind=person", 422, "invalid-request"),
    ("/api/brokers?projection=everything", 422, "invalid-request"),
    ("/api/brokers?samples=100000", 422, "invalid-request"),
    ("/api/communities?resolution=nan", 422, "invalid-request"),
    ("/api/communities?resolution=inf", 422, "invalid-request"),
    ("/api/entity/" + "x" * 201, 422, "invalid-request"),
    ("/api/connections?a=peru&b=vraem&" + "&".join("types=operates_in" for _ in range(21)), 422,
     "invalid-request"),
])
def test_bad_parameters_are_problems(client, path, status, kind):
    r = client.get(path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == f"http://testserver/problems/{kind}"
    assert body["status"] == status and body["detail"]
    if status == 422:
        assert body["errors"] and all({"in", "parameter", "message"} <= set(e) for e in body["errors"])


def test_no_connection_is_an_answer(client):
    r = client.get("/api/connections?a=tren-de-aragua&b=shining-path&max_hops=1")
    assert r.status_code == 200 and r.json()["found"] is False


def test_the_connection_answer_explains_itself(client):
    d = client.get("/api/connections?a=tren-de-aragua&b=shining-path").json()
    assert d["criminal_tie"] is False and d["message"].startswith("No criminal tie")
    assert all(p["sentence"] and p["explain"]["steps"] for p in d["paths"])
    assert [g["kind"] for g in d["groups"]][0] != "presence"  # the country path is not first
    r = client.get("/api/connections?a=tren-de-aragua&b=shining-path&natures=friendship")
    assert r.status_code == 422


def test_answers_are_cached(client, app_state):
    client.get("/api/brokers?top=3")
    hits = app_state.answers.hits
    client.get("/api/brokers?top=3")
    assert app_state.answers.hits == hits + 1
