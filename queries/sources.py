"""``source_support(source_id)``: a source, and every entity and relation it supports, with the quotes.

What ``crimegraph source ID`` prints and the HTTP ``{base}source/ID`` page and
JSON show: both read :func:`citers` (who cites which source), written once here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.types import RELIABILITY
from crimegraph.serialize import source_dict

from .dispatch import native
from .shapes import SourceBook, brief, rel_dict, sentence


def citers(entities: Iterable[Entity], relations: Iterable[Relation]) -> dict[str, tuple[list[str], list[str]]]:
    """source id -> (ids of the relations citing it, ids of the entities citing it), each in id order."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for r in sorted(relations, key=lambda r: r.id):
        for s in dict.fromkeys(c.source for c in r.citations):
            out.setdefault(s, ([], []))[0].append(r.id)
    for e in sorted(entities, key=lambda e: e.id):
        for s in dict.fromkeys(c.source for c in e.citations):
            out.setdefault(s, ([], []))[1].append(e.id)
    return out


def store_citers(store) -> dict[str, tuple[list[str], list[str]]]:
    """:func:`citers` of a whole store, kept by stores that know when they change (``Store.derived``)."""
    return store.derived(("citers",), lambda: citers(store.entities(), store.relations()))


@dataclass
class SourceSupport:
    """A source, the entities and relations citing it, and what each citation quotes."""

    source: Source
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def _quotes(self, citations) -> list[dict[str, Any]]:
        out = []
        for c in citations:
            if c.source == self.source.id:
                d = {k: v for k, v in (("quote", c.quote), ("page", c.page)) if v}
                out.append(d)
        return out

    def as_dict(self) -> dict[str, Any]:
        book = SourceBook({self.source.id: self.source})
        return {
            "source": source_dict(self.source),
            "cited_by": {"relations": [r.id for r in self.relations],
                         "entities": [e.id for e in self.entities]},
            "entities": [{**brief(e), "citations": self._quotes(e.citations)} for e in self.entities],
            "relations": [{**rel_dict(r, book, self.names), "citations": self._quotes(r.citations)}
                          for r in self.relations],
        }

    columns = ["cited_by", "id", "name", "type", "quote", "page"]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for e in self.entities:
            for q in self._quotes(e.citations):
                out.append({"cited_by": "entity", "id": e.id, "name": e.name, "type": e.type, **q})
        for r in self.relations:
            for q in self._quotes(r.citations):
                out.append({"cited_by": "relation", "id": r.id, "type": r.type,
                            "name": sentence(r, self.names, SourceBook()).split(" (", 1)[0], **q})
        return out

    def lines(self) -> list[str]:
        s = self.source
        head = ", ".join(p for p in (s.publisher, s.title) if p) + (f" ({s.date})" if s.date else "")
        out = [head, f"  source {s.id}; reliability {s.reliability} ({RELIABILITY[s.reliability]})"]
        if s.url:
            out.append(f"  {s.url}")
        if s.notes:
            out.append(f"  notes: {s.notes}")
        out.append("")
        out.append(f"supports {len(self.entities)} entit{'y' if len(self.entities) == 1 else 'ies'}:")
        for e in self.entities:
            out.append(f"  {e.name} ({e.id}) — {e.type_label}")
            out.extend(_quote_lines(self._quotes(e.citations)))
        out.append("")
        out.append(f"and {len(self.relations)} relation{'' if len(self.relations) == 1 else 's'}:")
        book = SourceBook({s.id: s})
        for r in self.relations:
            out.append("  " + sentence(r, self.names, book).split(" (", 1)[0]
                       + (f" ({r.period})" if r.period else ""))
            out.append(f"    relation {r.id}")
            out.extend(_quote_lines(self._quotes(r.citations)))
        return out


def _quote_lines(quotes: list[dict]) -> list[str]:
    return [f"    “{q['quote']}”" + (f" (p. {q['page']})" if q.get("page") else "")
            for q in quotes if q.get("quote")]


@native
def source_support(store, source_id: str) -> SourceSupport:
    """A source and every entity and relation citing it, with what each citation quotes.

    Parameters
    ----------
    store : Store
        Any store.
    source_id : str
        The source's id (``insightcrime-peru-profile``).

    Returns
    -------
    SourceSupport

    Raises
    ------
    SourceNotFound
        No source has that id (close ids are suggested).

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import source_support
    >>> support = source_support(crimegraph.open_store(), "amphibianark-titicaca-frog")
    >>> [e.id for e in support.entities]
    ['wildlife-trafficking']
    """
    s = store.source(source_id)
    return support(s, store_citers(store), store.entity, store.relation)


def support(s: Source, cited: dict, entity: Callable[[str], Entity],
            relation: Callable[[str], Relation]) -> SourceSupport:
    """A :class:`SourceSupport` from :func:`citers` and lookups by id (a store's, or a dataset's)."""
    rel_ids, ent_ids = cited.get(s.id, ([], []))
    entities = [entity(i) for i in ent_ids]
    relations = [relation(i) for i in rel_ids]
    names = {e.id: e.name for e in entities}
    for r in relations:
        for i in (r.subject, r.object):
            if i not in names:
                names[i] = entity(i).name
    return SourceSupport(s, entities, relations, names)
