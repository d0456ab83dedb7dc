"""The RDF store: Oxigraph (pyoxigraph), in memory or in a persistent folder, read with SPARQL.

The store holds exactly the triples of the N-Triples export (entities with
their direct relation triples, qualified ``cg:Relation`` resources with
periods, confidence and citations, sources, the dataset header), so the
named queries in ``queries/sparql/*.rq`` run against it as they would
against a dump, and every read of the Store protocol is one SPARQL query
whose rows are turned back into the pydantic models.

Writes are atomic: the dataset is streamed to N-Triples, bulk-loaded into a
fresh store (a sibling folder when persistent), and swapped in only when the
load has succeeded; a failure leaves the previous contents untouched.
``replace=False`` merges the new dataset into what the store holds (entities,
relations and sources are replaced by id, as in the memory store), then
rebuilds.

>>> from crimegraph.graph.registry import open_store
>>> store = open_store("rdf")                      # the Peru data, in memory
>>> [r.object for r in store.relations("shining-path", types=["operates_in"])][:2]
['peru', 'tocache']

Ego networks and brokers read ids first and models last (:mod:`crimegraph.rdf.native`):
a breadth-first level is one SELECT, the brokers' projection two streaming SELECTs
(the relations' ends, the actors' id, type and name); only what an answer shows is
rebuilt into models.

``rdflib`` users can have the data as an ``rdflib.Graph`` with :meth:`RdfStore.rdflib_graph`.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from crimegraph.errors import EntityNotFound, RelationNotFound, SourceNotFound, StoreUnavailable
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import DatasetMeta, Entity, Relation, Source
from crimegraph.schema.validate import close_matches
from .base import DIRECTIONS, Store, check_types

try:
    import pyoxigraph as ox
except ImportError as exc:  # pragma: no cover - the registry turns this into a clear message
    raise ImportError(exc.msg, name="pyoxigraph") from None


def _date(d: dt.date) -> str:
    return f'"{d.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'


class RdfStore(Store):
    """Oxigraph behind the Store protocol.

    Parameters
    ----------
    path : str or Path, optional
        A folder for a persistent store (created if missing); default
        ``$CRIMEGRAPH_RDF_PATH``, else in memory.
    base_iri : str, optional
        The base of the IRIs (default :func:`crimegraph.config.base_iri`). A
        persistent store that already holds crimegraph data keeps the base it
        was written with.
    """

    backend = "rdf"

    def __init__(self, path: Optional[os.PathLike | str] = None, base_iri: Optional[str] = None,
                 **_options):
        from crimegraph.rdf.read import StoreReader, detect_base
        from crimegraph.rdf.vocab import rdf_vocab

        path = path or os.environ.get("CRIMEGRAPH_RDF_PATH") or None
        self.path = Path(path) if path else None
        self._store = self._open(self.path) if self.path else ox.Store()
        base = base_iri
        if base is None and self.path is not None:
            base = detect_base(self._store)
        self.vocab = rdf_vocab(base)
        self._reader_cls = StoreReader
        self._search_engine = None
        self._meta: Optional[DatasetMeta] = None

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _open(path: Path):
        old = path.with_name(path.name + ".old")
        if not path.exists() and old.exists():  # a swap was interrupted: take the previous data back
            old.rename(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailable(f"cannot open the RDF store at {path}: {exc} "
                                   "(is another crimegraph process using it?)") from None

    @property
    def store(self):
        """The underlying :class:`pyoxigraph.Store` (for SPARQL: ``store.store.query(...)``)."""
        return self._store

    def query(self, sparql: str, **kwargs):
        """Run a SPARQL query; ``cg:``, ``skos:``... prefixes are predeclared."""
        return self._store.query(self.prefixes() + sparql, **kwargs)

    def prefixes(self) -> str:
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.vocab.prefixes.items())

    def _reader(self):
        return self._reader_cls(self._store, self.vocab)

    def __len__(self) -> int:
        return len(self._store)

    # ------------------------------------------------------------------ write
    def write(self, dataset: Dataset, *, replace: bool = False, progress=None) -> None:
        from crimegraph.schema.compact import no_gc
        from crimegraph.rdf.writers import write_dataset_ntriples

        if not replace and len(self._store):
            dataset = _merge(self.dataset(), dataset)
        fresh_dir: Optional[Path] = None
        if self.path is not None:
            fresh_dir = Path(tempfile.mkdtemp(prefix=self.path.name + ".new-", dir=self.path.parent))
        try:
            fresh = ox.Store(str(fresh_dir)) if fresh_dir else ox.Store()
            with tempfile.NamedTemporaryFile(suffix=".nt", prefix="crimegraph-") as tmp:
                with no_gc():
                    write_dataset_ntriples(dataset, tmp, self.vocab)
                tmp.flush()
                fresh.bulk_load(path=tmp.name, format=ox.RdfFormat.N_TRIPLES)
            if progress:
                progress(len(dataset.relations))
            if fresh_dir is not None:
                fresh.flush()
        except BaseException:
            fresh = None
            gc.collect()
            if fresh_dir is not None:
                shutil.rmtree(fresh_dir, ignore_errors=True)
            raise
        if fresh_dir is None:
            self._store = fresh
        else:
            assert self.path is not None
            # swap folders: close both stores, move the old one aside, the new one in
            del fresh
            self._store = None
            gc.collect()
            from crimegraph.atomic import replace_folder

            # in one step where the system can; else through PATH.old, which _open takes back
            replace_folder(fresh_dir, self.path, aside=self.path.with_name(self.path.name + ".old"))
            self._store = self._open(self.path)
        self._search_changed()
        self._meta = dataset.meta

    # ------------------------------------------------------------------ helpers
    def _iri_values(self, iris: Iterable[str]) -> str:
        return " ".join(f"<{i}>" for i in iris)

    def _entity_models(self, where: str = "") -> list[Entity]:
        from pydantic import TypeAdapter

        from crimegraph.schema.models import AnyEntity

        adapter = _adapter("entity", lambda: TypeAdapter(AnyEntity))
        return [adapter.validate_python(d) for d in self._reader().entities(where)]

    def _relation_models(self, where: str = "") -> list[Relation]:
        return [Relation.model_validate(d) for d in self._reader().relations(where)]

    def _ids(self, cls_iri: str, ns: str) -> list[str]:
        rows = self._store.query(f"SELECT ?x WHERE {{ ?x a <{cls_iri}> }}")
        n = len(ns)
        return sorted(x.value[n:] for (x,) in rows)

    def _suggest(self, ref: str) -> list[str]:
        hits = self.search(ref, limit=3)
        if hits:
            return [f"{h.id} ({h.name})" for h in hits]
        return close_matches(ref, self._ids_of_entities())

    def _ids_of_entities(self) -> list[str]:
        v = self.vocab
        q = f"SELECT DISTINCT ?x WHERE {{ ?x a ?k . VALUES ?k {{ {self._iri_values(v.kind_classes.values())} }} }}"
        n = len(v.id_ns)
        return sorted(x.value[n:] for (x,) in self._store.query(q))

    # ------------------------------------------------------------------ reads
    def entity(self, entity_id: str) -> Entity:
        found = self._entity_models(f"VALUES ?x {{ <{self.vocab.entity_iri(entity_id)}> }}") \
            if _safe_id(entity_id) else []
        if not found:
            raise EntityNotFound(entity_id, self._suggest(entity_id))
        return found[0]

    def has_entity(self, entity_id: str) -> bool:
        if not _safe_id(entity_id):
            return False
        return bool(self._store.query(f"ASK {{ <{self.vocab.entity_iri(entity_id)}> "
                                      f"<{self.vocab.expand('skos:prefLabel')}> ?n }}"))

    def entities(self, kinds: Optional[Iterable[str]] = None,
                 types: Optional[Iterable[str]] = None) -> Iterator[Entity]:
        v = self.vocab
        where = []
        kinds = set(kinds) if kinds else None
        types = set(types) if types else None
        if kinds:
            known = [v.kind_classes[k] for k in kinds if k in v.kind_classes]
            if not known:
                return iter(())
            where.append(f"FILTER(?k IN ({', '.join(f'<{k}>' for k in known)}))")
        if types:
            known = [v.type_classes[t] for t in types if t in v.type_classes]
            if not known:
                return iter(())
            where.append(f"?x a ?t . VALUES ?t {{ {self._iri_values(known)} }}")
        return iter(self._entity_models(" ".join(where)))

    def relation(self, relation_id: str) -> Relation:
        found = self._relation_models(f"VALUES ?x {{ <{self.vocab.relation_iri(relation_id)}> }} "
                                      f"?x a <{self.vocab.Relation}> .") if _safe_id(relation_id) else []
        if not found:
            raise RelationNotFound(relation_id, close_matches(relation_id, self._ids(
                self.vocab.Relation, self.vocab.relation_ns)))
        return found[0]

    def relations(self, entity: Optional[str] = None, *, direction: str = "both",
                  types: Optional[Iterable[str]] = None,
                  as_of: Optional[dt.date] = None) -> list[Relation]:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        types = check_types(types)
        if entity is not None and not self.has_entity(entity):
            raise EntityNotFound(entity, self._suggest(entity))
        where = self.relation_filter(entity, direction=direction, types=types, as_of=as_of)
        out = self._relation_models(where)
        out.sort(key=lambda r: r.id)
        return out

    def relation_filter(self, entity: Optional[str] = None, *, direction: str = "both",
                        types: Optional[Iterable[str]] = None, as_of: Optional[dt.date] = None,
                        var: str = "?x") -> str:
        """SPARQL patterns selecting the qualified relations ``var`` of an entity (see :meth:`relations`)."""
        v = self.vocab
        parts = []
        rtype = f"{var} <{v.expand('cg:relationType')}>"
        if entity is not None:
            e = f"<{v.entity_iri(entity)}>"
            subj, obj = f"{var} <{v.expand('cg:subject')}> {e}", f"{var} <{v.expand('cg:object')}> {e}"
            sym = self._iri_values(v.symmetric_props)
            rt = f"{rtype} ?symt . VALUES ?symt {{ {sym} }}"
            if direction == "both":
                parts.append(f"{{ {subj} }} UNION {{ {obj} }}")
            elif direction == "out":
                parts.append(f"{{ {subj} }} UNION {{ {obj} . {rt} }}")
            else:
                parts.append(f"{{ {obj} }} UNION {{ {subj} . {rt} }}")
        if types is not None:
            props = [v.relation_props[t] for t in sorted(types)]
            if not props:
                return f"{var} a <{v.Relation}> . FILTER(false)"
            parts.append(f"{rtype} ?rt . VALUES ?rt {{ {self._iri_values(props)} }}")
        if not parts:  # nothing binds the relation yet
            parts.append(f"{var} a <{v.Relation}> .")
        if as_of is not None:
            day = _date(as_of)
            # the as-of rule (schema/timing.py) on the precomputed window: shown on the day
            parts.append(f"{var} <{v.expand('cg:shownFrom')}> ?sf . "
                         f"OPTIONAL {{ {var} <{v.expand('cg:shownUntil')}> ?su }} "
                         f"FILTER(?sf <= {day} && (!BOUND(?su) || ?su >= {day}))")
        return " ".join(parts)

    def source(self, source_id: str) -> Source:
        found = list(self._reader().sources(f"VALUES ?x {{ <{self.vocab.source_iri(source_id)}> }}")) \
            if _safe_id(source_id) else []  # (source_rows checks the type)
        if not found:
            raise SourceNotFound(source_id, close_matches(source_id, self._ids(
                self.vocab.Source, self.vocab.source_ns)))
        return Source.model_validate(found[0])

    def sources(self) -> Iterator[Source]:
        return iter([Source.model_validate(d) for d in self._reader().sources()])

    # ------------------------------------------------------------------ derived, answered natively
    @property
    def meta(self) -> DatasetMeta:
        if self._meta is None:
            self._meta = DatasetMeta.model_validate(self._reader().meta())
        return self._meta

    def dataset(self) -> Dataset:
        """Everything in the store, with the dataset header."""
        from pydantic import TypeAdapter

        from crimegraph.schema.models import AnyEntity

        reader = self._reader()
        adapter = _adapter("entity", lambda: TypeAdapter(AnyEntity))
        ents = [adapter.validate_python(d) for d in reader.entities()]
        rels = [Relation.model_validate(d) for d in reader.relations()]
        srcs = [Source.model_validate(d) for d in reader.sources()]
        return Dataset(meta=self.meta, sources={s.id: s for s in srcs},
                       entities={e.id: e for e in ents}, relations={r.id: r for r in rels})

    def counts(self) -> dict:
        """Counts by kind, entity type and relation type, with SPARQL aggregates."""
        v = self.vocab
        by_kind: dict[str, int] = {}
        by_type: dict[str, int] = {}
        q = f"""SELECT ?c (COUNT(?x) AS ?n) WHERE {{ ?x a ?c .
  VALUES ?c {{ {self._iri_values([*v.kind_classes.values(), *v.type_classes.values()])} }} }} GROUP BY ?c"""
        for c, n in self._store.query(q):
            what, name = v.class_by_iri[c.value]
            (by_kind if what == "kind" else by_type)[name] = int(n.value)
        rels: dict[str, int] = {}
        q = f"""SELECT ?t (COUNT(?r) AS ?n) WHERE {{ ?r a <{v.Relation}> ; <{v.expand('cg:relationType')}> ?t }}
GROUP BY ?t"""
        for t, n in self._store.query(q):
            rels[v.relation_by_prop[t.value]] = int(n.value)
        q = f"""SELECT (COUNT(?c) AS ?n) WHERE {{ ?x <{v.expand('cg:citation')}> ?c }}"""
        citations = int(next(iter(self._store.query(q)))[0].value)
        q = f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a <{v.Source}> }}"
        sources = int(next(iter(self._store.query(q)))[0].value)
        return {
            "entities": sum(by_kind.values()),
            "relations": sum(rels.values()),
            "sources": sources,
            "citations": citations,
            "by_kind": dict(sorted(by_kind.items())),
            "by_type": dict(sorted(by_type.items())),
            "by_relation_type": dict(sorted(rels.items())),
        }

    def degree_hint(self, entity_id: str) -> int:
        v = self.vocab
        e = f"<{v.entity_iri(entity_id)}>"
        q = (f"SELECT (COUNT(?r) AS ?n) WHERE {{ {{ ?r <{v.expand('cg:subject')}> {e} }} "
             f"UNION {{ ?r <{v.expand('cg:object')}> {e} }} }}")
        return int(next(iter(self._store.query(q)))[0].value) or 1

    def adjacent_many(self, entity_ids: Sequence[str], *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> dict[str, list[tuple[str, Relation]]]:
        """Incident relations of a whole frontier in one SPARQL query (``VALUES`` of its IRIs)."""
        ids = list(dict.fromkeys(entity_ids))
        out: dict[str, list[tuple[str, Relation]]] = {i: [] for i in ids}
        if not ids or (types is not None and not types):
            return out
        v = self.vocab
        where = (f"VALUES ?e {{ {self._iri_values(v.entity_iri(i) for i in ids)} }} "
                 f"{{ ?x <{v.expand('cg:subject')}> ?e }} UNION {{ ?x <{v.expand('cg:object')}> ?e }} "
                 + self.relation_filter(None, types=types, as_of=as_of))
        wanted = set(ids)
        for r in sorted(self._relation_models(where), key=lambda r: r.id):
            for end in dict.fromkeys((r.subject, r.object)):
                if end in wanted:
                    out[end].append((r.other(end), r))
        return out

    def degrees(self, entity_ids: Iterable[str], *, as_of: Optional[dt.date] = None) -> dict[str, int]:
        """Relations per entity, counted in one SPARQL query."""
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return {}
        v = self.vocab
        where = self.relation_filter(None, as_of=as_of)
        q = (f"SELECT ?e (COUNT(DISTINCT ?x) AS ?n) WHERE {{ "
             f"VALUES ?e {{ {self._iri_values(v.entity_iri(i) for i in ids)} }} "
             f"{{ ?x <{v.expand('cg:subject')}> ?e }} UNION {{ ?x <{v.expand('cg:object')}> ?e }} "
             f"{where} }} GROUP BY ?e")
        n = len(v.id_ns)
        found = {e.value[n:]: int(c.value) for e, c in self._store.query(q)}
        return {i: found.get(i, 0) for i in ids}

    def neighbours(self, entity_id: str, *, direction: str = "both",
                   types: Optional[Iterable[str]] = None,
                   as_of: Optional[dt.date] = None) -> list[str]:
        """Ids one relation away, in one SPARQL query (no relation is rebuilt)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        types = check_types(types)
        if not self.has_entity(entity_id):
            raise EntityNotFound(entity_id, self._suggest(entity_id))
        v = self.vocab
        where = self.relation_filter(entity_id, direction=direction, types=types, as_of=as_of)
        q = (f"SELECT DISTINCT ?s ?o WHERE {{ {where} ?x <{v.expand('cg:subject')}> ?s ; "
             f"<{v.expand('cg:object')}> ?o }}")
        me = v.entity_iri(entity_id)
        n = len(v.id_ns)
        ids = {(o.value if s.value == me else s.value)[n:] for s, o in self._store.query(q)}
        return sorted(ids)

    def entities_by_id(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Several entities in one SPARQL query (the absent ones left out)."""
        ids = [i for i in dict.fromkeys(entity_ids) if _safe_id(i)]
        if not ids:
            return {}
        found = self._entity_models(f"VALUES ?x {{ {self._iri_values(self.vocab.entity_iri(i) for i in ids)} }}")
        return {e.id: e for e in found}

    def expand(self, seeds: Sequence[str], *, depth: int = 1, types: Optional[Iterable[str]] = None,
               as_of: Optional[dt.date] = None, cap: Optional[int] = None):
        """Breadth-first, one SPARQL query per level of ids and ranks; only what is shown is rebuilt."""
        from crimegraph.rdf.native import expand

        return expand(self, seeds, depth=depth, types=types, as_of=as_of, cap=cap)

    def subgraph(self, ids: Iterable[str], *, types: Optional[Iterable[str]] = None,
                 as_of: Optional[dt.date] = None):
        from crimegraph.rdf.native import subgraph

        return subgraph(self, ids, types=types, as_of=as_of)

    def relation_ends(self, *, types: Optional[Iterable[str]] = None,
                      as_of: Optional[dt.date] = None) -> Iterator[tuple[str, str]]:
        """``(subject, object)`` of the relations, without building any.

        Undated: the direct triples (``?s cg:alliedWith ?o``), read by triple pattern, one
        type at a time (relations of one type between the same two entities come once, as
        their triple; the analytics merge them anyway). With ``as_of``: one streaming SELECT
        over the qualified relations' windows."""
        import pyoxigraph as ox

        types = check_types(types)
        if types is not None and not types:
            return iter(())
        v = self.vocab
        n = len(v.id_ns)
        if as_of is None:
            graph = ox.DefaultGraph()
            props = [v.relation_props[t] for t in sorted(types if types is not None else v.relation_props)]
            return ((q.subject.value[n:], q.object.value[n:]) for p in props
                    for q in self._store.quads_for_pattern(None, ox.NamedNode(p), None, graph))
        q = (f"SELECT ?s ?o WHERE {{ {self.relation_filter(None, types=types, as_of=as_of)} "
             f"?x <{v.expand('cg:subject')}> ?s ; <{v.expand('cg:object')}> ?o }}")
        return ((s.value[n:], o.value[n:]) for s, o in self._store.query(q))

    def neighbour_ids(self, entity_id: str, *, types: Optional[frozenset[str]] = None,
                      as_of: Optional[dt.date] = None) -> list[str]:
        """Ids one relation away (repeats allowed), from one SPARQL SELECT: no relation is rebuilt."""
        if types is not None and not types:
            return []
        v = self.vocab
        subj, obj = v.expand("cg:subject"), v.expand("cg:object")
        q = (f"SELECT ?s ?o WHERE {{ {self.relation_filter(entity_id, types=types, as_of=as_of)} "
             f"?x <{subj}> ?s ; <{obj}> ?o }}")
        me, n = v.entity_iri(entity_id), len(v.id_ns)
        return [(o.value if s.value == me else s.value)[n:] for s, o in self._store.query(q)]

    def native_ego_network(self, entity: str, **kwargs):
        """The generic ego network (on the native :meth:`expand`), every source read in one query."""
        from crimegraph.rdf.native import ego_network

        return ego_network(self, entity, **kwargs)

    def native_brokers(self, **kwargs):
        """Betweenness on a projection read as bare ends and lean vertices (SPARQL, streamed)."""
        from crimegraph.rdf.native import brokers

        return brokers(self, **kwargs)

    def native_actors_in(self, place: str, *, as_of=None, types=("operates_in",)):
        """``actors_in`` with the ``located_in`` hierarchy walked by a SPARQL property path."""
        from crimegraph.rdf.native import actors_in

        return actors_in(self, place, as_of=as_of, types=types)

    def rdflib_graph(self, *, copy: bool = False):
        """The data as an ``rdflib.Graph``.

        By default a live view through ``oxrdflib`` (no copy: rdflib's API and SPARQL
        over this Oxigraph store); ``copy=True`` returns a plain in-memory graph
        (about a kilobyte per triple: for small data).
        """
        import rdflib

        if not copy:
            try:
                from oxrdflib import OxigraphStore
            except ImportError:  # pragma: no cover - oxrdflib is in the same extra
                copy = True
        if copy:
            g = rdflib.Graph()
            data = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            g.parse(data=data.decode("utf-8"), format="nt")
        else:
            g = rdflib.Graph(store=OxigraphStore(store=self._store),
                             identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
        for p, ns in self.vocab.prefixes.items():
            g.bind(p, ns, override=True, replace=True)
        return g

    def close(self) -> None:
        if self.path is not None and self._store is not None:
            self._store.flush()


_ADAPTERS: dict = {}


def _adapter(name: str, make):
    a = _ADAPTERS.get(name)
    if a is None:
        a = _ADAPTERS[name] = make()
    return a


def _safe_id(ident: str) -> bool:
    """Whether an id can be put in an IRI in a query as is (ids are slugs; anything else is absent)."""
    return bool(ident) and all(c.isalnum() or c in "-_." for c in ident) and ident.isascii()


def _merge(old: Dataset, new: Dataset) -> Dataset:
    """``new`` written over ``old``: entities, relations and sources replaced by id."""
    return Dataset(
        meta=new.meta,
        sources={**old.sources, **new.sources},
        entities={**old.entities, **new.entities},
        relations={**old.relations, **new.relations},
    )


__all__ = ["RdfStore"]
