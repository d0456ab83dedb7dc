"""``search(text)``: entities by name, alias, description, quote or source title, each hit with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.text import SearchHit
from crimegraph.schema.models import Entity
from crimegraph.schema.vocab import Kind

from .dispatch import native
from .shapes import brief


@dataclass
class Results:
    """Search hits, best first, each with its entity."""

    text: str
    hits: list[tuple[SearchHit, Entity]]

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.text,
                "results": [{**brief(e), "matched": h.matched, "match": h.match, "field": h.field,
                             "score": round(h.score, 1), "reason": h.reason} for h, e in self.hits]}

    columns = ["id", "name", "type", "kind", "matched", "match", "score", "field", "reason"]

    def rows(self) -> list[dict[str, Any]]:
        return self.as_dict()["results"]

    def lines(self) -> list[str]:
        if not self.hits:
            return [f"nothing matches {self.text!r}"]
        return [f"{h.score:5.1f}  {e.id}: {e.name} — {e.type_label}; {h.reason}"
                + ("" if h.match in ("exact", "word") else f" [{h.match}]") for h, e in self.hits]


@native
def search(store, text: str, *, limit: int = 10, kinds: Optional[Iterable[str]] = None) -> Results:
    """Entities matching ``text``, best first: names, aliases, ids, types, descriptions, quotes, sources.

    Matching ignores case and accents (``"apurimac"`` finds "Apurímac"), stems
    English and Spanish words, and forgives typos (``"Tren de Aragwa"`` finds Tren
    de Aragua); each hit has a score (100: an exact name) and the reason it
    matched. The ranking is :class:`crimegraph.graph.search.SearchEngine`'s, the
    same on every store and in the maps.

    Parameters
    ----------
    store : Store
        Any store.
    text : str
        A name, part of one, or a misspelling.
    limit : int
        Most results to return.
    kinds : iterable of str, optional
        Only entities of these kinds (``actor``, ``place``, ``economy``, ``event``).

    Returns
    -------
    Results
        ``.hits``: ``(SearchHit, Entity)`` pairs, best first.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import search
    >>> store = crimegraph.open_store()
    >>> search(store, "Tren de Aragwa").hits[0][1].id
    'tren-de-aragua'
    >>> search(store, "SENDERO luminoso").hits[0][0].reason
    "alias 'Sendero Luminoso' (es)"
    >>> search(store, "frogs", kinds=["economy"]).hits[0][1].id
    'wildlife-trafficking'
    """
    if limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    wanted = None
    if kinds:
        wanted = set(kinds)
        unknown = wanted - {k.value for k in Kind}
        if unknown:
            raise UsageError(f"unknown kind(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(k.value for k in Kind)}")
    hits = store.search_engine().search(text, limit=limit, kinds=wanted)
    return Results(text, [(h, store.entity(h.id)) for h in hits])
