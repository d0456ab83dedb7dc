"""Node measures that a map can size its nodes by.

``degree`` counts the relations an entity has *in the map*; ``citations``
counts the citations on those relations (how much evidence touches it);
``betweenness`` and ``pagerank`` are computed with igraph, which stays fast
where networkx would not (see DESIGN.md).
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

MEASURES = ("degree", "citations", "betweenness", "pagerank", "none")

#: node radius range, in canvas units
MIN_SIZE = 9.0
MAX_SIZE = 34.0


def measure(name: str, n: int, edges: Sequence[tuple[int, int]],
            citations: Sequence[int] = ()) -> list[float]:
    """The value of measure ``name`` for nodes ``0..n-1``."""
    if name not in MEASURES:
        from crimegraph.errors import UsageError

        raise UsageError(f"unknown node size measure {name!r}; choose one of {', '.join(MEASURES)}")
    if name == "none" or n == 0:
        return [0.0] * n
    if name in ("degree", "citations"):
        out = [0.0] * n
        for i, (a, b) in enumerate(edges):
            w = citations[i] if name == "citations" else 1
            out[a] += w
            out[b] += w
        return out
    import igraph as ig

    g = ig.Graph(n=n, edges=list(edges))
    if name == "betweenness":
        # exact up to a few thousand nodes; sampled-cutoff beyond, which keeps it interactive
        cutoff = None if n <= 3000 else 4
        return [float(v) for v in g.betweenness(directed=False, cutoff=cutoff)]
    return [float(v) for v in g.pagerank(directed=False)]


def sizes(values: Sequence[float], *, lo: float = MIN_SIZE, hi: float = MAX_SIZE,
          full_at: Optional[float] = None) -> list[float]:
    """Radii from values: the square root of the value, spread over ``[lo, hi]``.

    The full range is used only once the largest value reaches ``full_at``
    (by default 16, for counts such as degree), so that on a small map a node
    with two relations does not dwarf one with one.

    >>> sizes([0, 4, 16])
    [9.0, 21.5, 34.0]
    >>> sizes([1, 2])
    [9.0, 17.8]
    """
    if not values:
        return []
    roots = [math.sqrt(max(0.0, v)) for v in values]
    top, bottom = max(roots), min(roots)
    if top - bottom <= 1e-12:
        return [round(lo + (hi - lo) / 4, 1)] * len(values)
    if full_at is None:
        full_at = 16.0 if top >= 1.0 else top * top  # small fractions (pagerank): full range
    reach = min(1.0, top / math.sqrt(full_at)) if full_at > 0 else 1.0
    span = (hi - lo) * reach
    return [round(lo + span * (r - bottom) / (top - bottom), 1) for r in roots]
