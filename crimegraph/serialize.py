"""Plain-data (JSON) shapes of entities, relations and sources, shared by the CLI and the HTTP API."""

from __future__ import annotations

from typing import Any, Optional

from crimegraph.errors import SourceNotFound
from crimegraph.schema.models import Citation, Entity, Relation, Source
from crimegraph.schema.vocab import RELATION_TYPES


def source_dict(s: Source) -> dict[str, Any]:
    return s.model_dump(mode="json", exclude_none=True)


def entity_dict(e: Entity, *, citations: bool = True, store=None, as_of=None) -> dict[str, Any]:
    d = e.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    d["kind"] = e.kind.value
    d["time"] = time_dict(e, as_of)
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


def time_dict(item, as_of=None) -> dict[str, Any]:
    """An item's derived time: attestation, as-of window and, given a day, its state on it.

    ``{"state": "reported", "marker": "undated; reported 2014–2023", "first_reported": "2014",
    "last_reported": "2023", "dated_sources": 2, "event_date": None, "basis": "reported", ...}``
    (schema/timing.py). ``state`` and ``marker`` appear only with ``as_of``.
    """
    from crimegraph.schema.timing import marker, reason, state

    t = item.timing
    d: dict[str, Any] = t.as_dict() if t is not None else {"basis": "undated"}
    if as_of is not None:
        st = state(t, as_of)
        d = {"state": st, "marker": marker(t) if st == "reported" else reason(t, as_of, item=item), **d}
    return d


def time_text(item, as_of=None) -> str:
    """The time of a relation in words, for sentences: its period as stated, or, without
    one, when the sources reported it ("undated; reported 2014–2023"), and its state on
    ``as_of`` when that is not simply valid."""
    from crimegraph.schema.timing import REPORTED, VALID, marker, reason, state

    t = item.timing
    period = item.period if isinstance(item, Relation) else ""
    if as_of is not None:
        st = state(t, as_of)
        if st not in (VALID, REPORTED):
            return f"{st.replace('_', ' ')} as of {as_of.isoformat()}: {reason(t, as_of, item=item)}"
    if period:
        return period
    if t is not None and t.basis == "event" and t.event is not None:
        return f"on {t.event.value}"
    if t is not None and t.basis == "timeless":
        return ""
    return marker(t) if t is not None and t.basis == "reported" else "undated"


def relation_dict(r: Relation, store=None, *, names: Optional[dict[str, str]] = None,
                  perspective: Optional[str] = None, as_of=None) -> dict[str, Any]:
    """A relation with its period, confidence and citations (sources resolved when a store is given).

    ``perspective`` is the entity the relation is seen from: ``direction`` is
    then ``out`` (it is the subject), ``in`` (the object) or ``both`` (symmetric).
    ``time`` holds its derived attestation and as-of window and, with ``as_of``,
    its state on that day (:func:`time_dict`).
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
    d["time"] = time_dict(r, as_of)
    d["confidence"] = r.confidence.code
    d["citations"] = [citation_dict(c, store) for c in r.citations]
    if r.notes:
        d["notes"] = r.notes
    if r.derived:
        d["derived"] = dict(r.derived)
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


def relation_sentence(r: Relation, names: dict[str, str], store=None, *, quotes: bool = False,
                      as_of=None) -> str:
    """"Shining Path —operates in→ VRAEM (since 1999; confidence B2; source: InSight Crime, Peru Profile)".

    Without a period the time says when the sources reported it ("undated; reported
    2014–2023"); with ``as_of``, a state other than valid or reported is spelled out.
    Each source is named once, however many of the relation's citations quote it.
    With ``quotes``, each quote follows on its own line (with its source when the
    relation has more than one).
    """
    decl = RELATION_TYPES[r.type]
    arrow = f"—{decl.label}—" if decl.symmetric else f"—{decl.label}→"
    head = f"{names.get(r.subject, r.subject)} {arrow} {names.get(r.object, r.object)}"
    bits = [b for b in (time_text(r, as_of),) if b]
    bits.append(f"confidence {r.confidence.code}")
    lines = [source_line(c, store) for c in r.citations]
    distinct = list(dict.fromkeys(lines))
    bits.append(("source: " if len(distinct) == 1 else "sources: ") + "; ".join(distinct))
    text = f"{head} ({'; '.join(bits)})"
    if quotes:
        for c, line in zip(r.citations, lines):
            if c.quote:
                text += f'\n    “{c.quote}”' + (f" ({line})" if len(distinct) > 1 else "")
    return text
