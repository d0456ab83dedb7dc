"""Random subgraphs of any size, built in memory (faster than writing and loading seeds)."""

from __future__ import annotations

import random

from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.models import Actor, Citation, Economy, Place, Relation, Source

SOURCE = Source(id="synthetic", title="Synthetic source", reliability="C")


def random_subgraph(n: int, m: int, seed: int = 1) -> Subgraph:
    """``n`` entities (actors, places, economies) and up to ``m`` relations, heavy-tailed degrees."""
    rng = random.Random(seed)
    cite = [Citation(source="synthetic", quote="a synthetic quote")]
    n_places = max(2, n // 5)
    n_econ = max(1, n // 50)
    ents = []
    for i in range(n):
        if i < n_places:
            ents.append(Place(id=f"place-{i}", type="city", name=f"Place {i}", citations=cite))
        elif i < n_places + n_econ:
            ents.append(Economy(id=f"econ-{i}", type="extortion", name=f"Economy {i}", citations=cite))
        else:
            ents.append(Actor(id=f"actor-{i}", type="gang", name=f"Actor {i}", citations=cite))
    places = [e.id for e in ents if e.kind.value == "place"]
    econs = [e.id for e in ents if e.kind.value == "economy"]
    actors = [e.id for e in ents if e.kind.value == "actor"]
    weights = [1.0 / (k + 1) ** 0.7 for k in range(len(actors))]
    rels: dict[str, Relation] = {}
    for p in places[1:]:  # a place hierarchy
        parent = places[rng.randrange(0, max(1, places.index(p)))] if p != places[0] else None
        if parent and parent != p:
            r = Relation(type="located_in", subject=p, object=parent, confidence="A1", citations=cite)
            rels[r.id] = r
    tries = 0
    while len(rels) < m and tries < m * 5:
        tries += 1
        a = rng.choices(actors, weights)[0]
        roll = rng.random()
        if roll < 0.45:
            t, o = "operates_in", rng.choice(places)
        elif roll < 0.65:
            t, o = "engages_in", rng.choice(econs)
        else:
            t, o = rng.choice(("allied_with", "rival_of", "supplies")), rng.choices(actors, weights)[0]
            if o == a:
                continue
        since = rng.randint(1980, 2020) if rng.random() < 0.8 else None
        r = Relation(type=t, subject=a, object=o, since=since, confidence="B2", citations=cite)
        rels.setdefault(r.id, r)
    sg = Subgraph.of(ents, rels.values())
    sg.sources = {"synthetic": SOURCE}
    return sg
