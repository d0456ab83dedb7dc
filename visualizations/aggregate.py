"""Aggregated maps: one node per group of entities, when a map is too big to draw entity by entity.

Groups are entity kinds, entity types, or communities (Leiden, modularity,
computed with igraph). The relations between two groups are merged into one
line whose width grows with their number and whose colour is their most
common type (grey when no type has a clear majority). Each group lists its
best-connected members, so that the reader knows which ``--ego`` map to ask
for next.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Optional

from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES

#: communities beyond this many are merged into one "other communities" group
MAX_GROUPS = 150
#: members listed per group, best connected first
TOP_MEMBERS = 25
#: example relations listed per merged edge
EXAMPLES = 12
#: share of a merged line's relations one type needs to give the line its colour
MAJORITY = 0.6


def aggregate_model(sg: Subgraph, entities: list[Entity], relations: list[Relation], *,
                    by: str, seed: int = 7):
    from .render import MapModel

    degree: Counter = Counter()
    for r in relations:
        degree[r.subject] += 1
        degree[r.object] += 1
    group_of, labels = _groups(entities, relations, by, seed, degree)
    members: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        members[group_of[e.id]].append(e)
    order = sorted(members, key=lambda g: (-len(members[g]), g))
    index = {g: i for i, g in enumerate(order)}
    names = {e.id: e.name for e in entities}
    internal: Counter = Counter()
    merged: dict[tuple[int, int], list[Relation]] = defaultdict(list)
    for r in relations:
        a, b = index[group_of[r.subject]], index[group_of[r.object]]
        if a == b:
            internal[a] += 1
            continue
        merged[(min(a, b), max(a, b))].append(r)
    nodes = []
    for g in order:
        ms = members[g]
        top = sorted(ms, key=lambda e: (-degree[e.id], e.name))[:TOP_MEMBERS]
        kinds = Counter(e.kind.value for e in ms)
        nodes.append({
            "id": g, "name": labels[g], "kind": "group", "type": "group",
            "members": len(ms), "internal": internal[index[g]],
            "byKind": dict(kinds.most_common()),
            "top": [[e.id, e.name, degree[e.id]] for e in top],
        })
    # one line per pair of groups, whatever the relation types: its colour is the
    # type most of its relations have (grey when none has a clear majority)
    edges = []
    type_counts: Counter = Counter()
    for (a, b), rs in sorted(merged.items()):
        types = Counter(r.type for r in rs)
        type_counts.update(types)
        top, n_top = types.most_common(1)[0]
        rs = sorted(rs, key=lambda r: (-r.confidence.score, r.id))
        edges.append({
            "id": f"{order[a]}--{order[b]}", "from": a, "to": b,
            "type": top if n_top >= MAJORITY * len(rs) else "mixed",
            "count": len(rs), "types": dict(types.most_common()),
            "examples": [[names[r.subject], RELATION_TYPES[r.type].label, names[r.object], r.period,
                          r.confidence.code, r.id] for r in rs[:EXAMPLES]],
        })
    n_groups = len(nodes)
    note = (f"Aggregated by {by}: {len(entities):,} entities in {n_groups} group"
            f"{'s' if n_groups != 1 else ''}, {len(relations):,} relations "
            f"({sum(internal.values()):,} inside groups). Click a group for its best-connected "
            "members, then map one of them with --ego.")
    return MapModel(nodes=nodes, edges=edges, sources=[], kind_counts={"group": n_groups},
                    type_counts=dict(type_counts), aggregated=by,
                    values=[float(len(members[g])) for g in order], notes=[note])


def _groups(entities, relations, by: str, seed: int, degree: Counter
            ) -> tuple[dict[str, str], dict[str, str]]:
    if by == "kind":
        group_of = {e.id: f"kind:{e.kind.value}" for e in entities}
        labels = {f"kind:{e.kind.value}": e.kind.value + "s" for e in entities}
        return group_of, labels
    if by == "type":
        group_of = {e.id: f"type:{e.type}" for e in entities}
        labels = {f"type:{e.type}": ENTITY_TYPES[e.type][1] for e in entities}
        return group_of, labels
    return _communities(entities, relations, seed, degree)


def _communities(entities, relations, seed: int, degree: Counter):
    import random

    import igraph as ig

    index = {e.id: i for i, e in enumerate(entities)}
    g = ig.Graph(n=len(entities), edges=[(index[r.subject], index[r.object]) for r in relations])
    g.simplify()
    ig.set_random_number_generator(random.Random(seed))
    try:
        membership = g.community_leiden(objective_function="modularity", n_iterations=2).membership
    finally:
        ig.set_random_number_generator(random)
    sizes = Counter(membership)
    keep = {c for c, _ in sizes.most_common(MAX_GROUPS) if sizes[c] > 1}
    group_of: dict[str, str] = {}
    best: dict[int, Entity] = {}
    for e in entities:
        c = membership[index[e.id]]
        if c in keep:
            group_of[e.id] = f"community:{c}"
            cur: Optional[Entity] = best.get(c)
            if cur is None or (degree[e.id], cur.name) > (degree[cur.id], e.name):
                best[c] = e
        else:
            group_of[e.id] = "community:other"
    labels = {f"community:{c}": f"around {best[c].name}" for c in keep}
    labels["community:other"] = "small groups and isolated entities"
    return group_of, labels
