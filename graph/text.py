"""Name normalisation and the search hit, shared by every store (the engine: :mod:`.search`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Case- and accent-insensitive form of a name: ``"Apurímac"`` -> ``"apurimac"``.

    >>> normalize("  Sendero   LUMINOSO ")
    'sendero luminoso'
    >>> normalize("Apurímac-Ene")
    'apurimac ene'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if not decomposed.isascii():  # no ASCII character is a combining mark: most names skip this
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", decomposed).strip()


@dataclass(frozen=True)
class SearchHit:
    """One search result: the entity, the field that matched best, a score in [0, 100] and why.

    ``match`` says how that field matched: ``exact`` (the whole field equals the
    query, ignoring case, accents and punctuation), else how its weakest query
    word matched: ``word`` (as typed), ``stem``, ``prefix`` or ``fuzzy``.
    ``field`` is one of :data:`crimegraph.graph.search.FIELDS` and ``reason`` says
    it in words: ``alias 'Sendero Luminoso' (es)``, ``quote in InSight Crime, … ('frogs')``.
    """

    id: str
    name: str
    matched: str
    score: float
    match: str
    field: str = "name"
    reason: str = ""

    @property
    def exact(self) -> bool:
        """Whether the entity's name, an alias or its id equals the query."""
        return self.match == "exact" and self.field in ("name", "alias", "id")

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "matched": self.matched,
                "score": round(self.score, 1), "match": self.match, "field": self.field,
                "reason": self.reason}
