"""FollowTheMoney export (``crimegraph export --format ftm``): see :mod:`crimegraph.exports.ftm`."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterator, Optional

from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Event, Place, Relation, Source
from crimegraph.schema.types import CREDIBILITY, RELIABILITY
from crimegraph.schema.vocab import RELATION_TYPES

from crimegraph.serialize import time_text

from ._common import citation_line, entity_seed, flag, seed_dict, text_out
from .ftm import (
    CONTEXT_KEY, LIFETIME_PROPS, ORG_SCHEMA, SCHEMA_BY_TYPE, SOURCE_SCHEMA, _ns, bind,
    entity_ftm_id, relation_ftm_id, source_ftm_id,
)

#: the followthemoney model and its error class, bound on first use by :func:`load_ftm`
model: Any = None
InvalidData: Any = Exception


def load_ftm() -> Any:
    """The FtM model (imported on first use: :func:`crimegraph.exports.ftm.load_ftm`)."""
    return bind(globals())


class _Exporter:
    def __init__(self, dataset: Dataset, options: dict):
        load_ftm()
        self.ds = dataset
        self.ns = _ns(options)
        self.context = flag(options, "context", True)
        self._country_of: dict[str, Optional[str]] = {}
        self._parents: dict[str, list[str]] = defaultdict(list)
        for r in dataset.relations.values():
            if r.type == "located_in":
                self._parents[r.subject].append(r.object)

    # ------------------------------------------------------------ helpers
    def _emit(self, proxy, record: Optional[dict]) -> dict:
        data = proxy.to_dict()
        out = {"id": data.pop("id"), "schema": data.pop("schema"), "properties": data.pop("properties")}
        if self.context and record is not None:
            out[CONTEXT_KEY] = record
        return out

    def _cite(self, proxy, citations, text_prop: str, lead: Optional[str] = None) -> None:
        sources = self.ds.sources
        lines = [citation_line(c, sources) for c in citations]
        for c in citations:
            proxy.add("proof", source_ftm_id(self.ns, c.source), quiet=True)
            s = sources.get(c.source)
            if s is not None:
                if s.url:
                    proxy.add("sourceUrl", s.url, quiet=True)
                if s.publisher:
                    proxy.add("publisher", s.publisher, quiet=True)
        text = "Sources:\n" + "\n".join(lines)
        if lead:
            text = lead + "\n\n" + text
        proxy.add(text_prop, text, quiet=True)

    def country_code(self, place_id: str, _seen: Optional[set] = None) -> Optional[str]:
        """The ISO code of the country a place is, or lies in (via located_in), if FtM knows it."""
        if place_id in self._country_of:
            return self._country_of[place_id]
        from followthemoney import registry

        seen = _seen or set()
        seen.add(place_id)
        code = None
        e = self.ds.entities.get(place_id)
        if e is not None and e.type == "country":
            for n in e.names:
                code = registry.country.clean(n)
                if code:
                    break
        if code is None:
            for parent in self._parents.get(place_id, ()):
                if parent not in seen:
                    code = self.country_code(parent, seen)
                    if code:
                        break
        self._country_of[place_id] = code
        return code

    # ------------------------------------------------------------ records
    def source(self, s: Source) -> dict:
        p = model.make_entity(SOURCE_SCHEMA)
        p.id = source_ftm_id(self.ns, s.id)
        p.add("title", s.title)
        p.add("name", s.title, quiet=True)
        if s.publisher:
            p.add("publisher", s.publisher)
        if s.date:
            p.add("publishedAt", s.date.value)
        if s.url:
            p.add("sourceUrl", s.url)
        if s.notes:
            p.add("notes", s.notes)
        p.add("summary", f"crimegraph source {s.id}; reliability {s.reliability}: {RELIABILITY[s.reliability]}")
        return self._emit(p, seed_dict(s))

    def entity(self, e: Entity) -> dict:
        schema = SCHEMA_BY_TYPE[e.type]
        p = model.make_entity(schema)
        p.id = entity_ftm_id(self.ns, e.id)
        p.add("name", e.name)
        for a in e.aliases:
            p.add("alias", a.name)
        if e.description:
            p.add("description", e.description)
        if e.status and "status" in p.schema.properties:
            p.add("status", e.status)
        if "wikidata" in e.external_ids:
            p.add("wikidataId", e.external_ids["wikidata"], quiet=True)
        p.add("keywords", e.type_label)
        if isinstance(e, Place):
            p.add("full", e.name)
            if e.type == "city":
                p.add("city", e.name)
            elif e.type == "region":
                p.add("region", e.name)
            if e.coordinates is not None:
                p.add("latitude", str(e.coordinates.lat))
                p.add("longitude", str(e.coordinates.lon))
            code = self.country_code(e.id)
            if code:
                p.add("country", code)
        for field, prop in LIFETIME_PROPS.items():
            value = getattr(e, field, None)
            if value is not None and prop in p.schema.properties:
                p.add(prop, value.value)
        if isinstance(e, Event):
            if e.date is not None:
                p.add("date", e.date.value)
            p.add("summary", e.type_label + (f" ({e.date})" if e.date else ""))
            if e.figures is not None:
                figs = e.figures.model_dump(exclude_none=True)
                if figs:
                    p.add("summary", "figures: " + ", ".join(f"{k} {v:g}" for k, v in figs.items()))
        self._cite(p, e.citations, "notes")
        return self._emit(p, entity_seed(e))

    def relation(self, r: Relation) -> dict:
        decl = RELATION_TYPES[r.type]
        subj = self.ds.entities[r.subject]
        obj = self.ds.entities[r.object]
        s_schema = model[SCHEMA_BY_TYPE[subj.type]]
        o_schema = model[SCHEMA_BY_TYPE[obj.type]]
        org = model[ORG_SCHEMA]
        legal = model["LegalEntity"]
        person = model["Person"]
        if r.type == "member_of" and s_schema.is_a(legal) and o_schema.is_a(org):
            p, src, dst, role = model.make_entity("Membership"), "member", "organization", "role"
        elif r.type == "leads" and s_schema.is_a(legal) and o_schema.is_a(org):
            p, src, dst, role = model.make_entity("Directorship"), "director", "organization", "role"
        elif r.type in ("associated_with", "allied_with") and s_schema is person and o_schema is person:
            p, src, dst, role = model.make_entity("Associate"), "person", "associate", "relationship"
        elif r.type == "engages_in" and s_schema.is_a(legal) and o_schema.name == "Project":
            p, src, dst, role = model.make_entity("ProjectParticipant"), "participant", "project", "role"
        else:
            p, src, dst, role = model.make_entity("UnknownLink"), "subject", "object", "role"
        p.id = relation_ftm_id(self.ns, r.id)
        p.add(src, entity_ftm_id(self.ns, r.subject))
        p.add(dst, entity_ftm_id(self.ns, r.object))
        p.add(role, decl.label)
        if r.since is not None:
            p.add("startDate", r.since.value)
        if r.until is not None:
            p.add("endDate", r.until.value)
        p.add("recordId", r.id)
        bits = [b for b in (time_text(r),) if b]
        bits.append(f"confidence {r.confidence.code}: {RELIABILITY[r.confidence.reliability]} source, "
                    f"{CREDIBILITY[r.confidence.credibility]}")
        p.add("summary", f"{subj.name} {decl.label} {obj.name} ({'; '.join(bits)})")
        self._cite(p, r.citations, "description", lead=r.notes)
        return self._emit(p, seed_dict(r))

    def records(self) -> Iterator[dict]:
        for s in self.ds.sources.values():
            yield self.source(s)
        for e in self.ds.entities.values():
            yield self.entity(e)
        for r in self.ds.relations.values():
            yield self.relation(r)


def iter_ftm(dataset: Dataset, options: Optional[dict] = None) -> Iterator[dict]:
    """The FtM entities of a dataset, one plain dict at a time (sources, entities, relations)."""
    return _Exporter(dataset, options or {}).records()


_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


def ftm_line(record: dict) -> str:
    """One JSON line. U+2028, U+2029 and U+0085 are escaped: line readers that split on them
    (``str.splitlines``, JavaScript) must still see one entity per line."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _LINE_BREAKS:
        if char in line:
            line = line.replace(char, escaped)
    return line + "\n"


def write_ftm(dataset: Dataset, target, options: Optional[dict] = None) -> int:
    """Write ``dataset`` as line-delimited FtM JSON to ``target`` (a binary file object).

    Options: ``namespace`` (id prefix, default ``crimegraph``), ``context``
    (default true: keep the crimegraph record on each entity for a lossless
    re-import). Returns the number of FtM entities written.
    """
    n = 0
    with text_out(target) as fh:
        for record in iter_ftm(dataset, options):
            fh.write(ftm_line(record))
            n += 1
    return n


