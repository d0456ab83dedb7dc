"""``evidence(relation_id)``: a relation with its full citations: what each source says, and how reliable it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.types import CREDIBILITY, RELIABILITY
from crimegraph.serialize import citation_dict, source_line

from .dispatch import native
from .shapes import SourceBook, brief, cited_sources, rel_dict, sentence


@dataclass
class Evidence:
    """One relation, its two entities, its confidence in words, and every citation resolved."""

    relation: Relation
    subject: Entity
    object: Entity
    sources: SourceBook = field(default_factory=SourceBook)

    def _names(self) -> dict[str, str]:
        return {self.subject.id: self.subject.name, self.object.id: self.object.name}

    def as_dict(self) -> dict[str, Any]:
        c = self.relation.confidence
        return {
            "relation": rel_dict(self.relation, self.sources, self._names()),
            "subject": brief(self.subject),
            "object": brief(self.object),
            "period": self.relation.period or None,
            "confidence": {"code": c.code, "score": c.score,
                           "reliability": RELIABILITY[c.reliability],
                           "credibility": CREDIBILITY[c.credibility]},
            "sentence": sentence(self.relation, self._names(), self.sources),
        }

    columns = ["relation_id", "source", "title", "publisher", "date", "url", "reliability",
               "page", "quote"]

    def rows(self) -> list[dict[str, Any]]:
        return [{"relation_id": self.relation.id, **citation_dict(cit, self.sources)}
                for cit in self.relation.citations]

    def lines(self) -> list[str]:
        r, c = self.relation, self.relation.confidence
        out = [sentence(r, self._names(), self.sources),
               f"  relation {r.id}; confidence {c.code}: {c.describe()}"]
        if r.notes:
            out.append(f"  notes: {r.notes}")
        n = len(r.citations)
        out.append(f"  {n} citation{'s' if n != 1 else ''}:")
        for i, cit in enumerate(r.citations, 1):
            out.append(f"  {i}. {source_line(cit, self.sources)}")
            s = self.sources.get(cit.source)
            if s is not None:
                out.append(f"     source {s.id}; reliability {s.reliability} ({RELIABILITY[s.reliability]})"
                           + (f"; {s.url}" if s.url else ""))
            if cit.quote:
                out.append(f"     “{cit.quote}”")
        return out


@native
def evidence(store, relation_id: str) -> Evidence:
    """A relation with its full citations: source records, quotes, pages, confidence in words.

    Parameters
    ----------
    store : Store
        Any store (an :func:`~crimegraph.queries.as_of` view finds every relation by id).
    relation_id : str
        The relation's id (``shining-path--operates-in--vraem``).

    Returns
    -------
    Evidence

    Raises
    ------
    RelationNotFound
        No relation has that id (the message lists close matches).

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import evidence
    >>> store = crimegraph.open_store()
    >>> ev = evidence(store, "shining-path--operates-in--vraem")
    >>> ev.subject.name, ev.object.id, len(ev.relation.citations) >= 1
    ('Shining Path', 'vraem', True)
    """
    r = store.relation(relation_id)
    s, o = store.entity(r.subject), store.entity(r.object)
    return Evidence(r, s, o, cited_sources(store, [r]))
