"""The controlled vocabulary: entity kinds and types, and relation types.

Every relation type is declared once, here, as data. Validation, every store,
every exporter and the map legend read these declarations; nothing else in
the code base lists relation types or their endpoint kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """The top-level kinds of entity."""

    actor = "actor"
    place = "place"
    economy = "economy"
    event = "event"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


#: entity type -> (kind, human label)
ENTITY_TYPES: dict[str, tuple[Kind, str]] = {
    # actors
    "armed_group": (Kind.actor, "armed group"),
    "drug_trafficking_organization": (Kind.actor, "drug trafficking organization"),
    "gang": (Kind.actor, "gang"),
    "transnational_criminal_organization": (Kind.actor, "transnational criminal organization"),
    "local_clan": (Kind.actor, "local clan"),
    "person": (Kind.actor, "person"),
    "state_actor": (Kind.actor, "state actor"),
    # places
    "country": (Kind.place, "country"),
    "region": (Kind.place, "region"),
    "river_valley": (Kind.place, "river valley"),
    "city": (Kind.place, "city"),
    "port": (Kind.place, "port"),
    "lake": (Kind.place, "lake"),
    "border_area": (Kind.place, "border area"),
    "route": (Kind.place, "route"),
    # economies
    "coca_cultivation": (Kind.economy, "coca cultivation"),
    "cocaine_production": (Kind.economy, "cocaine production"),
    "cocaine_trafficking": (Kind.economy, "cocaine trafficking"),
    "synthetic_drugs": (Kind.economy, "synthetic drugs"),
    "illegal_logging": (Kind.economy, "illegal logging"),
    "illegal_mining": (Kind.economy, "illegal mining"),
    "wildlife_trafficking": (Kind.economy, "wildlife trafficking"),
    "human_trafficking": (Kind.economy, "human trafficking"),
    "extortion": (Kind.economy, "extortion"),
    "money_laundering": (Kind.economy, "money laundering"),
    "arms_trafficking": (Kind.economy, "arms trafficking"),
    "contraband": (Kind.economy, "contraband"),
    # events
    "attack": (Kind.event, "attack"),
    "clash": (Kind.event, "clash"),
    "seizure": (Kind.event, "seizure"),
    "arrest": (Kind.event, "arrest or capture"),
    "killing": (Kind.event, "killing"),
    "prosecution": (Kind.event, "prosecution"),
}

TYPES_BY_KIND: dict[Kind, tuple[str, ...]] = {
    k: tuple(t for t, (kind, _) in ENTITY_TYPES.items() if kind is k) for k in Kind
}

STATUSES = ("active", "weakened", "dismantled", "defunct", "unknown")


def kind_of(entity_type: str) -> Kind:
    """The kind of an entity type (``"port"`` -> ``Kind.place``)."""
    return ENTITY_TYPES[entity_type][0]


@dataclass(frozen=True)
class RelationType:
    """One relation type, declared as data.

    ``subject`` and ``object`` list what may stand at each end: kind names
    (``"actor"``) or entity type names (``"person"``).
    """

    name: str
    label: str
    inverse_label: str
    subject: frozenset[str]
    object: frozenset[str]
    description: str
    symmetric: bool = False
    acyclic: bool = False
    color: str = "#888888"
    dashes: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def allows(self, end: str, entity_type: str) -> bool:
        """Whether an entity of ``entity_type`` may stand at ``end`` ("subject"/"object")."""
        allowed = self.subject if end == "subject" else self.object
        return entity_type in allowed or kind_of(entity_type).value in allowed

    @property
    def cypher_type(self) -> str:
        """The Neo4j relationship type (upper snake case)."""
        return self.name.upper()

    @property
    def rdf_name(self) -> str:
        """The ontology property name (lower camel case): ``operatesIn``."""
        head, *rest = self.name.split("_")
        return head + "".join(p.capitalize() for p in rest)

    @property
    def slug(self) -> str:
        """The relation type as it appears in default relation ids: ``operates-in``."""
        return self.name.replace("_", "-")

    def describe_ends(self, end: str) -> str:
        allowed = self.subject if end == "subject" else self.object
        return " or ".join(sorted(allowed))


def _rt(name, label, inverse_label, subject, object, description, **kw) -> RelationType:
    return RelationType(
        name=name,
        label=label,
        inverse_label=inverse_label,
        subject=frozenset(subject),
        object=frozenset(object),
        description=description,
        **kw,
    )


RELATION_TYPES: dict[str, RelationType] = {
    rt.name: rt
    for rt in (
        _rt("operates_in", "operates in", "has operating in it", {"actor"}, {"place"},
            "The actor is present or active in the place.", color="#2b7bba"),
        _rt("engages_in", "engages in", "is run by", {"actor"}, {"economy"},
            "The actor takes part in, or draws income from, the illicit economy.",
            color="#d7301f"),
        _rt("allied_with", "allied with", "allied with", {"actor"}, {"actor"},
            "The two actors cooperate by agreement.", symmetric=True, color="#1a9850"),
        _rt("rival_of", "rival of", "rival of", {"actor"}, {"actor"},
            "The two actors compete or fight over territory or markets.",
            symmetric=True, color="#e31a1c", dashes=True),
        _rt("associated_with", "has ties to", "has ties to", {"actor"}, {"actor"},
            "The two actors have ties looser than an alliance.", symmetric=True,
            color="#91bfdb", dashes=True),
        _rt("member_of", "member of", "has member", {"actor"}, {"actor"},
            "The subject (a person or group) belongs to the organization.", color="#762a83"),
        _rt("leads", "leads", "is led by", {"person"}, {"actor"},
            "The person leads the organization.", color="#5e3c99"),
        _rt("faction_of", "faction of", "has faction", {"actor"}, {"actor"},
            "The subject is a faction or splinter of the object.", color="#9970ab"),
        _rt("supplies", "supplies", "is supplied by", {"actor"}, {"actor"},
            "The subject supplies drugs or other goods to the object.", color="#fc8d59"),
        _rt("traffics_to", "traffics to", "receives trafficking from", {"actor", "place"},
            {"place"}, "Illicit goods move from the subject to the destination place.",
            color="#fdae61"),
        _rt("located_in", "located in", "contains", {"place"}, {"place"},
            "The place lies within the larger place.", acyclic=True, color="#999999"),
        _rt("hub_for", "hub for", "has hub", {"place"}, {"economy"},
            "The place is a hub of the illicit economy.", color="#f46d43"),
        _rt("participated_in", "participated in", "had participant", {"actor"}, {"event"},
            "The actor took part in the event.", color="#66bd63"),
        _rt("occurred_in", "occurred in", "was the scene of", {"event"}, {"place"},
            "The event took place in the place.", color="#bababa"),
        _rt("targets", "targets", "is targeted by", {"actor", "event"}, {"actor"},
            "The subject attacks, pursues or prosecutes the object.", color="#b2182b"),
        _rt("concerns", "concerns", "is concerned by", {"event"}, {"economy"},
            "The event concerns the illicit economy (a cocaine seizure concerns cocaine trafficking).",
            color="#fee08b"),
        _rt("opposes", "opposes", "is opposed by", {"actor"}, {"actor"},
            "The subject (typically a state actor) combats the object.", color="#4d4d4d"),
    )
}

RELATION_TYPE_NAMES: tuple[str, ...] = tuple(RELATION_TYPES)


def relation_type(name: str) -> RelationType:
    """The declaration of a relation type; ``KeyError`` if unknown."""
    return RELATION_TYPES[name]
