"""A validated dataset shares equal values between its models (schema/compact.py), and that changes nothing.

Sharing one fields-set, one ``Confidence`` and one ``PartialDate`` per value, and
one string per id, keeps 500,000 relations under 1 GiB; these tests fail if
the sharing leaks (a change to one model showing through another), if any value,
dump or export differs from the unshared models', or if the memory per relation
grows back.
"""

from __future__ import annotations

import copy
import copyreg
import gc
import io
import pickle
import textwrap
import tracemalloc
from pathlib import Path

import pytest
import yaml
from pydantic import TypeAdapter

from crimegraph.schema import Confidence, Dataset, PartialDate, Relation
from crimegraph.schema.compact import Compactor, SharedFieldsSet
from crimegraph.schema.loader import _parse_yaml, load_dataset, read_seeds, seed_files
from crimegraph.schema.models import AnyEntity, Source
from crimegraph.schema.timing import attest
from crimegraph.synth import write_synthetic
from tests.paths import DATA, PERU

REL = {"type": "operates_in", "subject": "group-a", "object": "valley-y", "confidence": "B2",
       "since": "1999-05", "citations": [{"source": "src-a"}]}


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write_synthetic(out, entities=600, relations=3000, seed=3)
    return out


def _raw_models(folder: Path) -> dict[str, list]:
    """The seed folder's models as pydantic validates them, without the loader (so: not compacted)."""
    adapters = {"sources": TypeAdapter(list[Source]), "entities": TypeAdapter(list[AnyEntity]),
                "relations": TypeAdapter(list[Relation])}
    out: dict[str, list] = {k: [] for k in adapters}
    for f in seed_files(folder):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for key, adapter in adapters.items():
            out[key].extend(adapter.validate_python(data.get(key) or []))
    return out


def _dumps(models) -> list:
    return [(m.model_dump(), m.model_dump(mode="json"), m.model_dump(exclude_unset=True),
             m.model_dump(exclude_none=True), m.model_dump_json(), repr(m)) for m in models]


# ---------------------------------------------------------------- values shared, and still right

def test_confidence_is_shared_and_immutable():
    a, b = Relation.model_validate(REL), Relation.model_validate({**REL, "confidence": " b2 "})
    assert a.confidence is b.confidence is Confidence.parse("B2")
    assert a.confidence == b.confidence and a == b
    assert a.confidence.code == "B2" and a.confidence.describe().startswith("usually reliable")
    assert a.model_dump()["confidence"] == b.model_dump(mode="json")["confidence"] == "B2"
    assert Confidence.parse("c3") is Confidence.parse("C3") is not a.confidence
    with pytest.raises(AttributeError):
        a.confidence.credibility = 5
    with pytest.raises(AttributeError):
        del a.confidence.reliability
    assert b.confidence.code == "B2"  # unchanged for the other relation
    for twin in (copy.copy(a.confidence), copy.deepcopy(a.confidence), pickle.loads(pickle.dumps(a.confidence))):
        assert twin is a.confidence
    with pytest.raises(ValueError):
        Confidence.parse("G7")


def test_partial_date_is_shared_by_compaction_and_immutable():
    a, b = Relation.model_validate(REL), Relation.model_validate({**REL, "since": "1999-05", "until": 2003})
    # dates parsed from text are shared from the start (PartialDate.parse keeps one per text) ...
    assert a.since is b.since and PartialDate.parse("1999-05") is a.since
    b.__dict__["since"] = PartialDate._parse("1999-05")  # ... and one made apart is shared by compaction
    assert a.since is not b.since
    c = Compactor()
    c.model(a), c.model(b)
    assert a.since is b.since and a.since == PartialDate.parse("1999-05")
    assert (a.since.precision, a.since.start.isoformat(), a.since.end.isoformat()) == ("month", "1999-05-01", "1999-05-31")
    with pytest.raises(AttributeError):
        a.since.value = "2001"
    assert b.since.value == "1999-05" and b.model_dump(mode="json")["since"] == "1999-05"
    assert b.valid_on(PartialDate.parse(2000).start) and not a.valid_on(PartialDate.parse(1999).start)
    clone = pickle.loads(pickle.dumps(a.since))
    assert clone == a.since and clone.end == a.since.end and copy.deepcopy(a.since) is a.since


class _OldPickle:
    """Pickles like the value types did before they were immutable: ``copyreg.__newobj__`` and the
    slot values, set with ``setattr`` when unpickled (what ``object.__reduce_ex__`` gives a
    ``__slots__`` class)."""

    def __init__(self, cls, slots):
        self.cls, self.slots = cls, slots

    def __reduce_ex__(self, protocol):
        # (protocol 1 below: protocol 2+ would insist that the object be of class ``cls``)
        return (copyreg.__newobj__, (self.cls,), (None, self.slots))


def test_pickles_made_before_the_value_types_were_immutable_still_load():
    # e.g. the benchmarks' cached datasets, pickled before this change
    old = PartialDate.parse("1999")
    date = pickle.loads(pickle.dumps(_OldPickle(PartialDate, {k: getattr(old, k) for k in PartialDate.__slots__}), 1))
    assert type(date) is PartialDate and date == old and date.end == old.end and date.precision == "year"
    conf = pickle.loads(pickle.dumps(_OldPickle(Confidence, {"reliability": "A", "credibility": 1}), 1))
    assert type(conf) is Confidence and conf == Confidence.parse("A1") and conf.score == 1.0


def test_fields_set_is_shared_and_copy_on_write():
    a, b = Relation.model_validate(REL), Relation.model_validate(REL)
    c = Compactor()
    c.model(a), c.model(b)
    shared = a.__pydantic_fields_set__
    assert type(shared) is SharedFieldsSet and b.__pydantic_fields_set__ is shared
    assert a.citations[0].__pydantic_fields_set__ is b.citations[0].__pydantic_fields_set__
    assert a.citations[0] is not b.citations[0]  # models themselves are never shared
    with pytest.raises(TypeError):
        shared.add("notes")

    a.notes = "changed"  # an assignment gives ``a`` its own fields-set
    assert type(a.__pydantic_fields_set__) is set and "notes" in a.model_fields_set
    assert "notes" not in b.model_fields_set and "notes" not in shared
    assert "notes" not in b.model_dump(exclude_unset=True) and b.notes is None
    assert a.model_dump(exclude_unset=True)["notes"] == "changed"

    a.citations[0].page = "12"  # the same for nested models
    assert b.citations[0].page is None and "page" not in b.citations[0].model_fields_set

    moved = b.model_copy(update={"object": "country-x"})
    assert moved.object == "country-x" and b.object == "valley-y"
    assert "object" in moved.model_fields_set and b.__pydantic_fields_set__ is shared
    deep = copy.deepcopy(b)
    deep.until = PartialDate.parse(2010)
    assert b.until is None and b.__pydantic_fields_set__ is shared and deep == deep.model_copy()


def test_compaction_interns_ids_and_references(synth_folder):
    ds = load_dataset(synth_folder)
    for rid, r in ds.relations.items():
        assert r.subject is ds.entities[r.subject].id and r.object is ds.entities[r.object].id
        assert rid is r.id
        for cit in r.citations:
            assert cit.source is ds.sources[cit.source].id
    for eid, e in ds.entities.items():
        assert eid is e.id
    confs = {id(r.confidence) for r in ds.relations.values()}
    assert len(confs) <= 36
    dates = [r.since for r in ds.relations.values() if r.since is not None]
    assert len({id(d) for d in dates}) == len({d.value for d in dates})
    assert len({id(r.__pydantic_fields_set__) for r in ds.relations.values()}) <= 8


# ---------------------------------------------------------------- the same data, the same output

@pytest.mark.parametrize("folder", ["synth", "peru", "mini"])
def test_compacted_dataset_dumps_like_the_plain_models(folder, synth_folder):
    path = {"synth": synth_folder, "peru": PERU, "mini": DATA / "mini"}[folder]
    raw = _raw_models(path)
    before = {k: _dumps(v) for k, v in raw.items()}
    ds = load_dataset(path)
    assert before == {"sources": _dumps(ds.sources.values()), "entities": _dumps(ds.entities.values()),
                      "relations": _dumps(ds.relations.values())}
    for k, models in raw.items():  # compacting the plain models in place changes no dump either
        Compactor().models(models)
        assert _dumps(models) == before[k]
    assert raw["relations"] == list(ds.relations.values())


def test_pickle_keeps_the_sharing(synth_folder):
    ds = pickle.loads(pickle.dumps(load_dataset(synth_folder), protocol=pickle.HIGHEST_PROTOCOL))
    rels = list(ds.relations.values())
    assert type(rels[0].__pydantic_fields_set__) is SharedFieldsSet
    assert len({id(r.__pydantic_fields_set__) for r in rels}) <= 8
    assert all(r.confidence is Confidence.parse(r.confidence.code) for r in rels)
    assert all(r.subject is ds.entities[r.subject].id for r in rels)
    dates = [r.since for r in rels if r.since is not None]
    assert len({id(d) for d in dates}) == len({d.value for d in dates})
    rels[0].notes = "only here"
    assert rels[1].notes is None and "notes" not in rels[1].model_fields_set


def test_exports_unchanged_by_compaction(synth_folder):
    from crimegraph.rdf import formats

    raw = _raw_models(synth_folder)
    plain = Dataset(meta=load_dataset(synth_folder).meta, sources={m.id: m for m in raw["sources"]},
                    entities={m.id: m for m in raw["entities"]}, relations={m.id: m for m in raw["relations"]})
    attest(plain)  # the derived timing, as check_dataset gives every loaded dataset
    ds = load_dataset(synth_folder)
    for fn in (formats.export_ntriples, formats.export_jsonld):
        a, b = io.BytesIO(), io.BytesIO()
        fn(plain, a, {}), fn(ds, b, {})
        assert a.getvalue() == b.getvalue()


# ---------------------------------------------------------------- memory

def _traced(fn):
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        gc.collect()
        now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, now - base, peak - base


def test_memory_per_relation(synth_folder):
    """A regression guard with generous bounds, not a measurement. On this dataset (entities and
    sources counted in) the loader keeps about 1,200 bytes per relation and peaks at about 3,200
    while reading; the same seeds validated by pydantic alone (``yaml.safe_load``, no sharing)
    keep about 2,400 and peak at about 13,000 (a whole YAML document of nodes at once)."""
    ds, kept, peak = _traced(lambda: load_dataset(synth_folder))
    n = len(ds.relations)
    assert n == 3000
    assert kept / n < 1800, f"{kept / n:.0f} bytes per relation kept"
    assert peak / n < 6000, f"{peak / n:.0f} bytes per relation at the reading peak"


# ---------------------------------------------------------------- the item-by-item YAML loader

@pytest.mark.parametrize("text", [
    "relations:\n  - &r {type: a, citations: [{source: s}]}\n  - *r\n  - {<<: *r, type: b}\n",
    "entities:\n  - {id: x, aliases: [A, {name: B, lang: es}], figures: {deaths: 3}}\nrelations: []\n",
    "dataset: {id: d, title: T}\nsources:\n  - id: s\n    date: 2001-02-03\n    url: 'http://x'\n",
    "x: &l [1, 2]\nrelations: *l\nsources: &s\n  - {id: a}\nentities: *s\n",
    "relations:\n  - [nested, [list]]\n  - 3\n  -\n",
    "- top\n- level\n", "", "# only a comment\n", "relations:\n", "just a scalar",
    "<<: {relations: [{a: 1}]}\nrelations: [{b: 2}]\n",
    "relations:\n  - &r [1, *r]\n  - &m {self: *m}\n",
])
def test_yaml_loader_builds_what_safe_load_builds(text):
    ours, theirs = _parse_yaml(text), yaml.safe_load(text)
    assert repr(ours) == repr(theirs)  # repr: equal also for self-referencing items


@pytest.mark.parametrize("text", [
    "relations:\n  - {type: [unclosed\n", "relations:\n  - *nowhere\n", "a: 1\n---\nb: 2\n",
    "relations:\n  - !!python/object:os.system {}\n",
])
def test_yaml_loader_raises_what_safe_load_raises(text):
    with pytest.raises(yaml.MarkedYAMLError) as ours:
        _parse_yaml(text)
    with pytest.raises(yaml.MarkedYAMLError) as theirs:
        yaml.safe_load(text)
    assert type(ours.value) is type(theirs.value)
    assert (ours.value.problem_mark.line, ours.value.problem_mark.column) == \
        (theirs.value.problem_mark.line, theirs.value.problem_mark.column)


def test_errors_in_a_later_chunk_point_at_the_right_line(tmp_path, monkeypatch):
    from crimegraph.schema import loader

    monkeypatch.setattr(loader, "CHUNK", 2)
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        sources:
          - {id: src-a, title: A}
        entities:
          - {id: group-a, type: gang, name: A, citations: [{source: src-a}]}
          - {id: city-b, type: city, name: B, citations: [{source: src-a}]}
          - {id: city-c, type: city, name: C, citations: [{source: src-a}]}
        relations:
          - {type: operates_in, subject: group-a, object: city-b, confidence: B2, citations: [{source: src-a}]}
          - {type: operates_in, subject: group-a, object: city-c, confidence: B2, citations: [{source: src-a}]}
          - {type: located_in, subject: city-b, object: city-c, confidence: B2, citations: [{source: src-a}]}
          - {type: operates_in, subject: group-a, object: city-d, confidence: B2, citations: [{source: src-a}]}
          - {type: located_in, subject: city-c, object: city-b, confidence: Z9, citations: [{source: src-a}]}
        """))
    ds, issues = read_seeds(tmp_path)
    assert ds is None
    got = sorted((i.line, i.message.split(":")[1].strip()[:37]) for i in issues)
    assert got == [(11, "object 'city-d' is not a known entity"), (12, "confidence")], issues


def test_a_loaded_dataset_is_kept_out_of_the_cyclic_collector(tmp_path):
    """read_seeds freezes what it built (gc.freeze), so later collections skip the dataset."""
    from crimegraph.schema.loader import read_seeds

    before = gc.get_freeze_count()
    try:
        dataset, issues = read_seeds()
        assert not issues and dataset is not None
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()  # leave the test process as it was


def test_no_gc_pauses_the_collector_and_restores_it():
    from crimegraph.schema.compact import no_gc

    assert gc.isenabled()
    with no_gc():
        assert not gc.isenabled()
        with no_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves it as the outer one set it
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with no_gc():
            1 / 0
    assert gc.isenabled()
