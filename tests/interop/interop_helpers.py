"""Helpers of the interchange-format tests: test data paths and the consumer-side checks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.paths import DATA, PERU

HOSTILE = DATA / "hostile-interop"
CSV_DATA = DATA / "csv"
FTM_DATA = Path(__file__).resolve().parent / "data"
#: "hostile-rdf" is the RDF engineer's hostile fixture (tests/data/hostile): more strings to survive
DATASETS = {"mini": DATA / "mini", "hostile": HOSTILE, "hostile-rdf": DATA / "hostile", "peru": PERU}


def relations_only_removed(ds):
    """The dataset without its relations (seeds that a relations sheet can be checked against)."""
    from crimegraph.schema.dataset import Dataset

    return Dataset(meta=ds.meta, sources=dict(ds.sources), entities=dict(ds.entities), relations={})


def ftm_lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").split("\n") if line.strip()]


def assert_valid_ftm(records: list[dict]) -> None:
    """Check FtM entities the way the followthemoney model defines them.

    Every schema exists and is concrete; every property exists on it (no stub
    / reverse properties); every value is already what FtM's own cleaning
    makes of it (re-reading the entity with ``cleaned=False`` changes
    nothing); ``Schema.validate`` passes; required properties are set; every
    entity reference points at an entity of the stream whose schema fits the
    property's range.
    """
    from followthemoney import model, registry

    schemata = {}
    for rec in records:
        assert isinstance(rec.get("id"), str) and registry.entity.validate(rec["id"]), rec.get("id")
        schema = model.get(rec["schema"])
        assert schema is not None and not schema.abstract, rec["schema"]
        assert rec["id"] not in schemata, f"duplicate id {rec['id']}"
        schemata[rec["id"]] = schema
        for name, values in rec["properties"].items():
            prop = schema.properties.get(name)
            assert prop is not None, f"{rec['schema']} has no property {name}"
            assert not prop.stub, f"{rec['schema']}.{name} is a reverse property"
            assert values and all(isinstance(v, str) for v in values), (rec["id"], name, values)
        recleaned = model.get_proxy({"id": rec["id"], "schema": rec["schema"],
                                     "properties": rec["properties"]}, cleaned=False)
        assert recleaned.to_dict()["properties"] == rec["properties"], rec["id"]
        assert schema.validate(rec) is None
        for req in schema.required:
            assert recleaned.has(req), f"{rec['id']}: required {schema.name}.{req} missing"
    for rec in records:
        schema = schemata[rec["id"]]
        for name, values in rec["properties"].items():
            prop = schema.properties[name]
            if prop.type is registry.entity:
                for v in values:
                    assert v in schemata, f"{rec['id']}.{name} -> {v}: not in the stream"
                    assert prop.range is None or schemata[v].is_a(prop.range), (
                        f"{rec['id']}.{name} -> {v}: {schemata[v].name} is not a {prop.range.name}")
