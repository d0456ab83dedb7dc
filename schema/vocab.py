"""The controlled vocabulary: entity kinds and types, and relation types.

Every relation type is declared once, here, as data: its ends, direction,
labels and nature (:data:`NATURES`: criminal cooperation, hierarchy, supply
chain, adversarial, presence, economy, event, geography). Validation, every
store, every exporter, the ontology, the path ranking and the map legend read
these declarations; nothing else in the code base lists relation types, their
endpoint kinds or their natures.
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

#: entity type -> its label in Spanish, so that Spanish speakers find entities by type
#: ("puerto", "minería ilegal"); the search engine indexes both labels
ENTITY_TYPE_LABELS_ES: dict[str, str] = {
    "armed_group": "grupo armado",
    "drug_trafficking_organization": "organización narcotraficante",
    "gang": "banda",
    "transnational_criminal_organization": "organización criminal transnacional",
    "local_clan": "clan local",
    "person": "persona",
    "state_actor": "actor estatal",
    "country": "país",
    "region": "región",
    "river_valley": "valle",
    "city": "ciudad",
    "port": "puerto",
    "lake": "lago",
    "border_area": "zona fronteriza",
    "route": "ruta",
    "coca_cultivation": "cultivo de coca",
    "cocaine_production": "producción de cocaína",
    "cocaine_trafficking": "tráfico de cocaína",
    "synthetic_drugs": "drogas sintéticas",
    "illegal_logging": "tala ilegal",
    "illegal_mining": "minería ilegal",
    "wildlife_trafficking": "tráfico de fauna silvestre",
    "human_trafficking": "trata de personas",
    "extortion": "extorsión",
    "money_laundering": "lavado de activos",
    "arms_trafficking": "tráfico de armas",
    "contraband": "contrabando",
    "attack": "atentado",
    "clash": "enfrentamiento",
    "seizure": "incautación",
    "arrest": "detención o captura",
    "killing": "asesinato",
    "prosecution": "proceso judicial",
}

TYPES_BY_KIND: dict[Kind, tuple[str, ...]] = {
    k: tuple(t for t, (kind, _) in ENTITY_TYPES.items() if kind is k) for k in Kind
}

STATUSES = ("active", "weakened", "dismantled", "defunct", "unknown")


def kind_of(entity_type: str) -> Kind:
    """The kind of an entity type (``"port"`` -> ``Kind.place``)."""
    return ENTITY_TYPES[entity_type][0]


@dataclass(frozen=True)
class Nature:
    """What kind of link a relation type is: declared once, read by the path ranking, the
    brokers, the ego networks, the maps (legend groups, colours), the exports and the ontology.

    ``criminal`` natures are criminal ties between actors (cooperation, hierarchy,
    supply); ``context`` natures (a shared place, economy, event or enemy) place
    two actors side by side without tying them. ``tie`` is the weight a step of
    this nature gives a connection (1 a direct criminal tie); ``color`` comes from
    the Okabe–Ito colour-blind-safe palette.
    """

    name: str
    label: str
    description: str
    color: str
    criminal: bool
    tie: float
    dashes: bool = False


#: relation natures, in the order legends list them
NATURES: dict[str, Nature] = {n.name: n for n in (
    Nature("cooperation", "criminal cooperation",
           "The two actors work together: an alliance, looser ties.", "#009E73", True, 1.0),
    Nature("hierarchy", "hierarchy",
           "One belongs to, leads or split from the other.", "#CC79A7", True, 1.0),
    Nature("supply", "supply chain",
           "Goods move from one to the other: supply, trafficking routes.", "#E69F00", True, 0.9),
    Nature("adversarial", "adversarial",
           "One fights, targets or competes with the other: enemies, not partners.", "#D55E00",
           False, 0.35, dashes=True),
    Nature("presence", "presence", "An actor is present or active in a place.", "#0072B2", False, 0.3),
    Nature("economy", "illicit economy",
           "An actor takes part in an economy, a place is its hub.", "#56B4E9", False, 0.25),
    Nature("event", "event", "Who took part in an event, where, about what, against whom.",
           "#444444", False, 0.5),
    Nature("geography", "geography", "A place lies inside another.", "#999999", False, 0.1),
)}
#: the natures that are criminal ties between actors
CRIMINAL_NATURES: frozenset[str] = frozenset(n for n, d in NATURES.items() if d.criminal)


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
    nature: str
    symmetric: bool = False
    acyclic: bool = False
    #: holds for as long as both ends exist, without a date of its own (a place inside
    #: another): as-of answers show it whenever its ends are shown (schema/timing.py)
    timeless: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.nature not in NATURES:
            raise ValueError(f"relation type {self.name}: unknown nature {self.nature!r}")

    @property
    def natured(self) -> Nature:
        """The declaration of this type's nature."""
        return NATURES[self.nature]

    @property
    def color(self) -> str:
        """Colour on maps and in exports: its nature's (one small colour-blind-safe palette)."""
        return NATURES[self.nature].color

    @property
    def dashes(self) -> bool:
        """The adversarial nature. (The maps and report charts no longer dash by nature: their
        line style says the confidence, ``visualizations/style.py`` ``LINE_STYLES``.)"""
        return NATURES[self.nature].dashes

    @property
    def criminal(self) -> bool:
        """Whether this type is a criminal tie between actors."""
        return NATURES[self.nature].criminal

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
            "The actor is present or active in the place.", nature="presence"),
        _rt("engages_in", "engages in", "is run by", {"actor"}, {"economy"},
            "The actor takes part in, or draws income from, the illicit economy.", nature="economy"),
        _rt("allied_with", "allied with", "allied with", {"actor"}, {"actor"},
            "The two actors cooperate by agreement.", symmetric=True, nature="cooperation"),
        _rt("rival_of", "rival of", "rival of", {"actor"}, {"actor"},
            "The two actors compete or fight over territory or markets.",
            symmetric=True, nature="adversarial"),
        _rt("associated_with", "has ties to", "has ties to", {"actor"}, {"actor"},
            "The two actors have ties looser than an alliance.", symmetric=True, nature="cooperation"),
        _rt("member_of", "member of", "has member", {"actor"}, {"actor"},
            "The subject (a person or group) belongs to the organization.", nature="hierarchy"),
        _rt("leads", "leads", "is led by", {"person"}, {"actor"},
            "The person leads the organization.", nature="hierarchy"),
        _rt("faction_of", "faction of", "has faction", {"actor"}, {"actor"},
            "The subject is a faction or splinter of the object.", nature="hierarchy"),
        _rt("supplies", "supplies", "is supplied by", {"actor"}, {"actor"},
            "The subject supplies drugs or other goods to the object.", nature="supply"),
        _rt("traffics_to", "traffics to", "receives trafficking from", {"actor", "place"},
            {"place"}, "Illicit goods move from the subject to the destination place.", nature="supply"),
        _rt("located_in", "located in", "contains", {"place"}, {"place"},
            "The place lies within the larger place.", acyclic=True, timeless=True, nature="geography"),
        _rt("hub_for", "hub for", "has hub", {"place"}, {"economy"},
            "The place is a hub of the illicit economy.", nature="economy"),
        _rt("participated_in", "participated in", "had participant", {"actor"}, {"event"},
            "The actor took part in the event.", nature="event"),
        _rt("occurred_in", "occurred in", "was the scene of", {"event"}, {"place"},
            "The event took place in the place.", nature="event"),
        _rt("targets", "targets", "is targeted by", {"actor", "event"}, {"actor"},
            "The subject attacks, pursues or prosecutes the object.", nature="adversarial"),
        _rt("concerns", "concerns", "is concerned by", {"event"}, {"economy"},
            "The event concerns the illicit economy (a cocaine seizure concerns cocaine trafficking).", nature="event"),
        _rt("opposes", "opposes", "is opposed by", {"actor"}, {"actor"},
            "The subject (typically a state actor) combats the object.", nature="adversarial"),
    )
}

RELATION_TYPE_NAMES: tuple[str, ...] = tuple(RELATION_TYPES)


def relation_type(name: str) -> RelationType:
    """The declaration of a relation type; ``KeyError`` if unknown."""
    return RELATION_TYPES[name]
