"""An entity's direct, typed links: its economies, an economy's actors, allies and rivals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.base import check_types
from crimegraph.graph.text import normalize
from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.vocab import CRIMINAL_NATURES, RELATION_TYPES

from .answer import Answer
from .dispatch import native
from .shapes import TIME_COLUMNS, brief, cited_sources, iso, time_row


@dataclass
class Link:
    """One relation of :attr:`Links.entity`, and the entity at its other end."""

    other: Entity
    relation: Relation

    def direction(self, perspective: str) -> str:
        if self.relation.symmetric:
            return "both"
        return "out" if self.relation.subject == perspective else "in"


@dataclass
class Links(Answer):
    """The answer to "what are X's <relation>?": one :class:`Link` per relation, by name."""

    entity: Entity
    question: str
    links: list[Link]
    types: frozenset[str]
    #: the entity's links of kindred natures that are not ``types`` (an actor with no ally
    #: may have looser ties, factions or suppliers): what :meth:`lines` mentions after the answer
    also: list[Link] = field(default_factory=list)

    LISTS_LEFT_OUT = True

    def shown_relations(self):
        return [lk.relation for lk in self.links]

    @property
    def entities(self) -> list[Entity]:
        """Each linked entity once, by name."""
        return list({lk.other.id: lk.other for lk in self.links}.values())

    def _names(self) -> dict[str, str]:
        return {self.entity.id: self.entity.name,
                **{lk.other.id: lk.other.name for lk in [*self.links, *self.also]}}

    def as_dict(self) -> dict[str, Any]:
        names = self._names()
        return {
            "entity": brief(self.entity),
            "question": self.question,
            "types": sorted(self.types),
            "as_of": iso(self.as_of),
            "results": [{
                "entity": brief(lk.other),
                "direction": lk.direction(self.entity.id),
                "relation": self.rel(lk.relation, self.entity.id, names),
                "sentence": self.say(lk.relation, names),
            } for lk in self.links],
            "also": [{
                "entity": brief(lk.other),
                "nature": RELATION_TYPES[lk.relation.type].nature,
                "relation": self.rel(lk.relation, self.entity.id, names),
                "sentence": self.say(lk.relation, names),
            } for lk in self.also],
            "left_out": self.left_out_dict(),
        }

    columns = ["id", "name", "type", "relation_id", "relation_type", "direction", "since", "until",
               *TIME_COLUMNS, "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        return [{
            "id": lk.other.id, "name": lk.other.name, "type": lk.other.type,
            "relation_id": lk.relation.id, "relation_type": lk.relation.type,
            "direction": lk.direction(self.entity.id),
            "since": lk.relation.since.value if lk.relation.since else None,
            "until": lk.relation.until.value if lk.relation.until else None,
            **time_row(lk.relation, self.as_of),
            "confidence": lk.relation.confidence.code,
            "sources": [c.source for c in lk.relation.citations],
        } for lk in self.links]

    def lines(self) -> list[str]:
        n, names = len(self.entities), self._names()
        what = _SINGULAR.get(self.question, self.question) if n == 1 else self.question
        head = f"{self.entity.name} ({self.entity.id}): {n} {what}{self.when()}"
        if self.also:
            by: dict[str, int] = {}
            for lk in self.also:
                label = RELATION_TYPES[lk.relation.type].label
                by[label] = by.get(label, 0) + 1
            m = len(self.also)
            head += (f"; {m} other link{'s' if m != 1 else ''} of a kindred nature ("
                     + ", ".join(f"{label} {c}" for label, c in by.items()) + ")")
        out = [head + "."]
        out.extend(f"  {self.say(lk.relation, names)}" for lk in self.links)
        if self.also:
            out.append("Other links:")
            out.extend(f"  {self.say(lk.relation, names)}" for lk in self.also)
        return out


@native
def links(store, entity: str, types: Iterable[str], *, direction: str = "both", as_of=None,
          kind: Optional[str] = None, other_kind: Optional[str] = None,
          question: str = "links") -> Links:
    """An entity's relations of some types, with the entity at the other end.

    The building block of :func:`economies_of`, :func:`actors_in_economy`,
    :func:`allies` and :func:`rivals`; use it for any other relation type.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    entity : str
        An entity id, name or alias.
    types : iterable of str
        Relation types to follow.
    direction : {"out", "in", "both"}
        ``out``: the entity is the subject; ``in``: the object (symmetric
        relations count both ways).
    as_of : date, int or str, optional
        Only relations valid on that day.
    kind, other_kind : str, optional
        The entity kind expected (``UsageError`` otherwise), and the kind kept at the other end.
    question : str
        How the results are named in sentences ("allies").

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import links
    >>> store = crimegraph.open_store()
    >>> found = links(store, "vraem", ["located_in"], direction="out", question="containing places")
    >>> "peru" in [e.id for e in found.entities]
    True
    """
    types = check_types(types)
    if direction not in ("out", "in", "both"):
        raise UsageError(f"direction must be out, in or both, got {direction!r}")
    e = store.resolve(entity)
    if kind is not None and e.kind.value != kind:
        raise UsageError(f"{question} of {e.name} ({e.id}): expected {_a(kind)}, "
                         f"but it is {_a(e.type_label)}")
    found = []
    for r in store.relations(e.id, direction=direction, types=types, as_of=as_of):
        other = store.entity(r.other(e.id))
        if other_kind is None or other.kind.value == other_kind:
            found.append(Link(other, r))
    found.sort(key=lambda lk: (normalize(lk.other.name), lk.other.id,
                               lk.relation.since.start if lk.relation.since else dt.date.min,
                               lk.relation.id))
    return Links(e, question, found, types, as_of=as_of,
                 sources=cited_sources(store, [lk.relation for lk in found]))


@native
def economies_of(store, actor: str, *, as_of=None) -> Links:
    """The illicit economies an actor engages in (``engages_in``), with periods and sources.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    actor : str
        An actor id, name or alias.
    as_of : date, int or str, optional
        Only relations valid on that day.

    Returns
    -------
    Links
        ``.links`` (economy, relation), ``.entities`` each economy once.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import economies_of
    >>> store = crimegraph.open_store()
    >>> "cocaine-trafficking" in [e.id for e in economies_of(store, "shining-path").entities]
    True
    """
    return links(store, actor, ("engages_in",), direction="out", as_of=as_of, kind="actor",
                 question="economies")


@native
def actors_in_economy(store, economy: str, *, as_of=None) -> Links:
    """The actors that engage in an illicit economy (``engages_in``), with periods and sources.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    economy : str
        An economy id, name or alias (``"illegal-logging"``).
    as_of : date, int or str, optional
        Only relations valid on that day.

    Returns
    -------
    Links
        ``.links`` (actor, relation), ``.entities`` each actor once.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import actors_in_economy
    >>> store = crimegraph.open_store()
    >>> "shining-path" in [e.id for e in actors_in_economy(store, "cocaine-trafficking").entities]
    True
    """
    return links(store, economy, ("engages_in",), direction="in", as_of=as_of, kind="economy",
                 question="actors")


@native
def allies(store, actor: str, *, as_of=None) -> Links:
    """An actor's allies (``allied_with``, symmetric), with periods and sources.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    actor : str
        An actor id, name or alias.
    as_of : date, int or str, optional
        Only alliances valid on that day.

    Returns
    -------
    Links

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import allies
    >>> store = crimegraph.open_store()
    >>> found = allies(store, "shining-path")
    >>> all(lk.relation.type == "allied_with" for lk in found.links)
    True
    """
    found = links(store, actor, ("allied_with",), as_of=as_of, kind="actor", question="allies")
    return _kindred(store, found, CRIMINAL_NATURES, as_of)


@native
def rivals(store, actor: str, *, as_of=None) -> Links:
    """An actor's rivals (``rival_of``, symmetric), with periods and sources.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    actor : str
        An actor id, name or alias.
    as_of : date, int or str, optional
        Only rivalries valid on that day.

    Returns
    -------
    Links

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import rivals
    >>> store = crimegraph.open_store()
    >>> found = rivals(store, "shining-path")
    >>> all(lk.relation.type == "rival_of" for lk in found.links)
    True
    """
    found = links(store, actor, ("rival_of",), as_of=as_of, kind="actor", question="rivals")
    return _kindred(store, found, frozenset({"adversarial"}), as_of)


def _kindred(store, found: Links, natures: frozenset[str], as_of) -> Links:
    """Add to ``found`` the entity's links to actors of ``natures`` outside its own types."""
    from .ties import types_of

    e = found.entity
    others = types_of(natures) - found.types
    for r in store.relations(e.id, types=others, as_of=as_of):
        other = store.entity(r.other(e.id))
        if other.kind.value == "actor" and other.id != e.id:
            found.also.append(Link(other, r))
    found.also.sort(key=lambda lk: (lk.relation.type, normalize(lk.other.name), lk.relation.id))
    found.sources.update(cited_sources(store, [lk.relation for lk in found.also]))
    return found


_SINGULAR = {"allies": "ally", "rivals": "rival", "economies": "economy", "actors": "actor",
             "links": "link"}


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
