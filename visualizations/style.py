"""How a map looks: colour and shape by entity kind, colour, dashes and arrows by relation type.

Relation styles are not repeated here: they are read from the one declaration
of each relation type in :mod:`crimegraph.schema.vocab` (its nature gives the
``color`` and ``dashes``, from one small colour-blind-safe palette;
``symmetric``, ``label``), and the legend groups relation types by nature. Only the entity kinds get their look
here, because the vocabulary declares no look for them.

Shapes are ones that vis-network draws with the label *outside* the node
(dot, square, diamond, star, triangle, hexagon), so that the page can place
labels itself without overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from crimegraph.schema.types import CREDIBILITY, RELIABILITY
from crimegraph.schema.vocab import ENTITY_TYPES, NATURES, RELATION_TYPES, Kind


@dataclass(frozen=True)
class KindStyle:
    label: str
    color: str  # fill
    border: str  # outline
    shape: str  # vis-network shape


#: Colour-blind-safe fills (Okabe–Ito), one distinct shape per kind.
KIND_STYLES: dict[str, KindStyle] = {
    Kind.actor.value: KindStyle("actor", "#E69F00", "#8a5f00", "dot"),
    Kind.place.value: KindStyle("place", "#56B4E9", "#1f6f9c", "square"),
    Kind.economy.value: KindStyle("illicit economy", "#CC79A7", "#7d3e63", "diamond"),
    Kind.event.value: KindStyle("event", "#D55E00", "#7a3600", "star"),
}

#: The style of an aggregate node (a group of entities standing for many).
GROUP_STYLE = KindStyle("group", "#9e9e9e", "#555555", "hexagon")

#: Colour of relations when several types are merged (aggregated maps).
MIXED_EDGE_COLOR = "#8c8c8c"


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
    """Legend rows for the entity kinds present (in vocabulary order), with counts."""
    rows = []
    for kind, st in {**KIND_STYLES, "group": GROUP_STYLE}.items():
        if counts.get(kind):
            rows.append({"id": kind, "label": st.label, "color": st.color, "border": st.border,
                         "shape": st.shape, "count": counts[kind]})
    return rows


def relation_legend(counts: dict[str, int]) -> list[dict]:
    """Legend rows for the relation types present, grouped by nature (vocabulary order), with counts."""
    rows = []
    order = {n: i for i, n in enumerate(NATURES)}
    for name, decl in sorted(RELATION_TYPES.items(), key=lambda kv: order[kv[1].nature]):
        if counts.get(name):
            rows.append({"id": name, "label": decl.label, "color": decl.color,
                         "nature": decl.nature, "nature_label": decl.natured.label,
                         "criminal": decl.criminal,
                         "dashes": decl.dashes, "symmetric": decl.symmetric,
                         "inverse": decl.inverse_label, "description": decl.description,
                         "count": counts[name]})
    return rows


def vis_groups() -> dict[str, dict]:
    """vis-network ``groups`` options: one group per kind, plus the aggregate group."""
    groups = {}
    for kind, st in {**KIND_STYLES, "group": GROUP_STYLE}.items():
        groups[kind] = {
            "shape": st.shape,
            "color": {"background": st.color, "border": st.border,
                      "highlight": {"background": st.color, "border": "#111111"},
                      "hover": {"background": st.color, "border": "#111111"}},
            "borderWidth": 1,
            "borderWidthSelected": 3,
        }
    return groups


def type_labels() -> dict[str, str]:
    """Entity type -> human label, for the evidence panel."""
    return {t: label for t, (_, label) in ENTITY_TYPES.items()}


def confidence_scale() -> dict[str, dict]:
    """The Admiralty code in words, for the evidence panel."""
    return {"reliability": dict(RELIABILITY), "credibility": {str(k): v for k, v in CREDIBILITY.items()}}
