"""The search engine every store answers through: one index, one ranking, every hit with its reason.

What is searched, and how much each field weighs (:data:`FIELDS`): an entity's
name, its language-tagged aliases, its id, its type label (in English and in
Spanish, :data:`crimegraph.schema.vocab.ENTITY_TYPE_LABELS_ES`), its
description, the quotes of its own citations, the quotes of its relations'
citations, and the titles of the sources that support it (cited by it or by
one of its relations).

How a query matches: a field counts when it holds at least half of the query's
words (:func:`needed`: one of two, two of three or four). The words are folded
(case, accents, invisible characters: :mod:`crimegraph.graph.textfold`) and each
is compared with the words of every field: the same word (quality 1), a shared Snowball stem,
English or Spanish (0.9), the start of a longer word (``tit`` → ``titicaca``),
or a close spelling of a word of some name, alias, id or type (rapidfuzz's
``ratio``, 80 or more: ``titicaka`` → ``titicaca``; the word so found then
matches in every field). A matched word counts by its specificity (a word found
in few fields counts more than ``peru``). A field's score is its weight times the mean
quality of the query's words in it, times, for the short fields (names, ids,
types), the square root of the share of the field's words that matched; a
name, alias or id equal to the whole query scores :data:`EXACT` times its weight.
An entity's score is its best field's plus a tenth of its second best, scaled
so that an exact name scores 100.

Where the index lives: SQLite FTS5 (the standard library's ``sqlite3``, a
contentless table) holds the inverted index and finds the fields that contain
candidate words; the fields' folded words and the vocabulary (words, their stems,
specificity, bigrams for spelling) live beside it in Python, where the candidate
words of a query are found (same word, stem, prefix, fuzzy). The
score is computed here, once; :meth:`SearchEngine.export` writes the part of the
index a map needs, and ``visualizations/search.js`` ranks it the same way.

>>> from crimegraph.graph.registry import open_store
>>> engine = open_store("memory").search_engine()
>>> hit = engine.search("titicaka")[0]
>>> hit.id, hit.match, hit.reason
('lake-titicaca', 'fuzzy', "name 'Lake Titicaca'")
>>> engine.search("Sendero Luminoso")[0].reason
"alias 'Sendero Luminoso' (es)"
"""

from __future__ import annotations

import bisect
import collections
import heapq
import itertools
import math
import sqlite3
import threading
from dataclasses import dataclass
from typing import Iterable, Optional

from .text import SearchHit
from .textfold import STOPWORDS, fold_word, raw_words, stems

#: field code -> (weight, short field, label used in reasons)
FIELDS: dict[str, tuple[float, bool, str]] = {
    "name": (10.0, True, "name"),
    "alias": (9.0, True, "alias"),
    "id": (8.0, True, "id"),
    "type": (2.0, True, "type"),
    "description": (3.0, False, "description"),
    "quote": (2.5, False, "quote"),
    "relation_quote": (2.0, False, "quote"),
    "source": (1.5, False, "source"),
}
FIELD_CODES = list(FIELDS)
#: how much more an exact name, alias or id counts than a field matching all the query's words
EXACT = 1.5
#: quality of a shared stem, and of a prefix (BASE + SPAN * share of the word typed)
STEM, PREFIX_BASE, PREFIX_SPAN = 0.9, 0.5, 0.4
#: shortest query word matched as a prefix, or fuzzily; the lowest rapidfuzz ratio accepted
PREFIX_MIN, FUZZY_MIN_LEN, FUZZY_MIN = 3, 4, 80.0
#: share of the second-best field added to an entity's score
SECOND = 0.1
#: the score of an exact name (before scaling to 100)
TOP = FIELDS["name"][0] * EXACT * (1 + SECOND)
#: most fields scored for one query (the best by FTS5's bm25 when more match)
MAX_CANDIDATES = 20_000
#: most words a prefix stands for (the shortest first)
MAX_PREFIX_TERMS = 500


#: held while a store builds its engine
build_lock = threading.RLock()


def round1(x: float) -> float:
    """Round half up to one decimal (the same in JavaScript: ``Math.floor(x * 10 + 0.5) / 10``)."""
    return math.floor(x * 10 + 0.5) / 10


def specificity(fields_with_word: int, fields: int) -> float:
    """How much a word says: ``idf / (idf + 1)`` with ``idf = ln(1 + fields / fields_with_word)``, in (0, 1).

    >>> specificity(1, 1000), specificity(900, 1000)
    (0.874, 0.428)
    """
    idf = math.log(1 + fields / max(fields_with_word, 1))
    return round(idf / (idf + 1), 3)


@dataclass(slots=True)
class Doc:
    """One searchable field of one or more entities."""

    field: str
    text: str           # as written (the alias, the quote, the source title)
    detail: str         # alias language, source id, relation id, or ""
    entities: tuple[str, ...]
    words: str = ""     # folded, separated by one space (set when the index is built)


class SearchEngine:
    """The index of one store's entities, relations and sources, and its ranking.

    Build it with :meth:`from_store` (what :meth:`crimegraph.graph.base.Store.search_engine`
    does, once per write) or from iterables of models.
    """

    def __init__(self, entities: Iterable, relations: Iterable = (), sources: Iterable = ()):
        from crimegraph.schema.vocab import ENTITY_TYPE_LABELS_ES, ENTITY_TYPES

        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()  # one connection, shared by the threads of a server
        # contentless: the words of each field stay in Python (Doc.words); FTS5 keeps the index
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(words, content='', tokenize=\"unicode61 "
                         "remove_diacritics 0\", detail=none)")
        self._entities: dict[str, tuple[str, str, str]] = {}  # id -> (name, type, kind)
        self._docs: list[Doc] = []
        source_titles: dict[str, str] = {}
        for s in sources:
            parts = [p for p in (s.publisher, s.title) if p]
            source_titles[s.id] = (", ".join(parts), s.title)
        by_type: dict[str, list[str]] = {}
        supported: dict[str, dict[str, None]] = {}  # source id -> entities it supports

        for e in entities:
            self._entities[e.id] = (e.name, e.type, e.kind.value)
            self._add("name", e.name, "", (e.id,))
            for a in e.aliases:
                self._add("alias", a.name, a.lang or "", (e.id,))
            self._add("id", e.id, "", (e.id,))
            by_type.setdefault(e.type, []).append(e.id)
            if e.description:
                self._add("description", e.description, "", (e.id,))
            for c in e.citations:
                supported.setdefault(c.source, {})[e.id] = None
                if c.quote:
                    self._add("quote", c.quote, c.source, (e.id,))
        for r in relations:
            ends = (r.subject,) if r.subject == r.object else (r.subject, r.object)
            for c in r.citations:
                s = supported.setdefault(c.source, {})
                for x in ends:
                    s[x] = None
                if c.quote:
                    self._add("relation_quote", c.quote, f"{c.source} {r.id}", ends)
        for t, members in by_type.items():
            self._add("type", ENTITY_TYPES[t][1], "en", tuple(members))
            es = ENTITY_TYPE_LABELS_ES.get(t)
            if es:
                self._add("type", es, "es", tuple(members))
        for sid in sorted(supported):
            title = source_titles.get(sid)
            ents = tuple(x for x in supported[sid] if x in self._entities)
            if title is not None and ents:
                self._add("source", title[1], sid, ents)
        self._source_labels = {k: v[0] for k, v in source_titles.items()}
        self._finish()

    @classmethod
    def from_store(cls, store) -> "SearchEngine":
        return cls(store.entities(), store.relations(), store.sources())

    # ------------------------------------------------------------ building
    def _add(self, field: str, text: str, detail: str, entities: tuple[str, ...]) -> None:
        self._docs.append(Doc(field, text, detail, entities))

    def _finish(self) -> None:
        vocab: dict[str, int] = {}        # folded word -> number of fields holding it
        named: set[str] = set()           # words of names, aliases, ids and types: spelled fuzzily
        raw_of: dict[str, set[str]] = {}  # folded word -> its spellings with accents
        rows = []
        for i, d in enumerate(self._docs):
            raw = raw_words(d.text)
            folded = [fold_word(w) for w in raw]
            for w, f in zip(raw, folded):
                if w != f:
                    raw_of.setdefault(f, set()).add(w)
            for f in set(folded):
                vocab[f] = vocab.get(f, 0) + 1
            if FIELDS[d.field][1]:
                named.update(folded)
            d.words = " ".join(folded)
            rows.append((i, d.words))
        self._db.executemany("INSERT INTO docs(rowid, words) VALUES (?, ?)", rows)
        del rows
        self._db.commit()
        n = len(self._docs)
        self._spec = {w: specificity(c, n) for w, c in vocab.items()}
        self._words = sorted(vocab)
        self._stems: dict[str, tuple[str, ...]] = {}
        self._by_stem: dict[str, list[str]] = {}
        for w in self._words:
            st = set(stems(w))
            for r in raw_of.get(w, ()):
                st.update(stems(r))
            st = tuple(sorted(st))
            self._stems[w] = st
            for s in st:
                self._by_stem.setdefault(s, []).append(w)
        self._named = named
        self._by_length: dict[int, list[str]] = {}
        for w in self._words:
            if w in named:
                self._by_length.setdefault(len(w), []).append(w)
        # the spelling candidates' bigrams (k-th occurrence of each): see _close_words
        self._fuzzy_words = [w for k in sorted(self._by_length) for w in self._by_length[k]]
        self._bigrams: dict[tuple[str, int], list[int]] = {}
        for i, w in enumerate(self._fuzzy_words):
            for g in _bigrams(w):
                self._bigrams.setdefault(g, []).append(i)
        self._by_id = {ident: i for i, ident in enumerate(self._entities)}

    def __len__(self) -> int:
        return len(self._docs)

    # ------------------------------------------------------------ querying
    def expand(self, word: str, raw: str) -> dict[str, tuple[float, str]]:
        """The indexed words a query word stands for: word -> (quality, how)."""
        out: dict[str, tuple[float, str]] = {}

        def offer(w: str, q: float, how: str) -> None:
            if w not in out or out[w][0] < q:
                out[w] = (q, how)

        if word in self._spec:
            offer(word, 1.0, "word")
        for s in set(stems(raw)) | set(stems(word)):
            for w in self._by_stem.get(s, ()):
                offer(w, STEM, "stem")
        if len(word) >= PREFIX_MIN:
            i = bisect.bisect_left(self._words, word)
            found = []
            while i < len(self._words) and self._words[i].startswith(word):
                if self._words[i] != word:
                    found.append(self._words[i])
                i += 1
            found.sort(key=lambda w: (len(w), w))
            for w in found[:MAX_PREFIX_TERMS]:
                offer(w, PREFIX_BASE + PREFIX_SPAN * len(word) / len(w), "prefix")
        if len(word) >= FUZZY_MIN_LEN:
            for w, sim in self._close_words(word):
                if w != word:
                    offer(w, fuzzy_quality(sim), "fuzzy")
        return out

    def _close_words(self, word: str) -> list[tuple[str, float]]:
        """Words of names, aliases, ids and types within rapidfuzz ``ratio`` >= FUZZY_MIN of ``word``.

        Every such word is found: a shared-bigram count that any word that close must
        reach (:func:`min_shared_bigrams`) keeps only the candidates worth comparing.
        """
        from rapidfuzz import fuzz, process

        n = len(word)
        shared = collections.Counter(itertools.chain.from_iterable(
            self._bigrams.get(g, ()) for g in _bigrams(word)))
        words = self._fuzzy_words
        lo, hi = math.ceil(n * 2 / 3), math.floor(n * 1.5)
        need = {m: min_shared_bigrams(n, m) for m in range(lo, hi + 1)}
        by_length: dict[int, list[str]] = {}
        for i, c in shared.items():
            w = words[i]
            k = need.get(len(w))
            if k is not None and 0 < k <= c:
                by_length.setdefault(len(w), []).append(w)
        out: list[tuple[str, float]] = []
        for m in range(lo, hi + 1):
            pool = by_length.get(m, ()) if need[m] > 0 else self._by_length.get(m, ())
            if pool:
                out.extend((w, sim) for w, sim, _ in process.extract(
                    word, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=None))
        return out

    def search(self, text: str, limit: int = 10, kinds: Optional[Iterable[str]] = None) -> list[SearchHit]:
        """The entities matching ``text``, best first, each with its score and the reason."""
        query = Query.parse(text)
        if query is None or limit <= 0:
            return []
        expansions = [self.expand(w, r) for w, r in zip(query.words, query.raw)]
        if not any(expansions):
            return []
        n = len(expansions)
        need = needed(n)
        merged = merge(expansions, self._spec)
        with self._lock:
            groups = [self._db.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                       (" OR ".join('"' + t.replace('"', '""') + '"' for t in sorted(e)),)
                                       ).fetchall() if e else [] for e in expansions]
        if need == 1:
            rows = sorted({r for (r,) in itertools.chain.from_iterable(groups)})
        else:  # a field must hold half of the query's words
            counts = collections.Counter(r for (r,) in itertools.chain.from_iterable(groups))
            rows = sorted(r for r, c in counts.items() if c >= need)
        best: dict[str, list] = {}  # entity -> [best score, second score, best doc, how, words]
        docs = self._docs
        for rowid in rows:
            d = docs[rowid]
            scored = score_doc(d.field, d.words, query, merged, n)
            if scored is None:
                continue
            s, how, matched = scored
            for ent in d.entities:
                cur = best.get(ent)
                if cur is None:
                    best[ent] = [s, 0.0, rowid, how, matched]
                elif s > cur[0] or (s == cur[0] and rowid < cur[2]):
                    cur[1] = cur[0]
                    cur[0], cur[2], cur[3], cur[4] = s, rowid, how, matched
                elif s > cur[1]:
                    cur[1] = s
        wanted = set(kinds) if kinds else None
        entities = self._entities
        raw = [(v[0] + SECOND * v[1], ent) for ent, v in best.items()
               if wanted is None or entities[ent][2] in wanted]
        if len(raw) > limit:  # only those that can tie with the limit-th after rounding
            kth = heapq.nlargest(limit, raw)[-1][0]
            raw = [x for x in raw if x[0] >= kth - 0.2 * TOP / 100]
        ranked = ((-round1(100 * r / TOP), entities[ent][0], ent) for r, ent in raw)
        hits = []
        for neg, name, ent in heapq.nsmallest(limit, ranked):
            _, _, rowid, how, matched = best[ent]
            d = docs[rowid]
            hits.append(SearchHit(ent, name, d.text, -neg, how, d.field, self.reason(d, matched)))
        return hits

    def reason(self, d: Doc, matched: list[str]) -> str:
        """Why a field matched, in words: ``alias 'Sendero Luminoso' (es)``."""
        label = FIELDS[d.field][2]
        if d.field in ("name", "alias", "id", "type"):
            out = f"{label} '{d.text}'"
            return out + (f" ({d.detail})" if d.detail and d.field != "type" or d.detail == "es" else "")
        words = ", ".join(f"'{w}'" for w in matched)
        if d.field == "description":
            return f"description ({words})"
        if d.field == "source":
            return f"source '{d.text}' ({words})"
        source, _, relation = d.detail.partition(" ")
        where = self._source_labels.get(source, source)
        on = f", on {relation}" if relation else ""
        return f"quote in {where}{on} ({words})"

    # ------------------------------------------------------------ the map's share
    def export(self, entity_ids: Iterable[str]) -> dict:
        """The index of some entities, for the map's JavaScript (``visualizations/search.js``).

        Every field of those entities (with its entities cut to those given), the
        words' specificity and stems, and the constants of the ranking.
        """
        keep = {e: i for i, e in enumerate(entity_ids)}
        docs = []
        used: set[str] = set()
        heads: dict[str, int] = {}  # reasons without their matched words, each written once
        for d in self._docs:
            ents = [keep[e] for e in d.entities if e in keep]
            if not ents:
                continue
            used.update(d.words.split(" ") if d.words else [])
            relation = ""
            if FIELDS[d.field][1]:
                head = self.reason(d, [])
            else:
                if d.field == "relation_quote":
                    relation = d.detail.partition(" ")[2]
                head = self._reason_prefix(Doc(d.field, d.text, d.detail.partition(" ")[0], d.entities))
            docs.append([FIELD_CODES.index(d.field), d.words, ents, heads.setdefault(head, len(heads)),
                         relation])
        words = sorted(used)
        return {
            "fields": [[FIELDS[f][0], FIELDS[f][1]] for f in FIELD_CODES],
            "constants": {"exact": EXACT, "stem": STEM, "prefixBase": PREFIX_BASE,
                          "prefixSpan": PREFIX_SPAN, "prefixMin": PREFIX_MIN,
                          "fuzzyMinLen": FUZZY_MIN_LEN, "fuzzyMin": FUZZY_MIN, "second": SECOND,
                          "top": TOP, "maxPrefixTerms": MAX_PREFIX_TERMS},
            "rule": "a field holds at least (words + 1) // 2 of the query's words",
            "stopwords": sorted(STOPWORDS),
            "words": {w: [self._spec[w], list(self._stems[w]), 1 if w in self._named else 0]
                      for w in words},
            "heads": list(heads),
            "docs": docs,
        }

    def _reason_prefix(self, d: Doc) -> str:
        """The reason of a long field without its matched words (the map adds them)."""
        return self.reason(d, []).rsplit(" (", 1)[0]


def _bigrams(word: str) -> list[tuple[str, int]]:
    """A word's bigrams, each with its occurrence number (so that counts compare as multisets)."""
    seen: dict[str, int] = {}
    out = []
    for i in range(len(word) - 1):
        g = word[i:i + 2]
        seen[g] = seen.get(g, 0) + 1
        out.append((g, seen[g]))
    return out


def min_shared_bigrams(n: int, m: int) -> int:
    """The fewest bigrams two words of lengths n and m share when their ratio is FUZZY_MIN or more.

    A ratio of 80 means a longest common subsequence of at least L = ceil(0.4 (n + m))
    letters. At most n - L of its L - 1 adjacent pairs are split in one word, m - L in the
    other, so at least 3L - n - m - 1 of them are bigrams of both.

    >>> min_shared_bigrams(8, 8), min_shared_bigrams(8, 6), min_shared_bigrams(4, 5)
    (4, 3, 2)
    """
    assert FUZZY_MIN == 80.0  # the bound below is worked out for 80
    least_common = (2 * (n + m) + 4) // 5
    return 3 * least_common - n - m - 1


def needed(words: int) -> int:
    """How many of a query's words a field must hold to count: half of them, rounded up.

    >>> [needed(n) for n in (1, 2, 3, 4, 5)]
    [1, 1, 2, 2, 3]
    """
    return (words + 1) // 2


def fuzzy_quality(sim: float) -> float:
    """Quality of a close spelling from rapidfuzz's ratio (80 → 0.576, 90 → 0.729)."""
    return 0.9 * (sim / 100) ** 2


@dataclass(frozen=True)
class Query:
    """A query's words to match (stopwords left out unless nothing else is left) and its folded whole."""

    words: list[str]
    raw: list[str]
    whole: str

    @classmethod
    def parse(cls, text: str) -> Optional["Query"]:
        raw = raw_words(text)
        folded = [fold_word(w) for w in raw]
        if not folded:
            return None
        keep = [i for i, w in enumerate(folded) if w not in STOPWORDS] or list(range(len(folded)))
        seen: dict[str, int] = {}
        for i in keep:
            seen.setdefault(folded[i], i)
        return cls([folded[i] for i in seen.values()], [raw[i] for i in seen.values()], " ".join(folded))


def merge(expansions: list[dict], spec: dict[str, float]) -> dict[str, tuple]:
    """Indexed word -> ((query word number, quality x specificity, how), ...): one look-up per field word."""
    merged: dict[str, list] = {}
    for i, exp in enumerate(expansions):
        for w, (q, how) in exp.items():
            merged.setdefault(w, []).append((i, q * spec[w], how))
    return {w: tuple(v) for w, v in merged.items()}


def score_doc(field: str, words: str, query: Query, merged: dict[str, tuple],
              n: int) -> Optional[tuple[float, str, list[str]]]:
    """The score of one field (its folded words) for a query of ``n`` words, their expansions
    joined by :func:`merge`: (score, how it matched, the words matched); ``None`` when it does not count.

    For each query word, the field's word that it matches best (the first, on a tie) counts.
    """
    weight, short, _ = FIELDS[field]
    if short and words == query.whole:
        return weight * EXACT, "exact", []
    doc_words = words.split(" ")
    best = [0.0] * n
    best_w: list = [None] * n
    best_how = [""] * n
    for w in doc_words:
        hits = merged.get(w)
        if hits is not None:
            for i, v, how in hits:
                if v > best[i]:
                    best[i], best_w[i], best_how[i] = v, w, how
    total = 0.0
    matched: list[str] = []
    hows: list[str] = []
    for i in range(n):
        if best_w[i] is not None:
            total += best[i]
            if best_w[i] not in matched:
                matched.append(best_w[i])
            hows.append(best_how[i])
    if not matched or len(hows) < needed(n):
        return None
    score = weight * total / n
    if short:
        content = [w for w in doc_words if w not in STOPWORDS] or doc_words
        distinct = len(set(content))
        share = min(1.0, len([w for w in matched if w in content]) / distinct) if distinct else 1.0
        score *= math.sqrt(share)
    order = ("word", "stem", "prefix", "fuzzy")
    how = max(hows, key=order.index)  # the weakest word's way of matching
    return score, how, matched
