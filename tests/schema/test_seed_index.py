"""The seed cache's indexed form (crimegraph.graph.indexed): a warm command reads the entities and
relations it touches from SQLite, answers exactly as the memory store does, and never answers from
an index that is stale, damaged or not the user's own.
"""

from __future__ import annotations

import json
import os

import pytest



@pytest.fixture
def synth(cli, tmp_path):
    out = tmp_path / "synth"
    cli("synth", "--entities", "400", "--relations", "1600", "--out", out, check_rc=0)
    return out


def _index(env):
    from pathlib import Path

    found = sorted(Path(env["CRIMEGRAPH_CACHE_DIR"]).glob("*.sqlite"))
    assert len(found) <= 1
    return found[0] if found else None


def _show(cli, seeds, env, ident="group-b", *extra):
    return cli(*extra, "show", ident, "--seeds", seeds, "-f", "json", env=env, check_rc=0)


def test_point_reads_come_from_the_index_without_building_the_graph(seeds, monkeypatch, tmp_path):
    monkeypatch.setenv("CRIMEGRAPH_CACHE_DIR", str(tmp_path / "c"))
    from crimegraph.graph.indexed import IndexedStore, open_warm
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.schema.loader import load_dataset

    assert open_warm(seeds) is None  # cold: nothing to open
    ds = load_dataset(seeds)  # validates, writes the pickle and its index
    mem = MemoryStore()
    mem.write(ds)
    st = open_warm(seeds)
    assert isinstance(st, IndexedStore)
    try:
        for i in ("group-a", "group-b", "valley-y"):
            assert st.entity(i) == mem.entity(i)
            for d in ("both", "out", "in"):
                assert st.relations(i, direction=d) == mem.relations(i, direction=d)
            assert sorted(st.neighbour_ids(i)) == sorted(mem.neighbour_ids(i))
        assert st.degrees(["group-a", "drugs"]) == mem.degrees(["group-a", "drugs"])
        assert st.path_links("group-b", "drugs") == mem.path_links("group-b", "drugs")
        assert st.counts() == mem.counts()
        assert st.resolve("group-a").id == "group-a"  # by id: no search
        assert st._memory is None  # nothing above read the whole dataset
        assert st.dataset().stats() == ds.stats()  # a whole-graph question builds it
        assert st._memory is not None
    finally:
        st.close()


def test_the_ranking_reads_ties_from_columns_and_only_the_shown_relations_whole(synth, monkeypatch, tmp_path):
    """``path_links(..., ties=True)`` on the index: each relation as a Tie (id, type, ends,
    grade, cited sources) from plain columns, none unpickled; ``relations_of`` gives back the
    very relations the memory store holds; and a connections answer unpickles only the
    relations of the paths it shows."""
    monkeypatch.setenv("CRIMEGRAPH_CACHE_DIR", str(tmp_path / "c"))
    from crimegraph.graph.base import Tie
    from crimegraph.graph.indexed import open_warm
    from crimegraph.queries import connections
    from crimegraph.schema.loader import load_dataset

    ds = load_dataset(synth)
    actors = sorted(i for i, e in ds.entities.items() if e.kind.value == "actor")
    a, b = actors[0], actors[len(actors) // 2]
    st = open_warm(synth)
    try:
        mem = st.memory()
        want = mem.path_links(a, b)
        assert want  # the pair is linked within 4 hops
        st._memory = None
        got = st.path_links(a, b, ties=True)
        assert st._relations == {}  # nothing unpickled
        flat = [t for row in got.values() for ts in row.values() for t in ts]
        assert flat and all(isinstance(t, Tie) for t in flat)
        assert {u: {v: [t.id for t in ts] for v, ts in row.items()} for u, row in got.items()} == \
            {u: {v: [r.id for r in rs] for v, rs in row.items()} for u, row in want.items()}
        for t in flat:
            r = ds.relations[t.id]
            assert (t.type, t.subject, t.object, t.confidence) == (r.type, r.subject, r.object, r.confidence)
            assert [c.source for c in t.citations] == [c.source for c in r.citations]
            assert tuple(t.timing) == ((r.timing.start, r.timing.end) if r.timing else (None, None))
        u = next(iter(got))
        v = next(iter(got[u]))
        assert st.relations_of(got[u][v]) == want[u][v]
        # as of a day, the ties shown are the relations shown, still none unpickled
        days = sorted({r.timing.start for r in ds.relations.values()
                       if r.timing is not None and r.timing.start is not None and r.timing.start.year > 1})
        for day in (days[len(days) // 3], days[-1]):
            st._relations.clear()
            dated = st.path_links(a, b, as_of=day, ties=True)
            some = sorted(dated)[:20]
            assert st.degrees(some, as_of=day) == mem.degrees(some, as_of=day)
            assert st._relations == {}
            assert {u: {v: [t.id for t in ts] for v, ts in row.items()} for u, row in dated.items()} == \
                {u: {v: [r.id for r in rs] for v, rs in row.items()}
                 for u, row in mem.path_links(a, b, as_of=day).items()}
        assert any(not t.shown_on(days[len(days) // 3]) for t in flat)  # the filter filtered
        # a narrower type filter keeps only those ties
        kinds = {t.type for t in flat}
        one = sorted(kinds)[0]
        narrow = st.path_links(a, b, types=[one], ties=True)
        assert {t.type for row in narrow.values() for ts in row.values() for t in ts} <= {one}

        fresh = open_warm(synth)
        try:
            answer = connections(fresh, a, b)
            shown = {r.id for p in answer.paths for s in p.steps for r in (s.relation, *s.others)}
            assert answer.paths and set(fresh._relations) == shown
            assert answer.as_dict() == connections(mem, a, b).as_dict()
        finally:
            fresh.close()
    finally:
        st.close()


@pytest.mark.parametrize("argv", [("show", "{a}"), ("query", "ego", "{a}"),
                                  ("query", "connections", "{a}", "{b}"), ("query", "evidence", "{r}"),
                                  ("stats",), ("query", "brokers")])
def test_warm_cli_answers_equal_the_validated_reads(cli, synth, env, argv):
    from crimegraph.schema.loader import load_dataset

    ds = load_dataset(synth)
    deg: dict = {}
    for r in ds.relations.values():
        deg[r.subject] = deg.get(r.subject, 0) + 1
    a, b = sorted(deg, key=lambda i: (-deg[i], i))[5:7]
    rel = next(r.id for r in ds.relations.values() if r.subject == a)
    args = [x.format(a=a, b=b, r=rel) for x in argv]
    cold = cli("--no-cache", *args, "--seeds", synth, "-f", "json", env=env, check_rc=0).stdout
    cli("stats", "--seeds", synth, env=env, check_rc=0)  # validates, writes the cache
    assert _index(env) is not None
    warm = cli(*args, "--seeds", synth, "-f", "json", env=env, check_rc=0).stdout
    assert warm == cold and json.loads(warm)


def test_an_edited_added_or_removed_file_is_seen_through_the_index(cli, seeds, env):
    assert json.loads(_show(cli, seeds, env).stdout)["entity"]["name"] == "Banda Beta"
    f = seeds / "data.yaml"
    f.write_text(f.read_text().replace("name: Banda Beta", "name: Banda Gamma"))
    assert json.loads(_show(cli, seeds, env).stdout)["entity"]["name"] == "Banda Gamma"
    assert json.loads(_show(cli, seeds, env).stdout)["entity"]["name"] == "Banda Gamma"  # warm again
    extra = seeds / "more.yaml"
    extra.write_text("entities:\n  - id: group-c\n    type: gang\n    name: Banda Ce\n"
                     "    citations: [{source: src-a}]\n")
    assert json.loads(_show(cli, seeds, env, "group-c").stdout)["entity"]["name"] == "Banda Ce"
    extra.unlink()
    gone = cli("show", "group-c", "--seeds", seeds, env=env)
    assert gone.returncode != 0 and "group-c" in gone.stderr and "Traceback" not in gone.stderr


def test_search_through_the_saved_index_follows_an_edit(cli, seeds, env):
    """The warm search answers from the search file beside the index; an edited seed file gives
    another content key, so the next search never reads the old file."""
    from pathlib import Path

    def search(text):
        out = cli("query", "search", text, "--seeds", seeds, "-f", "json", env=env, check_rc=0).stdout
        return [h["id"] for h in json.loads(out)["results"]]

    assert "group-b" in search("Banda Beta")
    assert "group-b" in search("Banda Beta")  # warm: from the saved search file
    saved = sorted(Path(env["CRIMEGRAPH_CACHE_DIR"]).glob("*.search"))
    assert len(saved) == 1
    f = seeds / "data.yaml"
    f.write_text(f.read_text().replace("name: Banda Beta", "name: Banda Gamma"))
    assert "group-b" in search("Banda Gamma") and "group-b" not in search("Beta")
    now = sorted(Path(env["CRIMEGRAPH_CACHE_DIR"]).glob("*.search"))
    assert len(now) == 1 and now != saved  # the old content's file is gone


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "others-can-write"])
def test_a_damaged_or_foreign_index_is_ignored_and_rebuilt(cli, seeds, env, damage):
    from crimegraph.graph.indexed import open_index

    cold = _show(cli, seeds, env).stdout
    index = _index(env)
    raw = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(b"not a database" * 100)
    elif damage == "truncate":
        index.write_bytes(raw[: len(raw) // 3])
    elif damage == "empty":
        index.write_bytes(b"")
    else:
        os.chmod(index, 0o666)
        assert open_index(index) is None  # the very same bytes are not opened
    assert _show(cli, seeds, env).stdout == cold
    assert index.stat().st_mode & 0o777 == 0o600
    con = open_index(index)
    assert con is not None  # rebuilt, whole
    con.close()


def test_cache_clear_removes_the_index(cli, seeds, env):
    _show(cli, seeds, env)
    assert _index(env) is not None
    assert "removed 1" in cli("cache", "clear", env=env, check_rc=0).stdout
    assert _index(env) is None
