"""The seed cache's indexed form: a SQLite file that answers point reads without loading everything.

A warm ``show``, ``query connections``, ``query ego`` touches a few hundred entities and
relations; unpickling the whole validated dataset and indexing it in a
:class:`~crimegraph.graph.memory.MemoryStore` costs seconds and a gigabyte at 100,000
entities. Beside the pickle of a seed folder (:mod:`crimegraph.schema.cache`) sits
``<entry>.sqlite`` (Python's own :mod:`sqlite3`), written at the same time, keyed by the
same content hash:

* ``entities(id, blob)``, ``sources(id, blob)``,
  ``relations(id, subject, object, type, confidence, sources, blob)`` with indexes on
  ``subject`` and ``object``: each ``blob`` is the validated model, pickled (row by row:
  reading one entity unpickles one entity); a relation's ``type``, ``confidence`` (its
  grade), ``sources`` (the source ids of its citations, in order) and ``shown_from`` /
  ``shown_until`` (its as-of window, ISO days) are plain columns, what the connection
  ranking weighs and filters it by (:class:`~crimegraph.graph.base.Tie`, read without
  unpickling);
* ``meta(k, v)``: the key, the format, the dataset's counts (``Dataset.stats``), its
  :class:`DatasetMeta`, the warnings and quality notes of the read.

:class:`IndexedStore` answers the Store primitives (entity, entities_by_id, relation,
relations of an entity, adjacent, neighbour_ids, links_between, degrees, counts, source)
from the indexes. Anything about the whole graph (``dataset()``, every entity or relation,
the search index, analytics through :meth:`derived`) builds the
:class:`~crimegraph.graph.memory.MemoryStore` once for the command and delegates to it, so
the answers are the memory store's (tests/conformance checks it).

A blob is a pickle, which runs code when read: as for the pickle entry, only a file this
user owns and nobody else can write is opened (:func:`open_index`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from crimegraph.errors import EntityNotFound
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, Source
from crimegraph.schema.timing import shown
from crimegraph.schema.types import Confidence

from .base import DIRECTIONS, Cited, Links, Store, Tie, Window, breadth_first, check_types
from .subgraph import Subgraph

#: the layout of the index file; raise it when the tables change meaning
INDEX_FORMAT = 3
#: SQLite's limit on parameters of one statement is 999 in old builds
_CHUNK = 900
#: between the source ids of the ``sources`` column (a slug holds no control character)
_SEP = "\x1f"

_SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE entities (id TEXT PRIMARY KEY, blob BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (id TEXT PRIMARY KEY, blob BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE relations (id TEXT PRIMARY KEY, subject TEXT NOT NULL, object TEXT NOT NULL,
                        type TEXT NOT NULL, confidence TEXT NOT NULL, sources TEXT NOT NULL,
                        shown_from TEXT, shown_until TEXT, blob BLOB NOT NULL);
"""
_INDEXES = """
CREATE INDEX relations_subject ON relations (subject, object);
CREATE INDEX relations_object ON relations (object, subject);
"""


def _window_columns(r: Relation) -> tuple[Optional[str], Optional[str]]:
    """``shown_from``, ``shown_until``: the relation's as-of window, ISO days (None: none)."""
    t = r.timing
    if t is None:
        return None, None
    return (t.start.isoformat() if t.start is not None else None,
            t.end.isoformat() if t.end is not None else None)


@functools.lru_cache(maxsize=None)
def _window(start: Optional[str], end: Optional[str]) -> Window:
    """The :class:`Window` of the two columns (a few thousand distinct ones, each built once)."""
    return Window(*(dt.date.fromisoformat(v) if v is not None else None for v in (start, end)))


def write_index(path: Path, key: bytes, dataset: Dataset, warnings=(), quality=()) -> None:
    """Write the index file of a dataset, whole or not at all (a temporary file renamed in place)."""
    from crimegraph.atomic import atomic_file

    dump = pickle.dumps
    hi = pickle.HIGHEST_PROTOCOL
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # sqlite writes its own file: build it aside, then move it in through atomic_file's rename
    tmp = path.with_name(path.name + f".{os.getpid()}.building")
    try:
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO entities VALUES (?, ?)",
                            ((i, dump(e, hi)) for i, e in dataset.entities.items()))
            con.executemany("INSERT INTO sources VALUES (?, ?)",
                            ((i, dump(s, hi)) for i, s in dataset.sources.items()))
            con.executemany("INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            ((i, r.subject, r.object, r.type, r.confidence.code,
                              _SEP.join(c.source for c in r.citations),
                              *_window_columns(r), dump(r, hi))
                             for i, r in dataset.relations.items()))
            con.executescript(_INDEXES)
            meta = {"format": INDEX_FORMAT, "stats": dataset.stats(), "meta": dataset.meta,
                    "warnings": list(warnings), "quality": list(quality)}
            con.executemany("INSERT INTO meta VALUES (?, ?)",
                            [(k, dump(v, hi)) for k, v in meta.items()] + [("key", key)])
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o600)
        with atomic_file(path, "wb") as fh:  # the rename that makes it appear whole
            with open(tmp, "rb") as src:
                while chunk := src.read(1 << 20):
                    fh.write(chunk)
        os.chmod(path, 0o600)
    finally:
        tmp.unlink(missing_ok=True)


def open_index(path: Path, key: Optional[bytes] = None) -> Optional[sqlite3.Connection]:
    """A read-only connection to an index file for ``key`` (any key when None), or None.

    None when the file is missing, not this user's own or writable by others (its blobs are
    pickles), not an index of this format, of another key, or damaged: never an error.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return None
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                              check_same_thread=False)
    except (sqlite3.Error, ValueError):
        return None
    try:
        rows = dict(con.execute("SELECT k, v FROM meta WHERE k IN ('key', 'format')"))
        if pickle.loads(rows["format"]) != INDEX_FORMAT or (key is not None and rows["key"] != key):
            con.close()
            return None
    except Exception:  # not SQLite, no meta table, a damaged page: rebuild
        con.close()
        return None
    return con


class IndexedStore(Store):
    """Point reads from the index file; the whole graph from a MemoryStore built once, on demand.

    ``path`` is the index file. ``write`` (re)writes it from a dataset (what the conformance
    suite does); :func:`crimegraph.schema.cache` writes it beside the seed cache's pickle.
    ``full`` (optional) returns the whole :class:`Dataset` faster than reading every row
    (the seed cache's pickle); without it the rows are read.
    """

    backend = "memory"  # it answers as the memory store, for the same data

    def __init__(self, path=None, connection: Optional[sqlite3.Connection] = None,
                 full: Optional[Callable[[], Optional[Dataset]]] = None, **_options):
        self.path = Path(path) if path is not None else None
        self._con = connection
        self._full_loader = full
        self._memory = None
        self._search_engine = None
        self._derived: dict = {}
        self._meta_cache: dict = {}
        self._entities: dict[str, Entity] = {}
        self._relations: dict[str, Relation] = {}
        self._incident_cache: dict[str, tuple[list[Relation], list[Relation]]] = {}

    # ------------------------------------------------------------------ write
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None) -> None:
        if not replace and self._con is not None:
            merged = self.dataset()
            dataset = Dataset(meta=dataset.meta, sources={**merged.sources, **dataset.sources},
                              entities={**merged.entities, **dataset.entities},
                              relations={**merged.relations, **dataset.relations})
        if self.path is None:
            import tempfile

            fd, name = tempfile.mkstemp(suffix=".sqlite", prefix="crimegraph-indexed-")
            os.close(fd)
            self.path = Path(name)
        self.close()
        write_index(self.path, b"written", dataset, dataset.warnings)
        self._con = open_index(self.path)
        self._full_loader = None
        self._reset()

    def _reset(self) -> None:
        self._memory = None
        self._search_changed()
        self._derived = {}
        self._meta_cache = {}
        self._entities, self._relations, self._incident_cache = {}, {}, {}

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    # ------------------------------------------------------------------ whole graph
    def memory(self):
        """The MemoryStore of the whole dataset, built on first use and kept for the command."""
        if self._memory is None:
            from .memory import MemoryStore

            ds = self._full_loader() if self._full_loader is not None else None
            if ds is None:
                ds = self._read_all()
            mem = MemoryStore()
            mem.write(ds)
            self._memory = mem
        return self._memory

    def _read_all(self) -> Dataset:
        from crimegraph.schema.compact import no_gc

        load = pickle.loads
        with no_gc():
            return Dataset(
                meta=self._meta("meta"),
                sources={i: load(b) for i, b in self._q("SELECT id, blob FROM sources ORDER BY id")},
                entities={i: load(b) for i, b in self._q("SELECT id, blob FROM entities ORDER BY id")},
                relations={i: load(b) for i, b in self._q("SELECT id, blob FROM relations ORDER BY id")},
                warnings=list(self._meta("warnings") or []),
            )

    def dataset(self) -> Dataset:
        return self.memory().dataset()

    @property
    def meta(self):
        return self._meta("meta")

    def derived(self, key: tuple, build):
        """Kept for the store's life (the index file does not change under it)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def search_engine(self):
        """The search index: opened from the file beside the index when the search module can
        keep one (``SearchEngine.open``/``save``), else built from the whole graph."""
        engine = getattr(self, "_search_engine", None)
        if engine is not None:
            return engine
        from .search import SearchEngine

        where = self._search_index_path()
        if where is not None and hasattr(SearchEngine, "open") and hasattr(SearchEngine, "save"):
            try:
                engine = SearchEngine.open(where)
            except Exception:  # missing, older, damaged: build it again
                engine = None
            if engine is None:
                engine = self.memory().search_engine()
                try:
                    for stale in where.parent.glob(f"{self.path.stem}.*.search"):
                        stale.unlink()  # the search files of earlier contents of the folder
                    engine.save(where)
                except Exception:
                    pass
        else:
            engine = self.memory().search_engine()
        self._search_engine = engine
        return engine

    def _search_index_path(self) -> Optional[Path]:
        """Where the search index of this dataset is kept: beside the index file, named by the
        content key (``<entry>.<key>.search``), so that a search file saved for other seed files
        (by a command still running when they changed) is never opened for these."""
        if self.path is None:
            return None
        row = self._q("SELECT v FROM meta WHERE k = 'key'").fetchone()
        if row is None:
            return None
        stamp = bytes(row[0])[:8].hex()
        return self.path.with_name(f"{self.path.stem}.{stamp}.search")

    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        return self.memory().entities(kinds, types)

    def sources(self) -> Iterator[Source]:
        return self.memory().sources()

    def relation_ends(self, *, types=None, as_of=None):
        return self.memory().relation_ends(types=types, as_of=as_of)

    # ------------------------------------------------------------------ point reads
    def _q(self, sql: str, args: Sequence = ()):
        if self._con is None:
            raise RuntimeError("the indexed store is closed or was never written")
        return self._con.execute(sql, args)

    def _meta(self, k: str):
        if k not in self._meta_cache:
            row = self._q("SELECT v FROM meta WHERE k = ?", (k,)).fetchone()
            self._meta_cache[k] = pickle.loads(row[0]) if row else None
        return self._meta_cache[k]

    def counts(self) -> dict:
        import copy

        return copy.deepcopy(self._meta("stats"))

    def _suggest(self, ref: str) -> list[str]:
        return self.memory()._suggest(ref)

    def entity(self, entity_id: str) -> Entity:
        e = self._entities.get(entity_id)
        if e is None:
            row = self._q("SELECT blob FROM entities WHERE id = ?", (entity_id,)).fetchone()
            if row is None:
                raise EntityNotFound(entity_id, self._suggest(entity_id))
            e = self._entities[entity_id] = pickle.loads(row[0])
        return e

    def has_entity(self, entity_id: str) -> bool:
        return entity_id in self._entities or self._q(
            "SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is not None

    def entities_by_id(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        ids = list(dict.fromkeys(entity_ids))
        todo = [i for i in ids if i not in self._entities]
        for k in range(0, len(todo), _CHUNK):
            part = todo[k:k + _CHUNK]
            for i, b in self._q(f"SELECT id, blob FROM entities WHERE id IN ({','.join('?' * len(part))})",
                                part):
                self._entities[i] = pickle.loads(b)
        return {i: self.entity(i) for i in ids}

    def relation(self, relation_id: str) -> Relation:
        r = self._relations.get(relation_id)
        if r is None:
            row = self._q("SELECT blob FROM relations WHERE id = ?", (relation_id,)).fetchone()
            if row is None:
                return self.memory().relation(relation_id)  # raises with close matches
            r = self._relations[relation_id] = pickle.loads(row[0])
        return r

    def source(self, source_id: str) -> Source:
        row = self._q("SELECT blob FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            return self.memory().source(source_id)  # raises with close matches
        return pickle.loads(row[0])

    def _rel(self, rid: str, blob: bytes) -> Relation:
        r = self._relations.get(rid)
        if r is None:
            r = self._relations[rid] = pickle.loads(blob)
        return r

    def _incident(self, entity_id: str) -> list[Relation]:
        """Every relation with the entity at either end: out-going first, then in-coming
        (a relation of the entity to itself twice), as the memory store's adjacency lists them."""
        succ, pred = self._sides(entity_id)
        return succ + pred

    def _sides(self, entity_id: str) -> tuple[list[Relation], list[Relation]]:
        """``(relations whose subject it is, relations whose object it is)``."""
        got = self._incident_cache.get(entity_id)
        if got is None:
            succ = [self._rel(i, b) for i, b in self._q(
                "SELECT id, blob FROM relations WHERE subject = ? ORDER BY object, id", (entity_id,))]
            pred = [self._rel(i, b) for i, b in self._q(
                "SELECT id, blob FROM relations WHERE object = ? ORDER BY subject, id", (entity_id,))]
            got = self._incident_cache[entity_id] = (succ, pred)
        return got

    def _require(self, entity_id: str) -> None:
        if entity_id not in self._incident_cache and not self.has_entity(entity_id):
            raise EntityNotFound(entity_id, self._suggest(entity_id))

    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        """As the memory store lists them: out-going and in-coming, symmetric ones from both sides."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        if entity is None:
            return self.memory().relations(direction=direction, types=types, as_of=as_of)
        types = check_types(types)
        self._require(entity)
        succ, pred = self._sides(entity)
        if direction == "both":
            rels = succ + pred
        elif direction == "out":
            rels = succ + [r for r in pred if r.symmetric]
        else:
            rels = [r for r in succ if r.symmetric] + pred
        out = [r for r in rels
               if (types is None or r.type in types) and (as_of is None or r.shown_on(as_of))]
        out.sort(key=lambda r: r.id)
        return out

    def adjacent(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                 as_of: Optional[dt.date] = None) -> Iterator[tuple[str, Relation]]:
        for r in self._incident(entity_id):
            if (types is None or r.type in types) and (as_of is None or r.shown_on(as_of)):
                yield (r.object if r.subject == entity_id else r.subject), r

    def neighbour_ids(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterable[str]:
        if types is None and as_of is None:
            # the ends only: no relation is unpickled
            return [o for (o,) in self._q(
                "SELECT DISTINCT object FROM relations WHERE subject = ? UNION ALL "
                "SELECT DISTINCT subject FROM relations WHERE object = ?", (entity_id, entity_id))]
        if entity_id in self._incident_cache:
            return [o for o, _ in self.adjacent(entity_id, types=types, as_of=as_of)]
        # filtered by the type and window columns: still no relation unpickled
        return [o for o, rtype, start, end in self._q(
                "SELECT object, type, shown_from, shown_until FROM relations WHERE subject = ? "
                "ORDER BY object, id", (entity_id,)).fetchall() + self._q(
                "SELECT subject, type, shown_from, shown_until FROM relations WHERE object = ? "
                "ORDER BY subject, id", (entity_id,)).fetchall()
                if (types is None or rtype in types) and (as_of is None or shown(_window(start, end), as_of))]

    def links_between(self, a: str, b: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> list[Relation]:
        if a in self._incident_cache:
            return [r for o, r in self.adjacent(a, types=types, as_of=as_of) if o == b]
        rows = list(self._q("SELECT id, blob FROM relations WHERE subject = ? AND object = ?", (a, b)))
        rows += self._q("SELECT id, blob FROM relations WHERE subject = ? AND object = ?", (b, a))
        out = [self._rel(i, blob) for i, blob in rows]
        return [r for r in out if (types is None or r.type in types) and (as_of is None or r.shown_on(as_of))]

    def expand(self, seeds: Sequence[str], *, depth: int = 1,
               types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
               cap: Optional[int] = None) -> Subgraph:
        """:meth:`Store.expand`, same answer; the relations among the entities reached are read
        in one query on both ends (a hub's other relations are never unpickled)."""
        import json

        types = check_types(types)
        for s in seeds:
            self.entity(s)
        sg, order = breadth_first(seeds, depth, cap, lambda ids: self.level_links(ids, types, as_of))
        got = self.entities_by_id(order)
        for i in order:
            sg.add_entity(got[i])
        members = list(sg.entities)
        ids = json.dumps(members)
        by: dict[str, list[Relation]] = {}
        for rid, blob in self._q("SELECT id, blob FROM relations "
                                 "WHERE subject IN (SELECT value FROM json_each(?)) "
                                 "AND object IN (SELECT value FROM json_each(?))", (ids, ids)):
            r = self._rel(rid, blob)
            if (types is None or r.type in types) and (as_of is None or r.shown_on(as_of)):
                by.setdefault(r.subject, []).append(r)
                if r.object != r.subject:
                    by.setdefault(r.object, []).append(r)
        for i in members:
            for r in sorted(by.get(i, ()), key=lambda r: r.id):
                sg.add_relation(r)
        return sg

    def _among(self, pairs: dict[str, set[str]], cols: str, build, types, keep):
        """``{u: {v: [build(row)]}}`` for the pairs of ``pairs`` (symmetric), each list by id.

        Each unordered pair is read once, from its smaller end, by the ends' index (a hub's
        other relations are never read); ``row`` is ``(subject, object, id, type, *cols)``."""
        once: dict[str, set[str]] = {}
        for u, vs in pairs.items():
            for v in vs:
                once.setdefault(min(u, v), set()).add(max(u, v))
        kept: dict[str, dict[str, dict[str, object]]] = {}
        for u in sorted(once):
            vs = sorted(once[u])
            for k in range(0, len(vs), _CHUNK):
                part = vs[k:k + _CHUNK]
                marks = ",".join("?" * len(part))
                for row in [*self._q(f"SELECT subject, object, id, type, {cols} FROM relations "
                                     f"WHERE subject = ? AND object IN ({marks})", (u, *part)),
                            *self._q(f"SELECT subject, object, id, type, {cols} FROM relations "
                                     f"WHERE object = ? AND subject IN ({marks})", (u, *part))]:
                    if types is not None and row[3] not in types:
                        continue
                    r = build(row)
                    if keep is None or keep(r):
                        v = row[1] if row[0] == u else row[0]
                        for x, y in ((u, v), (v, u)):
                            if y in pairs.get(x, ()):
                                kept.setdefault(x, {}).setdefault(y, {})[r.id] = r
        return {u: {v: [rels[i] for i in sorted(rels)] for v, rels in row.items()}
                for u, row in sorted(kept.items())}

    def links_among(self, pairs: dict[str, set[str]], *, types: Optional[frozenset[str]] = None,
                    as_of: Optional[dt.date] = None) -> dict[str, dict[str, list[Relation]]]:
        """Pair by pair from the ends' index, as the memory store does: a hub's other relations
        are never read (nor unpickled)."""
        return self._among(pairs, "blob", lambda row: self._rel(row[2], row[4]), types,
                           None if as_of is None else (lambda r: r.shown_on(as_of)))

    def ties_among(self, pairs: dict[str, set[str]], *, types: Optional[frozenset[str]] = None,
                   as_of: Optional[dt.date] = None) -> Links:
        """The :class:`Tie` of each relation from its plain columns, none unpickled (a
        relation already read comes as itself), filtered by its window ``as_of``."""
        cited: dict[str, Cited] = {}
        grade = Confidence.parse
        have = self._relations

        def tie(row):
            subject, obj, rid, rtype, conf, srcs, start, end = row
            r = have.get(rid)
            if r is not None:
                return r
            cites = tuple(cited.get(x) or cited.setdefault(x, Cited(x)) for x in srcs.split(_SEP))
            return Tie(rid, rtype, subject, obj, grade(conf), cites, _window(start, end))

        return self._among(pairs, "confidence, sources, shown_from, shown_until", tie, types,
                           None if as_of is None else (lambda t: t.shown_on(as_of)))

    def degrees(self, entity_ids: Iterable[str], *, as_of: Optional[dt.date] = None) -> dict[str, int]:
        if as_of is not None:  # counted by window, from the columns
            return {i: sum(n for start, end, n in self._q(
                "SELECT shown_from, shown_until, count(*) FROM relations WHERE subject = ? GROUP BY 1, 2 "
                "UNION ALL SELECT shown_from, shown_until, count(*) FROM relations WHERE object = ? "
                "GROUP BY 1, 2", (i, i)) if shown(_window(start, end), as_of)) for i in entity_ids}
        out = {}
        for i in entity_ids:
            (n,) = self._q("SELECT (SELECT count(*) FROM relations WHERE subject = ?) + "
                           "(SELECT count(*) FROM relations WHERE object = ?)", (i, i)).fetchone()
            out[i] = n
        return out

    def degree_hint(self, entity_id: str) -> int:
        (n,) = self._q("SELECT (SELECT count(DISTINCT object) FROM relations WHERE subject = ?) + "
                       "(SELECT count(DISTINCT subject) FROM relations WHERE object = ?)",
                       (entity_id, entity_id)).fetchone()
        return n



def open_warm(seeds=None) -> Optional[IndexedStore]:
    """The indexed store of a seed folder whose seed cache is warm for its current content, or None.

    The key is the seed cache's (:func:`crimegraph.schema.cache.content_key`: the bytes of
    every seed file), so an edited, added or removed file is never answered from an old
    index. The read's warnings are issued as :func:`~crimegraph.schema.loader.load_dataset`
    issues them. None (the caller validates the folder, which writes the index) when the
    cache is off, cold, of another key, or not this user's own.
    """
    import warnings as _warnings

    from crimegraph.schema import cache as seed_cache
    from crimegraph.schema.loader import SeedWarning, default_seeds, seed_files

    if not seed_cache.enabled():
        return None
    root = Path(seeds) if seeds is not None else default_seeds()
    skipped: list = []
    files = seed_files(root, skipped)
    if not files:
        return None
    key = seed_cache.content_key(files, skipped)
    if key is None:
        return None
    entry = seed_cache.entry_path(root)
    if not seed_cache.header_matches(entry, key):
        return None  # a missing, foreign or other-key pickle: validate (and rewrite both) again
    where = seed_cache.index_path(entry)
    con = open_index(where, key)
    if con is None:
        return None

    def full() -> Optional[Dataset]:
        """The whole dataset from the pickle, the fastest form to read whole; a damaged or
        missing pickle is rebuilt from the index's rows (the index already holds this key)."""
        hit = seed_cache.load(entry, key)
        if hit is not None:
            return hit.dataset
        from crimegraph.schema.loader import SeedsRead

        ds = st._read_all()
        seed_cache.store(entry, key, SeedsRead(ds, [], st._meta("warnings") or [],
                                               st._meta("quality") or ()))
        return ds

    st = IndexedStore(where, connection=con, full=full)
    try:
        quality = frozenset(st._meta("quality") or ())
        for w in st._meta("warnings") or []:
            if w not in quality:
                _warnings.warn(SeedWarning(w), stacklevel=2)
    except Exception:
        st.close()
        return None
    return st
