"""The base of every query result: the day asked about, the sources it cites, what the day left out.

A result holds everything it prints (entities, relations, the :class:`SourceBook`
of their sources), so that ``as_dict()``, ``rows()`` and ``lines()`` need no
store: the HTTP API and the CLI render results after the store is closed.

As-of answers follow the one rule of :mod:`crimegraph.schema.timing`: they show
the relations that are *valid* or *reported* on the day, each marked with its
state, and leave out the rest. :func:`~crimegraph.queries.dispatch.native`
fills :attr:`Answer.left_out` for the results that list relations
(:attr:`Answer.LISTS_LEFT_OUT`): what the same question without a date would
add, each with the reason it is not in the answer ("not yet known: first
reported 2022", "Tren de Aragua did not exist yet (founded 2014)").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Mapping, Optional

from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.timing import SHOWN, STATES, reason, state

from .shapes import SourceBook, rel_dict, sentence


@dataclass
class LeftOut:
    """A relation an as-of answer does not show, its state on the day and why."""

    relation: Relation
    state: str
    reason: str

    def as_dict(self, names: Mapping[str, str]) -> dict[str, Any]:
        r = self.relation
        return {"relation": r.id, "type": r.type, "subject": r.subject,
                "subject_name": names.get(r.subject, r.subject), "object": r.object,
                "object_name": names.get(r.object, r.object), "state": self.state,
                "reason": self.reason}


@dataclass(kw_only=True)
class Answer:
    """Fields and helpers shared by the query results (keyword-only, after each result's own)."""

    as_of: Optional[dt.date] = None
    sources: SourceBook = field(default_factory=SourceBook)
    left_out: list[LeftOut] = field(default_factory=list)

    #: whether :func:`~crimegraph.queries.dispatch.native` lists what an as-of day leaves out
    LISTS_LEFT_OUT: ClassVar[bool] = False
    #: CSV columns of :meth:`rows`
    columns: ClassVar[list[str]] = []

    # ------------------------------------------------------------ to override
    def _names(self) -> dict[str, str]:
        """Names of the entities the answer mentions, by id."""
        return {}

    def shown_relations(self) -> Iterable[Relation]:
        """The relations in the answer (what :attr:`left_out` is computed against)."""
        return ()

    # ------------------------------------------------------------ shared
    def rel(self, r: Relation, perspective: Optional[str] = None,
            names: Optional[Mapping[str, str]] = None) -> dict[str, Any]:
        """A relation as JSON, with its sources, and its state on :attr:`as_of`."""
        return rel_dict(r, self.sources, self._names() if names is None else names, perspective,
                        as_of=self.as_of)

    def say(self, r: Relation, names: Optional[Mapping[str, str]] = None, *,
            quotes: bool = False) -> str:
        """A relation in one sentence, marked with its state on :attr:`as_of`."""
        return sentence(r, self._names() if names is None else names, self.sources,
                        quotes=quotes, as_of=self.as_of)

    def when(self) -> str:
        """`` as of 2019-12-31`` or ``""``."""
        return f" as of {self.as_of.isoformat()}" if self.as_of else ""

    def left_out_dict(self) -> Optional[list[dict[str, Any]]]:
        """What the day left out, for JSON (``None`` for an answer without a day)."""
        if self.as_of is None or not self.LISTS_LEFT_OUT:
            return None
        names = self._names()
        return [x.as_dict(names) for x in self.left_out]

    def left_out_summary(self) -> str:
        """``"12 relations left out as of 1985-12-31 (not yet known 9, ended 2, undated 1)"``."""
        if self.as_of is None or not self.left_out:
            return ""
        counts = {s: 0 for s in STATES}
        for x in self.left_out:
            counts[x.state] += 1
        parts = ", ".join(f"{s.replace('_', ' ')} {n}" for s, n in counts.items() if n)
        n = len(self.left_out)
        return f"{n} relation{'s' if n != 1 else ''} left out{self.when()} ({parts})"

    def left_out_lines(self, full: bool = False) -> list[str]:
        """A line saying how much the day left out; with ``full``, each with its reason."""
        head = self.left_out_summary()
        if not head:
            return []
        if not full:
            return [f"  ({head}; --left-out lists them)"]
        names = self._names()
        out = [head + ":"]
        for x in self.left_out:
            r = x.relation
            arrow = f"—{r.decl.label}—" if r.symmetric else f"—{r.decl.label}→"
            out.append(f"  {names.get(r.subject, r.subject)} {arrow} {names.get(r.object, r.object)} "
                       f"[{r.id}]: {x.state.replace('_', ' ')}: {x.reason}")
        return out


def left_out(shown: Iterable[Relation], candidates: Iterable[Relation], day: dt.date,
             names: Mapping[str, str], lookup=None) -> list[LeftOut]:
    """The ``candidates`` not among ``shown`` that the day leaves out, with state and reason.

    A candidate that is shown on the day but missing from the answer for another
    reason (an ego network reaches other neighbours on another day) is not listed.
    ``lookup`` (entity id -> entity) lets a reason name an end whose lifetime decides it.
    """
    ids = {r.id for r in shown}
    out: dict[str, LeftOut] = {}
    for r in candidates:
        if r.id in ids or r.id in out:
            continue
        st = state(r.timing, day)
        if st in SHOWN:
            continue
        out[r.id] = LeftOut(r, st, reason(r.timing, day, names, item=r, lookup=lookup))
    order = {s: i for i, s in enumerate(STATES)}
    return sorted(out.values(), key=lambda x: (order[x.state], x.relation.id))


def names_of(entities: Iterable[Entity]) -> dict[str, str]:
    return {e.id: e.name for e in entities}
