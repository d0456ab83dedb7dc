"""``connections(a, b)``: how two entities are connected, step by step, on what evidence."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from math import prod
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.base import PathLayers, check_types
from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.vocab import NATURES, RELATION_TYPES

from . import ties
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


class _PathAnswer:
    """What the two path answers (:class:`ShortestPaths`, :class:`Connections`) share:
    whether and in how many hops, the conditions in words, the names along the paths, a
    path's and a step's JSON."""

    @property
    def found(self) -> bool:
        return bool(self.paths)

    @property
    def hops(self) -> Optional[int]:
        return self.paths[0].hops if self.paths else None

    def _conditions(self) -> str:
        text = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        if getattr(self, "natures", None):
            text += f" through {', '.join(NATURES[n].label for n in sorted(self.natures))} links"
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

    @staticmethod
    def _path_keys(p: Path) -> dict[str, Any]:
        return {"hops": p.hops, "confidence": p.confidence, "weakest": p.weakest,
                "sources": p.source_ids, "entities": [e.id for e in p.entities]}

    def _step(self, s: Step, names: dict[str, str]) -> dict[str, Any]:
        return {
            "from": brief(s.from_entity),
            "to": brief(s.to_entity),
            "type": s.relation.type,
            "nature": ties.nature_of(s.relation),
            "direction": s.direction,
            "relation": self.rel(s.relation, s.from_entity.id, names),
            "sentence": self.say(s.relation, names),
            "other_relations": [r.id for r in s.others],
        }


@dataclass
class ShortestPaths(_PathAnswer, Answer):
    """The shortest paths between A and B, best-evidenced first (what the named
    ``connections`` Cypher and SPARQL queries return); :class:`Connections` ranks
    every path up to the hop limit instead."""

    a: Entity
    b: Entity
    max_hops: int
    paths: list[Path]
    total: int = 0
    types: Optional[frozenset[str]] = None
    avoid: list[Entity] = field(default_factory=list)

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
                **self._path_keys(p),
                "steps": [self._step(s, names) for s in p.steps],
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
def shortest_paths(store, a: str, b: str, *, max_hops: int = 4, k: int = 5, as_of=None,
                   types: Optional[Iterable[str]] = None, avoid: Iterable[str] = ()) -> ShortestPaths:
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
    ShortestPaths
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
    >>> from crimegraph.queries import shortest_paths
    >>> store = crimegraph.open_store()
    >>> found = shortest_paths(store, "Tren de Aragua", "Shining Path")
    >>> found.found, found.paths[0].entities[0].id, found.paths[0].entities[-1].id
    (True, 'tren-de-aragua', 'shining-path')
    >>> step = found.paths[0].steps[0]
    >>> step.direction in ("out", "in", "both"), len(step.relation.citations) >= 1
    (True, True)
    >>> shortest_paths(store, "shining-path", "tren-de-aragua", max_hops=1).message
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
        return ShortestPaths(ea, eb, max_hops, [], 0, types, avoided, as_of=as_of)
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
    return ShortestPaths(ea, eb, max_hops, paths, total, types, avoided, as_of=as_of,
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


# ---------------------------------------------------------------------------
# connections: every path up to the hop limit, ranked by what it says
# ---------------------------------------------------------------------------

#: how each kind of connection is headed in an answer, in the order groups are shown
KINDS: dict[str, str] = {
    "criminal": "criminal ties",
    "hierarchy": "hierarchy",
    "supply": "supply chain",
    "cooperation": "criminal cooperation",
    "event": "shared events",
    "adversarial": "shared adversaries",
    "presence": "shared places",
    "economy": "shared economies",
    "geography": "geography",
    "chain": "longer chains",
}
#: most partial paths a search looks at before it stops (and says so)
SEARCH_BUDGET = 200_000


@dataclass
class RankedPath(Path):
    """A path with its score, the parts of the score, its kind and the sentence that says what it means."""

    score: float = 0.0
    kind: str = "criminal"
    strength: str = "weak"
    sentence: str = ""
    parts: list[dict] = field(default_factory=list)
    through: list[dict] = field(default_factory=list)

    @property
    def criminal(self) -> bool:
        return self.kind == "criminal"


@dataclass
class Connections(_PathAnswer, Answer):
    """The answer to "how is A connected to B, and on what evidence?".

    ``paths`` are every simple path up to ``max_hops``, ranked by evidence, nature
    and specificity (:mod:`crimegraph.queries.ties`), no two through the same
    intermediate entity unless ``similar``; criminal ties first. ``criminal_tie``
    says whether a criminal tie links the two (``None`` when the question was
    restricted to some natures or types, or when an end is not an actor).
    """

    a: Entity
    b: Entity
    max_hops: int
    paths: list[RankedPath]
    types: Optional[frozenset[str]] = None
    natures: Optional[frozenset[str]] = None
    avoid: list[Entity] = field(default_factory=list)
    criminal_tie: Optional[bool] = None
    similar: bool = False
    skipped_similar: int = 0
    considered: int = 0
    truncated: bool = False
    explain: bool = False

    def groups(self) -> list[tuple[str, list[RankedPath]]]:
        """The paths by kind, criminal ties first, then by their best score."""
        by: dict[str, list[RankedPath]] = {}
        for p in self.paths:
            by.setdefault(p.kind, []).append(p)
        order = sorted(by, key=lambda k: (k != "criminal", -by[k][0].score, k))
        return [(k, by[k]) for k in order]

    @property
    def message(self) -> str:
        h = self.max_hops
        within = f"within {h} hop{'s' if h != 1 else ''}" + self._conditions()
        if not self.paths:
            return (f"no connection between {self.a.name} ({self.a.id}) and {self.b.name} ({self.b.id}) "
                    f"{within}" + (": no criminal tie, nor any other kind of link"
                                   if self.criminal_tie is False else ""))
        ends = f"{self.a.name} ({self.a.id}) and {self.b.name} ({self.b.id})"
        if self.criminal_tie is False:
            head = (f"No criminal tie (criminal cooperation, hierarchy or supply chain) links {ends} "
                    f"{within}")
            kinds = ", ".join(f"{KINDS[k]} ({len(ps)})" for k, ps in self.groups())
            return head + f". Weaker connections, by kind: {kinds}"
        n = len(self.paths)
        crim = sum(p.criminal for p in self.paths)
        if self.criminal_tie:
            text = f"{ends} are linked by criminal ties {within}: {crim} path{'s' if crim != 1 else ''}"
            if n > crim:
                text += f", then {n - crim} weaker connection{'s' if n - crim != 1 else ''}"
            return text
        return (f"{ends} are connected {within}: the {n} most telling path{'s' if n != 1 else ''}, "
                "ranked by evidence, nature and specificity")

    def as_dict(self) -> dict[str, Any]:
        names = self._names()
        return {
            "from": brief(self.a),
            "to": brief(self.b),
            "max_hops": self.max_hops,
            "as_of": iso(self.as_of),
            "types": sorted(self.types) if self.types else None,
            "natures": sorted(self.natures) if self.natures else None,
            "avoid": [e.id for e in self.avoid],
            "found": self.found,
            "criminal_tie": self.criminal_tie,
            "hops": self.hops,
            "message": self.message,
            "groups": [{"kind": k, "label": KINDS[k], "paths": [self.paths.index(p) + 1 for p in ps]}
                       for k, ps in self.groups()],
            "similar": self.similar,
            "skipped_similar": self.skipped_similar,
            "considered": self.considered,
            "truncated": self.truncated,
            "paths": [{
                "rank": i,
                "kind": p.kind,
                "strength": p.strength,
                "sentence": p.sentence,
                "score": round(p.score, 6),
                **self._path_keys(p),
                "through": p.through,
                "explain": {"score": round(p.score, 6), "steps": p.parts, "through": p.through},
                "steps": [self._step(s, names) for s in p.steps],
            } for i, p in enumerate(self.paths, 1)],
        }

    columns = ["path", "kind", "strength", "path_score", "step", "from_id", "from_name", "type",
               "nature", "direction", "to_id", "to_name", "relation_id", "since", "until",
               "confidence", "sources"]

    def rows(self) -> list[dict[str, Any]]:
        """One row per step, for CSV."""
        out = []
        for i, p in enumerate(self.paths, 1):
            for j, s in enumerate(p.steps, 1):
                r = s.relation
                out.append({
                    "path": i, "kind": p.kind, "strength": p.strength, "path_score": round(p.score, 6),
                    "step": j, "from_id": s.from_entity.id, "from_name": s.from_entity.name,
                    "type": r.type, "nature": ties.nature_of(r), "direction": s.direction,
                    "to_id": s.to_entity.id, "to_name": s.to_entity.name,
                    "relation_id": r.id, "since": r.since.value if r.since else None,
                    "until": r.until.value if r.until else None,
                    "confidence": r.confidence.code,
                    "sources": [c.source for c in r.citations],
                })
        return out

    def lines(self) -> list[str]:
        """The answer in sentences: by kind, each path with what it means and each step with its sources."""
        out = [self.message + "."]
        names = self._names()
        for kind, paths in self.groups():
            out.append("")
            out.append(f"{KINDS[kind].capitalize()}:")
            for p in paths:
                i = self.paths.index(p) + 1
                n = len(p.source_ids)
                out.append(f"  Path {i}: {' → '.join(e.name for e in p.entities)}")
                out.append(f"    {p.sentence}.")
                out.append(f"    {p.strength} (score {p.score:.3f}); weakest step {p.weakest}; "
                           f"{n} source{'s' if n != 1 else ''}")
                for j, s in enumerate(p.steps, 1):
                    out.append(f"    {j}. {self.say(s.relation, names)}")
                    if s.others:
                        out.append(f"       (also: {', '.join(r.id for r in s.others)})")
                if self.explain:
                    out.extend(f"    {line}" for line in _explain_lines(p))
        if self.skipped_similar:
            out.append("")
            out.append(f"{self.skipped_similar} more path{'s' if self.skipped_similar != 1 else ''} "
                       "through the same intermediates left out (--similar shows them).")
        if self.truncated:
            out.append(f"The search stopped after {self.considered:,} partial paths: lower --max-hops "
                       "or add --avoid for an exhaustive answer.")
        return out


def _explain_lines(p: RankedPath) -> list[str]:
    out = ["score = product of the steps' weights and of the specificity of each entity passed:"]
    for part in p.parts:
        ev = part["evidence"]
        out.append(f"  {part['relation']}: evidence {ev['weight']:.3f} (confidence {ev['confidence']} "
                   f"= {ev['score']:.2f} × {ev['corroboration']:.3f} for {ev['independent_sources']} "
                   f"independent source{'s' if ev['independent_sources'] != 1 else ''}) × nature "
                   f"{part['nature']} {part['nature_weight']:.2f} = {part['weight']:.3f}")
    for t in p.through:
        out.append(f"  through {t['name']}: {t['degree']} links, specificity {t['specificity']:.3f}"
                   + (" (a hub: halved)" if t["hub"] else ""))
    out.append(f"  = {p.score:.4f}")
    return out


class _Ranker:
    """Weights of steps and entities for one question, and the best-first path search."""

    def __init__(self, store, a: str, b: str, max_hops: int, as_of, entities: dict[str, Entity],
                 degrees: dict[str, int], total: int):
        self.store, self.a, self.b, self.max_hops, self.as_of = store, a, b, max_hops, as_of
        self.entities, self.degrees, self.total = entities, degrees, total
        self._publisher: dict[str, Optional[str]] = {}
        self._weights: dict[str, float] = {}

    def publisher(self, source_id: str) -> Optional[str]:
        if source_id not in self._publisher:
            try:
                self._publisher[source_id] = self.store.source(source_id).publisher
            except Exception:  # a citation of a source the store lacks counts alone
                self._publisher[source_id] = None
        return self._publisher[source_id]

    def weight(self, r: Relation) -> float:
        """:func:`ties.step_weight`, once per relation (both searches weigh the criminal ties)."""
        w = self._weights.get(r.id)
        if w is None:
            w = self._weights[r.id] = ties.step_weight(r, self.publisher)
        return w

    def factor(self, node: str) -> float:
        """What passing through ``node`` costs: its specificity (halved for a hub)."""
        if node in (self.a, self.b):
            return 1.0
        d = self.degrees.get(node, 1)
        return ties.specificity(d) * (ties.HUB_PENALTY if ties.is_hub(self.entities[node], d, self.total)
                                      else 1.0)

    def search(self, links: dict[str, dict[str, list[Relation]]], k: int, *, diverse: bool,
               used: set[str], reject=None) -> tuple[list[tuple[tuple[str, ...], float]], int, int, bool]:
        """The ``k`` best simple paths from a to b through ``links``, best first.

        Best-first search whose priority is the score so far times the best score
        any continuation could reach (a bound computed backwards from b, hop by
        hop): paths are completed in exact score order, so the first ``k`` accepted
        are the ``k`` best. Returns ``(paths, skipped as similar, considered, truncated)``.
        """
        a, b, hops = self.a, self.b, self.max_hops
        best_rel: dict[tuple[str, str], float] = {}
        for u, nbrs in links.items():
            for v, rels in nbrs.items():
                best_rel[u, v] = max(self.weight(r) for r in rels)
        # bound[h][v]: the best score from v to b in at most h more hops (simple or not)
        bound: list[dict[str, float]] = [{b: 1.0}]
        for _ in range(hops):
            prev, cur = bound[-1], dict(bound[-1])
            for (u, v), w in best_rel.items():
                if u == b or v == a or v not in prev:
                    continue
                val = w * (self.factor(v) if v != b else 1.0) * prev[v]
                if val > cur.get(u, 0.0):
                    cur[u] = val
            bound.append(cur)
        out: list[tuple[tuple[str, ...], float]] = []
        if a not in bound[hops]:
            return out, 0, 0, False
        heap = [(-_r(bound[hops][a]), 0, (a,), 1.0)]
        skipped = considered = 0
        while heap and len(out) < k:
            considered += 1
            if considered > SEARCH_BUDGET:
                return out, skipped, considered - 1, True
            _, n, nodes, g = heapq.heappop(heap)
            last = nodes[-1]
            if last == b:
                if reject is not None and reject(nodes):
                    continue
                inner = set(nodes[1:-1])
                if diverse and inner & used:
                    skipped += 1
                    continue
                used |= inner
                out.append((nodes, g))
                continue
            left = hops - n - 1
            for v in links.get(last, ()):
                if v in nodes or v == a:
                    continue
                h = bound[left].get(v) if left >= 0 else None
                if not h:
                    continue
                g2 = g * best_rel[last, v] * (self.factor(v) if v != b else 1.0)
                heapq.heappush(heap, (-_r(g2 * h), n + 1, nodes + (v,), g2))
        return out, skipped, considered, False

    # ------------------------------------------------------------ reading a path
    def build(self, nodes: tuple[str, ...], score: float,
              links: dict[str, dict[str, list[Relation]]]) -> RankedPath:
        steps = []
        for u, v in zip(nodes, nodes[1:]):
            rels = sorted(self.store.relations_of(links[u][v]),
                          key=lambda r: (-_r(self.weight(r)), evidence_key(r)))
            steps.append(Step(self.entities[u], rels[0], self.entities[v], rels[1:]))
        parts = []
        for s in steps:
            r = s.relation
            n = ties.independent_sources(r, self.publisher)
            parts.append({
                "relation": r.id, "type": r.type, "nature": ties.nature_of(r),
                "nature_weight": ties.nature_weight(r),
                "evidence": {"confidence": r.confidence.code, "score": r.confidence.score,
                             "independent_sources": n, "corroboration": round(ties.corroboration(n), 6),
                             "weight": round(ties.evidence(r, self.publisher), 6)},
                "weight": round(self.weight(r), 6),
            })
        through = []
        for i in nodes[1:-1]:
            e, d = self.entities[i], self.degrees.get(i, 1)
            through.append({"id": i, "name": e.name, "type": e.type, "degree": d,
                            "specificity": round(self.factor(i), 6),
                            "hub": ties.is_hub(e, d, self.total)})
        path = RankedPath(steps, score=score, parts=parts, through=through)
        path.kind = _kind(path)
        path.strength = _strength(path)
        path.sentence = _sentence(path)
        return path


def _r(x: float) -> float:
    """Scores rounded to 12 digits: the same order on every store, whatever the float noise."""
    return round(x, 12)


def _criminal_step(s: Step) -> bool:
    return (RELATION_TYPES[s.relation.type].criminal and s.from_entity.kind.value == "actor"
            and s.to_entity.kind.value == "actor")


def _kind(p: Path) -> str:
    """``criminal`` when every step is a criminal tie between actors; the nature shared by every
    step of a one- or two-step path (a shared place, economy, adversary); else ``chain``."""
    if all(_criminal_step(s) for s in p.steps):
        return "criminal"
    natures = {ties.nature_of(s.relation) for s in p.steps}
    if p.hops <= 2 and len(natures) == 1:
        return natures.pop()
    return "chain"


def _strength(p: RankedPath) -> str:
    if any(t["hub"] for t in p.through) or p.kind in ("presence", "economy", "geography", "chain"):
        return "weak"
    if p.kind == "criminal" and min(s.score for s in p.steps) >= 0.6 and p.hops <= 2:
        return "strong"
    return "moderate"


#: relation labels that are not verbs read with "is" before them ("is a faction of")
_PREDICATES = {"allied_with": "is allied with", "rival_of": "is a rival of", "member_of": "is a member of",
               "faction_of": "is a faction of", "located_in": "lies in", "hub_for": "is a hub for"}


def _phrase(s: Step) -> str:
    r = s.relation
    subj, obj = (s.from_entity, s.to_entity) if r.subject == s.from_entity.id else (s.to_entity, s.from_entity)
    return f"{subj.name} {_PREDICATES.get(r.type, RELATION_TYPES[r.type].label)} {obj.name}"


def _sentence(p: RankedPath) -> str:
    """What the path means, in words an analyst would sign."""
    a, b = p.entities[0], p.entities[-1]
    hubs = [t for t in p.through if t["hub"]]
    chain = "; ".join(_phrase(s) for s in p.steps)
    if p.hops == 1:
        s = p.steps[0]
        text = _phrase(s)
        if p.kind != "criminal":
            text += f" (a {NATURES[ties.nature_of(s.relation)].label} link, not a criminal tie)"
        return text
    if p.kind == "criminal":
        return f"{a.name} and {b.name} are tied through {_names(p.entities[1:-1])}: {chain}"
    natures = {ties.nature_of(s.relation) for s in p.steps}
    if p.hops == 2 and len(natures) == 1:
        z, t = p.entities[1], p.through[0]
        nature = natures.pop()
        links = f"{t['degree']} links"
        if nature == "adversarial":
            text = f"{a.name} and {b.name} share an adversary: {z.name}"
            if ties.is_state(z):
                text += f", a state actor with {links}; that is not a tie between them"
        elif nature == "presence":
            text = f"both operate in {z.name}, a {z.type_label} with {links}"
        elif nature == "economy":
            text = f"both engage in {z.name}, an economy with {links}"
        elif nature == "event":
            text = f"both are linked to the same event: {z.name}"
        elif nature == "geography":
            text = f"both lie in {z.name}"
        else:
            text = f"both are linked to {z.name} ({links}): {chain}"
        if t["hub"] and nature != "adversarial":
            text += ": a weak connection"
        return text
    text = f"a chain through {_names(p.entities[1:-1])}: {chain}"
    if hubs:
        text += "; it passes through " + ", ".join(f"{h['name']} ({h['degree']} links)" for h in hubs) + \
            ", which says little"
    return text


def _names(entities: list[Entity]) -> str:
    names = [e.name for e in entities]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@native
def connections(store, a: str, b: str, *, max_hops: int = 4, k: int = 5, as_of=None,
                types: Optional[Iterable[str]] = None, natures: Optional[Iterable[str]] = None,
                avoid: Iterable[str] = (), similar: bool = False, explain: bool = False) -> Connections:
    """How two entities are connected, most telling paths first, each with what it means and its sources.

    Every simple path of at most ``max_hops`` relations (in either direction) is a
    candidate. A path's score is the product of its steps' weights (evidence:
    confidence and independent sources; nature: a criminal tie weighs more than a
    shared place, economy or adversary) and of the specificity of every entity it
    passes through (a country with 40 links says little): :mod:`crimegraph.queries.ties`.
    The ``k`` best are returned, no two through the same intermediate entity
    unless ``similar``. Without ``types`` or ``natures``, criminal ties between
    actors are searched first and ``criminal_tie`` says whether there is one; the
    weaker kinds of connection follow, grouped by kind.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    a, b : str
        Entity ids or names/aliases (``"Tren de Aragua"``, ``"shining-path"``).
    max_hops : int
        Longest path to look for.
    k : int
        How many paths to return.
    as_of : date, int or str, optional
        Only relations valid on that day (a year means its last day).
    types : iterable of str, optional
        Only these relation types.
    natures : iterable of str, optional
        Only relation types of these natures (``cooperation``, ``hierarchy``, ``supply``,
        ``adversarial``, ``presence``, ``economy``, ``event``, ``geography``).
    avoid : iterable of str
        Entities (ids or names) no path may pass through.
    similar : bool
        Allow several paths through the same intermediate entity.
    explain : bool
        Print the parts of each score (JSON always has them).

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import connections
    >>> store = crimegraph.open_store()
    >>> found = connections(store, "Tren de Aragua", "Shining Path")
    >>> found.criminal_tie, found.paths[0].entities[0].id, found.paths[0].entities[-1].id
    (False, 'tren-de-aragua', 'shining-path')
    >>> connections(store, "shining-path", "tren-de-aragua", max_hops=1).message
    'no connection between Shining Path (shining-path) and Tren de Aragua (tren-de-aragua) within 1 hop: no criminal tie, nor any other kind of link'
    >>> connections(store, "shining-path", "tren-de-aragua").message.startswith("No criminal tie")
    True
    """
    check_positive(max_hops, "max_hops")
    check_positive(k, "k")
    types = check_types(types)
    chosen = frozenset(natures) if natures is not None else None
    if chosen is not None:
        unknown = sorted(chosen - set(NATURES))
        if unknown:
            raise UsageError(f"natures: unknown {', '.join(unknown)}; known: {', '.join(NATURES)}")
    ea, eb = store.resolve(a), store.resolve(b)
    if ea.id == eb.id:
        raise UsageError(f"{a!r} and {b!r} are the same entity ({ea.id}); name two different ones")
    avoided = [store.resolve(x) for x in avoid]
    avoid_ids = [e.id for e in avoided]
    allowed = types
    if chosen is not None:
        allowed = ties.types_of(chosen) if allowed is None else allowed & ties.types_of(chosen)
    # the ranking weighs ties (id, type, confidence, sources); only the paths shown are read whole
    links = store.path_links(ea.id, eb.id, max_hops=max_hops, types=allowed, as_of=as_of, avoid=avoid_ids,
                             ties=True)
    nodes = sorted(links)
    entities = {ea.id: ea, eb.id: eb, **store.entities_by_id([n for n in nodes if n not in (ea.id, eb.id)])}
    degrees = store.degrees([n for n in nodes if n not in (ea.id, eb.id)], as_of=as_of)
    ranker = _Ranker(store, ea.id, eb.id, max_hops, as_of, entities, degrees,
                     ties.entity_total(store))
    used: set[str] = set()
    found: list[tuple[tuple[str, ...], float, dict]] = []
    skipped = considered = 0
    truncated = False
    criminal_tie: Optional[bool] = None
    if types is None and chosen is None and ea.kind.value == "actor" and eb.kind.value == "actor":
        crim = {u: {v: [r for r in rels if RELATION_TYPES[r.type].criminal]
                    for v, rels in nbrs.items()
                    if entities[u].kind.value == "actor" and entities[v].kind.value == "actor"}
                for u, nbrs in links.items()}
        crim = {u: {v: rels for v, rels in nbrs.items() if rels} for u, nbrs in crim.items()}
        got, sk, co, tr = ranker.search(crim, k, diverse=not similar, used=used)
        found += [(n, s, crim) for n, s in got]
        skipped, considered, truncated = skipped + sk, considered + co, truncated or tr
        criminal_tie = bool(got)
        if len(found) < k:
            def criminal_only(path_nodes, crim=crim):
                return all(v in crim.get(u, {}) for u, v in zip(path_nodes, path_nodes[1:]))

            got, sk, co, tr = ranker.search(links, k - len(found), diverse=not similar, used=used,
                                            reject=criminal_only)
            found += [(n, s, links) for n, s in got]
            skipped, considered, truncated = skipped + sk, considered + co, truncated or tr
    else:
        got, skipped, considered, truncated = ranker.search(links, k, diverse=not similar, used=used)
        found = [(n, s, links) for n, s in got]
    paths = [ranker.build(n, s, via) for n, s, via in found]
    used_rels = [s.relation for p in paths for s in p.steps]
    return Connections(ea, eb, max_hops, paths, types, chosen, avoided, criminal_tie, similar,
                       skipped, considered, truncated, explain, as_of=as_of,
                       sources=cited_sources(store, used_rels))
