"""The search index on disk: SearchEngine.save / SearchEngine.open answer exactly as the engine in memory."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from crimegraph.graph import search as search_module
from crimegraph.graph.search import FORMAT, SearchEngine, SearchIndexUnreadable
from crimegraph.graph.textfold import raw_words
from tests.paths import ROOT


def benchmark_queries() -> list[str]:
    lines = (ROOT / "benchmarks" / "search_queries.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [r[0] for r in rows]


#: the queries of tests/graph/test_search_engine.py, and a few edge cases
ENGINE_QUERIES = [
    "titicaka", "Sendero Luminoso", "minería ilegal", "MINERIA ILEGAL", "tala ilegal", "narcotrafico",
    "amphibians", "28 percent of gold", "tren-de-aragua", "drogas sintéticas", "Telmatobius",
    "Shining Path", "Sendero", "titicaca", "sendero luminoso", "shining-path", "Quispe", "zzqqxx",
    "operates in the valley", "grupo apise", "apurimac", "tit", "the", "", "  ,; ", "peru", "x",
]


def same_answers(memory: SearchEngine, disk: SearchEngine, queries: list[str]) -> int:
    """Assert every query answers the same both ways; the number of queries with hits."""
    found = 0
    for q in queries:
        found += bool(memory.search(q))
        for kw in ({}, {"limit": 40}, {"kinds": ["actor"]}, {"kinds": ["place", "event"], "limit": 5}):
            a, b = memory.search(q, **kw), disk.search(q, **kw)
            assert a == b, (q, kw)
    return found


def saved(engine: SearchEngine, tmp_path) -> SearchEngine:
    path = tmp_path / "search.sqlite"
    engine.save(path)
    return SearchEngine.open(path)


def test_the_file_answers_as_memory_on_peru(peru_store, tmp_path):
    memory = peru_store.search_engine()
    disk = saved(memory, tmp_path)
    queries = benchmark_queries() + ENGINE_QUERIES
    assert same_answers(memory, disk, queries) >= len(queries) - 6
    assert len(disk) == len(memory)
    ids = sorted(e.id for e in peru_store.entities())
    assert disk.export(ids) == memory.export(ids)
    some = ids[::7]
    assert disk.export(some) == memory.export(some) and memory.export(some)["docs"]
    assert disk.export([]) == memory.export([])
    # a saved file saves again to an equal index
    (tmp_path / "again").mkdir()
    again = saved(disk, tmp_path / "again")
    assert again.search("Tren de Aragwa") == memory.search("Tren de Aragwa")


def test_the_file_answers_as_memory_on_synthetic_data(tmp_path):
    from crimegraph.graph.registry import open_store
    from crimegraph.synth import write_synthetic

    write_synthetic(tmp_path / "seeds", entities=2000, relations=8000, seed=3)
    store = open_store("memory", seeds=tmp_path / "seeds")
    memory = store.search_engine()
    disk = saved(memory, tmp_path)
    entities = list(store.entities())
    queries = []
    for e in entities[::40]:  # names, a misspelling, a prefix, a word of a quote
        queries.append(e.name)
        words = raw_words(e.name)
        longest = max(words, key=len)
        queries.append(longest[:-2] + longest[-1] + longest[-2] if len(longest) > 4 else longest)
        queries.append(longest[:4])
        for c in e.citations[:1]:
            if c.quote:
                queries.append(" ".join(raw_words(c.quote)[:3]))
    assert same_answers(memory, disk, queries) >= len(queries) // 2
    ids = [e.id for e in entities[::13]]
    assert disk.export(ids) == memory.export(ids)


def test_a_damaged_or_foreign_file_is_refused(peru_store, tmp_path):
    path = tmp_path / "search.sqlite"
    peru_store.search_engine().save(path)
    data = path.read_bytes()
    cases = {
        "empty": b"",
        "noise": bytes(range(256)) * 40,
        "cut": data[: len(data) // 2],
        "pages overwritten": data[:4096] + bytes(range(256)) * ((len(data) - 4096) // 256),
    }
    for name, content in cases.items():
        bad = tmp_path / f"{name}.sqlite"
        bad.write_bytes(content)
        with pytest.raises(SearchIndexUnreadable, match=str(bad)):
            SearchEngine.open(bad)
    foreign = tmp_path / "foreign.sqlite"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(SearchIndexUnreadable, match="not a crimegraph search index"):
        SearchEngine.open(foreign)
    with pytest.raises(SearchIndexUnreadable, match="cannot read"):
        SearchEngine.open(tmp_path / "absent.sqlite")
    assert issubclass(SearchIndexUnreadable, ValueError)
    assert SearchEngine.open(path).search("Shining Path")[0].id == "shining-path"


def test_another_format_number_is_refused(peru_store, tmp_path):
    path = tmp_path / "search.sqlite"
    peru_store.search_engine().save(path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {FORMAT + 1}")
    db.commit()
    db.close()
    with pytest.raises(SearchIndexUnreadable, match=f"format {FORMAT + 1}, this crimegraph reads format {FORMAT}"):
        SearchEngine.open(path)
    db = sqlite3.connect(path)  # the header says this format, the file's own record says another
    db.execute(f"PRAGMA user_version = {FORMAT}")
    db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT + 1,))
    db.commit()
    db.close()
    with pytest.raises(SearchIndexUnreadable, match=f"format {FORMAT + 1}"):
        SearchEngine.open(path)


def test_saving_is_atomic(peru_store, tmp_path, monkeypatch):
    engine = peru_store.search_engine()
    path = tmp_path / "search.sqlite"
    engine.save(path)
    before = path.read_bytes()

    def broken(self, db):
        db.execute("CREATE TABLE meta (key, value)")
        db.commit()
        raise RuntimeError("disk gone")

    monkeypatch.setattr(search_module.MemoryIndex, "write", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        engine.save(path)
    assert path.read_bytes() == before  # the old file, whole
    with pytest.raises(RuntimeError):
        engine.save(tmp_path / "new.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search.sqlite"]  # nothing half-written


def test_threads_share_an_opened_index(peru_store, tmp_path):
    memory = peru_store.search_engine()
    disk = saved(memory, tmp_path)
    queries = benchmark_queries()
    expected = {q: memory.search(q) for q in queries}
    errors: list = []

    def work(offset: int) -> None:
        try:
            for q in queries[offset:] + queries[:offset]:
                assert disk.search(q) == expected[q], q
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i * 7,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
