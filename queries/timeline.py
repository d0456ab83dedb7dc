"""``timeline(entity)``: an entity's history in date order, with what only the sources date.

Entries of six kinds: ``event`` (an event it, or one of its factions, members or
leaders, took part in or was targeted by, on the event's date; for an event, each
of its own relations on its date), ``start`` and
``end`` (of a relation's period), a lifetime mark (``founded``, ``dissolved``,
``born``, ``captured``, ``died``), ``reported`` (an undated relation, at its first
report) and ``undated`` (a relation that nothing dates). Dated entries come in
date order at their precision (a bare year sorts over its whole year), then the
first reports in their order, then what nothing dates. Timeless relations (a
place inside another: ``located_in``) are no part of a history and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.timing import LIFETIME_ENDS, LIFETIME_STARTS
from crimegraph.schema.types import PartialDate

from .answer import Answer
from .dispatch import native
from .shapes import brief, cited_sources, iso

#: lifetime marks, in the order they are listed on the same date
LIFETIME_MARKS = LIFETIME_STARTS + ("captured",) + LIFETIME_ENDS
#: order of entries on the same date
_ORDER = {"founded": 0, "born": 0, "event": 1, "start": 2, "end": 3, "captured": 4,
          "dissolved": 5, "died": 5, "reported": 6, "undated": 7}
#: the relations through which the events of related entities reach a timeline: the
#: related entity is the subject, the entity whose timeline it is the object
RELATED_THROUGH = ("faction_of", "member_of", "leads")
SECTIONS = ("dated", "reported", "undated")


@dataclass
class Entry:
    """One line of a timeline.

    ``date`` is the event's date, the period bound, the lifetime date, or the first
    report of an undated relation (``None`` for one that nothing dates). ``through``
    is the faction, member or leader whose event it is (``via`` ties it to the
    entity), ``None`` for the entity's own entries.
    """

    what: str
    date: Optional[PartialDate]
    relation: Optional[Relation] = None
    event: Optional[Entity] = None
    subject: Optional[Entity] = None
    through: Optional[Entity] = None
    via: Optional[Relation] = None

    @property
    def section(self) -> str:
        """``dated``, ``reported`` (dated only by its first report) or ``undated``."""
        return self.what if self.what in ("reported", "undated") else "dated"

    def key(self) -> tuple:
        d = self.date
        return (SECTIONS.index(self.section), d.start if d else None, d.end if d else None,
                _ORDER[self.what], self.event.id if self.event else "",
                self.relation.id if self.relation else "", self.through.id if self.through else "")


@dataclass
class Timeline(Answer):
    """An entity's entries in order (:class:`Entry`), its own and its related entities' events."""

    entity: Entity
    entries: list[Entry]
    names: dict[str, str]
    related: list[tuple[Entity, Relation]]

    LISTS_LEFT_OUT = True

    def shown_relations(self):
        return [e.relation for e in self.entries if e.relation is not None and e.through is None]

    def _names(self) -> dict[str, str]:
        return self.names

    @property
    def undated(self) -> list[Relation]:
        """Relations that nothing dates (no period, no event, no dated source)."""
        return [e.relation for e in self.entries if e.what == "undated" and e.relation is not None]

    def _text(self, e: Entry) -> str:
        names = self.names
        if e.what in LIFETIME_MARKS:
            who = e.subject or self.entity
            return f"{e.what}: {who.name}" + _cited(who, self.sources)
        if e.what == "event":
            ev = e.event
            text = f"{ev.name} ({ev.type_label})"
            if e.through is not None and e.via is not None:
                text += (f" — through {e.through.name} ({e.via.decl.label} "
                         f"{names.get(e.via.object, e.via.object)})")
            if e.relation is not None:
                text += f"; {self.say(e.relation)}"
            return text
        if e.what in ("start", "end"):
            return f"{'begins' if e.what == 'start' else 'ends'}: {self.say(e.relation)}"
        return self.say(e.relation)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": brief(self.entity),
            "as_of": iso(self.as_of),
            "related": [{"entity": brief(o), "via": r.id, "type": r.type} for o, r in self.related],
            "entries": [{
                "section": e.section,
                "date": e.date.value if e.date else None,
                "precision": e.date.precision if e.date else None,
                "what": e.what,
                "event": brief(e.event) if e.event else None,
                "subject": brief(e.subject) if e.subject else None,
                "through": brief(e.through) if e.through else None,
                "via": e.via.id if e.via else None,
                "relation": self.rel(e.relation, self.entity.id) if e.relation else None,
                "text": self._text(e),
            } for e in self.entries],
            "left_out": self.left_out_dict(),
        }

    columns = ["section", "date", "precision", "what", "event_id", "event_name", "through_id",
               "relation_id", "relation_type", "subject", "object", "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for e in self.entries:
            r = e.relation
            cites = r.citations if r is not None else (e.subject or self.entity).citations \
                if e.what in LIFETIME_MARKS else []
            out.append({
                "section": e.section, "date": e.date.value if e.date else None,
                "precision": e.date.precision if e.date else None, "what": e.what,
                "event_id": e.event.id if e.event else None,
                "event_name": e.event.name if e.event else None,
                "through_id": e.through.id if e.through else None,
                "relation_id": r.id if r else None, "relation_type": r.type if r else None,
                "subject": r.subject if r else (e.subject or self.entity).id,
                "object": r.object if r else None,
                "confidence": r.confidence.code if r else None,
                "sources": [c.source for c in cites],
            })
        return out

    def lines(self) -> list[str]:
        counts = {s: sum(1 for e in self.entries if e.section == s) for s in SECTIONS}
        n = len(self.entries)
        head = (f"{self.entity.name} ({self.entity.id}): {n} entr{'ies' if n != 1 else 'y'}"
                f"{self.when()} ({counts['dated']} dated, {counts['reported']} dated only by their "
                f"first report, {counts['undated']} undated)")
        if self.related:
            k = len(self.related)
            head += (f", with the events of {k} faction{'s' if k != 1 else ''}, member"
                     f"{'s' if k != 1 else ''} or leader{'s' if k != 1 else ''}")
        out = [head + "."]
        dated = [e for e in self.entries if e.section == "dated"]
        width = max((len(e.date.value) for e in self.entries if e.date), default=4)
        out.extend(f"  {e.date.value:<{width}}  {self._text(e)}" for e in dated)
        reported = [e for e in self.entries if e.section == "reported"]
        if reported:
            out.append("  undated, by first report:")
            out.extend(f"  {e.date.value:<{width}}  {self._text(e)}" for e in reported)
        undated = [e for e in self.entries if e.section == "undated"]
        if undated:
            out.append(f"  undated, never reported by a dated source ({len(undated)}):")
            out.extend(f"    {self._text(e)}" for e in undated)
        return out


def _cited(e: Entity, sources) -> str:
    ids = list(dict.fromkeys(c.source for c in e.citations))
    titles = [sources[i].title if i in sources else i for i in ids]
    return f" ({'sources' if len(ids) != 1 else 'source'}: {'; '.join(titles)})" if ids else ""


def _other_is_event(r: Relation, other: Entity) -> bool:
    return other.kind.value == "event"


@native
def timeline(store, entity: str, *, as_of=None, related: bool = True) -> Timeline:
    """An entity's history in date order: events, periods, lifetime, and what only its sources date.

    Relations to events (``participated_in``, ``occurred_in``, ``concerns``,
    ``targets``) appear once, on the event's date; other relations at their
    ``since`` (``start``) and ``until`` (``end``); a relation with neither is listed
    at its first report (``reported``), or last of all when no dated source cites
    it (``undated``). The entity's sourced lifetime (founded, dissolved, born,
    captured, died) is a kind of entry too. With ``related`` (the default), the
    events of its factions, members and leaders (one level: entities that are
    ``faction_of``, ``member_of`` or ``leads`` it) are included, each saying
    through whom.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    entity : str
        An entity id, name or alias.
    as_of : date, int or str, optional
        The timeline as it could be written then: relations valid or reported by
        then (schema/timing.py), entries dated on or before it.
    related : bool
        Include the events of factions, members and leaders.

    Returns
    -------
    Timeline
        ``.entries`` in order, ``.related`` the entities whose events were included.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import timeline
    >>> store = crimegraph.open_store()
    >>> t = timeline(store, "shining-path")
    >>> dated = [e.date.start for e in t.entries if e.section == "dated"]
    >>> dated == sorted(dated) and len(dated) > 0
    True
    >>> any(e.through is not None for e in t.entries)
    True
    """
    e = store.resolve(entity)
    names = {e.id: e.name}
    entries: list[Entry] = []

    def visible(d: Optional[PartialDate]) -> bool:
        return as_of is None or (d is not None and d.start <= as_of)

    for mark in LIFETIME_MARKS:
        d = getattr(e, mark, None)
        if d is not None and visible(d):
            entries.append(Entry(mark, d, subject=e))
    own_date = getattr(e, "date", None) if e.kind.value == "event" else None
    # timeless relations (a place inside another) are no part of a history
    rels = [r for r in store.relations(e.id, as_of=as_of)
            if r.timing is None or r.timing.basis != "timeless"]
    if own_date is not None and visible(own_date) and not rels:
        entries.append(Entry("event", own_date, event=e))
    cache: dict[str, Entity] = {e.id: e}

    def ent(i: str) -> Entity:
        if i not in cache:
            cache[i] = store.entity(i)
            names[i] = cache[i].name
        return cache[i]

    own_events: set[str] = set()
    related_ents: list[tuple[Entity, Relation]] = []
    cited = list(rels)
    for r in rels:
        other = ent(r.other(e.id))
        if own_date is not None and r.since is None and r.until is None:
            # the event's own relations (who took part, where, whom it targeted): on its date
            if visible(own_date):
                entries.append(Entry("event", own_date, r, e))
            continue
        if _other_is_event(r, other):
            day = getattr(other, "date", None) or r.since
            if day is not None:
                own_events.add(other.id)
                if visible(day):
                    entries.append(Entry("event", day, r, other))
                continue
        if r.since is not None:
            entries.append(Entry("start", r.since, r))
        if r.until is not None and visible(r.until):
            entries.append(Entry("end", r.until, r))
        if r.since is None and r.until is None and not _other_is_event(r, other):
            t = r.timing
            if t is not None and t.first is not None:
                entries.append(Entry("reported", t.first, r))
            else:
                entries.append(Entry("undated", None, r))
        elif r.since is None and r.until is None:  # an undated event
            t = r.timing
            entries.append(Entry("reported", t.first, r, other) if t is not None and t.first
                           else Entry("undated", None, r, other))
        if related and r.type in RELATED_THROUGH and r.object == e.id:
            related_ents.append((other, r))
    for other, via in related_ents:
        for r in store.relations(other.id, as_of=as_of):
            ev = ent(r.other(other.id))
            if ev.kind.value != "event" or ev.id in own_events:
                continue
            day = getattr(ev, "date", None)
            if day is None or not visible(day):
                continue
            own_events.add(ev.id)
            cited.append(r)
            entries.append(Entry("event", day, r, ev, through=other, via=via))
    entries.sort(key=Entry.key)
    return Timeline(e, entries, names, related_ents, as_of=as_of,
                    sources=cited_sources(store, cited, [e]))
