"""The Neo4j projection of the schema: labels, relationship types, constraints, property maps.

Everything that ends up *inside* a Cypher string (labels, relationship types,
constraint names) comes from :mod:`crimegraph.schema.vocab` through the
functions here, never from user input; values always travel as parameters.

The data model in Neo4j
-----------------------
* ``(:Entity:<Kind>:<Subtype>)`` — kind label ``Actor``, ``Place``, ``Economy``
  or ``Event``; subtype label the PascalCase entity type (``ArmedGroup``,
  ``RiverValley``). Properties: ``id, name, type, kind, aliases`` (alias names),
  ``alias_langs`` (same length, ``""`` for an alias without one), ``description, status``,
  ``external_ids_json``, ``citations_json``, ``citation_sources`` (source ids, one
  per citation), ``name_keys`` / ``name_key_names`` (normalised names and the name
  each came from, for search), ``seq`` (position in the dataset); places
  ``lat, lon`` and, for areas, ``radius_km`` and ``bbox`` ([west, south, east, north]); events ``date`` (as written), ``date_precision``, ``date_start``,
  ``date_end`` (ISO ``YYYY-MM-DD`` strings of its first and last day), ``figures_json``.
* relationships typed ``RelationType.cypher_type`` (``OPERATES_IN``), stored once
  from subject to object (symmetric types are matched undirected). Properties:
  ``id, since, until`` (as written: ``"1999"``, ``"2001-03"``),
  ``since_precision, until_precision`` (year, month, day), ``since_start`` and
  ``until_end`` (ISO ``YYYY-MM-DD`` strings: the first day ``since`` covers and
  the last day ``until`` covers, unset when open; as-of filters compare an ISO
  day string against them, which orders like the dates), ``confidence``
  (Admiralty code, ``"B2"``), ``confidence_score``, ``citation_sources`` (source
  ids in citation order), ``citation_quotes`` and ``citation_pages`` (parallel
  lists, ``""`` where a citation has none), ``citations_json`` (the citations
  exactly), ``notes``.
* entities and relationships alike: ``derived_json`` (the ``derived`` notes),
  ``timing_json`` (the derived attestation and as-of window of
  schema/timing.py, exactly) and ``shown_from`` / ``shown_until`` (ISO
  ``YYYY-MM-DD``: the first and last day an as-of answer shows the item,
  ``shown_from`` unset for an undated one): every as-of filter reads these two,
  so the native answers follow the one rule; actors also ``founded``,
  ``dissolved``, ``born``, ``died``, ``captured`` (as written).
* a property that would hold nothing is not set: no ``None`` values, no empty
  ``aliases``, and no ``alias_langs``, ``citation_quotes`` or ``citation_pages``
  made only of ``""`` (Cypher reads a missing list as ``null``, and ``null[i]``
  is ``null``: ``coalesce(r.citation_quotes[i], '')`` reads the same either way).
  Each property costs the server a record write on every load, and most
  citations have no page; this is also what ``neo4j-admin`` makes of such
  lists in a bulk import (:mod:`crimegraph.exports.neo4j_csv`).
* ``(:Source)`` with ``id, title, publisher, date, date_precision, url,
  reliability, notes``.
* every entity, relationship and source also has ``seq`` (its position in the
  dataset: reads list things in the memory store's order) and ``fp`` (a hash of
  its other properties: a reload rewrites only what changed).
* one ``(:CrimegraphMeta {key: "dataset"})`` node: the dataset header
  (``meta_json``) and the counts of the last load.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.schema.models import (
    MODEL_BY_KIND,
    DatasetMeta,
    Entity,
    Event,
    Place,
    Relation,
    Source,
    citations_json,
)
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES, Kind, kind_of

from .text import normalize

ENTITY_LABEL = "Entity"
SOURCE_LABEL = "Source"
META_LABEL = "CrimegraphMeta"
META_KEY = "dataset"

#: Cypher relationship type -> relation type name ("OPERATES_IN" -> "operates_in")
TYPE_BY_CYPHER: dict[str, str] = {rt.cypher_type: name for name, rt in RELATION_TYPES.items()}
#: Cypher types of the symmetric relation types
SYMMETRIC_CYPHER: tuple[str, ...] = tuple(rt.cypher_type for rt in RELATION_TYPES.values()
                                          if rt.symmetric)


def pascal(name: str) -> str:
    """``"river_valley"`` -> ``"RiverValley"``."""
    return "".join(p.capitalize() for p in name.split("_"))


def kind_label(kind: Kind | str) -> str:
    """The label of an entity kind (``Actor``); only the four declared kinds."""
    value = kind.value if isinstance(kind, Kind) else str(kind)
    if value not in Kind.__members__:
        raise UsageError(f"unknown entity kind {value!r}; known: {', '.join(Kind.__members__)}")
    return pascal(value)


def type_label(entity_type: str) -> str:
    """The subtype label of an entity type (``ArmedGroup``); only declared types."""
    if entity_type not in ENTITY_TYPES:
        raise UsageError(f"unknown entity type {entity_type!r}")
    return pascal(entity_type)


def entity_labels(entity_type: str) -> str:
    """The label suffix for an entity type: ``:Entity:Actor:ArmedGroup``."""
    sub = type_label(entity_type)  # UsageError for an undeclared type
    return f":{ENTITY_LABEL}:{kind_label(kind_of(entity_type))}:{sub}"


def rel_type(name: str) -> str:
    """The Cypher relationship type of a declared relation type; ``UsageError`` otherwise."""
    try:
        return RELATION_TYPES[name].cypher_type
    except KeyError:
        raise UsageError(f"unknown relation type {name!r}; known: {', '.join(RELATION_TYPES)}") from None


def rel_pattern(types: Optional[Iterable[str]]) -> str:
    """The ``:A|B`` part of a relationship pattern for a type filter ("" for all types)."""
    if types is None:
        return ""
    names = sorted(set(types))
    if not names:
        raise ValueError("an empty type filter matches nothing; callers answer it without a query")
    return ":" + "|".join(rel_type(n) for n in names)


# ---------------------------------------------------------------- schema DDL
def constraint_statements() -> list[tuple[str, str]]:
    """``(name, statement)`` of the uniqueness constraints: created before the first row is
    written, as the loader's ``MERGE`` and ``MATCH`` by id use them."""
    return [
        ("entity_id", f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) "
                      "REQUIRE n.id IS UNIQUE"),
        ("source_id", f"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:{SOURCE_LABEL}) "
                      "REQUIRE n.id IS UNIQUE"),
        ("meta_key", f"CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:{META_LABEL}) "
                     "REQUIRE n.key IS UNIQUE"),
    ]


def relation_index_statements() -> list[tuple[str, str]]:
    """``(name, statement)`` of the relationship id indexes, one per relation type (a
    relationship index has one type). Not uniqueness constraints: checking one on every
    created relationship slows the load, and relation ids are unique already (validation,
    and the loader's plan, see neo4j_writer). Updates, deletes and ``relation(id)`` find
    relationships through them; a load into a database that holds no relations yet creates
    them after its rows (one bulk population instead of an insert per relationship)."""
    return [(f"rel_{name}_id", f"CREATE INDEX rel_{name}_id IF NOT EXISTS "
                               f"FOR ()-[r:{rt.cypher_type}]-() ON (r.id)")
            for name, rt in RELATION_TYPES.items()]


def schema_statements() -> list[tuple[str, str]]:
    """``(name, statement)`` of the constraints and indexes the store needs, generated from
    the schema. Kinds and types need no index: they are labels."""
    return constraint_statements() + relation_index_statements()


def deferred_statements() -> list[tuple[str, str]]:
    """Indexes for readers only, created after the rows of a first load (a bulk population
    is much cheaper than updating a Lucene index in every write transaction)."""
    return [
        # for queries/cypher/search.cypher: accent-insensitive full text on names and aliases
        ("entity_names", f"CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:{ENTITY_LABEL}) "
                         "ON EACH [n.name, n.aliases] "
                         "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}"),
    ]


# ---------------------------------------------------------------- to Neo4j
def _texts(values: list[str]) -> Optional[list[str]]:
    """A list property, or ``None`` (not set) when every element is ``""`` or there is none."""
    return values if any(values) else None


def _json(value: Any) -> Optional[str]:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else None


def name_keys(entity: Entity) -> tuple[list[str], list[str]]:
    """The name, the aliases and the id, normalised (:func:`~crimegraph.graph.text.normalize`), and their originals."""
    keys: list[str] = []
    originals: list[str] = []
    for n in dict.fromkeys([*entity.names, entity.id]):
        k = normalize(n)
        if k:
            keys.append(k)
            originals.append(n)
    return keys, originals


#: lifetime fields of actors, stored as written
LIFETIME_FIELDS = ("founded", "dissolved", "born", "died", "captured")
_TIMING_JSON: dict = {}


def timing_props(p: dict[str, Any], model) -> None:
    """Add ``derived_json``, ``timing_json``, ``shown_from`` and ``shown_until`` to a property map."""
    if model.derived:
        p["derived_json"] = _json(model.derived)
    t = model.timing
    if t is None:
        return
    text = _TIMING_JSON.get(t)
    if text is None:
        text = _TIMING_JSON[t] = json.dumps({k: v for k, v in t.as_dict().items() if v is not None},
                                            separators=(",", ":"))
    p["timing_json"] = text
    if t.start is not None:
        p["shown_from"] = t.start.isoformat()
    if t.end is not None:
        p["shown_until"] = t.end.isoformat()


def _timing_back(data: dict[str, Any], p: dict[str, Any]) -> None:
    if p.get("derived_json"):
        data["derived"] = json.loads(p["derived_json"])
    if p.get("timing_json"):
        from crimegraph.schema.timing import Timing

        data["timing"] = Timing.from_dict(json.loads(p["timing_json"]))


def entity_props(e: Entity, seq: int) -> dict[str, Any]:
    """The property map of an entity node (``None`` values are simply not set)."""
    keys, originals = name_keys(e)
    p: dict[str, Any] = {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "kind": e.kind.value,
        "aliases": [a.name for a in e.aliases] or None,
        "alias_langs": _texts([a.lang or "" for a in e.aliases]),
        "description": e.description,
        "status": e.status,
        "external_ids_json": _json(e.external_ids),
        "citations_json": citations_json(e.citations),
        "citation_sources": [c.source for c in e.citations],
        "name_keys": keys,
        "name_key_names": originals,
        "seq": seq,
    }
    if isinstance(e, Place) and e.coordinates is not None:
        p["lat"] = e.coordinates.lat
        p["lon"] = e.coordinates.lon
        p["radius_km"] = e.coordinates.radius_km
        p["bbox"] = list(e.coordinates.bbox) if e.coordinates.bbox is not None else None
    if isinstance(e, Event):
        if e.date is not None:
            p["date"] = e.date.value
            p["date_precision"] = e.date.precision
            p["date_start"] = e.date.start.isoformat()
            p["date_end"] = e.date.end.isoformat()
        if e.figures is not None:
            p["figures_json"] = _json(e.figures.model_dump(exclude_none=True)) or "{}"
    for f in LIFETIME_FIELDS:
        d = getattr(e, f, None)
        if d is not None:
            p[f] = d.value
    timing_props(p, e)
    return {k: v for k, v in p.items() if v is not None}


def relation_props(r: Relation) -> dict[str, Any]:
    """The property map of a relationship."""
    p: dict[str, Any] = {
        "id": r.id,
        "confidence": r.confidence.code,
        "confidence_score": r.confidence.score,
        "citation_sources": [c.source for c in r.citations],
        "citations_json": citations_json(r.citations),
    }
    for key, values in (("citation_quotes", _texts([c.quote or "" for c in r.citations])),
                        ("citation_pages", _texts([c.page or "" for c in r.citations]))):
        if values is not None:
            p[key] = values
    if r.since is not None:
        p["since"] = r.since.value
        p["since_precision"] = r.since.precision
        p["since_start"] = r.since.start.isoformat()
    if r.until is not None:
        p["until"] = r.until.value
        p["until_precision"] = r.until.precision
        p["until_end"] = r.until.end.isoformat()
    if r.notes is not None:
        p["notes"] = r.notes
    timing_props(p, r)
    return p


def source_props(s: Source) -> dict[str, Any]:
    p: dict[str, Any] = {"id": s.id, "title": s.title, "publisher": s.publisher,
                         "url": s.url, "reliability": s.reliability, "notes": s.notes}
    if s.date is not None:
        p["date"] = s.date.value
        p["date_precision"] = s.date.precision
    return {k: v for k, v in p.items() if v is not None}


def with_fingerprint(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` plus ``fp``, a short hash of them: a reload skips what has not changed."""
    import hashlib

    digest = hashlib.blake2b(repr(sorted(props.items())).encode(), digest_size=8).hexdigest()
    props["fp"] = digest
    return props


#: ``load_state`` of the meta node: a load marks it ``in-progress`` before its first write and
#: ``complete`` (with the dataset's fingerprint) after its last; readers check it
LOAD_IN_PROGRESS, LOAD_COMPLETE = "in-progress", "complete"


class DatasetFingerprint:
    """A hash of a whole graph as loaded, from the fingerprints (``fp``) of its rows, each kind in
    dataset order (the same dataset loaded afresh, or bulk-imported from ``neo4j-csv``, gives the
    same value).

    >>> a, b = DatasetFingerprint(), DatasetFingerprint()
    >>> a.add("entities", "01"); a.add("sources", "02")
    >>> b.add("sources", "02"); b.add("entities", "01")
    >>> a.hexdigest() == b.hexdigest()
    True
    """

    KINDS = ("sources", "entities", "relations")

    def __init__(self) -> None:
        import hashlib

        self._h = {k: hashlib.blake2b(digest_size=16) for k in self.KINDS}

    def add(self, kind: str, fp: str) -> None:
        self._h[kind].update(fp.encode("ascii"))

    def hexdigest(self) -> str:
        import hashlib

        return hashlib.blake2b(b"".join(self._h[k].digest() for k in self.KINDS), digest_size=16).hexdigest()


def meta_props(meta: DatasetMeta, counts: dict[str, int], fingerprint: Optional[str] = None) -> dict[str, Any]:
    """The meta node of a finished load: the dataset header, the counts, ``load_state`` complete."""
    props = {"key": META_KEY, "meta_json": meta.model_dump_json(exclude_none=True), **counts,
             "load_state": LOAD_COMPLETE}
    if fingerprint is not None:
        props["dataset_fp"] = fingerprint
    return props


# ---------------------------------------------------------------- from Neo4j
def _date_value(v: Any) -> Optional[str]:
    return None if v is None else str(v)


def entity_from_props(p: dict[str, Any]) -> Entity:
    """Rebuild the pydantic entity from a node's properties."""
    aliases = p.get("aliases") or []
    # a bulk import (neo4j-admin) drops a list holding only "": no languages then
    langs = p.get("alias_langs") or [""] * len(aliases)
    data: dict[str, Any] = {
        "id": p["id"],
        "type": p["type"],
        "name": p["name"],
        "aliases": [{"name": n, "lang": (lang or None)} for n, lang in zip(aliases, langs)],
        "citations": json.loads(p["citations_json"]),
    }
    for k in ("description", "status"):
        if p.get(k) is not None:
            data[k] = p[k]
    if p.get("external_ids_json"):
        data["external_ids"] = json.loads(p["external_ids_json"])
    if p.get("lat") is not None:
        data["coordinates"] = {"lat": p["lat"], "lon": p["lon"]}
        if p.get("radius_km") is not None:
            data["coordinates"]["radius_km"] = p["radius_km"]
        if p.get("bbox") is not None:
            data["coordinates"]["bbox"] = list(p["bbox"])
    if p.get("date") is not None:
        data["date"] = _date_value(p["date"])
    if p.get("figures_json") is not None:
        data["figures"] = json.loads(p["figures_json"])
    for f in LIFETIME_FIELDS:
        if p.get(f) is not None:
            data[f] = _date_value(p[f])
    _timing_back(data, p)
    model = MODEL_BY_KIND[kind_of(p["type"])]
    return model.model_validate(data)


def relation_from_row(cypher_type: str, subject: str, object_: str, p: dict[str, Any]) -> Relation:
    """Rebuild the pydantic relation from its type, ends and properties."""
    data: dict[str, Any] = {
        "id": p["id"],
        "type": TYPE_BY_CYPHER[cypher_type],
        "subject": subject,
        "object": object_,
        "confidence": p["confidence"],
        "citations": json.loads(p["citations_json"]),
    }
    if p.get("since") is not None:
        data["since"] = _date_value(p["since"])
    if p.get("until") is not None:
        data["until"] = _date_value(p["until"])
    if p.get("notes") is not None:
        data["notes"] = p["notes"]
    _timing_back(data, p)
    return Relation.model_validate(data)


def source_from_props(p: dict[str, Any]) -> Source:
    data = {k: p[k] for k in ("id", "title", "publisher", "url", "reliability", "notes")
            if p.get(k) is not None}
    if p.get("date") is not None:
        data["date"] = _date_value(p["date"])
    return Source.model_validate(data)
