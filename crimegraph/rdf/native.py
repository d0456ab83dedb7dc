"""Query helpers answered natively by the RDF store (SPARQL), with the same results as the generic ones.

``actors_in``: instead of one ``relations()`` call per place of the hierarchy,
two SPARQL queries fetch everything the answer needs: the ``located_in``
relations below the place (found with the property path
``?p cg:locatedIn* <place>``; with ``as_of`` only those valid on that day) and
the actors' relations to any of those places, with their entities and sources.
The generic helper then assembles the answer from that small prefetched
subgraph, so the ordering, the chains and the shape of the result cannot drift
from the generic version.

Ego networks (:func:`expand`, :func:`subgraph`): each breadth-first level is one
SPARQL SELECT of the frontier's relations reduced to what the cap ranks them by
(id, ends, confidence, number of citations: :class:`Link`); the generic walk
(:func:`~crimegraph.graph.base.breadth_first`) picks the neighbours from those, and
only the entities and relations the answer shows are rebuilt into models, in one
query each.

Brokers (:func:`brokers`): the generic helper runs on a :class:`LeanProjection`,
whose vertices are the actors' id, type and name (one SELECT) and whose edges are
the relations' two ends (:meth:`~crimegraph.graph.rdf.RdfStore.relation_ends`, one
streaming SELECT); a broker's ties are ranked from ids, confidence and cited
sources. The brokers and the ties shown are then rebuilt in full. No model of the
whole graph and no rdflib graph is ever built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crimegraph.errors import UsageError
from crimegraph.graph.base import check_types

if TYPE_CHECKING:  # pragma: no cover
    from crimegraph.graph.rdf import RdfStore


def _values(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


def actors_in(store: "RdfStore", place: str, *, as_of=None, types=("operates_in",)):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.queries.places import _a, actors_in as generic
    from crimegraph.schema.dataset import Dataset
    from crimegraph.schema.models import Source

    types = check_types(types)
    p = store.resolve(place)
    if p.kind.value != "place":
        raise UsageError(f"actors_in needs a place; {p.name} ({p.id}) is {_a(p.type_label)}")
    v = store.vocab
    obj, subj = v.expand("cg:object"), v.expand("cg:subject")
    # 1. the hierarchy: located_in relations whose object lies (transitively) inside the place
    below = (f"?p <{v.relation_props['located_in']}>* <{v.entity_iri(p.id)}> . ?x <{obj}> ?p . "
             + store.relation_filter(types=("located_in",), as_of=as_of))
    located = store._relation_models(below)
    places = {p.id, *(r.subject for r in located), *(r.object for r in located)}
    # 2. the actors' relations to any of those places
    presence = (store.relation_filter(types=types, as_of=as_of)
                + f" ?x <{obj}> ?place . VALUES ?place {{ {_values(v.entity_iri(i) for i in places)} }}"
                + f" ?x <{subj}> ?actor . ?actor a <{v.kind_classes['actor']}> .")
    rels = store._relation_models(presence)
    ents = store._entity_models(
        "VALUES ?x { " + _values(v.entity_iri(i) for i in places | {r.subject for r in rels}) + " }")
    cited = {c.source for r in rels for c in r.citations}
    srcs = [Source.model_validate(d) for d in store._reader().sources(
        "VALUES ?x { " + _values(v.source_iri(s) for s in cited) + " }")] if cited else []
    sub = MemoryStore()
    sub.write(Dataset(sources={s.id: s for s in srcs}, entities={e.id: e for e in ents},
                      relations={r.id: r for r in [*located, *rels]}))
    return generic.generic(sub, p.id, as_of=as_of, types=types)


# ---------------------------------------------------------------- ego networks and brokers


class Link:
    """A relation reduced to what :func:`~crimegraph.graph.base.take_neighbours` ranks it by."""

    __slots__ = ("id", "subject", "object", "confidence", "citations")

    def __init__(self, rid, subject, object_, confidence, n_citations):
        self.id, self.subject, self.object = rid, subject, object_
        self.confidence = confidence
        self.citations = range(n_citations)  # only its length is read

    def other(self, entity_id: str) -> str:
        return self.object if self.subject == entity_id else self.subject


def links_of(store: "RdfStore", entity_ids, *, types=None, as_of=None) -> dict[str, list]:
    """``{entity: [(other, Link)]}`` for every relation of each entity, in one SELECT, by relation id."""
    from crimegraph.schema.types import Confidence

    ids = list(dict.fromkeys(entity_ids))
    out: dict[str, list] = {i: [] for i in ids}
    if not ids or (types is not None and not types):
        return out
    v = store.vocab
    subj, obj = v.expand("cg:subject"), v.expand("cg:object")
    q = (f"SELECT ?x ?s ?o ?conf (COUNT(DISTINCT ?c) AS ?n) WHERE {{ "
         f"VALUES ?e {{ {_values(v.entity_iri(i) for i in ids)} }} "
         f"{{ ?x <{subj}> ?e }} UNION {{ ?x <{obj}> ?e }} "
         + store.relation_filter(None, types=types, as_of=as_of)
         + f" ?x <{subj}> ?s ; <{obj}> ?o . OPTIONAL {{ ?x <{v.expand('cg:confidence')}> ?conf }} "
         f"OPTIONAL {{ ?x <{v.expand('cg:citation')}> ?c }} }} GROUP BY ?x ?s ?o ?conf")
    n_rel, n_id = len(v.relation_ns), len(v.id_ns)
    links = []
    for x, s, o, conf, n in store._store.query(q):
        links.append(Link(x.value[n_rel:], s.value[n_id:], o.value[n_id:],
                          Confidence.parse(conf.value) if conf is not None else None, int(n.value)))
    links.sort(key=lambda r: r.id)
    for r in links:
        for end in dict.fromkeys((r.subject, r.object)):
            if end in out:
                out[end].append((r.other(end), r))
    return out


def relations_by_id(store: "RdfStore", ids) -> dict:
    ids = sorted(set(ids))
    if not ids:
        return {}
    v = store.vocab
    rels = store._relation_models(f"VALUES ?x {{ {_values(v.relation_iri(i) for i in ids)} }} "
                                  f"?x a <{v.Relation}> .")
    return {r.id: r for r in rels}


def expand(store: "RdfStore", seeds, *, depth: int = 1, types=None, as_of=None, cap=None):
    """:meth:`Store.expand` level by level in SPARQL; the same answer, models built only for
    what it shows."""
    from crimegraph.errors import EntityNotFound
    from crimegraph.graph.base import breadth_first

    types = check_types(types)
    found = store.entities_by_id(seeds)
    for s in seeds:
        if s not in found:
            raise EntityNotFound(s, store._suggest(s))
    known: dict = {}  # the links of the entities already read (a hub's are read once)

    def incident(ids):  # the whole level in one SELECT
        got = links_of(store, ids, types=types, as_of=as_of)
        known.update(got)
        return got

    sg, order = breadth_first(seeds, depth, cap, incident)
    found.update(store.entities_by_id([i for i in order if i not in found]))
    members = set(order)
    known.update(links_of(store, [i for i in order if i not in known], types=types, as_of=as_of))
    return _finish(store, sg, order, found, known, members)


def subgraph(store: "RdfStore", ids, *, types=None, as_of=None):
    """:meth:`Store.subgraph`: the entities in one query, the relations among them in one more."""
    from crimegraph.errors import EntityNotFound
    from crimegraph.graph.subgraph import Subgraph

    types = check_types(types)
    keep = sorted(set(ids))
    found = store.entities_by_id(keep)
    for i in keep:
        if i not in found:
            raise EntityNotFound(i, store._suggest(i))
    return _finish(store, Subgraph(), keep, found, links_of(store, keep, types=types, as_of=as_of),
                   set(keep))


def _finish(store, sg, order, found, incident, members):
    """Add the entities (in ``order``) and the relations among ``members`` (per member, by id,
    as the generic code adds them), then swap every :class:`Link` for its relation."""
    from crimegraph.graph.subgraph import Subgraph

    for i in order:
        for o, r in incident[i]:
            if o in members:
                sg.add_relation(r)
    models = relations_by_id(store, sg.relations)
    out = Subgraph(entities={i: found[i] for i in order}, relations={k: models[k] for k in sg.relations},
                   sources=sg.sources, more=sg.more, highlight=sg.highlight, focus=sg.focus)
    return out


def lean_entities(store: "RdfStore", kinds=None) -> list:
    """Entities (of ``kinds``) with only their id, type and name, by id: what a projection's
    vertices need (the brokers shown are rebuilt in full). Read by triple patterns (the
    labels, and the members of each entity type's class), joined here: no SPARQL join."""
    import pyoxigraph as ox

    from crimegraph.rdf.vocab import RDF_TYPE
    from crimegraph.schema.models import Actor, Economy, Event, Place
    from crimegraph.schema.vocab import ENTITY_TYPES

    v = store.vocab
    model = {"actor": Actor, "place": Place, "economy": Economy, "event": Event}
    wanted = set(kinds) if kinds else set(model)
    quads, graph = store._store.quads_for_pattern, ox.DefaultGraph()
    n = len(v.id_ns)
    typed: dict[str, str] = {}
    for etype, cls_iri in sorted(v.type_classes.items()):
        if ENTITY_TYPES[etype][0].value in wanted:
            for q in quads(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls_iri), graph):
                typed.setdefault(q.subject.value, etype)
    fresh = {cls: _defaults(cls) for cls in model.values()}
    out = {}
    for q in quads(None, ox.NamedNode(v.expand("skos:prefLabel")), None, graph):
        etype = typed.get(q.subject.value)
        if etype is None or q.subject.value[n:] in out:
            continue
        i = q.subject.value[n:]
        cls = model[ENTITY_TYPES[etype][0].value]
        out[i] = cls.model_construct(**{**fresh[cls](), "id": i, "type": etype, "name": q.object.value})
    return [out[i] for i in sorted(out)]


def _defaults(cls):
    """A function giving every field's default, fresh (``model_construct`` would otherwise look
    up each default factory's signature, per field and per instance)."""
    fields = {k: f for k, f in cls.model_fields.items() if not f.is_required()}
    plain = {k: f.default for k, f in fields.items() if f.default_factory is None}
    made = [(k, f.default_factory) for k, f in fields.items() if f.default_factory is not None]
    return lambda: {"citations": [], **plain, **{k: make() for k, make in made}}


class _Cite:
    __slots__ = ("source",)

    def __init__(self, source):
        self.source = source


def ties_of(store: "RdfStore", entity: str, *, types=None, as_of=None) -> list:
    """An entity's relations as :class:`Link` s whose citations carry their sources (what
    :func:`~crimegraph.queries.shapes.evidence_key` ranks by), by id; one SELECT."""
    from crimegraph.schema.types import Confidence

    types = check_types(types)
    if types is not None and not types:
        return []
    v = store.vocab
    subj, obj = v.expand("cg:subject"), v.expand("cg:object")
    # the type is checked here: a VALUES of types makes Oxigraph join every relation of them
    keep = None if types is None else {v.relation_props[t] for t in types}
    q = (f"SELECT ?x ?s ?o ?t ?conf ?c ?src WHERE {{ "
         + store.relation_filter(entity, as_of=as_of)
         + f" ?x <{subj}> ?s ; <{obj}> ?o ; <{v.expand('cg:relationType')}> ?t . OPTIONAL {{ ?x <{v.expand('cg:confidence')}> ?conf }} "
         f"OPTIONAL {{ ?x <{v.expand('cg:citation')}> ?c . ?c <{v.expand('cg:source')}> ?src }} }}")
    n_rel, n_id, n_src = len(v.relation_ns), len(v.id_ns), len(v.source_ns)
    links: dict = {}
    cites: dict = {}
    for x, s, o, t, conf, c, src in store._store.query(q):
        if keep is not None and t.value not in keep:
            continue
        rid = x.value[n_rel:]
        if rid not in links:
            links[rid] = Link(rid, s.value[n_id:], o.value[n_id:],
                              Confidence.parse(conf.value) if conf is not None else None, 0)
            cites[rid] = {}
        if c is not None:
            cites[rid][c.value] = src.value[n_src:]
    for rid, r in links.items():
        r.citations = [_Cite(src) for _, src in sorted(cites[rid].items())]
    return [links[k] for k in sorted(links)]


class SourceBatch:
    """Forwards to the store; the first :meth:`source` call reads every source in one query."""

    def __init__(self, store: "RdfStore"):
        self._store = store
        self._sources = None

    def __getattr__(self, name):
        return getattr(self._store, name)

    def source(self, source_id: str):
        if self._sources is None:
            self._sources = {s.id: s for s in self._store.sources()}
        if source_id not in self._sources:
            return self._store.source(source_id)  # raises SourceNotFound with suggestions
        return self._sources[source_id]


def ego_network(store: "RdfStore", entity: str, **kwargs):
    """The generic ego network on the native :func:`expand`, the sources read at once."""
    from crimegraph.queries.neighbourhood import ego_network as generic

    return generic.generic(SourceBatch(store), entity, **kwargs)


class LeanProjection:
    """The store as the analytics read it: lean vertices, the edges as bare ends (SPARQL)."""

    def __init__(self, store: "RdfStore"):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def entities(self, kinds=None, types=None):
        if types is not None:
            return self._store.entities(kinds=kinds, types=types)
        return iter(lean_entities(self._store, kinds))

    def relations(self, entity=None, *, direction="both", types=None, as_of=None):
        if entity is None or direction != "both":
            return self._store.relations(entity, direction=direction, types=types, as_of=as_of)
        if not self._store.has_entity(entity):
            return self._store.relations(entity, types=types, as_of=as_of)  # raises, with suggestions
        return ties_of(self._store, entity, types=types, as_of=as_of)


def brokers(store: "RdfStore", **kwargs):
    """The generic brokers on a :class:`LeanProjection`; then the brokers and the ties shown
    are rebuilt in full (one query each) and their sources read."""
    from crimegraph.queries.analytics import brokers as generic
    from crimegraph.queries.shapes import cited_sources

    out = generic.generic(LeanProjection(store), **kwargs)
    full = store.entities_by_id([b.entity.id for b in out.brokers])
    rels = relations_by_id(store, [r.id for b in out.brokers for _, rs in b.ties for r in rs])
    for b in out.brokers:
        b.entity = full[b.entity.id]
        b.ties = [(label, [rels[r.id] for r in rs]) for label, rs in b.ties]
    out.sources = cited_sources(store, rels.values())
    return out
