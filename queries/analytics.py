"""Whole-graph analytics with igraph: ``brokers`` (betweenness) and ``communities`` (Leiden).

networkx stays the embedded graph; these analytics would not finish at scale
in pure Python (sampled betweenness on 100k entities / 500k relations: minutes
in networkx, seconds in igraph), so the graph is projected into igraph here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.graph.base import check_types
from crimegraph.schema.compact import no_gc
from crimegraph.schema.models import Entity

from .dispatch import native
from .params import check_positive, coerce_as_of
from .shapes import brief, iso, plural

PROJECTIONS = ("criminal", "actors", "all")
#: above this many entities, betweenness is estimated from a sample of source entities
EXACT_LIMIT = 5000
#: Leiden passes: two refine nearly all of the modularity; iterating to a fixed point costs
#: 30 times more at 100k entities
LEIDEN_ITERATIONS = 2
#: sources sampled for the estimate (the same sampling as networkx's ``betweenness_centrality(k=...)``);
#: on synthetic graphs 100 sources find 9 of the exact top 10 brokers
DEFAULT_SAMPLES = 100


@dataclass
class Projection:
    """The store as an undirected, simple igraph graph; vertex ``i`` is ``entities[i]``."""

    graph: Any  # igraph.Graph
    entities: list[Entity]
    projection: str
    as_of: Optional[dt.date]
    include_state: bool = True


def project(store, *, projection: str = "criminal", types: Optional[Iterable[str]] = None,
            as_of=None, include_state: bool = True) -> Projection:
    """The store as an undirected simple igraph graph (parallel relations merged).

    ``projection="criminal"`` keeps actors and the criminal ties among them
    (cooperation, hierarchy, supply: :data:`~crimegraph.schema.vocab.CRIMINAL_NATURES`;
    ``types`` narrows them further); ``"actors"`` keeps actors and every relation
    among them; ``"all"`` keeps every entity and relation. ``include_state=False``
    leaves state actors out. A store that can keep derived structures
    (:meth:`~crimegraph.graph.base.Store.derived`) builds it once per write.
    """
    if projection not in PROJECTIONS:
        raise UsageError(f"projection must be one of {', '.join(PROJECTIONS)}, got {projection!r}")
    types, as_of = check_types(types), coerce_as_of(as_of)
    if projection == "criminal":
        from .ties import types_of
        from crimegraph.schema.vocab import CRIMINAL_NATURES

        crim = types_of(CRIMINAL_NATURES)
        types = crim if types is None else types & crim
    derived = getattr(store, "derived", None)
    build = lambda: _project(store, projection, types, as_of, include_state)  # noqa: E731
    if derived is None:
        return build()
    return derived(("igraph-projection", projection, types, as_of, include_state), build)


def _project(store, projection: str, types: Optional[frozenset[str]], as_of,
             include_state: bool = True) -> Projection:
    import igraph

    ents = list(store.entities(kinds=("actor",) if projection in ("actors", "criminal") else None))
    if not include_state:
        ents = [e for e in ents if e.type != "state_actor"]
    index = {e.id: i for i, e in enumerate(ents)}
    ends = getattr(store, "relation_ends", None)
    pairs = (ends(types=types, as_of=as_of) if ends is not None
             else ((r.subject, r.object) for r in store.relations(types=types, as_of=as_of)))
    get = index.get
    edges = [(i, j) for i, j in ((get(s), get(o)) for s, o in pairs) if i is not None and j is not None]
    g = igraph.Graph(n=len(ents), edges=edges, directed=False)
    # vertices by id; simplify() merges parallel links and leaves the edges sorted: the same
    # graph, hence the same answer, on every backend
    g.simplify(multiple=True, loops=True)
    return Projection(g, ents, projection, as_of, include_state)


@contextmanager
def seeded(seed: int):
    """Make igraph's randomised algorithms reproducible for the duration of a block."""
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def membership(store, proj: Projection, types, seed: int, resolution: float = 1.0) -> list[int]:
    """Leiden communities (modularity) of a projection, seeded; kept with it where the store can."""

    def build() -> list[int]:
        g = proj.graph
        if g.ecount() == 0:
            return list(range(g.vcount()))
        with seeded(seed):
            return g.community_leiden(objective_function="modularity", resolution=resolution,
                                      n_iterations=LEIDEN_ITERATIONS).membership

    derived = getattr(store, "derived", None)
    if derived is None:
        return build()
    # the key names the projection exactly (a membership indexes its vertices)
    return derived(("leiden", proj.projection, check_types(types), proj.as_of, proj.include_state, seed,
                    resolution, proj.graph.vcount()), build)


# ---------------------------------------------------------------- brokers
@dataclass
class Broker:
    """An entity on many shortest paths between others, and the groups its neighbours fall in.

    ``bridges`` lists those groups, most of its neighbours first, as ``(label,
    neighbours in it, whether it is the broker's own group)``; a group is labelled
    by its best-connected member.
    """

    entity: Entity
    betweenness: float
    degree: int
    groups: int
    bridges: list[tuple[str, int, bool]]
    #: the broker's links in the projection, grouped by the group at their other end:
    #: ``(group label, [relations])``, the groups it bridges first
    ties: list[tuple[str, list]] = field(default_factory=list)

    def describe_bridges(self) -> str:
        return ", ".join("its own group" if own else f"the {label} group" for label, _, own in self.bridges)


@dataclass
class Brokers:
    """Entities ranked by (normalised) betweenness: who bridges otherwise separate groups."""

    brokers: list[Broker]
    projection: str
    nodes: int
    edges: int
    samples: Optional[int]
    as_of: Optional[dt.date] = None
    include_state: bool = True
    types: Optional[frozenset[str]] = None
    sources: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        from .shapes import rel_dict

        return {
            "projection": self.projection, "as_of": iso(self.as_of),
            "include_state": self.include_state,
            "types": sorted(self.types) if self.types else None,
            "graph": {"entities": self.nodes, "relations": self.edges},
            "exact": self.samples is None, "samples": self.samples,
            "brokers": [{"rank": i, **brief(b.entity), "betweenness": round(b.betweenness, 6),
                         "degree": b.degree, "groups": b.groups,
                         "bridges": [{"group": label, "neighbours": n, "own": own}
                                     for label, n, own in b.bridges],
                         "ties": [{"group": label,
                                   "relations": [rel_dict(r, self.sources, self.names, b.entity.id,
                                                          as_of=self.as_of) for r in rels]}
                                  for label, rels in b.ties]}
                        for i, b in enumerate(self.brokers, 1)],
        }

    columns = ["rank", "id", "name", "type", "kind", "betweenness", "degree", "groups", "bridges"]

    def rows(self) -> list[dict[str, Any]]:
        rows = self.as_dict()["brokers"]
        for r in rows:
            r["bridges"] = [b["group"] for b in r["bridges"]]
        return rows

    def lines(self) -> list[str]:
        how = "exact" if self.samples is None else f"estimated from {self.samples} sampled sources"
        when = f", as of {self.as_of.isoformat()}" if self.as_of else ""
        out = [f"Brokers: betweenness on the {self.projection} graph ({self.nodes} entities, "
               f"{self.edges} links; {how}{when})."]
        if self.projection == "criminal":
            out[0] = out[0][:-2] + ": actors and the criminal ties among them" + (
                "" if self.include_state else ", state actors left out (--include-state)") + ")."
        from .shapes import sentence

        for i, b in enumerate(self.brokers, 1):
            bridges = f"; bridges {b.describe_bridges()}" if b.groups > 1 else ""
            out.append(f"{i:>3}. {b.entity.name} ({b.entity.id}, {b.entity.type_label}): "
                       f"betweenness {b.betweenness:.4f}; {b.degree} neighbour"
                       f"{'s' if b.degree != 1 else ''} in {b.groups} group"
                       f"{'s' if b.groups != 1 else ''}{bridges}")
            for label, rels in b.ties:
                out.append(f"       to the {label} group:")
                out.extend(f"         {sentence(r, self.names, self.sources, as_of=self.as_of)}"
                           for r in rels)
        return out


@native
@no_gc()  # projection, igraph import, results: allocation bursts, no cycles
def brokers(store, *, top: int = 10, projection: str = "criminal", as_of=None,
            types: Optional[Iterable[str]] = None, kinds: Optional[Iterable[str]] = ("actor",),
            samples: Optional[int] = None, seed: int = 0, include_state: Optional[bool] = None,
            ties: int = 3) -> Brokers:
    """Entities that bridge otherwise separate groups, ranked by betweenness centrality.

    Betweenness counts the shortest paths between other entities that run
    through an entity; entities on no such path are not brokers and are left out. It is computed with igraph, exactly up to
    :data:`EXACT_LIMIT` entities and above that estimated from ``samples``
    source entities (seeded, so runs repeat). Each broker also shows how many
    communities (:func:`communities`) its neighbours belong to, and the
    largest of them by name: the groups it bridges.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    top : int
        How many brokers to return.
    projection : {"criminal", "actors", "all"}
        ``criminal`` (default): actors and the criminal ties among them (cooperation,
        hierarchy, supply), without state actors unless ``include_state``; ``actors``:
        actors and every relation among them (rivalries and state action too);
        ``all``: every entity and relation, so that shared places and economies
        also connect actors.
    include_state : bool, optional
        Keep state actors (police, armed forces); default: only outside ``criminal``.
    ties : int
        Links shown per bridged group, best-evidenced first, with their sources.
    as_of : date, int or str, optional
        Only relations valid on that day.
    types : iterable of str, optional
        Only these relation types.
    kinds : iterable of str or None
        Entity kinds to rank (default actors); ``None`` ranks every entity.
    samples : int, optional
        Source entities to sample; default exact up to :data:`EXACT_LIMIT`
        entities, else :data:`DEFAULT_SAMPLES`.
    seed : int
        Seed for the sample and for the community detection.

    Returns
    -------
    Brokers

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import brokers
    >>> store = crimegraph.open_store()
    >>> top = brokers(store, top=3, projection="all")
    >>> len(top.brokers), all(b.entity.kind.value == "actor" for b in top.brokers)
    (3, True)
    >>> top.brokers[0].betweenness >= top.brokers[1].betweenness >= top.brokers[2].betweenness
    True
    """
    check_positive(top, "top")
    if include_state is None:
        include_state = projection != "criminal"
    proj = project(store, projection=projection, types=types, as_of=as_of, include_state=include_state)
    g, n = proj.graph, proj.graph.vcount()
    if samples is not None:
        check_positive(samples, "samples")
    k = samples if samples is not None else (n if n <= EXACT_LIMIT else DEFAULT_SAMPLES)
    if n == 0:
        scores: list[float] = []
    elif k >= n:
        k = None
        scores = g.betweenness(directed=False)
    else:
        sources = sorted(random.Random(seed).sample(range(n), k))
        scores = [s * n / k for s in g.betweenness(directed=False, sources=sources)]
    norm = (n - 1) * (n - 2) / 2 if n > 2 else 1.0
    wanted = set(kinds) if kinds else None
    order = sorted((i for i in range(n) if scores[i] > 0
                    and (wanted is None or proj.entities[i].kind.value in wanted)),
                   key=lambda i: (-scores[i], proj.entities[i].id))[:top]
    groups_of = membership(store, proj, types, seed)
    # name each community after its best-connected member
    degree = g.degree()
    label: dict[int, tuple[int, str]] = {}
    for i, c in enumerate(groups_of):
        key = (-degree[i], proj.entities[i].name)
        if c not in label or key < label[c]:
            label[c] = key
    out = []
    for i in order:
        groups = Counter(groups_of[j] for j in g.neighbors(i))
        bridges = [(label[c][1], count, c == groups_of[i])
                   for c, count in sorted(groups.items(), key=lambda kv: (-kv[1], label[kv[0]]))]
        out.append(Broker(proj.entities[i], scores[i] / norm, degree[i], len(groups), bridges[:5]))
    # the ties that make each broker a bridge, by the group at their other end, with sources
    from .shapes import cited_sources, evidence_key

    group_of = {e.id: groups_of[i] for i, e in enumerate(proj.entities)}
    kept = _projected_types(projection, types)
    used, names = [], {}
    for b in out:
        by: dict[int, list] = {}
        for r in store.relations(b.entity.id, types=kept, as_of=as_of):
            other = r.other(b.entity.id)
            if other in group_of and other != b.entity.id:
                by.setdefault(group_of[other], []).append(r)
        own = group_of[b.entity.id]
        for c in sorted(by, key=lambda c: (c == own, -len(by[c]), label[c][1])):
            rels = sorted(by[c], key=evidence_key)[:max(ties, 0)]
            b.ties.append((label[c][1], rels))
            used += rels
    for e in proj.entities:
        names[e.id] = e.name
    return Brokers(out, projection, n, g.ecount(), k, as_of, include_state, check_types(types),
                   sources=cited_sources(store, used), names=names)


def _projected_types(projection: str, types) -> Optional[frozenset[str]]:
    types = check_types(types)
    if projection != "criminal":
        return types
    from crimegraph.schema.vocab import CRIMINAL_NATURES

    from .ties import types_of

    crim = types_of(CRIMINAL_NATURES)
    return crim if types is None else types & crim


# ---------------------------------------------------------------- communities
@dataclass
class Community:
    """A group of densely connected entities, members by number of links (most first)."""

    members: list[Entity]
    degrees: list[int]

    @property
    def label(self) -> str:
        return self.members[0].name

    def kinds(self) -> dict[str, int]:
        return dict(sorted(Counter(e.kind.value for e in self.members).items()))


@dataclass
class Communities:
    """Communities found by the Leiden algorithm (modularity), largest first."""

    communities: list[Community]
    modularity: float
    projection: str
    nodes: int
    edges: int
    singletons: int
    seed: int
    as_of: Optional[dt.date] = None
    show: int = 10

    def as_dict(self) -> dict[str, Any]:
        return {
            "projection": self.projection, "as_of": iso(self.as_of), "algorithm": "leiden",
            "seed": self.seed, "modularity": round(self.modularity, 6),
            "graph": {"entities": self.nodes, "relations": self.edges},
            "singletons": self.singletons,
            "communities": [{"rank": i, "label": c.label, "size": len(c.members),
                             "kinds": c.kinds(),
                             "members": [{**brief(e), "degree": d}
                                         for e, d in zip(c.members, c.degrees)]}
                            for i, c in enumerate(self.communities, 1)],
        }

    columns = ["community", "label", "id", "name", "type", "kind", "degree"]

    def rows(self) -> list[dict[str, Any]]:
        return [{"community": i, "label": c.label, **brief(e), "degree": d}
                for i, c in enumerate(self.communities, 1) for e, d in zip(c.members, c.degrees)]

    def lines(self) -> list[str]:
        when = f", as of {self.as_of.isoformat()}" if self.as_of else ""
        n = len(self.communities)
        out = [f"{n} communit{'ies' if n != 1 else 'y'} in the {self.projection} graph "
               f"({self.nodes} entities, {self.edges} links{when}); modularity {self.modularity:.3f}"
               + (f"; {self.singletons} unconnected entities left out" if self.singletons else "") + "."]
        for i, c in enumerate(self.communities, 1):
            kinds = ", ".join(plural(k, v) for k, v in c.kinds().items())
            shown = ", ".join(e.name for e in c.members[:self.show])
            more = f" … and {len(c.members) - self.show} more" if len(c.members) > self.show else ""
            out.append(f"{i:>3}. {c.label} group: {len(c.members)} members ({kinds}): {shown}{more}")
        return out


@native
@no_gc()  # projection, igraph import, results: allocation bursts, no cycles
def communities(store, *, projection: str = "all", as_of=None,
                types: Optional[Iterable[str]] = None, resolution: float = 1.0, seed: int = 0,
                top: Optional[int] = None, min_size: int = 2) -> Communities:
    """Groups of densely connected entities (Leiden, modularity), reproducible for a given seed.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    projection : {"all", "actors"}
        Every entity and relation, or actors and the relations among them.
    as_of : date, int or str, optional
        Only relations valid on that day.
    types : iterable of str, optional
        Only these relation types.
    resolution : float
        Higher finds more, smaller communities.
    seed : int
        Seed of the randomised algorithm: the same seed gives the same communities.
    top : int, optional
        Only the largest ``top`` communities.
    min_size : int
        Smaller communities (unconnected entities) are counted, not listed.

    Returns
    -------
    Communities
        ``.communities`` largest first, each with its members by number of links.

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import communities
    >>> store = crimegraph.open_store()
    >>> found = communities(store)
    >>> sizes = [len(c.members) for c in found.communities]
    >>> sizes == sorted(sizes, reverse=True) and found.modularity > 0
    True
    >>> [c.label for c in communities(store).communities] == [c.label for c in found.communities]
    True
    """
    if top is not None:
        check_positive(top, "top")
    proj = project(store, projection=projection, types=types, as_of=as_of)
    g = proj.graph
    groups_of = membership(store, proj, types, seed, resolution)
    degree = g.degree()
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(groups_of):
        groups.setdefault(c, []).append(i)
    found, singletons = [], 0
    for members in groups.values():
        if len(members) < min_size:
            singletons += len(members)
            continue
        members.sort(key=lambda i: (-degree[i], proj.entities[i].name, proj.entities[i].id))
        found.append(Community([proj.entities[i] for i in members], [degree[i] for i in members]))
    found.sort(key=lambda c: (-len(c.members), c.members[0].id))
    if top is not None:
        found = found[:top]
    modularity = g.modularity(groups_of) if g.ecount() else 0.0
    return Communities(found, modularity, projection, g.vcount(), g.ecount(), singletons, seed,
                       as_of)
