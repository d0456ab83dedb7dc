"""The search engine: every field found with its reason, folding, stemming, typos, ranking, resolution."""

from __future__ import annotations

import pytest

from crimegraph.errors import AmbiguousEntity, EntityNotFound
from crimegraph.graph.resolution import attach, collecting
from crimegraph.graph.search import SearchEngine
from crimegraph.graph.textfold import fold, stems
from crimegraph.schema.vocab import ENTITY_TYPE_LABELS_ES, ENTITY_TYPES


@pytest.fixture
def mini_dataset():
    from crimegraph.schema.loader import load_dataset
    from tests.paths import ROOT

    return load_dataset(ROOT / "tests" / "data" / "mini")


def first(store, text, **kw):
    hits = store.search_engine().search(text, **kw)
    assert hits, text
    return hits[0]


@pytest.mark.parametrize("text, entity, reason", [
    ("titicaka", "lake-titicaca", "name 'Lake Titicaca'"),
    ("Sendero Luminoso", "shining-path", "alias 'Sendero Luminoso' (es)"),
    ("minería ilegal", "illegal-mining", "alias 'Minería ilegal' (es)"),
    ("MINERIA ILEGAL", "illegal-mining", "alias 'Minería ilegal' (es)"),
    ("tala ilegal", "illegal-logging", "alias 'Tala ilegal' (es)"),
    ("narcotrafico", "cocaine-trafficking", "alias 'Narcotráfico' (es)"),
    ("amphibians", "wildlife-trafficking", "quote in Amphibian Ark, Telmatobius culeus"),
    ("28 percent of gold", "illegal-mining", "quote in InSight Crime"),
    ("tren-de-aragua", "tren-de-aragua", "name 'Tren de Aragua'"),
    ("drogas sintéticas", "synthetic-drugs", "type 'drogas sintéticas' (es)"),
    ("Telmatobius", "lake-titicaca", "source 'Telmatobius culeus (Lake Titicaca Water Frog)'"),
])
def test_each_field_is_found_with_its_reason(peru_store, text, entity, reason):
    hit = first(peru_store, text)
    assert hit.id == entity and hit.reason.startswith(reason), (text, hit)


def test_scores_rank_exact_first_and_stay_within_100(peru_store):
    hits = peru_store.search("Shining Path", limit=10)
    assert hits[0].id == "shining-path" and hits[0].match == "exact" and hits[0].exact
    assert hits[0].score == max(h.score for h in hits) <= 100
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.match != "exact" for h in hits[1:])


def test_folding_stemming_and_typos():
    assert fold("apu\u200brimac") == fold("Apurímac") == "apurimac"
    assert fold("\u00ad'Ndrangheta") == "ndrangheta"
    assert "frog" in stems("frogs") and "traffick" in stems("trafficking")
    assert set(stems("ilegales")) & set(stems("ilegal")) and set(stems("traficantes")) & set(stems("traficante"))


def test_a_tiny_engine_from_models(mini_dataset):
    engine = SearchEngine(mini_dataset.entities.values(), mini_dataset.relations.values(),
                          mini_dataset.sources.values())
    hits = engine.search("operates in the valley")
    assert {h.id for h in hits} >= {"group-a", "valley-y"}
    assert any(h.reason.startswith("quote in Test Publisher, Test source A") for h in hits)
    assert engine.search("grupo apise")[0].id == "group-a"
    assert engine.search("") == [] and engine.search("  ,; ") == [] and engine.search("x", limit=0) == []
    assert engine.search("apurimac", kinds=["actor"]) == [] or \
        all(h.id.startswith("group") for h in engine.search("apurimac", kinds=["actor"]))


def test_the_index_is_rebuilt_after_a_write(mini_dataset):
    from crimegraph.graph.memory import MemoryStore

    store = MemoryStore()
    store.write(mini_dataset)
    assert not store.search("Zorro Plateado")
    from crimegraph.schema.dataset import Dataset

    e = mini_dataset.entities["group-a"].model_copy(update={"id": "silver-fox", "name": "Zorro Plateado",
                                                              "aliases": []})
    store.write(Dataset(sources=dict(mini_dataset.sources), entities={"silver-fox": e}))
    assert store.search("Zorro Plateado")[0].id == "silver-fox"


def test_every_entity_type_has_a_spanish_label():
    assert set(ENTITY_TYPE_LABELS_ES) == set(ENTITY_TYPES)


# ---------------------------------------------------------------- resolution
def test_resolve_opens_a_clear_match_and_records_what_it_matched(peru_store):
    with collecting() as notes:
        assert peru_store.resolve("Sendero").id == "shining-path"
        assert peru_store.resolve("titicaca").id == "lake-titicaca"
        assert peru_store.resolve("sendero luminoso").id == "shining-path"
        assert peru_store.resolve("shining-path").id == "shining-path"
    assert [(n.ref, n.id, n.how) for n in notes] == [
        ("Sendero", "shining-path", "search"), ("titicaca", "lake-titicaca", "search"),
        ("sendero luminoso", "shining-path", "alias"), ("shining-path", "shining-path", "id")]
    assert notes[0].note().startswith("'Sendero' is Shining Path (shining-path): alias 'Sendero Luminoso' (es)")
    assert attach({"x": 1}, notes)["resolved"][0]["reason"] == "alias 'Sendero Luminoso' (es)"
    assert len(attach({"x": 1}, notes)["resolved"]) == 3  # the id is not a note
    assert attach({"x": 1}, notes[3:]) == {"x": 1}


def test_resolve_lists_candidates_when_nothing_is_clear(peru_store):
    with pytest.raises(AmbiguousEntity) as err:
        peru_store.resolve("Quispe")
    text = str(err.value)
    assert "'Quispe' matches more than one entity, none clearly" in text
    for ident in ("jorge-quispe-palomino", "victor-quispe-palomino", "victor-quispe-zuniga"):
        assert ident in text
    assert isinstance(err.value, EntityNotFound) and len(err.value.suggestions) == 5
    with pytest.raises(EntityNotFound) as err:
        peru_store.resolve("zzqqxx")
    assert not isinstance(err.value, AmbiguousEntity)


def test_collectors_nest_and_stay_apart():
    from crimegraph.graph.resolution import Resolution, record

    r = Resolution("a", "b", "B", "search", "B", 50.0, "name 'B'")
    record(r)  # nobody collecting: nothing happens
    with collecting() as outer:
        with collecting() as inner:
            record(r)
        assert inner == [r]
    assert outer == [r]
