"""The Neo4j bulk loader: constraints first, then ``UNWIND $rows`` batches; idempotent.

A load runs in this order:

1. the uniqueness constraints, generated from the schema (``IF NOT EXISTS``);
2. a plan: the ids (and entity types, relation types and ends) already on the
   server, read once, so that every entity and relation is either created
   (new id: ``CREATE``, no ``MERGE`` lookup), updated in place (same id, type
   and ends) or, for a relation, deleted and created again (its type or ends
   changed); when the database holds relations already, the relationship id
   indexes (updates and deletes find relationships through them) are created now,
   otherwise after the rows (step 7);
3. sources, then entities (one statement per entity type, labels from the
   schema), then relations (one statement per relation type), each in
   batches of ``batch_size`` rows; relation rows are streamed (a batch goes
   to the server as soon as it is full, so the client builds rows while the
   server writes); ``SET x = row.props`` makes every write replace the whole
   property map, so a second load of the same dataset leaves the same graph;
4. relations deleted: with ``replace``, those whose id the new dataset no
   longer has; and those whose type or ends changed, which are then created again;
5. with ``replace``: entities and sources the dataset no longer has are deleted;
6. the indexes that were left for after the rows (relationship ids on a first
   load, the full-text index on names), each populated in one pass;
7. the ``(:CrimegraphMeta)`` node records the dataset header, the counts, the
   dataset's fingerprint and ``load_state: complete``.

Each batch commits on its own (a load of 500k relations does not fit one
transaction's memory); the dataset has been validated in full before the first
batch, so a dataset with errors never writes anything. Because a load can stop
halfway (the server or the connection lost), the meta node is marked
``load_state: in-progress`` before the first row is written, and ``complete``
only after the last: every reader can tell a finished graph from a partial one
(:meth:`crimegraph.graph.neo4j.Neo4jStore.load_problem`). Running the same load
again finishes it: rows already written are found by the plan and kept or
updated in place, never duplicated. :attr:`Neo4jWriter.committed` counts what
was committed, for the message when a load stops.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections import defaultdict
from typing import Callable, Iterable, Optional

from crimegraph.schema.compact import no_gc
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES

from .neo4j_cypher import (
    ENTITY_LABEL,
    LOAD_IN_PROGRESS,
    META_KEY,
    META_LABEL,
    DatasetFingerprint,
    SOURCE_LABEL,
    TYPE_BY_CYPHER,
    entity_labels,
    entity_props,
    kind_label,
    meta_props,
    rel_pattern,
    rel_type,
    relation_props,
    constraint_statements,
    deferred_statements,
    schema_statements,
    source_props,
    type_label,
    with_fingerprint,
)

DEFAULT_BATCH_SIZE = 10000


#: one statement of a transaction: (Cypher, rows, how many of the rows count for progress,
#: what the rows are: "sources", "entities", "relations" or "" for bookkeeping)
Statement = tuple[str, list, int, str]


class _Rows(list):
    """The ``$rows`` parameter of a batch: a list whose ``repr`` is short.

    The driver (neo4j 5 and 6) formats ``" ".join(map(repr, fields))`` for a debug log line
    on every RUN, whether or not debug logging is on: for a 10,000-row batch that is tens of
    milliseconds of client CPU, holding the GIL, spent on a string nobody reads. The
    packstream encoder takes a list subclass like a list (same bytes on the wire).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class Pipeline:
    """Runs write transactions in a background thread, one at a time, in order.

    The main thread builds the next transaction's rows while the server executes
    the previous one (the driver waits on the socket without holding the GIL).
    The first error stops the pipeline and is raised in the main thread.
    """

    def __init__(self, run: Callable[[list[Statement]], None], depth: int = 2):
        self._run = run
        self._q: "queue.Queue[Optional[list[Statement]]]" = queue.Queue(maxsize=depth)
        self._error: Optional[BaseException] = None
        self._done: list[int] = []
        self._thread = threading.Thread(target=self._work, name="neo4j-writer", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is not None:
                continue
            try:
                self._run(item)
                self._done.append(sum(n for _, _, n, _ in item))
            except BaseException as exc:  # re-raised in the main thread
                self._error = exc

    def submit(self, statements: list[Statement]) -> list[int]:
        """Queue one transaction; returns the progress counts of those finished since the last call."""
        if self._error is not None:
            self.close()
        self._q.put(statements)
        done, self._done = self._done, []
        return done

    def close(self) -> list[int]:
        """Wait for every queued transaction; raise the first error, if any."""
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join()
        if self._error is not None:
            err, self._error = self._error, None
            raise err
        done, self._done = self._done, []
        return done


class _Streams:
    """Rows grouped by statement; a group goes to the writer as soon as it holds a batch."""

    def __init__(self, batched: Callable[[str, list], None], batch_size: int):
        self._batched = batched
        self._size = batch_size
        self._groups: dict[str, list] = {}

    def put(self, statement: str, row) -> None:
        rows = self._groups.get(statement)
        if rows is None:
            rows = self._groups[statement] = []
        rows.append(row)
        if len(rows) >= self._size:
            self._batched(statement, rows)
            self._groups[statement] = []

    def flush(self) -> None:
        """Send what the groups still hold (in the order of the statements' text)."""
        for statement, rows in sorted(self._groups.items()):
            if rows:
                self._batched(statement, rows)
        self._groups.clear()


class _Sequencer:
    """Positions in the dataset: fresh (replace) or kept for ids already there, new ones appended."""

    def __init__(self, replace: bool, old: dict[str, Optional[int]]):
        self.replace = replace
        self.old = old
        self.next = 0 if replace else max((s for s in old.values() if s is not None), default=-1) + 1

    def __call__(self, ident: str) -> int:
        if not self.replace:
            seq = self.old.get(ident)
            if seq is not None:
                return seq
        seq, self.next = self.next, self.next + 1
        return seq


class Neo4jWriter:
    """Writes one validated :class:`Dataset` into Neo4j (see the module docstring)."""

    def __init__(self, store, batch_size: int = DEFAULT_BATCH_SIZE, progress=None):
        self.store = store
        self.batch_size = max(1, int(batch_size))
        self.progress = progress
        self.stats: dict[str, int] = defaultdict(int)
        #: rows committed so far, by kind (sources, entities, relations), and rows found unchanged
        self.committed: dict[str, int] = defaultdict(int)
        self.unchanged: dict[str, int] = defaultdict(int)
        self._kind = ""
        #: whether the meta node was marked in progress (a failure after that leaves a partial graph)
        self.marked = False

    # ----------------------------------------------------------- helpers
    def _tick(self, sizes: Iterable[int]) -> None:
        if self.progress:
            for n in sizes:
                if n:
                    self.progress(n)

    def _write_tx(self, statements: list[Statement]) -> None:
        def work(tx) -> None:
            for query, rows, _, _ in statements:
                tx.run(query, rows=_Rows(rows)).consume()

        with self.store._session() as session:
            session.execute_write(work)
        for _, _, n, kind in statements:  # committed
            if kind:
                self.committed[kind] += n

    def _batched(self, query: str, rows: list, count: bool = True) -> None:
        """Queue ``query`` over ``rows``: transactions are filled up to ``batch_size`` rows.

        Statements of different kinds (one per entity type, one per relation
        type) share a transaction when they are small, so a small dataset loads
        in a handful of commits; a large one in batches of ``batch_size`` rows.
        """
        i = 0
        while i < len(rows):
            chunk = rows[i:i + self.batch_size - self._pending_rows]
            i += len(chunk)
            self._pending.append((query, chunk, len(chunk) if count else 0, self._kind if count else ""))
            self._pending_rows += len(chunk)
            if self._pending_rows >= self.batch_size:
                self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._tick(self._pipe.submit(self._pending))
            self._pending, self._pending_rows = [], 0

    def _finish(self) -> None:
        """Commit everything queued and wait for it."""
        self._flush()
        self._tick(self._pipe.close())

    # ----------------------------------------------------------- phases
    def ensure_schema(self, deferred: bool = False, wanted: Optional[list[tuple[str, str]]] = None) -> None:
        """Create the constraints and indexes that are missing, and wait until they are online.

        ``wanted``: ``(name, statement)`` pairs (default :func:`schema_statements`);
        ``deferred``: the indexes that only readers use as well (see :func:`deferred_statements`).
        """
        store = self.store
        have = {r[0] for r in store._rows("SHOW CONSTRAINTS YIELD name")}
        have |= {r[0] for r in store._rows("SHOW INDEXES YIELD name")}
        wanted = list(schema_statements() if wanted is None else wanted)
        if deferred:
            wanted += deferred_statements()
        missing = [(name, stmt) for name, stmt in wanted if name not in have]
        for _, stmt in missing:
            store._run(stmt)
        if missing:
            store._run("CALL db.awaitIndexes(600)")

    def plan(self) -> tuple[dict, dict, dict]:
        """What the server holds already.

        Entity id -> (type, seq, fp); relation id -> ((type, subject, object), seq, fp);
        source id -> (seq, fp). ``seq`` is the position in the dataset, kept so that
        reads list things in the order the memory store does; ``fp`` the fingerprint
        of the properties, so that a reload skips what has not changed.
        """
        store = self.store
        ents = {r[0]: (r[1], r[2], r[3]) for r in store._rows(
            f"MATCH (n:{ENTITY_LABEL}) RETURN n.id, n.type, n.seq, n.fp")}
        rels: dict[str, tuple[tuple[str, str, str], Optional[int], Optional[str]]] = {}
        if ents:
            # only relationship types the schema declares: anything else in the database is not ours
            rels = {r[0]: ((r[1], r[2], r[3]), r[4], r[5]) for r in store._rows(
                f"MATCH (a:{ENTITY_LABEL})-[r{rel_pattern(RELATION_TYPES)}]->(b:{ENTITY_LABEL}) "
                "RETURN r.id, type(r), a.id, b.id, r.seq, r.fp")}
        srcs = {r[0]: (r[1], r[2]) for r in store._rows(
            f"MATCH (s:{SOURCE_LABEL}) RETURN s.id, s.seq, s.fp")}
        return ents, rels, srcs

    def _delete_relations(self, doomed: dict[str, tuple[str, str, str]]) -> None:
        by_type: dict[str, list[str]] = defaultdict(list)
        for rid, (ctype, _, _) in doomed.items():
            by_type[ctype].append(rid)
        for ctype, ids in sorted(by_type.items()):
            name = TYPE_BY_CYPHER[ctype]  # only declared types were read by the plan
            q = f"UNWIND $rows AS id MATCH ()-[r:{rel_type(name)} {{id: id}}]->() DELETE r"
            self._batched(q, ids, count=False)

    def write(self, dataset: Dataset, replace: bool = False) -> dict[str, int]:
        self._check_whitelist(dataset)
        self.ensure_schema(wanted=constraint_statements())
        old_ents, old_rels, old_srcs = self.plan()
        if old_rels:  # updates and deletes find relationships by id
            self.ensure_schema()
        self._pending: list[Statement] = []
        self._pending_rows = 0
        self.fingerprint = DatasetFingerprint()
        self.marked = True  # from here on, a failure leaves an unfinished load
        # before the first row: a reader now knows the graph is being written
        import datetime as dt

        self.store._run(f"MERGE (m:{META_LABEL} {{key: $key}}) SET m.load_state = $state, "
                        "m.load_started = $started, m.load_expected = $expected, m.dataset_fp = null",
                        key=META_KEY, state=LOAD_IN_PROGRESS,
                        started=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        expected=[len(dataset.sources), len(dataset.entities), len(dataset.relations)])
        self._pipe = Pipeline(self._write_tx)
        try:
            with no_gc():  # rows: hundreds of thousands of dicts, in no cycle
                self._write(dataset, replace, old_ents, old_rels, old_srcs)
                self._finish()
        finally:
            self._pipe.close()  # on an error: stop the writer thread, raise the first error
        self.ensure_schema(deferred=True)  # relationship ids on a first load, full text
        counts = self.store._totals()
        # after the last row: complete, with what was loaded
        self.store._run(f"MERGE (m:{META_LABEL} {{key: $props.key}}) SET m = $props",
                        props=meta_props(dataset.meta, counts, self.fingerprint.hexdigest()))
        return dict(self.stats)

    def _write(self, dataset: Dataset, replace: bool, old_ents, old_rels, old_srcs) -> None:

        # sources
        self._kind = "sources"
        seq_of = _Sequencer(replace, {k: v[0] for k, v in old_srcs.items()})
        rows = []
        for s in dataset.sources.values():
            props = source_props(s)
            props["seq"] = seq_of(s.id)
            with_fingerprint(props)
            self.fingerprint.add("sources", props["fp"])
            old = old_srcs.get(s.id)
            if old is not None and old[1] == props["fp"]:
                self.unchanged["sources"] += 1
                self._tick([1])
                continue
            rows.append(props)
        self._batched(f"UNWIND $rows AS row MERGE (s:{SOURCE_LABEL} {{id: row.id}}) SET s = row", rows)
        self.stats["sources"] = len(dataset.sources)

        # entities: one statement per entity type (its labels come from the schema), streamed.
        # An entity whose type changed loses its old labels first.
        relabel: dict[str, list[str]] = defaultdict(list)
        for e in dataset.entities.values():
            old = old_ents.get(e.id)
            if old is not None and old[0] != e.type and old[0] in ENTITY_TYPES:
                relabel[old[0]].append(e.id)
        for old_type, ids in sorted(relabel.items()):
            labels = f"{kind_label(ENTITY_TYPES[old_type][0])}:{type_label(old_type)}"
            self._batched(f"UNWIND $rows AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) REMOVE n:{labels}",
                          ids, count=False)

        @functools.cache
        def entity_stmt(new: bool, etype: str) -> str:
            if new:  # not on the server (the plan read every entity id): no lookup
                return f"UNWIND $rows AS row CREATE (n{entity_labels(etype)}) SET n = row"
            return (f"UNWIND $rows AS row MERGE (n:{ENTITY_LABEL} {{id: row.id}}) "
                    f"SET n = row SET n{entity_labels(etype)}")

        self._kind = "entities"
        stream = _Streams(self._batched, self.batch_size)
        seq_of = _Sequencer(replace, {k: v[1] for k, v in old_ents.items()})
        for e in dataset.entities.values():
            old = old_ents.get(e.id)
            props = with_fingerprint(entity_props(e, seq_of(e.id)))
            self.fingerprint.add("entities", props["fp"])
            if old is not None and old[0] == e.type and old[2] == props["fp"]:
                self.unchanged["entities"] += 1
                self._tick([1])
                continue
            stream.put(entity_stmt(old is None, e.type), props)
        stream.flush()
        self.stats["entities"] = len(dataset.entities)

        # relations, after the entities, streamed: each type's rows go to the server as soon as
        # a batch is full, so the rows are built while the server writes the previous batches.
        # A relation whose type or ends changed ("moved") is deleted, then created again.
        @functools.cache
        def create_stmt(ctype: str) -> str:
            return (f"UNWIND $rows AS row MATCH (a:{ENTITY_LABEL} {{id: row.s}}) "
                    f"MATCH (b:{ENTITY_LABEL} {{id: row.o}}) CREATE (a)-[r:{ctype}]->(b) SET r = row.p")

        @functools.cache
        def update_stmt(ctype: str) -> str:
            return f"UNWIND $rows AS row MATCH ()-[r:{ctype} {{id: row.id}}]->() SET r = row.p"

        self._kind = "relations"
        stream = _Streams(self._batched, self.batch_size)
        doomed: dict[str, tuple[str, str, str]] = {}
        moved_rows: dict[str, list[dict]] = defaultdict(list)
        counts = {"create": 0, "update": 0}
        unchanged = 0
        seq_of = _Sequencer(replace, {k: v[1] for k, v in old_rels.items()})
        for r in dataset.relations.values():
            ctype = RELATION_TYPES[r.type].cypher_type
            old = old_rels.get(r.id)
            props = relation_props(r)
            props["seq"] = seq_of(r.id)
            row = {"id": r.id, "s": r.subject, "o": r.object, "p": with_fingerprint(props)}
            self.fingerprint.add("relations", props["fp"])
            if old is None:
                counts["create"] += 1
                stream.put(create_stmt(ctype), row)
            elif old[0] == (ctype, r.subject, r.object):
                if old[2] == props["fp"]:
                    unchanged += 1
                else:
                    counts["update"] += 1
                    stream.put(update_stmt(ctype), row)
            else:
                doomed[r.id] = old[0]
                moved_rows[ctype].append(row)
        moved = len(doomed)
        if replace:
            for rid, old in old_rels.items():
                if rid not in dataset.relations:
                    doomed[rid] = old[0]
        self.stats["relations_deleted"] = len(doomed) - moved
        self.stats["relations_moved"] = moved
        stream.flush()
        if doomed:
            self._delete_relations(doomed)
        for ctype, rows in sorted(moved_rows.items()):
            self._batched(create_stmt(ctype), rows)
        self.stats["relations"] = len(dataset.relations)
        self.stats["relations_created"] = counts["create"] + moved
        self.stats["relations_updated"] = counts["update"]
        self.stats["relations_unchanged"] = unchanged
        self.unchanged["relations"] = unchanged
        self._tick([unchanged])

        if replace:
            gone = sorted(set(old_ents) - set(dataset.entities))
            if gone:
                self._batched(f"UNWIND $rows AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) DETACH DELETE n",
                              gone, count=False)
            self.stats["entities_deleted"] = len(gone)
            gone_src = sorted(set(old_srcs) - set(dataset.sources))
            if gone_src:
                self._batched(f"UNWIND $rows AS id MATCH (s:{SOURCE_LABEL} {{id: id}}) DETACH DELETE s",
                              gone_src, count=False)
            self.stats["sources_deleted"] = len(gone_src)

    @staticmethod
    def _check_whitelist(dataset: Dataset) -> None:
        """Every label and relationship type that goes into Cypher must come from the schema."""
        for e in dataset.entities.values():
            entity_labels(e.type)
        for r in dataset.relations.values():
            rel_type(r.type)


def naive_load(store, relations) -> None:
    """The benchmark's baseline: one auto-commit statement per relation (the entities must exist)."""
    with store._session() as session:
        for r in relations:
            q = (f"MATCH (a:{ENTITY_LABEL} {{id: $s}}) MATCH (b:{ENTITY_LABEL} {{id: $o}}) "
                 f"CREATE (a)-[r:{rel_type(r.type)}]->(b) SET r = $p")
            session.run(q, s=r.subject, o=r.object, p=relation_props(r)).consume()
