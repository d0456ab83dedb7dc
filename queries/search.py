"""``search(text)``: entities by name or alias, ignoring case and accents, forgiving typos."""

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
                "results": [{**brief(e), "matched": h.matched, "match": h.match,
                             "score": round(h.score, 1)} for h, e in self.hits]}

    columns = ["id", "name", "type", "kind", "matched", "match", "score"]

    def rows(self) -> list[dict[str, Any]]:
        return self.as_dict()["results"]

    def lines(self) -> list[str]:
        if not self.hits:
            return [f"nothing matches {self.text!r}"]
        out = []
        for h, e in self.hits:
            via = f" (matched {h.matched!r}, {h.match})" if h.match != "exact" or h.matched != e.name else ""
            out.append(f"{e.id}: {e.name} — {e.type_label}{via}")
        return out


@native
def search(store, text: str, *, limit: int = 10, kinds: Optional[Iterable[str]] = None) -> Results:
    """Entities whose name or alias matches ``text``: exact, prefix, substring, then fuzzy.

    Matching ignores case and accents (``"apurimac"`` finds "Apurímac") and
    forgives typos (``"Tren de Aragwa"`` finds Tren de Aragua).

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
    >>> search(store, "SENDERO luminoso").hits[0][1].id
    'shining-path'
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
    hits = store.search(text, limit=limit if wanted is None else limit * 5)
    out = []
    for h in hits:
        e = store.entity(h.id)
        if wanted is None or e.kind.value in wanted:
            out.append((h, e))
    return Results(text, out[:limit])
