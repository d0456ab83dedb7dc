"""The models and the vocabulary: one declaration per relation type, read everywhere."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from crimegraph.schema import RELATION_TYPES, Confidence, PartialDate, Relation
from crimegraph.schema.jsonschema import seed_json_schema
from crimegraph.schema.models import Actor, Alias


def test_required_relation_types_are_declared():
    required = {"operates_in", "engages_in", "allied_with", "rival_of", "member_of", "leads",
                "faction_of", "supplies", "traffics_to", "located_in", "hub_for",
                "participated_in", "occurred_in", "targets"}
    assert required <= set(RELATION_TYPES)
    assert RELATION_TYPES["rival_of"].symmetric and RELATION_TYPES["allied_with"].symmetric
    assert not RELATION_TYPES["operates_in"].symmetric
    assert RELATION_TYPES["located_in"].acyclic
    assert RELATION_TYPES["operates_in"].cypher_type == "OPERATES_IN"
    assert RELATION_TYPES["operates_in"].rdf_name == "operatesIn"


def test_endpoint_constraints():
    leads = RELATION_TYPES["leads"]
    assert leads.allows("subject", "person")
    assert not leads.allows("subject", "armed_group")
    assert leads.allows("object", "gang")
    assert RELATION_TYPES["hub_for"].allows("subject", "port")
    assert not RELATION_TYPES["hub_for"].allows("object", "port")


def test_alias_with_language_tag():
    a = Actor.model_validate({"id": "sp", "type": "armed_group", "name": "Shining Path",
                              "aliases": ["SL", {"name": "Sendero Luminoso", "lang": "es"}],
                              "citations": [{"source": "s"}]})
    assert [str(x) for x in a.aliases] == ["SL", '"Sendero Luminoso"@es']
    assert a.kind.value == "actor"
    with pytest.raises(ValidationError):
        Alias.model_validate({"name": "x", "lang": "not a tag"})


def test_relation_default_id_and_serialisation():
    r = Relation.model_validate({"type": "operates_in", "subject": "a", "object": "b", "since": 1999,
                                 "confidence": "b2", "citations": [{"source": "s", "quote": "q"}]})
    assert r.id == "a--operates-in--b"
    dumped = r.model_dump(mode="json", exclude_none=True)
    assert dumped["since"] == "1999" and dumped["confidence"] == "B2"
    again = Relation.model_validate(dumped)
    assert again.since == r.since and again.confidence == r.confidence


def test_confidence_scores_order_grades():
    assert Confidence.parse("A1").score > Confidence.parse("B2").score > Confidence.parse("F6").score
    with pytest.raises(ValueError):
        Confidence.parse("G1")


def test_partial_date_parsing():
    import datetime as dt

    assert PartialDate.parse(dt.date(2020, 2, 29)).precision == "day"
    assert PartialDate.parse("2020-02").end == dt.date(2020, 2, 29)
    for bad in ("20", "2020-00", "2020-02-30", True, 3.5):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)


def test_wikidata_ids_are_checked():
    with pytest.raises(ValidationError, match="wikidata"):
        Actor.model_validate({"id": "x", "type": "gang", "name": "X", "external_ids": {"wikidata": "12"},
                              "citations": [{"source": "s"}]})


def test_json_schema_covers_every_type():
    schema = json.dumps(seed_json_schema())
    for name in RELATION_TYPES:
        assert name in schema
    assert "armed_group" in schema and "river_valley" in schema


def test_citations_json_is_json_dumps_exactly():
    """The hand-written encoder writes what ``json.dumps`` writes, escapes included."""
    import json

    from crimegraph.schema.models import Citation, citations_json

    cases = [
        [],
        [Citation(source="src-a")],
        [Citation(source="src-a", quote='he said "sí"\n\ttab \\ back\u2028sep \x01', page="12-13"),
         Citation(source="src-b", page="p. 4"), Citation(source="src-c", quote="")],
    ]
    for citations in cases:
        expected = json.dumps([c.model_dump(exclude_none=True) for c in citations],
                              ensure_ascii=False, separators=(",", ":"))
        assert citations_json(citations) == expected
