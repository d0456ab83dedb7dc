"""How every picture of the graph looks: entity groups, relation colours, line styles.

One definition, read by the interactive maps (:mod:`.render`, ``map.js``, ``geo.js``)
and by the printed charts of ``crimegraph report`` (:mod:`.print_style`,
:mod:`.network_chart`), so that a map and a report agree:

* Entity *groups* are read off the vocabulary's entity types: state actors are
  drawn apart from criminal groups (another colour and another shape), people
  apart from organisations (:data:`GROUPS`, :func:`entity_group`). Fills come
  from the Okabe–Ito colour-blind-safe palette; every group also has its own
  shape (a Graphviz one for print, a vis-network one for the map), so that a
  picture printed in grey still tells them apart.
* Relation colours are not repeated here: they are read from the one
  declaration of each relation type in :mod:`crimegraph.schema.vocab` (its
  nature gives the ``color``, from the same small palette; ``symmetric``,
  ``label``), and legends group relation types by nature.
* Line *style* says the confidence of a relation (the Admiralty code's
  credibility): solid for confirmed or probably true, dashed for possibly true,
  dotted for doubtful and below (:data:`LINE_STYLES`, :func:`line_style`).

The map's shapes are ones that vis-network draws with the label *outside* the
node (dot, square, diamond, star, triangle, hexagon), so that the page can
place labels itself without overlaps.

>>> entity_group("state_actor").label, entity_group("gang").label
('state actor', 'criminal group')
>>> line_style("B2"), line_style("C3"), line_style("F6")
('solid', 'dashed', 'dotted')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from crimegraph.schema.types import CREDIBILITY, RELIABILITY, Confidence
from crimegraph.schema.vocab import ENTITY_TYPES, NATURES, RELATION_TYPES, Kind


@dataclass(frozen=True)
class Group:
    """One legend row of entities: its words, fill, outline, text colour and shapes."""

    name: str
    label: str
    fill: str
    border: str
    text: str
    shape: str  # a Graphviz node shape (print)
    style: str = "filled"  # Graphviz node style (print)
    vis_shape: str = "dot"  # a vis-network shape (the interactive map)

    @property
    def color(self) -> str:
        return self.fill


#: entity groups, in legend order
GROUPS: dict[str, Group] = {g.name: g for g in (
    Group("criminal", "criminal group", "#E69F00", "#6b4a00", "#000000", "box", "filled,rounded", "dot"),
    Group("person", "person", "#F0E442", "#6b6420", "#000000", "ellipse", vis_shape="triangle"),
    Group("state", "state actor", "#0072B2", "#003a5c", "#ffffff", "octagon", vis_shape="hexagon"),
    Group("place", "place", "#56B4E9", "#1f5f85", "#000000", "box", vis_shape="square"),
    Group("economy", "illicit economy", "#CC79A7", "#6e3a58", "#000000", "hexagon", vis_shape="diamond"),
    Group("event", "event", "#FFFFFF", "#000000", "#000000", "note", vis_shape="star"),
)}

#: the group of each kind's entity types, where the type does not decide it
_KIND_GROUP = {Kind.actor: "criminal", Kind.place: "place", Kind.economy: "economy",
               Kind.event: "event"}


def entity_group(entity_type: str) -> Group:
    """The group of an entity type (``state_actor`` -> state actor, ``gang`` -> criminal group)."""
    if entity_type == "state_actor":
        return GROUPS["state"]
    if entity_type == "person":
        return GROUPS["person"]
    return GROUPS[_KIND_GROUP[ENTITY_TYPES[entity_type][0]]]


#: the style of an aggregate node (a group of entities standing for many; never beside entities)
AGGREGATE_GROUP = Group("group", "group", "#9e9e9e", "#555555", "#000000", "hexagon",
                        vis_shape="hexagon")

#: Colour of relations when several types are merged (aggregated maps).
MIXED_EDGE_COLOR = "#8c8c8c"

#: line styles by the credibility of the information, in legend order
LINE_STYLES = (("solid", (1, 2)), ("dashed", (3,)), ("dotted", (4, 5, 6)))

#: SVG stroke-dasharray of each line style (px at a 1.4 px line)
DASHARRAY = {"solid": "", "dashed": "7,4", "dotted": "1.5,3"}


def line_style(confidence) -> str:
    """``solid``, ``dashed`` or ``dotted``: the line of a relation of this confidence."""
    cred = Confidence.parse(confidence).credibility
    return next(style for style, creds in LINE_STYLES if cred in creds)


def line_style_label(style: str) -> str:
    """``'possibly true (3)'``: the words of a line style, for the legend."""
    creds = dict(LINE_STYLES)[style]
    return " or ".join(CREDIBILITY[c] for c in creds[:2]) + (" or less" if len(creds) > 2 else "") \
        + f" ({'–'.join(str(c) for c in (creds[0], creds[-1])) if len(creds) > 1 else creds[0]})"


def line_legend() -> list[dict]:
    """The line styles as legend rows (the map's legend and its exports)."""
    return [{"id": s, "label": line_style_label(s), "dash": DASHARRAY[s], "creds": list(creds)}
            for s, creds in LINE_STYLES]


@lru_cache(maxsize=256)
def rgba(hex_color: str, alpha: float = 1.0) -> str:
    """``#2b7bba`` -> ``rgba(43,123,186,0.85)``.

    >>> rgba("#2b7bba", 0.85)
    'rgba(43,123,186,0.85)'
    """
    h = hex_color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def kind_legend(counts: dict[str, int]) -> list[dict]:
    """The entity kinds present (in vocabulary order), with counts: their words, and the
    fill of their main group (the geographic map colours places by it)."""
    rows = []
    for kind in Kind:
        if counts.get(kind.value):
            g = GROUPS[_KIND_GROUP[kind]]
            rows.append({"id": kind.value, "label": kind.value if kind is not Kind.economy else g.label,
                         "color": g.fill, "border": g.border, "count": counts[kind.value]})
    if counts.get("group"):
        g = AGGREGATE_GROUP
        rows.append({"id": "group", "label": g.label, "color": g.fill, "border": g.border,
                     "count": counts["group"]})
    return rows


def group_legend(counts: dict[str, int]) -> list[dict]:
    """Legend rows for the entity groups present (:data:`GROUPS` order), with counts."""
    rows = []
    for name, g in {**GROUPS, "group": AGGREGATE_GROUP}.items():
        if counts.get(name):
            rows.append({"id": name, "label": g.label, "color": g.fill, "border": g.border,
                         "shape": g.vis_shape, "count": counts[name]})
    return rows


def relation_legend(counts: dict[str, int]) -> list[dict]:
    """Legend rows for the relation types present, grouped by nature (vocabulary order), with counts."""
    rows = []
    order = {n: i for i, n in enumerate(NATURES)}
    for name, decl in sorted(RELATION_TYPES.items(), key=lambda kv: order[kv[1].nature]):
        if counts.get(name):
            rows.append({"id": name, "label": decl.label, "color": decl.color,
                         "nature": decl.nature, "nature_label": decl.natured.label,
                         "criminal": decl.criminal, "symmetric": decl.symmetric,
                         "inverse": decl.inverse_label, "description": decl.description,
                         "count": counts[name]})
    return rows


def nature_legend(counts: dict[str, int]) -> list[dict]:
    """The natures of the relation types present (vocabulary order): one colour each."""
    present = {RELATION_TYPES[t].nature for t, c in counts.items() if c and t in RELATION_TYPES}
    return [{"id": n, "label": d.label, "color": d.color, "criminal": d.criminal}
            for n, d in NATURES.items() if n in present]


def vis_groups() -> dict[str, dict]:
    """vis-network ``groups`` options: one per entity group, plus the aggregate group."""
    groups = {}
    for name, g in {**GROUPS, "group": AGGREGATE_GROUP}.items():
        groups[name] = {
            "shape": g.vis_shape,
            "color": {"background": g.fill, "border": g.border,
                      "highlight": {"background": g.fill, "border": "#111111"},
                      "hover": {"background": g.fill, "border": "#111111"}},
            "borderWidth": 1.5 if name == "event" else 1,
            "borderWidthSelected": 3,
        }
    return groups


def type_labels() -> dict[str, str]:
    """Entity type -> human label, for the evidence panel."""
    return {t: label for t, (_, label) in ENTITY_TYPES.items()}


def confidence_scale() -> dict[str, dict]:
    """The Admiralty code in words, for the evidence panel."""
    return {"reliability": dict(RELIABILITY), "credibility": {str(k): v for k, v in CREDIBILITY.items()}}
