"""The pydantic models: the single source of truth for every projection.

JSON Schema (seed files), OWL, SHACL, the JSON-LD context, Neo4j constraints
and the FtM mapping are all generated from these models and from
:mod:`crimegraph.schema.vocab`.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from .compact import SharedFieldsSet
from .timing import LIFETIME_ENDS, LIFETIME_STARTS, Timing, shown, state
from .names import clean_name
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

    def __eq__(self, other: object) -> bool:
        """Models are equal when their stated fields are: the derived ``timing`` is left out.

        Timing follows from the whole dataset (the sources' dates, the ends'
        lifetimes), not from the item; compare ``a.timing == b.timing`` for it.
        """
        if type(other) is not type(self):
            return NotImplemented if not isinstance(other, BaseModel) else False
        mine, theirs = self.__dict__, other.__dict__
        if "timing" not in mine and "timing" not in theirs:
            return mine == theirs
        return ({k: v for k, v in mine.items() if k != "timing"}
                == {k: v for k, v in theirs.items() if k != "timing"})

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic's own models

    def _check_derived(self) -> None:
        """A ``derived`` note must name a field this item states (``figures.deaths`` for a figure)."""
        notes = getattr(self, "derived", None)
        if not notes:
            return
        for key in notes:
            head, _, rest = key.partition(".")
            if head not in type(self).model_fields or head in ("derived", "timing", "citations"):
                raise ValueError(f"derived: {key!r} is not a field of this item")
            value = getattr(self, head)
            if rest:
                value = getattr(value, rest, None) if value is not None else None
            if value is None or value == {} or value == []:
                raise ValueError(f"derived: a note for {key!r}, which this item does not state")

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


def _clean_name(v: str) -> str:
    """A name or alias in NFC without invisible characters (:mod:`crimegraph.schema.names`)."""
    cleaned = clean_name(v)
    if not cleaned:
        raise ValueError("nothing is left once invisible characters are removed")
    return cleaned


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

    _clean = field_validator("name")(_clean_name)

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
    """A place's representative point (WGS 84 degrees), with an area's extent.

    A city is a point. An area (a region, valley, border area, route, lake or
    country) also gives its extent: ``radius_km`` (the point's precision, a
    circle that holds the area) and/or ``bbox`` (``[west, south, east, north]``
    in degrees, as GeoJSON orders a bounding box; ``west > east`` crosses the
    antimeridian). Where the numbers come from goes in the place's
    ``derived: {coordinates: ...}`` note (:mod:`crimegraph.schema.geocheck`).

    >>> c = Coordinates(lat=-12.5, lon=-73.8, bbox=[-74.5, -13.0, -73.0, -11.5])
    >>> round(c.extent_km)
    117
    >>> try:
    ...     Coordinates(lat=0, lon=0, bbox=[1, 0, 2, 1])
    ... except ValueError as exc:
    ...     print(exc.errors()[0]["msg"])
    Value error, the point (0.0, 0.0) is outside its bbox [1.0, 0.0, 2.0, 1.0]
    """

    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    radius_km: Optional[Annotated[float, Field(gt=0, le=20040, description=(
        "The point's precision: the radius (km) of a circle around it that holds the place."))]] = None
    bbox: Optional[tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)],
                         Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]]] = Field(
        None, description="The place's bounding box: [west, south, east, north] in degrees.")

    @model_validator(mode="after")
    def _point_in_bbox(self) -> "Coordinates":
        if self.bbox is not None:
            w, s, e, n = self.bbox
            if s > n:
                raise ValueError(f"bbox south ({s}) is north of its north ({n})")
            inside_lon = (w <= self.lon <= e) if w <= e else (self.lon >= w or self.lon <= e)
            if not (s <= self.lat <= n and inside_lon):
                raise ValueError(f"the point ({self.lat}, {self.lon}) is outside its bbox "
                                 f"[{w}, {s}, {e}, {n}]")
        return self

    @property
    def extent_km(self) -> Optional[float]:
        """How far the place reaches from its point: ``radius_km``, else half the bbox's diagonal."""
        if self.radius_km is not None:
            return self.radius_km
        if self.bbox is not None:
            from .geo import bbox_half_diagonal_km

            return bbox_half_diagonal_km(self.bbox)
        return None


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


#: How a stated date, figure or coordinate follows from the cited text, by field:
#: ``{"since": "the 2017 article says the group arrived 'three years ago': 2014"}``.
#: ``validate --strict`` accepts a value whose year or figure appears in its note.
Derived = Annotated[dict[str, Annotated[str, Field(min_length=1)]], Field(
    description="How a stated date, figure or coordinate follows from the cited text, by field "
                "name (since, until, founded, date, figures.deaths, coordinates ...).")]

#: The derived time of an entity or relation (schema/timing.py): attestation and
#: as-of window, computed from the dataset when it is validated, never typed.
TimingField = SkipJsonSchema[Optional[Timing]]


def _timing_field():
    return Field(default=None, exclude=True, repr=False)


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
    derived: Optional[Derived] = None
    timing: TimingField = _timing_field()

    _clean = field_validator("name")(_clean_name)

    @field_validator("external_ids")
    @classmethod
    def _check_wikidata(cls, v: dict[str, str]) -> dict[str, str]:
        qid = v.get("wikidata")
        if qid is not None:
            import re

            if not re.match(r"^Q[1-9][0-9]*$", qid):
                raise ValueError(f"wikidata id must look like Q123, got {qid!r}")
        return v

    @model_validator(mode="after")
    def _derived_fields(self) -> "Entity":
        self._check_derived()
        return self

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

    def shown_on(self, day) -> bool:
        """Whether an as-of answer on ``day`` shows the entity (schema/timing.py)."""
        return shown(self.timing, day)

    def state_on(self, day) -> str:
        """The entity's state on ``day``: valid, reported, not_yet_known, ended or undated."""
        return state(self.timing, day)


class Actor(Entity):
    """An actor, with a sourced lifetime where a source states one.

    Groups (every type but ``person``): ``founded`` and ``dissolved``. People:
    ``born``, ``died`` and ``captured`` (a capture does not end a life, nor by
    itself any relation: give the relations an ``until``). Nothing can be valid
    before its subject or object exists (schema/timing.py).
    """

    type: ActorType  # type: ignore[valid-type]
    founded: Optional[PartialDate] = None
    dissolved: Optional[PartialDate] = None
    born: Optional[PartialDate] = None
    died: Optional[PartialDate] = None
    captured: Optional[PartialDate] = None

    @model_validator(mode="after")
    def _lifetime_fits_type(self) -> "Actor":
        person = self.type == "person"
        wrong = [f for f in (("founded", "dissolved") if person else ("born", "died", "captured"))
                 if getattr(self, f) is not None]
        if wrong:
            use = "born, died and captured" if person else "founded and dissolved"
            raise ValueError(f"{', '.join(wrong)} do not apply to {'a person' if person else 'a group'}; "
                             f"use {use}")
        start = next((getattr(self, f) for f in LIFETIME_STARTS if getattr(self, f) is not None), None)
        end = next((getattr(self, f) for f in LIFETIME_ENDS if getattr(self, f) is not None), None)
        if start is not None and end is not None and end.end < start.start:
            raise ValueError(f"the lifetime ends ({end}) before it starts ({start})")
        return self


class Place(Entity):
    type: PlaceType  # type: ignore[valid-type]
    coordinates: Optional[Coordinates] = None


class Economy(Entity):
    type: EconomyType  # type: ignore[valid-type]


#: the largest count or weight an event may report: far above any real one (the largest
#: seizures are tens of tonnes), far below what breaks a store (Neo4j integers are 64-bit)
MAX_FIGURE = 10_000_000


class Figures(_Model):
    """What an event counted; finite, and at most :data:`MAX_FIGURE` (a figure above is a typo)."""

    deaths: Optional[Annotated[int, Field(ge=0, le=MAX_FIGURE)]] = None
    injured: Optional[Annotated[int, Field(ge=0, le=MAX_FIGURE)]] = None
    arrests: Optional[Annotated[int, Field(ge=0, le=MAX_FIGURE)]] = None
    kilograms: Optional[Annotated[float, Field(ge=0, le=MAX_FIGURE, allow_inf_nan=False)]] = None


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
    derived: Optional[Derived] = None
    timing: TimingField = _timing_field()

    @model_validator(mode="after")
    def _default_id(self) -> "Relation":
        if self.id is None:
            # what ``self.id = ...`` does (the field, and its name in the fields-set), without
            # pydantic's assignment machinery: this runs once per relation read
            self.__dict__["id"] = default_relation_id(self.type, self.subject, self.object)
            self.__pydantic_fields_set__.add("id")
        self._check_derived()
        return self

    @property
    def decl(self) -> RelationType:
        return RELATION_TYPES[self.type]

    @property
    def symmetric(self) -> bool:
        return RELATION_TYPES[self.type].symmetric

    def valid_on(self, day) -> bool:
        """Whether the relation's own period (``since``/``until``) covers ``day``.

        As-of answers use the full rule instead (:meth:`shown_on`, schema/timing.py),
        which also reads the ends' lifetimes and when the sources reported it.
        """
        if self.since is not None and self.since.start > day:
            return False
        if self.until is not None and self.until.end < day:
            return False
        return True

    def shown_on(self, day) -> bool:
        """Whether an as-of answer on ``day`` shows the relation (valid or reported)."""
        return shown(self.timing, day)

    def state_on(self, day) -> str:
        """The relation's state on ``day``: valid, reported, not_yet_known, ended or undated."""
        return state(self.timing, day)

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


class Resolution(_Model):
    """A reviewed decision about two entities that look alike: the same, different, or unsure.

    Kept in the dataset (``resolutions:``, by convention in ``resolutions.yaml``) so that
    ``crimegraph dedupe``, ``validate`` and every import never ask about the pair again: a
    ``different`` is never proposed or merged, a ``same`` is merged (the provenance of
    both kept), an ``unsure`` stays open, marked. The ids need not both exist: one may be
    an entity of an imported file, or one merged away.
    """

    a: Slug
    b: Slug
    judgement: Literal["same", "different", "unsure"]
    by: Annotated[str, Field(min_length=1, description="Who decided (a name or handle).")]
    date: PartialDate = Field(description="When it was decided (YYYY-MM-DD).")
    why: Optional[str] = None
    citations: list[Citation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _two(self) -> "Resolution":
        if self.a == self.b:
            raise ValueError(f"a and b are the same id ({self.a!r}): a resolution is about two entities")
        return self

    @property
    def pair(self) -> tuple[str, str]:
        """The two ids in a canonical order (a decision about A and B is one about B and A)."""
        return (self.a, self.b) if self.a < self.b else (self.b, self.a)

    @property
    def id(self) -> str:
        return "--".join(self.pair)


class DatasetMeta(_Model):
    id: Optional[Slug] = None
    title: Optional[str] = None
    description: Optional[str] = None
    license: Optional[str] = None
    base_iri: Optional[str] = None


class SeedFile(_Model):
    """One seed file: any of a dataset header, sources, entities, relations and resolutions."""

    dataset: Optional[DatasetMeta] = None
    sources: list[Source] = Field(default_factory=list)
    entities: list[AnyEntity] = Field(default_factory=list)  # type: ignore[valid-type]
    relations: list[Relation] = Field(default_factory=list)
    resolutions: list[Resolution] = Field(default_factory=list)
