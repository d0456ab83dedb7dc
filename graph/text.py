"""Name normalisation and fuzzy search, shared by every store."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

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
    """One search result: the entity, the name that matched and a score in [0, 100]."""

    id: str
    name: str
    matched: str
    score: float
    match: str  # exact | prefix | substring | fuzzy

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "matched": self.matched,
                "score": round(self.score, 1), "match": self.match}


_RANK = {"exact": 0, "prefix": 1, "substring": 2, "fuzzy": 3}


class NameIndex:
    """An index of entity names and aliases: exact, prefix, substring, then fuzzy (rapidfuzz)."""

    def __init__(self, rows: Iterable[tuple[str, str, Iterable[str]]] = ()):
        # rows: (entity id, display name, all names incl. aliases)
        self._keys: list[str] = []  # normalised names
        self._owner: list[tuple[str, str, str]] = []  # (id, display name, original name)
        self._exact: dict[str, list[int]] = {}
        for ident, display, names in rows:
            self.add(ident, display, names)

    def add(self, ident: str, display: str, names: Iterable[str]) -> None:
        for n in dict.fromkeys([*names, ident]):
            key = normalize(n)
            if not key:
                continue
            self._exact.setdefault(key, []).append(len(self._keys))
            self._keys.append(key)
            self._owner.append((ident, display, n))

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, text: str, limit: int = 10, fuzzy: bool = True) -> list[SearchHit]:
        q = normalize(text)
        if not q:
            return []
        best: dict[str, SearchHit] = {}

        def offer(i: int, score: float, how: str) -> None:
            ident, display, original = self._owner[i]
            hit = SearchHit(ident, display, original, score, how)
            old = best.get(ident)
            if old is None or (_RANK[how], -score) < (_RANK[old.match], -old.score):
                best[ident] = hit

        for i in self._exact.get(q, ()):
            offer(i, 100.0, "exact")
        if len(best) < limit:
            for i, key in enumerate(self._keys):
                if key.startswith(q):
                    offer(i, 90.0 + 10.0 * len(q) / len(key) - 0.01, "prefix")
                elif len(q) >= 3 and q in key:
                    offer(i, 70.0 + 20.0 * len(q) / len(key), "substring")
        if fuzzy and len(best) < limit:
            from rapidfuzz import fuzz, process

            for key, score, i in process.extract(q, self._keys, scorer=fuzz.WRatio,
                                                 limit=limit * 3, score_cutoff=80):
                offer(i, min(score, 89.0) * 0.75, "fuzzy")
        hits = sorted(best.values(), key=lambda h: (_RANK[h.match], -h.score, h.name, h.id))
        return hits[:limit]
