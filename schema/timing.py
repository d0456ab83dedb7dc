"""Two kinds of time, and the one as-of rule every store, query, map and export follows.

*Validity* is what a source says about when a relation held: its ``since`` and
``until`` (at the precision written), and an entity's lifetime (``founded`` /
``dissolved`` for groups, ``born`` / ``died`` for people, an event's ``date``).
*Attestation* is when it was known: the earliest and latest date of the sources
that cite it (``first`` and ``last`` reported), and, for anything tied to an
event, the event's date. Attestation is derived, never typed: :func:`attest`
computes it once for a whole dataset and stores it on every model as its
:class:`Timing`.

At a day ``d`` an item is in one of five states (:func:`state`):

``valid``
    its period (or its event's date, or its lifetime) covers ``d``;
``reported``
    it has no period, it was first reported on or before ``d``, and nothing
    ended it before ``d``: shown, marked "undated; reported 2014–2023";
``not_yet_known``
    it starts, or is first reported, after ``d``, or one of its ends does not
    exist yet (a gang founded later, an event that has not happened);
``ended``
    its period ended before ``d``, or one of its ends had ceased to exist
    (dissolved, died);
``undated``
    nothing dates it: no period, no event, no dated source.

As-of answers show ``valid`` and ``reported`` items, marked, and leave out the
rest; every store filters on the same two precomputed bounds
(:attr:`Timing.start`, :attr:`Timing.end`), so the native Cypher and SPARQL
answers are this rule too. Places and economies are ``timeless``: always valid.

>>> import datetime as dt
>>> t = Timing.make(first=PartialDate.parse(2014), last=PartialDate.parse(2023),
...                 start=dt.date(2014, 1, 1), basis="reported", start_by="reported")
>>> [state(t, dt.date(y, 12, 31)) for y in (2010, 2015)]
['not_yet_known', 'reported']
>>> marker(t)
'undated; reported 2014–2023'
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from .types import PartialDate, _Immutable
from .vocab import RELATION_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from .dataset import Dataset
    from .models import Entity, Relation, Source

VALID, REPORTED, NOT_YET_KNOWN, ENDED, UNDATED = (
    "valid", "reported", "not_yet_known", "ended", "undated")
#: every state, in the order answers list them
STATES = (VALID, REPORTED, NOT_YET_KNOWN, ENDED, UNDATED)
#: the states an as-of answer shows
SHOWN = frozenset({VALID, REPORTED})

#: what dates an item's window: a period or lifetime a source states (valid), an
#: event's date (valid), only the dates of its sources (reported), nothing
#: (undated), or nothing needed (timeless: places, economies)
BASES = ("period", "lifetime", "event", "reported", "undated", "timeless")
_VALID_BASES = frozenset({"period", "lifetime", "event", "timeless"})

#: the first day of an open-started window ("until 2012", start unknown)
OPEN = dt.date.min

#: lifetime fields by the end of life they mark
LIFETIME_STARTS = ("founded", "born")
LIFETIME_ENDS = ("dissolved", "died")


class Timing(_Immutable):
    """The derived time of one entity or relation: attestation and as-of window.

    ``first`` / ``last``
        earliest and latest date (:class:`PartialDate`, at its precision) of
        the sources citing it; ``None`` when no citing source is dated.
    ``dated``
        how many distinct cited sources carry a date.
    ``event``
        the date of the event it is tied to (a relation to an event, or an
        event itself).
    ``start`` / ``end``
        the first and last day an as-of answer shows it (``end`` ``None``:
        open); ``start`` is :data:`OPEN` for a window open at the start and
        ``None`` for an undated item, which no as-of answer shows.
    ``basis``
        one of :data:`BASES`.
    ``start_by`` / ``end_by``
        what sets each bound: ``since``, ``until``, ``event``, ``reported``,
        ``open``, ``relations``, or ``subject:founded`` (the subject's
        lifetime field), ``object:died``, ``founded`` (an entity's own) …

    Immutable and shared: one instance per distinct value (:meth:`make`).
    """

    __slots__ = ("first", "last", "dated", "event", "start", "end", "basis", "start_by", "end_by")

    def __init__(self, first, last, dated, event, start, end, basis, start_by, end_by):
        _set = object.__setattr__
        for name, value in zip(self.__slots__, (first, last, dated, event, start, end, basis,
                                                start_by, end_by)):
            _set(self, name, value)

    @classmethod
    def make(cls, *, first: Optional[PartialDate] = None, last: Optional[PartialDate] = None,
             dated: int = 0, event: Optional[PartialDate] = None,
             start: Optional[dt.date] = None, end: Optional[dt.date] = None,
             basis: str = "undated", start_by: Optional[str] = None,
             end_by: Optional[str] = None) -> "Timing":
        """The one shared instance with these values."""
        key = (first, last, dated, event, start, end, basis, start_by, end_by)
        t = _TIMINGS.get(key)
        if t is None:
            if basis not in BASES:
                raise ValueError(f"unknown timing basis {basis!r}; expected one of {', '.join(BASES)}")
            t = _TIMINGS[key] = cls(*key)
        return t

    def __reduce__(self):
        return (_timing, (self.as_tuple(),))

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timing) and other.as_tuple() == self.as_tuple()

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __repr__(self) -> str:
        return (f"Timing(basis={self.basis!r}, start={_iso(self.start)!r}, end={_iso(self.end)!r}, "
                f"first={_val(self.first)!r}, last={_val(self.last)!r})")

    # ------------------------------------------------------------ plain data
    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: attestation, window and what sets it (see :meth:`from_dict`)."""
        return {
            "first_reported": _val(self.first), "last_reported": _val(self.last),
            "dated_sources": self.dated, "event_date": _val(self.event),
            "shown_from": _iso(self.start), "shown_until": _iso(self.end),
            "basis": self.basis, "start_by": self.start_by, "end_by": self.end_by,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Timing":
        """Inverse of :meth:`as_dict` (stores read timing back with it)."""
        return cls.make(
            first=_pd(d.get("first_reported")), last=_pd(d.get("last_reported")),
            dated=int(d.get("dated_sources") or 0), event=_pd(d.get("event_date")),
            start=_day(d.get("shown_from")), end=_day(d.get("shown_until")),
            basis=d.get("basis") or "undated", start_by=d.get("start_by"), end_by=d.get("end_by"))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        return core_schema.no_info_plain_validator_function(
            check_timing,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.as_dict() if v is not None else None, when_used="always"),
        )

    @property
    def attested(self) -> str:
        """``"2014–2023"``, ``"2017"`` or ``""``: the years in which the sources reported it
        (:attr:`first` and :attr:`last` keep the month or day where the sources give one)."""
        if self.first is None:
            return ""
        a, b = self.first.value[:4], (self.last or self.first).value[:4]
        return a if a == b else f"{a}–{b}"


_TIMINGS: dict[tuple, Timing] = {}


def _timing(values: tuple) -> Timing:
    return Timing.make(**dict(zip(Timing.__slots__, values)))


def _val(d: Optional[PartialDate]) -> Optional[str]:
    return d.value if d is not None else None


def _iso(d: Optional[dt.date]) -> Optional[str]:
    return d.isoformat() if d is not None else None


def _pd(v) -> Optional[PartialDate]:
    return PartialDate.parse(v) if v not in (None, "") else None


def _day(v) -> Optional[dt.date]:
    if v in (None, ""):
        return None
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


#: the timing of a place or an economy
TIMELESS = Timing.make(start=OPEN, basis="timeless")


# ---------------------------------------------------------------- the rule
def state(timing: Optional[Timing], day: dt.date) -> str:
    """The state (one of :data:`STATES`) of an item with this timing on ``day``.

    An item with no timing (not attested yet) is ``undated``.
    """
    if timing is None:
        return UNDATED
    start = timing.start
    if start is None:
        return UNDATED
    if day < start:
        return NOT_YET_KNOWN
    end = timing.end
    if end is not None and day > end:
        return ENDED
    return VALID if timing.basis in _VALID_BASES else REPORTED


def shown(timing: Optional[Timing], day: Optional[dt.date]) -> bool:
    """Whether an as-of answer on ``day`` shows the item (``day`` None: always)."""
    if day is None:
        return True
    if timing is None or timing.start is None or day < timing.start:
        return False
    return timing.end is None or day <= timing.end


def marker(timing: Optional[Timing]) -> str:
    """How a shown item is marked when only its sources date it: ``"undated; reported 2014–2023"``."""
    if timing is None or timing.basis != "reported":
        return ""
    return f"undated; reported {timing.attested}" if timing.attested else "undated"


def reason(timing: Optional[Timing], day: dt.date, names: Mapping[str, str] = {},
           item: Any = None, lookup=None) -> str:
    """Why an item is (or is not) in an as-of answer on ``day``, in words.

    ``item`` (the relation or entity) and ``lookup`` (entity id -> entity, such
    as a store's ``entity``) let the reason name the end whose lifetime decides
    it: "Tren de Aragua did not exist yet (founded 2014)".
    """
    st = state(timing, day)
    if st == UNDATED:
        return "no period, no event date and no dated source"
    assert timing is not None
    if st == NOT_YET_KNOWN:
        return _bound_text(timing.start_by, timing.start, item, names, lookup, timing, starting=True)
    if st == ENDED:
        return _bound_text(timing.end_by, timing.end, item, names, lookup, timing, starting=False)
    if st == REPORTED:
        return marker(timing)
    if timing.basis == "event" and timing.event is not None:
        return f"on {timing.event.value} (the event's date)"
    return "valid"


def _bound_text(by: Optional[str], day: Optional[dt.date], item, names, lookup, timing, *,
                starting: bool) -> str:
    when = day.isoformat() if day is not None else "?"
    if by is None:
        return ("starts " if starting else "ended ") + when
    end, _, field = by.partition(":")
    if field:  # an end's lifetime: subject:founded, object:died
        ident = getattr(item, end, None) if item is not None else None
        who = names.get(ident, ident) if ident else end
        value = None
        if ident and lookup is not None:
            try:
                value = _written(lookup(ident), field)
            except Exception:  # an end the lookup cannot find: say the date instead
                value = None
        if starting:
            return f"{who} did not exist yet ({field} {value or when})"
        return f"{who} no longer existed ({field} {value or when})"
    if by in LIFETIME_STARTS or by in LIFETIME_ENDS or by == "date":
        value = getattr(item, by, None) if item is not None else None
        text = value.value if isinstance(value, PartialDate) else when
        return (f"not yet: {by} {text}" if starting else f"no longer: {by} {text}")
    if by == "since":
        return f"starts {_written(item, 'since') or when}"
    if by == "until":
        return f"ended {_written(item, 'until') or when}"
    if by == "event":
        return f"the event is dated {timing.event.value if timing.event else when}"
    if by == "reported":
        return f"first reported {timing.first.value if timing.first else when}"
    if by == "relations":
        return f"nothing about it is known before {when}"
    return ("starts " if starting else "ended ") + when


def _written(item, field: str) -> Optional[str]:
    v = getattr(item, field, None) if item is not None else None
    return v.value if isinstance(v, PartialDate) else None


# ---------------------------------------------------------------- computing it
_STARTS_AND_DATE = LIFETIME_STARTS + ("date",)


def lifetime(e: "Entity") -> tuple[Optional[PartialDate], Optional[str], Optional[PartialDate], Optional[str]]:
    """``(start, start field, end, end field)`` of an entity's sourced lifetime.

    Groups: ``founded`` / ``dissolved``; people: ``born`` / ``died``; an event:
    its ``date`` (it exists from then on, as a fact of history).
    """
    start = start_field = end = end_field = None
    fields = e.__dict__  # a model's fields; a type without one of these has no key (getattr would raise inside)
    for f in _STARTS_AND_DATE:
        v = fields.get(f)
        if v is not None:
            start, start_field = v, f
            break
    for f in LIFETIME_ENDS:
        v = fields.get(f)
        if v is not None:
            end, end_field = v, f
            break
    return start, start_field, end, end_field


class Lifetimes(dict):
    """:func:`lifetime` of each entity, by id, computed once (within one validated dataset)."""

    def of(self, e: "Entity"):
        got = self.get(e.id)
        if got is None:
            got = self[e.id] = lifetime(e)
        return got


def _attestation(citations, source_dates: Mapping[str, PartialDate]):
    first = last = None
    seen: set[str] = set()
    for c in citations:
        d = source_dates.get(c.source)
        if d is None or c.source in seen:
            continue
        seen.add(c.source)
        if first is None or d.start < first.start or d.start == first.start and d.end < first.end:
            first = d
        if last is None or d.end > last.end or d.end == last.end and d.start > last.start:
            last = d
    return first, last, len(seen)


def relation_timing(r: "Relation", source_dates: Mapping[str, PartialDate],
                    subject: Optional["Entity"], obj: Optional["Entity"],
                    lifetimes: Optional[Lifetimes] = None) -> Timing:
    """The :class:`Timing` of one relation, from its period, its ends' lifetimes and its sources."""
    first, last, dated = _attestation(r.citations, source_dates)
    of = lifetimes.of if lifetimes is not None else lifetime
    ends = [(n, e, of(e)) for n, e in (("subject", subject), ("object", obj)) if e is not None]
    event = None
    for _, e, (ls, lf, _, _) in ends:
        if lf == "date" and ls is not None and (event is None or ls.start > event.start):
            event = ls
    if r.since is None and r.until is None and RELATION_TYPES[r.type].timeless:
        # a place inside another: as long as both ends exist (its ends' lifetimes below)
        start, start_by, basis = OPEN, "open", "timeless"
    elif r.since is not None:
        start, start_by, basis = r.since.start, "since", "period"
    elif r.until is not None:
        start, start_by, basis = OPEN, "open", "period"
    elif event is not None:
        start, start_by, basis = event.start, "event", "event"
    elif first is not None:
        start, start_by, basis = first.start, "reported", "reported"
    else:
        return Timing.make(first=first, last=last, dated=dated, event=event, basis="undated")
    end, end_by = (r.until.end, "until") if r.until is not None else (None, None)
    for n, _, (ls, lf, le, lef) in ends:
        if ls is not None and ls.start > start:
            start, start_by = ls.start, f"{n}:{lf}"
        if le is not None and (end is None or le.end < end):
            end, end_by = le.end, f"{n}:{lef}"
    return Timing.make(first=first, last=last, dated=dated, event=event, start=start, end=end,
                       basis=basis, start_by=start_by, end_by=end_by)


def entity_timing(e: "Entity", first: Optional[PartialDate], last: Optional[PartialDate],
                  dated: int, relations_start: Optional[dt.date]) -> Timing:
    """The :class:`Timing` of one entity.

    Places and economies are timeless. An event is valid from its date, an
    actor within its lifetime; without one, an entity is shown from the
    earliest of its first report and the start of its relations' windows, so
    that no as-of answer shows a relation without its two ends.
    """
    kind = e.kind.value
    if kind in ("place", "economy"):
        if first is None:
            return TIMELESS
        return Timing.make(first=first, last=last, dated=dated, start=OPEN, basis="timeless")
    ls, lf, le, lef = lifetime(e)
    event = ls if lf == "date" else None
    if ls is not None:
        return Timing.make(first=first, last=last, dated=dated, event=event, start=ls.start,
                           end=le.end if le is not None else None, basis="event" if event else "lifetime",
                           start_by=lf, end_by=lef)
    candidates = [(d, by) for d, by in ((first.start if first else None, "reported"),
                                        (relations_start, "relations")) if d is not None]
    if not candidates:
        return Timing.make(first=first, last=last, dated=dated,
                           end=le.end if le is not None else None, basis="undated", end_by=lef)
    start, start_by = min(candidates)
    return Timing.make(first=first, last=last, dated=dated, start=start,
                       end=le.end if le is not None else None, basis="reported",
                       start_by=start_by, end_by=lef)


def attest(dataset: "Dataset", lifetimes: Optional[Lifetimes] = None) -> None:
    """Compute and set the :class:`Timing` of every relation and entity of a dataset.

    Called once a dataset is validated (:func:`crimegraph.schema.validate.check_dataset`).
    An entity is attested by the sources citing it or any of its relations.
    ``lifetimes``: those already computed for this dataset's entities (the checks share theirs).
    """
    lifetimes = Lifetimes() if lifetimes is None else lifetimes
    source_dates = {i: s.date for i, s in dataset.sources.items() if s.date is not None}
    entities = dataset.entities
    # entity attestation: own citations, then each relation's
    span: dict[str, list] = {}
    for i, e in entities.items():
        first, last, _ = _attestation(e.citations, source_dates)
        span[i] = [first, last, {c.source for c in e.citations if c.source in source_dates}, None]
    for r in dataset.relations.values():
        t = relation_timing(r, source_dates, entities.get(r.subject), entities.get(r.object), lifetimes)
        r.__dict__["timing"] = t  # derived: not a field the seed set
        for end in (r.subject, r.object):
            s = span.get(end)
            if s is None:
                continue
            if t.first is not None and (s[0] is None or t.first.start < s[0].start):
                s[0] = t.first
            if t.last is not None and (s[1] is None or t.last.end > s[1].end):
                s[1] = t.last
            if t.dated:
                s[2].update(c.source for c in r.citations if c.source in source_dates)
            if t.start is not None and (s[3] is None or t.start < s[3]):
                s[3] = t.start
    for i, e in entities.items():
        first, last, srcs, rel_start = span[i]
        e.__dict__["timing"] = entity_timing(e, first, last, len(srcs), rel_start)


def ensure_timing(items: Iterable[Any]) -> None:
    """Give items read without a timing (an old store) the undated timing."""
    undated = Timing.make()
    for m in items:
        if m.__dict__.get("timing") is None:
            m.__dict__["timing"] = undated


def check_timing(value: Any) -> Optional[Timing]:
    """Validator of the ``timing`` field: only a :class:`Timing` built by :func:`attest` or a store."""
    if value is None or isinstance(value, Timing):
        return value
    raise ValueError("timing is derived from the sources and dates (attestation), never typed in a "
                     "seed file: remove it")
