"""Node positions computed in Python, so that big maps open with physics off.

The browser's force simulation (vis-network's physics) is pleasant on small
maps but does not scale: pyvis's defaults need 12.5 s to settle 500 nodes and
109 s for 2,000 in headless Chromium. igraph's DRL layout is too slow as well
(10.7 s for 5,000 nodes). This module lays a graph out in well under a second
for 5,000 nodes:

1. each connected component is laid out on its own (a force layout on a
   disconnected graph pushes the pieces to the edges of the canvas);
2. small components get a Kamada–Kawai layout (graph distance becomes
   drawing distance, which reads well); large ones a two-level one: communities (Leiden, modularity) are laid out first as single
   points, members start around their community's point, and a short,
   cool grid-based Fruchterman–Reingold pass untangles them;
3. every component is scaled to the same typical edge length and the
   components are packed on shelves, largest first; isolated entities go in
   a tidy grid after them.

The result is deterministic for a given graph and seed, so a map drawn twice
looks the same twice (which matters in a report).

>>> pos = compute_layout(4, [(0, 1), (1, 2)], seed=1)
>>> len(pos), all(isinstance(x, float) for p in pos for x in p)
(4, True)
"""

from __future__ import annotations

import math
import random
from typing import Optional, Sequence

#: components up to this size get a Kamada–Kawai layout; larger ones the two-level one
FULL_LAYOUT_MAX = 300

#: default distance between linked nodes, in vis-network canvas units
EDGE_LENGTH = 110.0


def compute_layout(n: int, edges: Sequence[tuple[int, int]], *, seed: int = 7,
                   edge_length: float = EDGE_LENGTH) -> list[tuple[float, float]]:
    """Positions ``(x, y)`` for nodes ``0..n-1`` linked by ``edges`` (pairs of indexes)."""
    if n == 0:
        return []
    import igraph as ig

    g = ig.Graph(n=n, edges=[(a, b) for a, b in edges if a != b])
    g.simplify(multiple=True, loops=True)
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        return _layout_graph(g, rng, edge_length)
    finally:
        ig.set_random_number_generator(random)


def _layout_graph(g, rng: random.Random, edge_length: float, depth: int = 0
                  ) -> list[tuple[float, float]]:
    """Lay out each connected component, then pack them (isolated nodes last, in a grid)."""
    pieces: list[tuple[list[int], list[tuple[float, float]]]] = []
    isolates: list[int] = []
    for members in g.connected_components(mode="weak"):
        if len(members) == 1:
            isolates.append(members[0])
            continue
        sub = g.induced_subgraph(members)
        m = sub.vcount()
        if m == 2:
            coords = [(0.0, 0.0), (edge_length, 0.0)]
        elif m <= FULL_LAYOUT_MAX:
            # Kamada-Kawai reads best but costs more: for whole components; inside a
            # big component, its many communities get a quicker force-directed pass
            pos = (sub.layout_kamada_kawai() if depth == 0 else
                   sub.layout_fruchterman_reingold(niter=100, grid=False))
            coords = _normalise([tuple(p) for p in pos], sub.get_edgelist(), edge_length)
        else:
            coords = _two_level(sub, rng, edge_length, depth)
        pieces.append((members, coords))
    pieces.sort(key=lambda piece: -len(piece[0]))
    if isolates:
        side = max(1, math.ceil(math.sqrt(len(isolates))))
        coords = [((i % side) * edge_length * 0.8, (i // side) * edge_length * 0.8)
                  for i in range(len(isolates))]
        pieces.append((isolates, coords))
    return _pack(g.vcount(), pieces, margin=edge_length)


def _two_level(sub, rng: random.Random, edge_length: float, depth: int
               ) -> list[tuple[float, float]]:
    """A large connected component: its communities laid out on their own, then arranged.

    Each community (Leiden, modularity) is laid out like a graph of its own
    (recursively, if it is large itself); the communities are then placed
    where a layout of the community graph puts them, scaled so that each
    community's disc has room, and pushed apart until no two discs overlap.
    """
    n = sub.vcount()
    clusters = sub.community_leiden(objective_function="modularity", n_iterations=2)
    k = len(clusters)
    if k <= 1 or depth >= 3 or max(len(c) for c in clusters) > 0.9 * n:
        # no useful split: one force-directed pass over the whole component
        pos = sub.layout_fruchterman_reingold(niter=120, grid=n > 1000)
        return _normalise([tuple(p) for p in pos], sub.get_edgelist(), edge_length)
    inner: list[list[tuple[float, float]]] = []
    radius: list[float] = []
    for members in clusters:
        coords = _layout_graph(sub.induced_subgraph(members), rng, edge_length, depth + 1)
        cx = sum(x for x, _ in coords) / len(coords)
        cy = sum(y for _, y in coords) / len(coords)
        coords = [(x - cx, y - cy) for x, y in coords]
        inner.append(coords)
        radius.append(max(math.hypot(x, y) for x, y in coords) + edge_length * 0.6)
    coarse = clusters.cluster_graph(combine_edges=False)
    coarse.simplify()
    if k <= FULL_LAYOUT_MAX:
        centre = [tuple(p) for p in coarse.layout_kamada_kawai()]
    else:
        centre = [tuple(p) for p in coarse.layout_fruchterman_reingold(niter=300, grid=True)]
    # scale: linked communities about as far apart as their discs need
    wanted = sorted(radius[a] + radius[b] for a, b in coarse.get_edgelist()) or [max(radius) * 2]
    have = sorted(math.dist(centre[a], centre[b]) for a, b in coarse.get_edgelist()) or [1.0]
    f = wanted[len(wanted) // 2] / max(have[len(have) // 2], 1e-9)
    centre = [[x * f, y * f] for x, y in centre]
    _separate(centre, radius, gap=edge_length * 0.5, rounds=60 if k <= 400 else 10, rng=rng)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * n
    for c, members in enumerate(clusters):
        x0, y0 = centre[c]
        for i, (x, y) in zip(members, inner[c]):
            out[i] = (x0 + x, y0 + y)
    return out


def _separate(centre: list[list[float]], radius: list[float], *, gap: float, rounds: int,
              rng: random.Random) -> None:
    """Push overlapping discs apart, in place (a few rounds of pairwise separation)."""
    k = len(centre)
    for _ in range(rounds):
        moved = False
        for a in range(k):
            xa, ya = centre[a]
            for b in range(a + 1, k):
                dx = centre[b][0] - xa
                dy = centre[b][1] - ya
                need = radius[a] + radius[b] + gap
                d2 = dx * dx + dy * dy
                if d2 >= need * need:
                    continue
                d = math.sqrt(d2)
                if d < 1e-6:
                    ang = rng.random() * 2 * math.pi
                    dx, dy, d = math.cos(ang), math.sin(ang), 1.0
                push = (need - d) / 2
                ux, uy = dx / d * push, dy / d * push
                centre[a][0] -= ux
                centre[a][1] -= uy
                centre[b][0] += ux
                centre[b][1] += uy
                xa, ya = centre[a]
                moved = True
        if not moved:
            break


def _normalise(coords: list[tuple[float, float]], edgelist, edge_length: float
               ) -> list[tuple[float, float]]:
    """Centre on the origin and scale: the median edge ``edge_length`` long, and no denser than
    one node per ``edge_length``² of bounding box (a dense tangle is spread out, not shrunk)."""
    if not coords:
        return coords
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edgelist) if edgelist else []
    median = lengths[len(lengths) // 2] if lengths else 0.0
    if median <= 1e-9:
        span = max((math.dist(p, (cx, cy)) for p in coords), default=0.0)
        median = span if span > 1e-9 else 1.0
    f = edge_length / median
    if len(coords) > 3:
        xs = [x for x, _ in coords]
        ys = [y for _, y in coords]
        # a thin layout (a chain) has almost no area: count each side as at least one edge
        area = max(max(xs) - min(xs), median) * max(max(ys) - min(ys), median)
        spacing = math.sqrt(area / len(coords))  # per node, in layout units
        f = max(f, 0.9 * edge_length / spacing)
    return [((x - cx) * f, (y - cy) * f) for x, y in coords]


def _pack(n: int, pieces, *, margin: float) -> list[tuple[float, float]]:
    """Shelf-pack the components in the order given (largest first).

    Rows are as wide as the largest component, or as the square root of the
    total area if that is wider; small components get small margins, so that
    dozens of pairs do not outweigh the main component.
    """
    boxes = []
    for members, coords in pieces:
        xs = [x for x, _ in coords]
        ys = [y for _, y in coords]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        gap = max(margin * 0.35, min(margin, 0.25 * max(w, h)))
        boxes.append((members, coords, min(xs), min(ys), w, h, gap))
    area = sum((w + g) * (h + g) for *_, w, h, g in boxes)
    width = max(math.sqrt(area) * 1.1, max(w for *_, w, _h, _g in boxes))
    out: list[tuple[float, float]] = [(0.0, 0.0)] * n
    x = y = row_h = 0.0
    for members, coords, x0, y0, w, h, gap in boxes:
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for i, (px, py) in zip(members, coords):
            out[i] = (x + px - x0, y + py - y0)
        x += w + gap
        row_h = max(row_h, h + gap)
    # centre the whole on the origin
    cx = sum(p[0] for p in out) / n
    cy = sum(p[1] for p in out) / n
    return [(round(px - cx, 1), round(py - cy, 1)) for px, py in out]
