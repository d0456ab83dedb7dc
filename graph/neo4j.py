"""The Neo4j backend: a real Neo4j 5 server over Bolt, queried natively in Cypher.

>>> from crimegraph.graph.registry import open_store          # doctest: +SKIP
>>> store = open_store("neo4j", seeds="seeds/peru")            # doctest: +SKIP
>>> store.neighbours("shining-path", types=["operates_in"])    # doctest: +SKIP

Connection settings default from ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (see :mod:`.neo4j_connect`). The
data model is described in :mod:`.neo4j_cypher`; the bulk loader in
:mod:`.neo4j_writer`. Every read below is one (or, for a breadth-first
expansion, one per level) Cypher statement on the server; labels and
relationship types in the statements come only from the schema's
declarations, values only as parameters. Answers, including their order, are
those of the memory store: the conformance suite checks it.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Iterable, Iterator, Optional, Sequence

from crimegraph.errors import EntityNotFound, RelationNotFound, SourceNotFound, StoreUnavailable
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import DatasetMeta, Entity, Relation, Source
from crimegraph.schema.validate import close_matches
from crimegraph.schema.vocab import RELATION_TYPES

from .base import DIRECTIONS, Store, breadth_first, check_types
from .neo4j_connect import Settings, connect, translate_errors
from .neo4j_native import NativeQueries
from .neo4j_cypher import (
    ENTITY_LABEL,
    LOAD_COMPLETE,
    LOAD_IN_PROGRESS,
    META_KEY,
    META_LABEL,
    SOURCE_LABEL,
    SYMMETRIC_CYPHER,
    TYPE_BY_CYPHER,
    entity_from_props,
    rel_pattern,
    relation_from_row,
    source_from_props,
)
from .neo4j_writer import DEFAULT_BATCH_SIZE, Neo4jWriter
from .subgraph import Subgraph

#: the ``RETURN`` part that every relation-reading statement ends with
REL_COLUMNS = "type(r) AS t, startNode(r).id AS s, endNode(r).id AS o, properties(r) AS p"
#: the as-of rule (schema/timing.py) on the precomputed window: shown (valid or reported) on $day
AS_OF = "r.shown_from <= $day AND (r.shown_until IS NULL OR r.shown_until >= $day)"


def _iso(day: Optional[dt.date]) -> Optional[str]:
    """An as-of day as the ISO string the relationship properties are compared with."""
    return None if day is None else day.isoformat()


def _direction_filter(direction: str) -> str:
    """The WHERE part that keeps relations seen from ``n`` in ``direction`` (symmetric ones always)."""
    if direction == "both":
        return "true"
    end = "startNode(r)" if direction == "out" else "endNode(r)"
    return f"({end} = n OR type(r) IN $sym)"


class Neo4jStore(NativeQueries, Store):
    """A :class:`Store` on a Neo4j 5 server.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection settings; default from ``NEO4J_URI`` (``bolt://127.0.0.1:7687``),
        ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD`` (none), ``NEO4J_DATABASE`` (``neo4j``).
    batch_size : int, optional
        Rows per ``UNWIND`` batch when writing (default 10000, or ``CRIMEGRAPH_NEO4J_BATCH_SIZE``).

    Raises
    ------
    StoreUnavailable
        The server cannot be reached, rejects the credentials, or is older than Neo4j 5.
    """

    backend = "neo4j"

    def __init__(self, uri: Optional[str] = None, user: Optional[str] = None,
                 password: Optional[str] = None, database: Optional[str] = None,
                 batch_size: Optional[int] = None, **_options: Any):
        self.settings = Settings.resolve(uri, user, password, database)
        self.batch_size = int(batch_size or os.environ.get("CRIMEGRAPH_NEO4J_BATCH_SIZE")
                              or DEFAULT_BATCH_SIZE)
        self._driver, self.server_version, self.edition = connect(self.settings)
        #: what the last :meth:`write` did (counts of rows created, updated, deleted)
        self.last_write: dict[str, int] = {}
        self._load_status: Optional[dict] = None

    @property
    def uri(self) -> str:
        return self.settings.uri

    def __repr__(self) -> str:
        return f"Neo4jStore({self.settings.uri!r}, database={self.settings.database!r})"

    # ------------------------------------------------------------ plumbing
    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def _check_open(self) -> None:
        if self._driver is None:
            raise StoreUnavailable(f"the Neo4j store for {self.settings.uri} is closed")

    def _session(self):
        self._check_open()
        return self._driver.session(database=self.settings.database)

    def _run(self, query: str, **params: Any) -> list:
        """Run one statement (write routing) and return its records."""
        self._check_open()
        with translate_errors(self.settings):
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self.settings.database)
        return records

    def _read(self, query: str, **params: Any) -> list:
        """Run one read-only statement and return its records."""
        self._check_open()
        with translate_errors(self.settings):
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self.settings.database, routing_="r")
        return records

    def _rows(self, query: str, **params: Any) -> list[tuple]:
        return [tuple(r.values()) for r in self._read(query, **params)]

    def cypher(self, query: str, **params: Any) -> list[dict]:
        """Run a read-only Cypher statement (a named query) and return plain dicts."""
        return [r.data() for r in self._read(query, **params)]

    # ------------------------------------------------------------ write
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None,
              batch_size: Optional[int] = None) -> None:
        """Load ``dataset`` (see :mod:`.neo4j_writer`).

        Raises
        ------
        StoreUnavailable
            The server could not be used; when that happened halfway (the connection lost,
            the server stopped), the message says so, what was committed, and that running
            the same load again finishes it.
        """
        from neo4j import exceptions as ne

        writer = Neo4jWriter(self, batch_size or self.batch_size, progress)
        self._search_changed()
        try:
            with translate_errors(self.settings):
                self.last_write = writer.write(dataset, replace=replace)
        except (StoreUnavailable, ne.Neo4jError, ne.DriverError, OSError) as exc:
            if not writer.marked:
                raise
            raise StoreUnavailable(self._stopped_message(writer, dataset, exc)) from None
        self._load_status = None

    def _stopped_message(self, writer: Neo4jWriter, dataset: Dataset, exc: BaseException) -> str:
        from neo4j import exceptions as ne

        lost = isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, ne.IncompleteCommit, OSError,
                                StoreUnavailable))
        what = ("the connection to the server was lost (the server stopped, or the network failed)"
                if lost else f"the server refused a batch ({' '.join(str(exc).split())[:200]})")
        done = ", ".join(
            f"{writer.committed[k] + writer.unchanged[k]:,} of {n:,} {k}"
            for k, n in (("sources", len(dataset.sources)), ("entities", len(dataset.entities)),
                         ("relations", len(dataset.relations))))
        return (f"the load into Neo4j at {self.settings.uri} stopped halfway: {what}. In the store "
                f"when it stopped: {done}; the store is marked as an unfinished load, and reads say so. "
                "Run the same command again to finish the load (what is already there is kept or "
                "updated, not duplicated).")

    # ------------------------------------------------------------ load state
    def load_status(self) -> dict:
        """What the meta node says about the last load: ``state`` is ``complete``, ``in-progress``
        (a load started and did not finish), ``unrecorded`` (crimegraph nodes, but no record of a
        finished load: interrupted before loads were marked, or written by something else) or
        ``empty``; with ``started``, ``fingerprint`` and the ``entities`` on the server."""
        if getattr(self, "_load_status", None) is None:
            (row,) = self._rows(
                f"OPTIONAL MATCH (m:{META_LABEL} {{key: $key}}) "
                f"CALL {{ MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS e }} "
                f"CALL {{ MATCH (s:{SOURCE_LABEL}) RETURN count(s) AS s }} "
                "RETURN m IS NOT NULL, m.load_state, m.load_started, m.dataset_fp, e, s", key=META_KEY)
            has_meta, state, started, fp, ents, srcs = row
            if not has_meta:
                state = "unrecorded" if ents or srcs else "empty"
            elif state is None:
                state = LOAD_COMPLETE  # written by a loader from before loads were marked: at its end
            self._load_status = {"state": state, "started": started, "fingerprint": fp, "entities": ents}
        return self._load_status

    def load_problem(self) -> Optional[str]:
        """Why the graph on the server cannot be trusted to be whole, or None when it can."""
        st = self.load_status()
        where = f"the Neo4j store at {self.settings.uri}"
        if st["state"] == LOAD_IN_PROGRESS:
            return (f"{where} holds an unfinished load (started {st['started']}, it never completed): "
                    "answers may miss entities and relations; run `crimegraph load --store neo4j` "
                    "with the same seeds again to finish it")
        if st["state"] == "unrecorded":
            return (f"{where} holds {st['entities']:,} crimegraph entities but no record of a finished "
                    "load (an interrupted load, or data written by something else): answers may be "
                    "incomplete; run `crimegraph load --store neo4j` (with --replace to rebuild it)")
        if st["state"] == "empty":
            return f"{where} is empty; load it with `crimegraph load --store neo4j`"
        return None

    def clear(self) -> None:
        """Delete every crimegraph node and relationship (entities, sources, the meta node)."""
        self._search_changed()
        self._load_status = None
        with translate_errors(self.settings), self._session() as session:
            for label in (ENTITY_LABEL, SOURCE_LABEL, META_LABEL):
                # CALL ... IN TRANSACTIONS needs an auto-commit transaction (session.run)
                session.run(f"MATCH (n:{label}) CALL {{ WITH n DETACH DELETE n }} "
                            "IN TRANSACTIONS OF 10000 ROWS").consume()

    @property
    def meta(self) -> Optional[DatasetMeta]:
        """The header of the dataset last written, or ``None`` before any load."""
        rows = self._rows(f"MATCH (m:{META_LABEL} {{key: $key}}) RETURN m.meta_json", key=META_KEY)
        if not rows or rows[0][0] is None:
            return None
        return DatasetMeta.model_validate_json(rows[0][0])

    def _totals(self) -> dict[str, int]:
        (row,) = self._rows(
            f"CALL {{ MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS e }} "
            f"CALL {{ MATCH (:{ENTITY_LABEL})-[r{rel_pattern(RELATION_TYPES)}]->(:{ENTITY_LABEL}) "
            "RETURN count(r) AS r } "
            f"CALL {{ MATCH (s:{SOURCE_LABEL}) RETURN count(s) AS s }} RETURN e, r, s")
        return {"entities": row[0], "relations": row[1], "sources": row[2]}

    # ------------------------------------------------------------ entities
    def entity(self, entity_id: str) -> Entity:
        rows = self._rows(f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) RETURN properties(n)", id=entity_id)
        if not rows:
            raise EntityNotFound(entity_id, self._suggest(entity_id))
        return entity_from_props(rows[0][0])

    def has_entity(self, entity_id: str) -> bool:
        return bool(self._rows(f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) RETURN 1", id=entity_id))

    def _suggest(self, ref: str) -> list[str]:
        hits = self.search(ref, limit=3)
        if hits:
            return [f"{h.id} ({h.name})" for h in hits]
        return close_matches(ref, [r[0] for r in self._rows(
            f"MATCH (n:{ENTITY_LABEL}) RETURN n.id ORDER BY n.seq")])

    def _entities_by_id(self, ids: Iterable[str]) -> dict[str, Entity]:
        rows = self._rows(f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
                          "RETURN n.id, properties(n)", ids=list(dict.fromkeys(ids)))
        return {i: entity_from_props(p) for i, p in rows}

    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        kinds = sorted(set(kinds)) if kinds else None
        types = sorted(set(types)) if types else None
        rows = self._rows(f"MATCH (n:{ENTITY_LABEL}) "
                          "WHERE ($kinds IS NULL OR n.kind IN $kinds) AND ($types IS NULL OR n.type IN $types) "
                          "RETURN n.id, properties(n) ORDER BY n.id", kinds=kinds, types=types)
        rows.sort(key=lambda r: r[0])
        for _, p in rows:
            yield entity_from_props(p)

    # ------------------------------------------------------------ relations
    def _relation_rows(self, rows) -> list[Relation]:
        cache: dict[str, Relation] = {}
        out = []
        for t, s, o, p in rows:
            rel = cache.get(p["id"])
            if rel is None:
                rel = cache[p["id"]] = relation_from_row(t, s, o, p)
            out.append(rel)
        return out

    def relation(self, relation_id: str) -> Relation:
        # one index seek per declared type (a relationship index has exactly one type)
        parts = [f"MATCH ()-[r:{rt.cypher_type} {{id: $id}}]->() RETURN {REL_COLUMNS}"
                 for rt in RELATION_TYPES.values()]
        rows = self._rows(" UNION ALL ".join(parts), id=relation_id)
        if not rows:
            ids = [r[0] for r in self._rows(
                f"MATCH ()-[r{rel_pattern(RELATION_TYPES)}]->() RETURN r.id ORDER BY r.seq")]
            raise RelationNotFound(relation_id, close_matches(relation_id, ids))
        return self._relation_rows(rows[:1])[0]

    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        types = check_types(types)
        if types is not None and not types:
            if entity is not None and not self.has_entity(entity):
                raise EntityNotFound(entity, self._suggest(entity))
            return []
        pat = rel_pattern(types if types is not None else RELATION_TYPES)
        cond = AS_OF if as_of is not None else "true"
        if entity is None:
            rows = self._rows(f"MATCH (:{ENTITY_LABEL})-[r{pat}]->(:{ENTITY_LABEL}) WHERE {cond} "
                              f"RETURN {REL_COLUMNS} ORDER BY r.id", day=_iso(as_of))
        else:
            rows = self._rows(
                f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) "
                f"OPTIONAL MATCH (n)-[r{pat}]-(:{ENTITY_LABEL}) "
                f"WHERE {cond} AND {_direction_filter(direction)} "
                f"RETURN {REL_COLUMNS} ORDER BY r.id",
                id=entity, day=_iso(as_of), sym=list(SYMMETRIC_CYPHER))
            if not rows:
                raise EntityNotFound(entity, self._suggest(entity))
            rows = [r for r in rows if r[0] is not None]
        rels = self._relation_rows(rows)
        rels.sort(key=lambda r: r.id)
        return rels

    def entities_by_id(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        return self._entities_by_id(list(entity_ids))

    def degrees(self, entity_ids: Iterable[str], *, as_of: Optional[dt.date] = None) -> dict[str, int]:
        """Relations per entity, counted on the server in one statement (no relation is read)."""
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return {}
        cond = AS_OF if as_of is not None else "true"
        rows = self._rows(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
            f"OPTIONAL MATCH (n)-[r]-(:{ENTITY_LABEL}) WHERE {cond} RETURN id, count(r)",
            ids=ids, day=_iso(as_of))
        found = {i: int(n) for i, n in rows}
        return {i: found.get(i, 0) for i in ids}

    def adjacent_many(self, entity_ids: Sequence[str], *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> dict[str, list[tuple[str, Relation]]]:
        """Incident relations of a whole frontier in one statement (:meth:`_incident`)."""
        found = self._incident(list(dict.fromkeys(entity_ids)), types, as_of)
        return {i: [(r.other(i), r) for r in rels] for i, rels in found.items()}

    def _incident(self, ids: Sequence[str], types: Optional[frozenset[str]],
                  as_of: Optional[dt.date], among: bool = False) -> dict[str, list[Relation]]:
        """Relations of each of ``ids`` (both directions), each list sorted by id.

        With ``among``, only relations whose two ends are both in ``ids``.
        """
        out: dict[str, list[Relation]] = {i: [] for i in ids}
        if not ids or (types is not None and not types):
            return out
        pat = rel_pattern(types if types is not None else RELATION_TYPES)
        cond = AS_OF if as_of is not None else "true"
        if among:
            cond += " AND m.id IN $ids"
        rows = self._rows(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}})-[r{pat}]-(m:{ENTITY_LABEL}) "
            f"WHERE {cond} RETURN id, {REL_COLUMNS}", ids=list(ids), day=_iso(as_of))
        rels = self._relation_rows([row[1:] for row in rows])
        for row, rel in zip(rows, rels):
            out[row[0]].append(rel)
        for lst in out.values():
            lst.sort(key=lambda r: r.id)
        return out

    # ------------------------------------------------------------ sources
    def source(self, source_id: str) -> Source:
        rows = self._rows(f"MATCH (s:{SOURCE_LABEL} {{id: $id}}) RETURN properties(s)", id=source_id)
        if not rows:
            ids = [r[0] for r in self._rows(f"MATCH (s:{SOURCE_LABEL}) RETURN s.id ORDER BY s.seq")]
            raise SourceNotFound(source_id, close_matches(source_id, ids))
        return source_from_props(rows[0][0])

    def sources(self) -> Iterator[Source]:
        rows = self._rows(f"MATCH (s:{SOURCE_LABEL}) RETURN s.id, properties(s) ORDER BY s.id")
        rows.sort(key=lambda r: r[0])
        for _, p in rows:
            yield source_from_props(p)

    # ------------------------------------------------------------ search
    # Store.search: the one engine, built from what this store reads back (entities,
    # relations and sources in id order), kept until this store writes again. A
    # server changed by another process is seen by the next store opened on it.

    # ------------------------------------------------------------ derived, native
    def counts(self) -> dict:
        rels = f"(:{ENTITY_LABEL})-[r{rel_pattern(RELATION_TYPES)}]->(:{ENTITY_LABEL})"
        (row,) = self._rows(
            f"CALL {{ MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS e, "
            "  sum(size(coalesce(n.citation_sources, []))) AS ec } "
            f"CALL {{ MATCH {rels} "
            "  RETURN count(r) AS r, sum(size(coalesce(r.citation_sources, []))) AS rc } "
            f"CALL {{ MATCH (s:{SOURCE_LABEL}) RETURN count(s) AS s }} "
            f"CALL {{ MATCH (n:{ENTITY_LABEL}) WITH n.kind AS k, count(*) AS c "
            "  RETURN collect([k, c]) AS kinds } "
            f"CALL {{ MATCH (n:{ENTITY_LABEL}) WITH n.type AS k, count(*) AS c "
            "  RETURN collect([k, c]) AS types } "
            f"CALL {{ MATCH {rels} WITH type(r) AS k, count(*) AS c RETURN collect([k, c]) AS rtypes }} "
            "RETURN e, ec, r, rc, s, kinds, types, rtypes")
        e, ec, r, rc, s, kinds, types, rtypes = row
        return {
            "entities": e,
            "relations": r,
            "sources": s,
            "citations": (rc or 0) + (ec or 0),
            "by_kind": dict(sorted((k, c) for k, c in kinds)),
            "by_type": dict(sorted((k, c) for k, c in types)),
            "by_relation_type": dict(sorted((TYPE_BY_CYPHER[k], c) for k, c in rtypes)),
        }

    def dataset(self) -> Dataset:
        srcs = self._rows(f"MATCH (s:{SOURCE_LABEL}) RETURN properties(s) ORDER BY s.seq, s.id")
        ents = self._rows(f"MATCH (n:{ENTITY_LABEL}) RETURN properties(n) ORDER BY n.seq, n.id")
        rels = self._rows(f"MATCH (:{ENTITY_LABEL})-[r{rel_pattern(RELATION_TYPES)}]->(:{ENTITY_LABEL}) "
                          f"RETURN {REL_COLUMNS} ORDER BY r.seq, r.id")
        return Dataset(
            sources={s.id: s for s in (source_from_props(p) for (p,) in srcs)},
            entities={e.id: e for e in (entity_from_props(p) for (p,) in ents)},
            relations={r.id: r for r in self._relation_rows(rels)},
        )

    def neighbours(self, entity_id: str, *, direction: str = "both",
                   types: Optional[Iterable[str]] = None,
                   as_of: Optional[dt.date] = None) -> list[str]:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        types = check_types(types)
        if types is not None and not types:
            if not self.has_entity(entity_id):
                raise EntityNotFound(entity_id, self._suggest(entity_id))
            return []
        pat = rel_pattern(types if types is not None else RELATION_TYPES)
        cond = AS_OF if as_of is not None else "true"
        rows = self._rows(
            f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) "
            f"OPTIONAL MATCH (n)-[r{pat}]-(m:{ENTITY_LABEL}) "
            f"WHERE {cond} AND {_direction_filter(direction)} "
            "RETURN n.id, collect(DISTINCT m.id)",
            id=entity_id, day=_iso(as_of), sym=list(SYMMETRIC_CYPHER))
        if not rows:
            raise EntityNotFound(entity_id, self._suggest(entity_id))
        return sorted(rows[0][1])

    def subgraph(self, ids: Iterable[str], *, types: Optional[Iterable[str]] = None,
                 as_of: Optional[dt.date] = None) -> Subgraph:
        keep = sorted(set(ids))
        if keep:
            types = check_types(types)
        found = self._entities_by_id(keep)
        sg = Subgraph()
        for i in keep:
            if i not in found:
                raise EntityNotFound(i, self._suggest(i))
            sg.add_entity(found[i])
        incident = self._incident(keep, types, as_of, among=True)
        for i in keep:
            for r in incident[i]:
                sg.add_relation(r)
        return sg

    def level_links(self, ids: Sequence[str], types: Optional[frozenset[str]],
                    as_of: Optional[dt.date]) -> dict[str, list[tuple[str, Relation]]]:
        """The whole level in one Cypher statement (:meth:`_incident`), by relation id."""
        got = self._incident(list(ids), types, as_of)
        return {i: [(r.other(i), r) for r in got[i]] for i in ids}

    def expand(self, seeds: Sequence[str], *, depth: int = 1,
               types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
               cap: Optional[int] = None) -> Subgraph:
        """Breadth-first neighbourhood; one Cypher statement per level, same answer as the base."""
        types = check_types(types)
        found = self._entities_by_id(seeds)
        for s in seeds:
            if s not in found:
                raise EntityNotFound(s, self._suggest(s))
        sg, order = breadth_first(seeds, depth, cap, lambda ids: self.level_links(ids, types, as_of))
        found.update(self._entities_by_id([i for i in order if i not in found]))
        for i in order:
            sg.add_entity(found[i])
        # relations among the entities reached at the last depth
        members = list(sg.entities)
        incident = self._incident(members, types, as_of, among=True)
        for i in members:
            for r in incident[i]:
                sg.add_relation(r)
        return sg
