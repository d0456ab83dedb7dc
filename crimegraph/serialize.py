"""Plain-data (JSON) shapes of entities, relations and sources, shared by the CLI and the HTTP API."""

from __future__ import annotations

from typing import Any, Optional

from crimegraph.errors import SourceNotFound
from crimegraph.schema.models import Citation, Entity, Relation, Source
from crimegraph.schema.vocab import RELATION_TYPES


def source_dict(s: Source) -> dict[str, Any]:
    return s.model_dump(mode="json", exclude_none=True)


def entity_dict(e: Entity, *, citations: bool = True, store=None) -> dict[str, Any]:
    d = e.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    d["kind"] = e.kind.value
    if not citations:
        d.pop("citations", None)
    elif store is not None:
        d["citations"] = [citation_dict(c, store) for c in e.citations]
    return d


def citation_dict(c: Citation, store=None) -> dict[str, Any]:
    d: dict[str, Any] = {"source": c.source}
    if store is not None:
        try:
            s = store.source(c.source)
        except SourceNotFound:
            s = None
        if s is not None:
            d["title"] = s.title
            if s.publisher:
                d["publisher"] = s.publisher
            if s.date:
                d["date"] = s.date.value
            if s.url:
                d["url"] = s.url
            d["reliability"] = s.reliability
    if c.quote:
        d["quote"] = c.quote
    if c.page:
        d["page"] = c.page
    return d


def relation_dict(r: Relation, store=None, *, names: Optional[dict[str, str]] = None,
                  perspective: Optional[str] = None) -> dict[str, Any]:
    """A relation with its period, confidence and citations (sources resolved when a store is given).

    ``perspective`` is the entity the relation is seen from: ``direction`` is
    then ``out`` (it is the subject), ``in`` (the object) or ``both`` (symmetric).
    """
    decl = RELATION_TYPES[r.type]
    d: dict[str, Any] = {
        "id": r.id,
        "type": r.type,
        "label": decl.label,
        "symmetric": decl.symmetric,
        "subject": r.subject,
        "object": r.object,
    }
    if names is not None:
        d["subject_name"] = names.get(r.subject, r.subject)
        d["object_name"] = names.get(r.object, r.object)
    if perspective is not None:
        d["direction"] = "both" if decl.symmetric else ("out" if r.subject == perspective else "in")
        d["other"] = r.other(perspective)
    d["since"] = r.since.value if r.since else None
    d["until"] = r.until.value if r.until else None
    d["precision"] = {"since": r.since.precision if r.since else None,
                      "until": r.until.precision if r.until else None}
    d["confidence"] = r.confidence.code
    d["citations"] = [citation_dict(c, store) for c in r.citations]
    if r.notes:
        d["notes"] = r.notes
    return d


def source_line(c: Citation, store=None) -> str:
    """"InSight Crime, Peru Profile (2023)" — a citation in words."""
    s = None
    if store is not None:
        try:
            s = store.source(c.source)
        except SourceNotFound:
            s = None
    if s is None:
        text = c.source
    else:
        parts = [p for p in (s.publisher, s.title) if p]
        text = ", ".join(parts)
        if s.date:
            text += f" ({s.date})"
    if c.page:
        text += f", p. {c.page}"
    return text


def relation_sentence(r: Relation, names: dict[str, str], store=None, *, quotes: bool = False) -> str:
    """"Shining Path —operates in→ VRAEM (since 1999; B2; source: InSight Crime, Peru Profile)"."""
    decl = RELATION_TYPES[r.type]
    arrow = f"—{decl.label}—" if decl.symmetric else f"—{decl.label}→"
    head = f"{names.get(r.subject, r.subject)} {arrow} {names.get(r.object, r.object)}"
    bits = [b for b in (r.period,) if b]
    bits.append(f"confidence {r.confidence.code}")
    srcs = "; ".join(source_line(c, store) for c in r.citations)
    bits.append(("source: " if len(r.citations) == 1 else "sources: ") + srcs)
    text = f"{head} ({'; '.join(bits)})"
    if quotes:
        for c in r.citations:
            if c.quote:
                text += f'\n    “{c.quote}”'
    return text
