"""How much a link says, written once: evidence, nature and specificity.

The connection ranking (:mod:`crimegraph.queries.paths`), the ego network's hubs
(:mod:`crimegraph.queries.neighbourhood`) and the brokers
(:mod:`crimegraph.queries.analytics`) read these rules; nothing else weighs links.

- **Evidence** of a relation: its Admiralty confidence score (``B2`` = 0.64 …),
  times a corroboration factor for the independent sources behind it (sources
  of distinct publishers): ``1 - 0.5 ** (n + 1)``, 0.75 for one source, 0.875
  for two, 0.94 for three.
- **Nature**: the ``tie`` weight its relation type's nature declares in
  :data:`crimegraph.schema.vocab.NATURES` (1 for a criminal cooperation or
  hierarchy, 0.3 for co-presence in a place, 0.1 for geography).
- **Specificity** of an entity a path passes through: ``1 / sqrt(degree)``.
  An entity linked to much of the graph (a country, a generic economy) says
  little about the two ends it joins (after Hulpuș et al. 2015's exclusivity
  and the specificity of "Connecting the Dots", ISWC 2016 workshop).
- **Hubs** (their specificity further halved, :data:`HUB_PENALTY`): countries and supranational regions, economies, state actors and any
  entity linked to at least :data:`HUB_SHARE` of the graph's entities, when they
  have at least :data:`HUB_MIN_DEGREE` relations. Ego networks show hubs but do
  not expand them beyond the first hop.
"""

from __future__ import annotations

from math import sqrt
from typing import Iterable, Optional

from crimegraph.errors import UsageError
from crimegraph.schema.models import Entity, Relation
from crimegraph.schema.vocab import CRIMINAL_NATURES, NATURES, RELATION_TYPES

#: natures by preset name (``--ties criminal``)
TIE_PRESETS: dict[str, frozenset[str]] = {
    "criminal": CRIMINAL_NATURES,
    "context": frozenset(NATURES) - CRIMINAL_NATURES,
    "all": frozenset(NATURES),
}
#: entity types that are hubs by what they are (given enough links)
HUB_TYPES = frozenset({"country", "region", "state_actor"})
#: hub kinds: every economy joins actors that need not know each other
HUB_KINDS = frozenset({"economy"})
#: fewest relations of a hub by degree alone
HUB_MIN_DEGREE = 8
#: a hub's specificity is multiplied by this: being linked to everything is the point of a hub
HUB_PENALTY = 0.5
#: an entity with relations to this share of all entities is a hub whatever its type
HUB_SHARE = 0.15


def types_of(natures: Iterable[str]) -> frozenset[str]:
    """The relation types of these natures."""
    wanted = frozenset(natures)
    return frozenset(t for t, rt in RELATION_TYPES.items() if rt.nature in wanted)


def parse_natures(natures: Optional[Iterable[str]] = None, ties: Optional[str] = None,
                  option: str = "--natures") -> Optional[frozenset[str]]:
    """Natures from ``--natures a,b`` and a ``--ties`` preset (their union), or ``None`` for all.

    Raises :class:`UsageError` naming the option and the known values on an unknown one.
    """
    chosen: set[str] = set()
    given = False
    for value in natures or ():
        for name in str(value).split(","):
            name = name.strip().replace("-", "_").replace(" ", "_")
            if not name:
                continue
            if name not in NATURES:
                raise UsageError(f"{option}: unknown nature {name!r}; known: {', '.join(NATURES)}")
            chosen.add(name)
            given = True
    if ties is not None:
        preset = ties.strip().lower()
        if preset not in TIE_PRESETS:
            raise UsageError(f"--ties: unknown preset {ties!r}; known: {', '.join(TIE_PRESETS)}")
        chosen |= TIE_PRESETS[preset]
        given = True
    return frozenset(chosen) if given else None


def independent_sources(r: Relation, publisher_of=None) -> int:
    """How many independent sources back ``r``: distinct publishers (a source without one counts alone)."""
    seen = set()
    for c in r.citations:
        pub = publisher_of(c.source) if publisher_of else None
        seen.add(("p", pub.strip().lower()) if pub else ("s", c.source))
    return len(seen)


def corroboration(n: int) -> float:
    """``1 - 0.5 ** (n + 1)``: 0.75 for one source, approaching 1 with more."""
    return 1.0 - 0.5 ** (max(n, 0) + 1)


def evidence(r: Relation, publisher_of=None) -> float:
    """A relation's evidence weight: confidence score times corroboration."""
    return r.confidence.score * corroboration(independent_sources(r, publisher_of))


def nature_weight(r: Relation) -> float:
    """The tie weight of the relation's nature."""
    return NATURES[RELATION_TYPES[r.type].nature].tie


def nature_of(r: Relation) -> str:
    return RELATION_TYPES[r.type].nature


def step_weight(r: Relation, publisher_of=None) -> float:
    """What one relation contributes to a path's score: evidence times nature."""
    return evidence(r, publisher_of) * nature_weight(r)


def specificity(degree: int) -> float:
    """``1 / sqrt(degree)``: 1 for an entity with one link, 0.41 with 6, 0.16 with 40."""
    return 1.0 / sqrt(max(degree, 1))


def hub_threshold(total_entities: int) -> int:
    """The degree from which any entity is a hub: :data:`HUB_SHARE` of the entities."""
    return max(HUB_MIN_DEGREE, int(HUB_SHARE * total_entities + 0.999999))


def is_hub(entity: Entity, degree: int, total_entities: int) -> bool:
    """Whether an entity is a hub (see the module notes)."""
    if entity.type in HUB_TYPES or entity.kind.value in HUB_KINDS:
        return degree > 1
    return degree >= hub_threshold(total_entities)


def is_state(entity: Entity) -> bool:
    """A state actor (police, armed forces): an adversary of most criminal actors, not one of them."""
    return entity.type == "state_actor"


def entity_total(store) -> int:
    """How many entities the store holds (what :data:`HUB_SHARE` is a share of), kept until its
    next write where the store keeps derived structures."""
    derived = getattr(store, "derived", None)
    build = lambda: store.counts()["entities"]  # noqa: E731
    return build() if derived is None else derived(("entity-total",), build)

