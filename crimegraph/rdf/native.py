"""Query helpers answered natively by the RDF store (SPARQL), with the same results as the generic ones.

``actors_in``: instead of one ``relations()`` call per place of the hierarchy,
two SPARQL queries fetch everything the answer needs: the ``located_in``
relations below the place (found with the property path
``?p cg:locatedIn* <place>``; with ``as_of`` only those valid on that day) and
the actors' relations to any of those places, with their entities and sources.
The generic helper then assembles the answer from that small prefetched
subgraph, so the ordering, the chains and the shape of the result cannot drift
from the generic version.
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
