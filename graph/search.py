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
words of a query are found (same word, stem, prefix, fuzzy): :class:`MemoryIndex`.
:meth:`SearchEngine.save` writes all of it to one SQLite file (FTS5 table and
vocabulary tables, :class:`FileIndex`), and :meth:`SearchEngine.open` reads it
back lazily: a query reads only its candidate words and the fields it scores. Both
readers answer the same methods, so the ranking below is one code path. The
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
import json
import math
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Iterator, Optional

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


class SearchIndexUnreadable(ValueError):
    """A search index file that cannot be used (not one, damaged, or another format): rebuild it."""


#: ``PRAGMA application_id`` of a search index file ("CGsx"), and the format it is written in
APPLICATION_ID = 0x43477378
FORMAT = 1
#: most values bound in one SQLite statement
_CHUNK = 900


class SearchEngine:
    """The index of one store's entities, relations and sources, and its ranking.

    Build it with :meth:`from_store` (what :meth:`crimegraph.graph.base.Store.search_engine`
    does, once per write) or from iterables of models; :meth:`save` writes it to one
    SQLite file and :meth:`open` reads it back lazily. The ranking is the same code
    either way: it reads the index through :class:`MemoryIndex` or :class:`FileIndex`
    (the same methods), so the answers are identical.
    """

    def __init__(self, entities: Iterable, relations: Iterable = (), sources: Iterable = ()):
        from crimegraph.schema.vocab import ENTITY_TYPE_LABELS_ES, ENTITY_TYPES

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
        self._index = MemoryIndex(self._docs, self._entities, {k: v[0] for k, v in source_titles.items()})
        del self._docs, self._entities

    @classmethod
    def from_store(cls, store) -> "SearchEngine":
        return cls(store.entities(), store.relations(), store.sources())

    # ------------------------------------------------------------ on disk
    def save(self, path: os.PathLike) -> None:
        """Write the whole index to one SQLite file at ``path`` (atomically: beside it, then renamed)."""
        from crimegraph.atomic import atomic_path

        with atomic_path(path, option="search index") as tmp:
            db = sqlite3.connect(str(tmp))
            try:
                self._index.write(db)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {FORMAT}")
                db.commit()
            finally:
                db.close()

    @classmethod
    def open(cls, path: os.PathLike) -> "SearchEngine":
        """The engine of a file written by :meth:`save`, read lazily: a query reads only what it needs.

        Raises :class:`SearchIndexUnreadable` for a file that is not a search index of
        this format, or is cut short.
        """
        engine = cls.__new__(cls)
        engine._index = FileIndex(Path(path))
        return engine

    # ------------------------------------------------------------ building
    def _add(self, field: str, text: str, detail: str, entities: tuple[str, ...]) -> None:
        self._docs.append(Doc(field, text, detail, entities))

    def __len__(self) -> int:
        return self._index.n_docs

    # ------------------------------------------------------------ querying
    def expand(self, word: str, raw: str) -> dict[str, tuple[float, str]]:
        """The indexed words a query word stands for: word -> (quality, how)."""
        out: dict[str, tuple[float, str]] = {}
        index = self._index

        def offer(w: str, q: float, how: str) -> None:
            if w not in out or out[w][0] < q:
                out[w] = (q, how)

        if index.has(word):
            offer(word, 1.0, "word")
        for s in set(stems(raw)) | set(stems(word)):
            for w in index.with_stem(s):
                offer(w, STEM, "stem")
        if len(word) >= PREFIX_MIN:
            for w in index.prefixed(word, MAX_PREFIX_TERMS):
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
        lo, hi = math.ceil(n * 2 / 3), math.floor(n * 1.5)
        shared = self._index.shared_bigrams(_bigrams(word), lo, hi)
        need = {m: min_shared_bigrams(n, m) for m in range(lo, hi + 1)}
        by_length: dict[int, list[str]] = {}
        for w, c in shared.items():
            k = need.get(len(w))
            if k is not None and 0 < k <= c:
                by_length.setdefault(len(w), []).append(w)
        out: list[tuple[str, float]] = []
        for m in range(lo, hi + 1):
            pool = by_length.get(m, ()) if need[m] > 0 else self._index.named_of_length(m)
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
        index = self._index
        n = len(expansions)
        need = needed(n)
        merged = merge(expansions, index.spec({w for e in expansions for w in e}))
        groups = [index.match(" OR ".join('"' + t.replace('"', '""') + '"' for t in sorted(e)))
                  if e else [] for e in expansions]
        if need == 1:
            rows = sorted(set(itertools.chain.from_iterable(groups)))
        else:  # a field must hold half of the query's words
            counts = collections.Counter(itertools.chain.from_iterable(groups))
            rows = sorted(r for r, c in counts.items() if c >= need)
        best: dict[str, list] = {}  # entity -> [best score, second score, best doc, how, words]
        for rowid, field, words, doc_entities in index.scoring(rows):
            scored = score_doc(field, words, query, merged, n)
            if scored is None:
                continue
            s, how, matched = scored
            for ent in doc_entities:
                cur = best.get(ent)
                if cur is None:
                    best[ent] = [s, 0.0, rowid, how, matched]
                elif s > cur[0] or (s == cur[0] and rowid < cur[2]):
                    cur[1] = cur[0]
                    cur[0], cur[2], cur[3], cur[4] = s, rowid, how, matched
                elif s > cur[1]:
                    cur[1] = s
        if kinds:
            wanted = set(kinds)
            kind_of = index.entities(best)
            raw = [(v[0] + SECOND * v[1], ent) for ent, v in best.items() if kind_of[ent][2] in wanted]
        else:
            raw = [(v[0] + SECOND * v[1], ent) for ent, v in best.items()]
        if len(raw) > limit:  # only those that can tie with the limit-th after rounding
            kth = heapq.nlargest(limit, raw)[-1][0]
            raw = [x for x in raw if x[0] >= kth - 0.2 * TOP / 100]
        entities = index.entities(ent for _, ent in raw)
        ranked = ((-round1(100 * r / TOP), entities[ent][0], ent) for r, ent in raw)
        hits = []
        for neg, name, ent in heapq.nsmallest(limit, ranked):
            _, _, rowid, how, matched = best[ent]
            d = index.doc(rowid)
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
        where = self._index.source_label(source) or source
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
        for d in self._index.docs_of(keep):
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
        info = self._index.word_info(words)
        return {
            "fields": [[FIELDS[f][0], FIELDS[f][1]] for f in FIELD_CODES],
            "constants": {"exact": EXACT, "stem": STEM, "prefixBase": PREFIX_BASE,
                          "prefixSpan": PREFIX_SPAN, "prefixMin": PREFIX_MIN,
                          "fuzzyMinLen": FUZZY_MIN_LEN, "fuzzyMin": FUZZY_MIN, "second": SECOND,
                          "top": TOP, "maxPrefixTerms": MAX_PREFIX_TERMS},
            "rule": "a field holds at least (words + 1) // 2 of the query's words",
            "stopwords": sorted(STOPWORDS),
            "words": {w: [info[w][0], list(info[w][1]), 1 if info[w][2] else 0] for w in words},
            "heads": list(heads),
            "docs": docs,
        }

    def _reason_prefix(self, d: Doc) -> str:
        """The reason of a long field without its matched words (the map adds them)."""
        return self.reason(d, []).rsplit(" (", 1)[0]


# ---------------------------------------------------------------- where the index is read from
class MemoryIndex:
    """The index held in memory: FTS5 in an in-memory SQLite database, the vocabulary in Python.

    Built from the fields (:class:`Doc`); :class:`FileIndex` answers the same methods from a file.
    """

    def __init__(self, docs: list[Doc], entities: dict[str, tuple[str, str, str]],
                 source_labels: dict[str, str]):
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()  # one connection, shared by the threads of a server
        # contentless: the words of each field stay in Python (Doc.words); FTS5 keeps the index
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(words, content='', tokenize=\"unicode61 "
                         "remove_diacritics 0\", detail=none)")
        self._docs = docs
        self._entities = entities
        self._source_labels = source_labels
        vocab: dict[str, int] = {}        # folded word -> number of fields holding it
        named: set[str] = set()           # words of names, aliases, ids and types: spelled fuzzily
        raw_of: dict[str, set[str]] = {}  # folded word -> its spellings with accents
        rows = []
        for i, d in enumerate(docs):
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
        n = self.n_docs = len(docs)
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
        # the spelling candidates' bigrams (k-th occurrence of each): see SearchEngine._close_words
        self._fuzzy_words = [w for k in sorted(self._by_length) for w in self._by_length[k]]
        self._bigrams: dict[tuple[str, int], list[int]] = {}
        for i, w in enumerate(self._fuzzy_words):
            for g in _bigrams(w):
                self._bigrams.setdefault(g, []).append(i)

    # the vocabulary
    def has(self, word: str) -> bool:
        return word in self._spec

    def spec(self, words: Iterable[str]) -> dict[str, float]:
        """Specificity of indexed words."""
        return {w: self._spec[w] for w in words}

    def with_stem(self, stem: str) -> list[str]:
        """The words with this stem, in sorted order."""
        return self._by_stem.get(stem, [])

    def prefixed(self, prefix: str, limit: int) -> list[str]:
        """The words that start with ``prefix`` (not it), shortest first (then sorted), at most ``limit``."""
        words = self._words
        i = bisect.bisect_left(words, prefix)
        found = []
        while i < len(words) and words[i].startswith(prefix):
            if words[i] != prefix:
                found.append(words[i])
            i += 1
        found.sort(key=lambda w: (len(w), w))
        return found[:limit]

    def shared_bigrams(self, grams: list[tuple[str, int]], lo: int, hi: int) -> dict[str, int]:
        """Words of names, aliases, ids and types of ``lo`` to ``hi`` letters -> how many of ``grams`` they hold."""
        shared = collections.Counter(itertools.chain.from_iterable(self._bigrams.get(g, ()) for g in grams))
        words = self._fuzzy_words
        return {words[i]: c for i, c in shared.items() if lo <= len(words[i]) <= hi}

    def named_of_length(self, m: int) -> list[str]:
        """Every word of names, aliases, ids and types of ``m`` letters."""
        return self._by_length.get(m, [])

    def word_info(self, words: Iterable[str]) -> dict[str, tuple[float, tuple[str, ...], bool]]:
        """word -> (specificity, stems, whether a name, alias, id or type holds it)."""
        return {w: (self._spec[w], self._stems[w], w in self._named) for w in words}

    # the fields
    def match(self, expression: str) -> list[int]:
        """The fields (row numbers) that FTS5 finds for a MATCH expression."""
        with self._lock:
            return [r for (r,) in self._db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))]

    def scoring(self, rowids: list[int]) -> Iterable[tuple[int, str, str, tuple[str, ...]]]:
        """(row, field code, folded words, entities) of fields, in the order given."""
        docs = self._docs
        for r in rowids:
            d = docs[r]
            yield r, d.field, d.words, d.entities

    def doc(self, rowid: int) -> Doc:
        return self._docs[rowid]

    def docs_of(self, entity_ids: Collection[str]) -> Iterable[Doc]:
        """Every field of some of these entities (and maybe others), in index order."""
        return self._docs

    def entities(self, ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """id -> (name, type, kind)."""
        return {e: self._entities[e] for e in ids}

    def source_label(self, source: str) -> Optional[str]:
        return self._source_labels.get(source)

    # on disk
    def write(self, db: sqlite3.Connection) -> None:
        """Write this index into an empty SQLite database (:class:`FileIndex` reads it)."""
        with self._lock:
            self._db.backup(db)  # the FTS5 tables as they are
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("docs", self.n_docs)])
        if any(" " in e for e in self._entities):  # never: entity ids are slugs
            raise ValueError("an entity id holds a space: the search index cannot be saved")
        db.executemany("INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?)", (
            (i, FIELD_CODES.index(d.field), d.text, d.detail, " ".join(d.entities), d.words)
            for i, d in enumerate(self._docs)))
        db.executemany("INSERT INTO field_entities VALUES (?, ?)", (
            (e, i) for i, d in enumerate(self._docs) for e in dict.fromkeys(d.entities)))
        db.executemany("INSERT INTO words VALUES (?, ?, ?, ?)", (
            (w, self._spec[w], json.dumps(self._stems[w]), int(w in self._named)) for w in self._words))
        db.executemany("INSERT INTO stems VALUES (?, ?)", (
            (s, w) for s, ws in self._by_stem.items() for w in ws))
        db.executemany("INSERT INTO bigrams VALUES (?, ?, ?, ?)", (
            (g, k, len(w), w) for w in self._fuzzy_words for g, k in _bigrams(w)))
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)", (
            (e, *v) for e, v in self._entities.items()))
        db.executemany("INSERT INTO sources VALUES (?, ?)", self._source_labels.items())


#: the tables of a search index file beside FTS5's ``docs`` (see :class:`FileIndex`)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE fields (row INTEGER PRIMARY KEY, field INTEGER NOT NULL, text TEXT NOT NULL,
                     detail TEXT NOT NULL, entities TEXT NOT NULL, words TEXT NOT NULL);
CREATE TABLE field_entities (entity TEXT NOT NULL, row INTEGER NOT NULL,
                             PRIMARY KEY (entity, row)) WITHOUT ROWID;
CREATE TABLE words (word TEXT PRIMARY KEY, spec REAL NOT NULL, stems TEXT NOT NULL,
                    named INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE stems (stem TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (stem, word)) WITHOUT ROWID;
CREATE TABLE bigrams (gram TEXT NOT NULL, k INTEGER NOT NULL, length INTEGER NOT NULL,
                      word TEXT NOT NULL, PRIMARY KEY (gram, k, length, word)) WITHOUT ROWID;
CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
                       kind TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (id TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
"""
_TABLES = frozenset({"docs", "meta", "fields", "field_entities", "words", "stems", "bigrams",
                     "entities", "sources"})


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _after(prefix: str) -> Optional[str]:
    """The least string greater than every string starting with ``prefix`` (None: no such string)."""
    for i in range(len(prefix) - 1, -1, -1):
        c = ord(prefix[i]) + 1
        if c == 0xD800:
            c = 0xE000
        if c <= 0x10FFFF:
            return prefix[:i] + chr(c)
    return None


class FileIndex:
    """The index in a SQLite file written by :meth:`SearchEngine.save`, read as a query needs it.

    Tables: ``docs`` (FTS5, the inverted index, as the in-memory one), ``fields`` (each
    field's code, text, detail, entity ids (slugs: space-separated), folded words),
    ``field_entities`` (entity -> its fields, for :meth:`SearchEngine.export`), ``words`` (word -> specificity, stems,
    whether a short field holds it; its primary key serves prefixes by range), ``stems``
    (stem -> words), ``bigrams`` ((bigram, occurrence, word length) -> words of short
    fields, for spelling), ``entities``, ``sources`` and ``meta``. ``PRAGMA
    application_id`` says it is a crimegraph search index and ``PRAGMA user_version``
    its :data:`FORMAT`. One connection (read only) shared by threads under a lock.
    """

    def __init__(self, path: Path):
        self.path = path
        try:
            with open(path, "rb") as fh:
                header = fh.read(100)
            size = path.stat().st_size
        except OSError as exc:
            raise SearchIndexUnreadable(f"search index {path}: cannot read it ({exc.strerror or exc})") from None
        if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
            raise SearchIndexUnreadable(f"search index {path}: not a SQLite file")
        page = int.from_bytes(header[16:18], "big")
        page = 65536 if page == 1 else page
        pages = int.from_bytes(header[28:32], "big")
        if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
            raise SearchIndexUnreadable(f"search index {path}: not a crimegraph search index")
        version = int.from_bytes(header[60:64], "big")
        if version != FORMAT:
            raise SearchIndexUnreadable(f"search index {path}: format {version}, this crimegraph reads "
                                        f"format {FORMAT}; rebuild it")
        if size != page * pages:
            raise SearchIndexUnreadable(f"search index {path}: cut short or damaged "
                                        f"({size} bytes, {page * pages} expected)")
        try:
            self._db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True,
                                       check_same_thread=False)
            tables = {n for (n,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not _TABLES <= tables:
                raise SearchIndexUnreadable(f"search index {path}: tables missing: "
                                            f"{', '.join(sorted(_TABLES - tables))}")
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT:
                raise SearchIndexUnreadable(f"search index {path}: format {meta.get('format')!r}, this "
                                            f"crimegraph reads format {FORMAT}; rebuild it")
            self.n_docs = int(meta["docs"])
        except (sqlite3.Error, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, SearchIndexUnreadable):
                raise
            raise SearchIndexUnreadable(f"search index {path}: damaged ({exc})") from None
        self._lock = threading.Lock()

    def _all(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                if type(exc) is not sqlite3.DatabaseError:  # SQLITE_CORRUPT, SQLITE_NOTADB
                    raise
                raise SearchIndexUnreadable(f"search index {self.path}: damaged ({exc})") from None

    def _in(self, sql: str, keys: Iterable) -> list[tuple]:
        """Rows of ``sql`` (with ``{}`` where the list of keys goes) for every key, chunk by chunk."""
        keys = list(keys)
        out: list[tuple] = []
        for part in _chunks(keys):
            out.extend(self._all(sql.format(",".join("?" * len(part))), tuple(part)))
        return out

    # the vocabulary
    def has(self, word: str) -> bool:
        return bool(self._all("SELECT 1 FROM words WHERE word = ?", (word,)))

    def spec(self, words: Iterable[str]) -> dict[str, float]:
        return dict(self._in("SELECT word, spec FROM words WHERE word IN ({})", words))

    def with_stem(self, stem: str) -> list[str]:
        return [w for (w,) in self._all("SELECT word FROM stems WHERE stem = ? ORDER BY word", (stem,))]

    def prefixed(self, prefix: str, limit: int) -> list[str]:
        end = _after(prefix)
        if end is None:
            sql, args = "SELECT word FROM words WHERE word > ?", (prefix,)
        else:
            sql, args = "SELECT word FROM words WHERE word > ? AND word < ?", (prefix, end)
        return [w for (w,) in self._all(sql + " ORDER BY length(word), word LIMIT ?", (*args, limit))]

    def shared_bigrams(self, grams: list[tuple[str, int]], lo: int, hi: int) -> dict[str, int]:
        if not grams:
            return {}
        one = "SELECT word FROM bigrams WHERE gram = ? AND k = ? AND length BETWEEN ? AND ?"
        sql = f"SELECT word, count(*) FROM ({' UNION ALL '.join([one] * len(grams))}) GROUP BY word"
        return dict(self._all(sql, tuple(x for g, k in grams for x in (g, k, lo, hi))))

    def named_of_length(self, m: int) -> list[str]:
        return [w for (w,) in self._all("SELECT word FROM words WHERE named = 1 AND length(word) = ? "
                                        "ORDER BY word", (m,))]

    def word_info(self, words: Iterable[str]) -> dict[str, tuple[float, tuple[str, ...], bool]]:
        return {w: (sp, tuple(json.loads(st)), bool(named)) for w, sp, st, named in
                self._in("SELECT word, spec, stems, named FROM words WHERE word IN ({})", words)}

    # the fields
    def match(self, expression: str) -> list[int]:
        return [r for (r,) in self._all("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))]

    def scoring(self, rowids: list[int]) -> Iterable[tuple[int, str, str, tuple[str, ...]]]:
        for part in _chunks(rowids):
            rows = self._all(f"SELECT row, field, words, entities FROM fields WHERE row IN "
                             f"({','.join('?' * len(part))}) ORDER BY row", tuple(part))
            for r, f, words, ents in rows:
                yield r, FIELD_CODES[f], words, ents.split(" ")

    def _doc(self, row: tuple) -> Doc:
        _, f, text, detail, ents, words = row
        return Doc(FIELD_CODES[f], text, detail, tuple(ents.split(" ")), words)

    def doc(self, rowid: int) -> Doc:
        return self._doc(self._all("SELECT * FROM fields WHERE row = ?", (rowid,))[0])

    def docs_of(self, entity_ids: Collection[str]) -> Iterable[Doc]:
        rows = sorted({r for (r,) in self._in("SELECT row FROM field_entities WHERE entity IN ({})",
                                              entity_ids)})
        for part in _chunks(rows):
            for row in self._all(f"SELECT * FROM fields WHERE row IN ({','.join('?' * len(part))}) "
                                 "ORDER BY row", tuple(part)):
                yield self._doc(row)

    def entities(self, ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        return {e: (n, t, k) for e, n, t, k in
                self._in("SELECT id, name, type, kind FROM entities WHERE id IN ({})", ids)}

    def source_label(self, source: str) -> Optional[str]:
        found = self._all("SELECT label FROM sources WHERE id = ?", (source,))
        return found[0][0] if found else None

    def write(self, db: sqlite3.Connection) -> None:
        with self._lock:
            self._db.backup(db)


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
