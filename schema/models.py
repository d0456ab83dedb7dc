"""The pydantic models: the single source of truth for every projection.

JSON Schema (seed files), OWL, SHACL, the JSON-LD context, Neo4j constraints
and the FtM mapping are all generated from these models and from
:mod:`crimegraph.schema.vocab`.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .compact import SharedFieldsSet
from .types import Confidence, PartialDate
from .vocab import (
    ENTITY_TYPES,
    RELATION_TYPE_NAMES,
    RELATION_TYPES,
    STATUSES,
    TYPES_BY_KIND,
    Kind,
    RelationType,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=200,
                            description="A stable, human-readable id: lowercase letters, digits and single hyphens.")]
RelationId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$", min_length=1, max_length=400,
                                  description="A relation id: lowercase letters, digits and hyphens; "
                                              "defaults to SUBJECT--TYPE--OBJECT.")]
LangTag = Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]

ActorType = Literal[TYPES_BY_KIND[Kind.actor]]  # type: ignore[valid-type]
PlaceType = Literal[TYPES_BY_KIND[Kind.place]]  # type: ignore[valid-type]
EconomyType = Literal[TYPES_BY_KIND[Kind.economy]]  # type: ignore[valid-type]
EventType = Literal[TYPES_BY_KIND[Kind.event]]  # type: ignore[valid-type]
RelationTypeName = Literal[RELATION_TYPE_NAMES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)

    def __setattr__(self, name: str, value) -> None:
        # Copy on write of the fields-set. A validated dataset shares one
        # read-only ``__pydantic_fields_set__`` between all the models of a class
        # with the same set fields (schema/compact.py: about 1 KB saved per
        # relation). Pydantic adds the name of an assigned field to that set, so
        # an assignment first gives this model a private copy: the change stays
        # with this model, as it would without the sharing.
        if type(getattr(self, "__pydantic_fields_set__", None)) is SharedFieldsSet:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


class Alias(_Model):
    """Another name, with an optional BCP 47 language tag ("Sendero Luminoso"@es)."""

    name: Annotated[str, Field(min_length=1)]
    lang: Optional[LangTag] = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data):
        if isinstance(data, str):
            return {"name": data}
        return data

    def __str__(self) -> str:
        return f'"{self.name}"@{self.lang}' if self.lang else self.name


class Citation(_Model):
    """A pointer to a source, with an optional verbatim quote and page."""

    source: Slug
    quote: Optional[str] = None
    page: Optional[str] = None


if set(Citation.model_fields) != {"source", "quote", "page"}:  # pragma: no cover - a schema change
    raise RuntimeError("Citation gained or lost a field: update citations_json in schema/models.py")

#: JSON string encoding (the C one ``json.dumps(..., ensure_ascii=False)`` uses)
_json_str = json.encoder.encode_basestring


def citations_json(citations: list[Citation]) -> str:
    """Citations as compact JSON: the exact, lossless form every format carries.

    Exactly ``json.dumps([c.model_dump(exclude_none=True) ...], ensure_ascii=False,
    separators=(",", ":"))`` (tests/neo4j/test_neo4j_model.py checks it), written by
    hand: the encoder object costs several times the text itself, and the Neo4j loader
    and the exporters call this once per entity and relation.
    """
    parts = []
    for c in citations:
        text = '{"source":' + _json_str(c.source)
        if c.quote is not None:
            text += ',"quote":' + _json_str(c.quote)
        if c.page is not None:
            text += ',"page":' + _json_str(c.page)
        parts.append(text + "}")
    return "[" + ",".join(parts) + "]"


class Coordinates(_Model):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Source(_Model):
    """A document that facts cite."""

    id: Slug
    title: Annotated[str, Field(min_length=1)]
    publisher: Optional[str] = None
    date: Optional[PartialDate] = None
    url: Optional[Annotated[str, Field(pattern=r"^https?://\S+$")]] = None
    reliability: Literal["A", "B", "C", "D", "E", "F"] = "F"
    notes: Optional[str] = None

    @field_validator("reliability", mode="before")
    @classmethod
    def _upper(cls, v):
        return v.upper() if isinstance(v, str) else v


class Entity(_Model):
    """Fields common to every entity kind."""

    id: Slug
    type: str
    name: Annotated[str, Field(min_length=1)]
    aliases: list[Alias] = Field(default_factory=list)
    description: Optional[str] = None
    status: Optional[Status] = None
    external_ids: dict[str, str] = Field(default_factory=dict)
    citations: Annotated[list[Citation], Field(min_length=1)]

    @field_validator("external_ids")
    @classmethod
    def _check_wikidata(cls, v: dict[str, str]) -> dict[str, str]:
        qid = v.get("wikidata")
        if qid is not None:
            import re

            if not re.match(r"^Q[1-9][0-9]*$", qid):
                raise ValueError(f"wikidata id must look like Q123, got {qid!r}")
        return v

    @property
    def kind(self) -> Kind:
        return ENTITY_TYPES[self.type][0]

    @property
    def type_label(self) -> str:
        return ENTITY_TYPES[self.type][1]

    @property
    def names(self) -> list[str]:
        """The name followed by every alias."""
        return [self.name, *(a.name for a in self.aliases)]


class Actor(Entity):
    type: ActorType  # type: ignore[valid-type]


class Place(Entity):
    type: PlaceType  # type: ignore[valid-type]
    coordinates: Optional[Coordinates] = None


class Economy(Entity):
    type: EconomyType  # type: ignore[valid-type]


class Figures(_Model):
    deaths: Optional[Annotated[int, Field(ge=0)]] = None
    injured: Optional[Annotated[int, Field(ge=0)]] = None
    arrests: Optional[Annotated[int, Field(ge=0)]] = None
    kilograms: Optional[Annotated[float, Field(ge=0)]] = None


class Event(Entity):
    type: EventType  # type: ignore[valid-type]
    date: Optional[PartialDate] = None
    figures: Optional[Figures] = None


AnyEntity = Annotated[Union[Actor, Place, Economy, Event], Field(discriminator="type")]

MODEL_BY_KIND: dict[Kind, type[Entity]] = {
    Kind.actor: Actor,
    Kind.place: Place,
    Kind.economy: Economy,
    Kind.event: Event,
}


class Relation(_Model):
    """A first-class, sourced relation between two entities."""

    id: Optional[RelationId] = None
    type: RelationTypeName  # type: ignore[valid-type]
    subject: Slug
    object: Slug
    since: Optional[PartialDate] = None
    until: Optional[PartialDate] = None
    confidence: Confidence
    citations: Annotated[list[Citation], Field(min_length=1)]
    notes: Optional[str] = None

    @model_validator(mode="after")
    def _default_id(self) -> "Relation":
        if self.id is None:
            self.id = default_relation_id(self.type, self.subject, self.object)
        return self

    @property
    def decl(self) -> RelationType:
        return RELATION_TYPES[self.type]

    @property
    def symmetric(self) -> bool:
        return RELATION_TYPES[self.type].symmetric

    def valid_on(self, day) -> bool:
        """Whether the relation holds on ``day`` (a :class:`datetime.date`)."""
        if self.since is not None and self.since.start > day:
            return False
        if self.until is not None and self.until.end < day:
            return False
        return True

    def overlaps(self, start, end) -> bool:
        """Whether the relation's period meets the interval [start, end] (dates or None)."""
        if end is not None and self.since is not None and self.since.start > end:
            return False
        if start is not None and self.until is not None and self.until.end < start:
            return False
        return True

    def other(self, entity_id: str) -> str:
        return self.object if self.subject == entity_id else self.subject

    @property
    def period(self) -> str:
        """The validity period in words: "since 1999", "1980–1992", "" when unknown."""
        if self.since and self.until:
            return f"{self.since}–{self.until}"
        if self.since:
            return f"since {self.since}"
        if self.until:
            return f"until {self.until}"
        return ""


def default_relation_id(type_: str, subject: str, object_: str) -> str:
    """The id a relation gets when its seed gives none: ``shining-path--operates-in--vraem``."""
    return f"{subject}--{type_.replace('_', '-')}--{object_}"


class DatasetMeta(_Model):
    id: Optional[Slug] = None
    title: Optional[str] = None
    description: Optional[str] = None
    license: Optional[str] = None
    base_iri: Optional[str] = None


class SeedFile(_Model):
    """One seed file: any of a dataset header, sources, entities and relations."""

    dataset: Optional[DatasetMeta] = None
    sources: list[Source] = Field(default_factory=list)
    entities: list[AnyEntity] = Field(default_factory=list)  # type: ignore[valid-type]
    relations: list[Relation] = Field(default_factory=list)
