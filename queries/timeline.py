"""``timeline(entity)``: an entity's history in date order: events, relations starting and ending."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.types import PartialDate

from .dispatch import native
from .shapes import SourceBook, brief, cited_sources, iso, rel_dict, sentence

#: order of entries on the same date
_ORDER = {"event": 0, "start": 1, "end": 2}


@dataclass
class Entry:
    """One dated line of a timeline.

    ``what`` is ``start`` or ``end`` (of :attr:`relation`'s period) or ``event``
    (an event the entity took part in, or the entity itself when it is an
    event; :attr:`relation` then links the two, if any).
    """

    date: PartialDate
    what: str
    relation: Optional[Relation] = None
    event: Optional[Entity] = None

    def key(self) -> tuple:
        return (self.date.start, self.date.end, _ORDER[self.what],
                self.event.id if self.event else "", self.relation.id if self.relation else "")


@dataclass
class Timeline:
    """An entity's dated entries in order, and its relations that carry no date."""

    entity: Entity
    entries: list[Entry]
    undated: list[Relation]
    names: dict[str, str]
    as_of: Optional[dt.date] = None
    sources: SourceBook = field(default_factory=SourceBook)

    def _text(self, e: Entry) -> str:
        if e.what == "event":
            ev = e.event
            text = f"{ev.name} ({ev.type_label})"
            if e.relation is not None:
                text += f"; {sentence(e.relation, self.names, self.sources)}"
            return text
        verb = "begins" if e.what == "start" else "ends"
        return f"{verb}: {sentence(e.relation, self.names, self.sources)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": brief(self.entity),
            "as_of": iso(self.as_of),
            "entries": [{
                "date": e.date.value,
                "precision": e.date.precision,
                "what": e.what,
                "event": brief(e.event) if e.event else None,
                "relation": rel_dict(e.relation, self.sources, self.names, self.entity.id)
                if e.relation else None,
                "text": self._text(e),
            } for e in self.entries],
            "undated": [rel_dict(r, self.sources, self.names, self.entity.id) for r in self.undated],
        }

    columns = ["date", "what", "event_id", "event_name", "relation_id", "relation_type", "subject",
               "object", "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        return [{
            "date": e.date.value, "what": e.what,
            "event_id": e.event.id if e.event else None,
            "event_name": e.event.name if e.event else None,
            "relation_id": e.relation.id if e.relation else None,
            "relation_type": e.relation.type if e.relation else None,
            "subject": e.relation.subject if e.relation else None,
            "object": e.relation.object if e.relation else None,
            "confidence": e.relation.confidence.code if e.relation else None,
            "sources": [c.source for c in e.relation.citations] if e.relation else [],
        } for e in self.entries]

    def lines(self) -> list[str]:
        when = f" (relations valid on {self.as_of.isoformat()})" if self.as_of else ""
        n = len(self.entries)
        out = [f"{self.entity.name} ({self.entity.id}): {n} dated entr{'ies' if n != 1 else 'y'}{when}."]
        width = max((len(e.date.value) for e in self.entries), default=4)
        out.extend(f"  {e.date.value:<{width}}  {self._text(e)}" for e in self.entries)
        if self.undated:
            out.append(f"  undated ({len(self.undated)}):")
            out.extend(f"    {sentence(r, self.names, self.sources)}" for r in self.undated)
        return out


@native
def timeline(store, entity: str, *, as_of=None) -> Timeline:
    """An entity's history in date order: events, and the starts and ends of its relations.

    Relations to events (``participated_in``, ``occurred_in``, ``concerns``, ``targets``)
    appear once, on the event's date; other relations appear at their ``since``
    (``start``) and ``until`` (``end``); relations with neither are listed apart as
    ``undated``. Entries on the same date: events, then starts, then ends.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    entity : str
        An entity id, name or alias.
    as_of : date, int or str, optional
        Only relations valid on that day, and only entries dated on or before it
        (the timeline as it could be written then).

    Returns
    -------
    Timeline
        ``.entries`` in date order, ``.undated`` relations.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import timeline
    >>> store = crimegraph.open_store()
    >>> t = timeline(store, "shining-path")
    >>> starts = [e.date.start for e in t.entries]
    >>> starts == sorted(starts) and len(starts) > 0
    True
    """
    e = store.resolve(entity)
    names = {e.id: e.name}
    entries: list[Entry] = []
    undated: list[Relation] = []
    if e.kind.value == "event" and getattr(e, "date", None) is not None:
        if as_of is None or e.date.start <= as_of:
            entries.append(Entry(e.date, "event", None, e))
    rels = store.relations(e.id, as_of=as_of)
    for r in rels:
        other = store.entity(r.other(e.id))
        names[other.id] = other.name
        if other.kind.value == "event":
            day = getattr(other, "date", None) or r.since
            if day is None:
                undated.append(r)
            elif as_of is None or day.start <= as_of:
                entries.append(Entry(day, "event", r, other))
            continue
        if r.since is not None:
            entries.append(Entry(r.since, "start", r))
        if r.until is not None and (as_of is None or r.until.start <= as_of):
            entries.append(Entry(r.until, "end", r))
        if r.since is None and r.until is None:
            undated.append(r)
    entries.sort(key=Entry.key)
    return Timeline(e, entries, undated, names, as_of, cited_sources(store, rels))
