"""The embedded store: reads, filters, search, atomic writes."""

from __future__ import annotations

import datetime as dt

import pytest

from crimegraph.errors import DatasetInvalid, EntityNotFound, RelationNotFound, UsageError
from crimegraph.graph.memory import MemoryStore
from crimegraph.graph.registry import open_store
from crimegraph.schema.loader import load_dataset


def test_entity_and_relations(mini_store):
    e = mini_store.entity("group-a")
    assert e.name == "Grupo Ápice" and e.kind.value == "actor"
    ids = [r.id for r in mini_store.relations("group-a")]
    assert ids == sorted(ids) and len(ids) == 3
    out = [r.type for r in mini_store.relations("group-a", direction="out")]
    # the symmetric rival_of counts from both ends
    assert sorted(out) == ["engages_in", "operates_in", "rival_of"]
    assert [r.type for r in mini_store.relations("valley-y", direction="in")] == ["operates_in"]
    assert [r.type for r in mini_store.relations("group-a", types=["rival_of"])] == ["rival_of"]


def test_as_of_filters_by_period(mini_store):
    # engages_in runs 2001-03 .. 2015: present at the end of 2015, absent in 2016
    on = lambda d: {r.type for r in mini_store.relations("group-a", as_of=d)}  # noqa: E731
    assert "engages_in" in on(dt.date(2015, 12, 31))
    assert "engages_in" not in on(dt.date(2016, 1, 1))
    assert "engages_in" not in on(dt.date(2001, 2, 28))
    assert "rival_of" not in on(dt.date(2010, 4, 30)) and "rival_of" in on(dt.date(2010, 5, 1))


def test_neighbours_subgraph_expand(mini_store):
    assert mini_store.neighbours("group-a") == ["drugs", "group-b", "valley-y"]
    sg = mini_store.subgraph(["group-a", "group-b", "country-x"])
    assert set(sg.relations) == {"group-b--rival-of--group-a"}
    ego = mini_store.expand(["valley-y"], depth=2)
    assert set(ego.entities) == {"valley-y", "country-x", "group-a", "group-b", "drugs"}
    capped = mini_store.expand(["group-a"], depth=1, cap=1)
    assert len(capped.entities) == 2 and capped.more == {"group-a": 2}


def test_search_is_case_accent_and_typo_insensitive(mini_store):
    assert mini_store.search("apurimac")[0].id == "valley-y"
    assert mini_store.search("GRUPO APICE")[0].id == "group-a"
    assert mini_store.search("Banda Betta")[0].id == "group-b"  # typo: fuzzy
    assert mini_store.search("apex")[0].id == "group-a"  # alias
    assert mini_store.resolve("grupo ápice").id == "group-a"


def test_unknown_ids_suggest_close_matches(mini_store):
    with pytest.raises(EntityNotFound) as exc:
        mini_store.entity("group-c")
    assert "group-a" in str(exc.value) or "group-b" in str(exc.value)
    with pytest.raises(RelationNotFound):
        mini_store.relation("nope")
    with pytest.raises(UsageError, match="unknown relation type"):
        mini_store.relations("group-a", types=["operates"])


def test_a_dataset_with_an_error_changes_no_store(tmp_path, copy_seeds):
    from tests.paths import DATA

    store = open_store("memory", seeds=DATA / "mini")
    before = store.counts()
    broken = copy_seeds(DATA / "mini")
    text = (broken / "data.yaml").read_text().replace("object: drugs", "object: drugz")
    (broken / "data.yaml").write_text(text + "\n  - {type: allied_with, subject: group-a, object: group-b, "
                                             "confidence: B2, citations: [{source: src-a}]}\n")
    with pytest.raises(DatasetInvalid):
        store.write(load_dataset(broken))
    assert store.counts() == before


def test_write_is_idempotent_and_replace_removes(mini_store):
    from tests.paths import DATA

    ds = load_dataset(DATA / "mini")
    s = MemoryStore()
    s.write(ds)
    s.write(ds)
    assert s.counts() == mini_store.counts()
    smaller = load_dataset(DATA / "mini")
    del smaller.relations["group-b--rival-of--group-a"]
    s.write(smaller, replace=True)
    assert s.counts()["relations"] == mini_store.counts()["relations"] - 1
