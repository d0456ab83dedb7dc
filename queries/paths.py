"""``connections(a, b)``: how two entities are connected, step by step, on what evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from math import prod
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.base import PathLayers, check_types
from crimegraph.schema.models import Entity, Relation

from .answer import Answer
from .dispatch import native
from .params import check_positive
from .shapes import brief, cited_sources, evidence_key, iso


@dataclass
class Step:
    """One step of a path: ``from_entity`` —``relation``— ``to_entity``.

    ``direction`` says how the step runs along its relation: ``out`` (from the
    subject to the object), ``in`` (against the relation's direction) or ``both``
    (a symmetric relation). ``others`` are further relations joining the same two
    entities, weaker than ``relation``.
    """

    from_entity: Entity
    relation: Relation
    to_entity: Entity
    others: list[Relation] = field(default_factory=list)

    @property
    def direction(self) -> str:
        if self.relation.symmetric:
            return "both"
        return "out" if self.relation.subject == self.from_entity.id else "in"

    @property
    def score(self) -> float:
        return self.relation.confidence.score


@dataclass
class Path:
    """A chain of steps from one entity to another, with its evidence summarised."""

    steps: list[Step]

    @property
    def hops(self) -> int:
        return len(self.steps)

    @property
    def entities(self) -> list[Entity]:
        return [self.steps[0].from_entity, *(s.to_entity for s in self.steps)] if self.steps else []

    @property
    def confidence(self) -> float:
        """The product of the steps' confidence scores: the chance that every step holds."""
        return round(prod(s.score for s in self.steps), 4)

    @property
    def weakest(self) -> str:
        """The Admiralty code of the least confident step."""
        return min(self.steps, key=lambda s: (s.score, s.relation.id)).relation.confidence.code

    @property
    def source_ids(self) -> list[str]:
        """The distinct sources cited along the path."""
        return sorted({c.source for s in self.steps for c in s.relation.citations})


@dataclass
class Connections(Answer):
    """The answer to "how is A connected to B?": the best of the shortest paths, or none."""

    a: Entity
    b: Entity
    max_hops: int
    paths: list[Path]
    total: int = 0
    types: Optional[frozenset[str]] = None
    avoid: list[Entity] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.paths)

    @property
    def hops(self) -> Optional[int]:
        return self.paths[0].hops if self.paths else None

    @property
    def message(self) -> str:
        if not self.paths:
            h = self.max_hops
            return (f"no connection between {self.a.name} ({self.a.id}) and {self.b.name} "
                    f"({self.b.id}) within {h} hop{'s' if h != 1 else ''}" + self._conditions())
        n, hops = len(self.paths), self.hops
        return (f"{self.a.name} ({self.a.id}) and {self.b.name} ({self.b.id}) are connected in "
                f"{hops} hop{'s' if hops != 1 else ''}" + self._conditions()
                + ("; by a single shortest path" if self.total == 1 else
                   f"; {'all' if n == self.total else f'the best {n} of'} {self.total} shortest "
                   "paths, best-evidenced first"))

    def _conditions(self) -> str:
        text = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        if self.types:
            text += f" through {', '.join(sorted(self.types))} relations"
        if self.avoid:
            text += f" avoiding {', '.join(e.name for e in self.avoid)}"
        return text

    def _names(self) -> dict[str, str]:
        names = {self.a.id: self.a.name, self.b.id: self.b.name}
        for p in self.paths:
            names.update((e.id, e.name) for e in p.entities)
        return names

    def as_dict(self) -> dict[str, Any]:
        names = self._names()
        return {
            "from": brief(self.a),
            "to": brief(self.b),
            "max_hops": self.max_hops,
            "as_of": iso(self.as_of),
            "types": sorted(self.types) if self.types else None,
            "avoid": [e.id for e in self.avoid],
            "found": self.found,
            "hops": self.hops,
            "shortest_paths": self.total,
            "message": self.message,
            "paths": [{
                "rank": i,
                "hops": p.hops,
                "confidence": p.confidence,
                "weakest": p.weakest,
                "sources": p.source_ids,
                "entities": [e.id for e in p.entities],
                "steps": [{
                    "from": brief(s.from_entity),
                    "to": brief(s.to_entity),
                    "type": s.relation.type,
                    "direction": s.direction,
                    "relation": self.rel(s.relation, s.from_entity.id, names),
                    "sentence": self.say(s.relation, names),
                    "other_relations": [r.id for r in s.others],
                } for s in p.steps],
            } for i, p in enumerate(self.paths, 1)],
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per step, for CSV."""
        out = []
        for i, p in enumerate(self.paths, 1):
            for j, s in enumerate(p.steps, 1):
                r = s.relation
                out.append({
                    "path": i, "step": j, "path_confidence": p.confidence,
                    "from_id": s.from_entity.id, "from_name": s.from_entity.name,
                    "type": r.type, "direction": s.direction,
                    "to_id": s.to_entity.id, "to_name": s.to_entity.name,
                    "relation_id": r.id, "since": r.since.value if r.since else None,
                    "until": r.until.value if r.until else None,
                    "confidence": r.confidence.code,
                    "sources": [c.source for c in r.citations],
                })
        return out

    columns = ["path", "step", "path_confidence", "from_id", "from_name", "type", "direction",
               "to_id", "to_name", "relation_id", "since", "until", "confidence", "sources"]

    def lines(self) -> list[str]:
        """The answer in sentences, each step with its sources."""
        out = [self.message + "."]
        names = self._names()
        for i, p in enumerate(self.paths, 1):
            chain = " → ".join(e.name for e in p.entities)
            n = len(p.source_ids)
            out.append("")
            out.append(f"Path {i}: {chain}")
            out.append(f"  confidence {p.confidence:.2f} (weakest step {p.weakest}); "
                       f"{n} source{'s' if n != 1 else ''}")
            for j, s in enumerate(p.steps, 1):
                out.append(f"  {j}. {self.say(s.relation, names)}")
                if s.others:
                    out.append(f"     (also: {', '.join(r.id for r in s.others)})")
        return out


@native
def connections(store, a: str, b: str, *, max_hops: int = 4, k: int = 5, as_of=None,
                types: Optional[Iterable[str]] = None, avoid: Iterable[str] = ()) -> Connections:
    """The shortest paths between two entities, best-evidenced first, each step with its sources.

    Paths may run against a relation's direction (each step records which way it
    runs). Among the paths of the minimal length, the ``k`` best are returned,
    ranked by the product of their steps' confidence scores (the chance that
    every step holds), then by the number of sources behind the steps, then by
    the entity and relation ids along the path. The ranking is exact: a k-best
    dynamic programme over every shortest path, not a sample of them.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    a, b : str
        Entity ids or names/aliases (``"Tren de Aragua"``, ``"shining-path"``).
    max_hops : int
        Longest path to look for.
    k : int
        How many of the shortest paths to return.
    as_of : date, int or str, optional
        Only relations valid on that day (a year means its last day).
    types : iterable of str, optional
        Only these relation types.
    avoid : iterable of str
        Entities (ids or names) no path may pass through, such as a country that
        every actor operates in.

    Returns
    -------
    Connections
        ``.paths`` (empty, with a "no connection within N hops" ``.message``, when
        none is found), ``.total`` shortest paths, ``.as_dict()`` for JSON.

    Raises
    ------
    EntityNotFound
        An entity is unknown (the message lists close matches).
    UsageError
        ``a`` and ``b`` are the same entity, or a parameter is invalid.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import connections
    >>> store = crimegraph.open_store()
    >>> found = connections(store, "Tren de Aragua", "Shining Path")
    >>> found.found, found.paths[0].entities[0].id, found.paths[0].entities[-1].id
    (True, 'tren-de-aragua', 'shining-path')
    >>> step = found.paths[0].steps[0]
    >>> step.direction in ("out", "in", "both"), len(step.relation.citations) >= 1
    (True, True)
    >>> connections(store, "shining-path", "tren-de-aragua", max_hops=1).message
    'no connection between Shining Path (shining-path) and Tren de Aragua (tren-de-aragua) within 1 hop'
    """
    check_positive(max_hops, "max_hops")
    check_positive(k, "k")
    types = check_types(types)
    ea, eb = store.resolve(a), store.resolve(b)
    if ea.id == eb.id:
        raise UsageError(f"{a!r} and {b!r} are the same entity ({ea.id}); name two different ones")
    avoided = [store.resolve(x) for x in avoid]
    layers = store.shortest_path_links(ea.id, eb.id, max_hops=max_hops, types=types, as_of=as_of,
                                       avoid=[e.id for e in avoided])
    if not layers:
        return Connections(ea, eb, max_hops, [], 0, types, avoided, as_of=as_of)
    ranked, total = rank_paths(layers, ea.id, eb.id, k)
    cache: dict[str, Entity] = {ea.id: ea, eb.id: eb}

    def ent(i: str) -> Entity:
        if i not in cache:
            cache[i] = store.entity(i)
        return cache[i]

    paths = [Path([Step(ent(u), rels[0], ent(v), rels[1:])
                   for u, v, rels in zip(nodes, nodes[1:], steps)])
             for nodes, steps in ranked]
    used = [r for p in paths for s in p.steps for r in (s.relation,)]
    return Connections(ea, eb, max_hops, paths, total, types, avoided, as_of=as_of,
                       sources=cited_sources(store, used))


def rank_paths(layers: PathLayers, a: str, b: str,
               k: int) -> tuple[list[tuple[tuple[str, ...], list[list[Relation]]]], int]:
    """The ``k`` best paths through :data:`PathLayers`, and how many shortest paths there are.

    Each step takes the best-evidenced relation between its two entities (the
    others are kept, in order, after it). A path's rank key is (product of step
    scores, sum of step source counts, entity ids, relation ids); extending two
    partial paths by the same step keeps their order, so keeping the ``k`` best
    partial paths per entity, layer by layer, gives the exact ``k`` best.

    Returns ``([(entity ids, [[best relation, *others] per step]), ...], total)``.
    """
    # partial path: (product of integer scores, source count, node ids, relation ids, steps)
    partial: dict[str, list[tuple]] = {a: [(1, 0, (a,), (), ())]}
    count: dict[str, int] = {a: 1}
    for layer in layers:
        nxt: dict[str, list[tuple]] = {}
        ncount: dict[str, int] = {}
        for u, succ in layer.items():  # order is irrelevant: the rank key is total
            for v, rels in succ.items():
                ordered = rels if len(rels) == 1 else sorted({r.id: r for r in rels}.values(),
                                                              key=evidence_key)
                best = ordered[0]
                s = round(best.confidence.score * 10000)
                n = len({c.source for c in best.citations})
                ncount[v] = ncount.get(v, 0) + count[u]
                bucket = nxt.setdefault(v, [])
                for p, c, nodes, rids, steps in partial[u]:
                    bucket.append((p * s, c + n, nodes + (v,), rids + (best.id,), steps + (ordered,)))
        for v, bucket in nxt.items():
            bucket.sort(key=lambda t: (-t[0], -t[1], t[2], t[3]))
            del bucket[k:]
        partial, count = nxt, ncount
    return [(nodes, list(steps)) for _, _, nodes, _, steps in partial[b]], count[b]
