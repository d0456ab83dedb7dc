"""Small pieces shared by the result types: entity briefs, cited sources, sentences.

Each result carries the :class:`~crimegraph.schema.models.Source` records it
cites, so that its ``as_dict()`` and ``lines()`` need no store (the HTTP API and
the CLI render results after the store is closed).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from crimegraph.errors import SourceNotFound
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.serialize import relation_dict, relation_sentence


class SourceBook(dict):
    """Sources by id, usable where :mod:`crimegraph.serialize` expects a store (``.source(id)``)."""

    def source(self, source_id: str) -> Source:
        try:
            return self[source_id]
        except KeyError:
            raise SourceNotFound(source_id) from None


def cited_sources(store, relations: Iterable[Relation] = (),
                  entities: Iterable[Entity] = ()) -> SourceBook:
    """The sources cited by some relations and entities, looked up once each."""
    book = SourceBook()
    ids = {c.source for r in relations for c in r.citations}
    ids.update(c.source for e in entities for c in e.citations)
    for i in sorted(ids):
        try:
            book[i] = store.source(i)
        except SourceNotFound:  # a dangling citation: rendered by its id
            pass
    return book


def brief(e: Entity) -> dict[str, Any]:
    """An entity in a few fields: id, name, type and kind."""
    return {"id": e.id, "name": e.name, "type": e.type, "kind": e.kind.value}


def rel_dict(r: Relation, sources: SourceBook, names: Mapping[str, str],
             perspective: Optional[str] = None, *, as_of=None) -> dict[str, Any]:
    """:func:`crimegraph.serialize.relation_dict` with sources resolved from the book."""
    return relation_dict(r, sources, names=dict(names), perspective=perspective, as_of=as_of)


def sentence(r: Relation, names: Mapping[str, str], sources: SourceBook, *,
             quotes: bool = False, as_of=None) -> str:
    """:func:`crimegraph.serialize.relation_sentence`: ``A —operates in→ B (since 1999; …)``."""
    return relation_sentence(r, dict(names), sources, quotes=quotes, as_of=as_of)


def evidence_key(r: Relation) -> tuple:
    """Sort key putting the best-evidenced relation first: confidence, sources, then id."""
    return (-r.confidence.score, -len({c.source for c in r.citations}), r.id)


def iso(day) -> Optional[str]:
    return day.isoformat() if day is not None else None


_PLURALS = {"economy": "economies", "entity": "entities", "ally": "allies", "community": "communities"}


def plural(word: str, n: int) -> str:
    """``"economy"`` with a count: ``1 economy``, ``3 economies``."""
    return f"{n} {word if n == 1 else _PLURALS.get(word, word + 's')}"


#: CSV columns of an item's derived time (:func:`time_row`)
TIME_COLUMNS = ["state", "first_reported", "last_reported"]


def time_row(item, as_of=None) -> dict[str, Any]:
    """The state on ``as_of`` (empty without one) and the attestation of an item, for CSV."""
    from crimegraph.schema.timing import state

    t = item.timing
    return {"state": state(t, as_of) if as_of is not None else None,
            "first_reported": t.first.value if t is not None and t.first else None,
            "last_reported": t.last.value if t is not None and t.last else None}
