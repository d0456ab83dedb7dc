"""How the printed charts look (``crimegraph report``): entity groups, line styles, fonts.

Entity *groups* are read off the vocabulary's entity types: state actors are
drawn apart from criminal groups (another colour and another shape), people
apart from organisations. Fills come from the Okabe–Ito colour-blind-safe
palette, the same palette the relation natures of :mod:`crimegraph.schema.vocab`
use for the lines; every group also has its own shape, so that a chart printed
in grey still tells them apart. Line *style* says the confidence of a relation
(the Admiralty code's credibility): solid for confirmed or probably true, dashed
for possibly true, dotted for doubtful and below.

>>> entity_group("state_actor").label, entity_group("gang").label
('state actor', 'criminal group')
>>> line_style("B2"), line_style("C3"), line_style("F6")
('solid', 'dashed', 'dotted')
"""

from __future__ import annotations

from dataclasses import dataclass

from crimegraph.schema.types import CREDIBILITY, Confidence
from crimegraph.schema.vocab import ENTITY_TYPES, Kind

#: the fonts of every chart and page: DejaVu Sans covers Spanish and Portuguese names
#: (and much more); Liberation Sans is the fallback Debian's chromium also installs
FONT = "DejaVu Sans"
FONT_STACK = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


@dataclass(frozen=True)
class Group:
    """One legend row of entities: its words, fill, outline, text colour and Graphviz shape."""

    name: str
    label: str
    fill: str
    border: str
    text: str
    shape: str  # a Graphviz node shape
    style: str = "filled"


#: entity groups, in legend order
GROUPS: dict[str, Group] = {g.name: g for g in (
    Group("criminal", "criminal group", "#E69F00", "#6b4a00", "#000000", "box", "filled,rounded"),
    Group("person", "person", "#F0E442", "#6b6420", "#000000", "ellipse"),
    Group("state", "state actor", "#0072B2", "#003a5c", "#ffffff", "octagon"),
    Group("place", "place", "#56B4E9", "#1f5f85", "#000000", "box"),
    Group("economy", "illicit economy", "#CC79A7", "#6e3a58", "#000000", "hexagon"),
    Group("event", "event", "#FFFFFF", "#000000", "#000000", "note"),
)}


def entity_group(entity_type: str) -> Group:
    """The group of an entity type (``state_actor`` -> state actor, ``gang`` -> criminal group)."""
    if entity_type == "state_actor":
        return GROUPS["state"]
    if entity_type == "person":
        return GROUPS["person"]
    kind = ENTITY_TYPES[entity_type][0]
    return GROUPS[{Kind.actor: "criminal", Kind.place: "place", Kind.economy: "economy",
                   Kind.event: "event"}[kind]]


#: line styles by the credibility of the information, in legend order
LINE_STYLES = (("solid", (1, 2)), ("dashed", (3,)), ("dotted", (4, 5, 6)))


def line_style(confidence) -> str:
    """``solid``, ``dashed`` or ``dotted``: the line of a relation of this confidence."""
    cred = Confidence.parse(confidence).credibility
    return next(style for style, creds in LINE_STYLES if cred in creds)


def line_style_label(style: str) -> str:
    """``'possibly true (3)'``: the words of a line style, for the legend."""
    creds = dict(LINE_STYLES)[style]
    return " or ".join(CREDIBILITY[c] for c in creds[:2]) + (" or less" if len(creds) > 2 else "") \
        + f" ({'–'.join(str(c) for c in (creds[0], creds[-1])) if len(creds) > 1 else creds[0]})"


#: SVG stroke-dasharray of each line style
DASHARRAY = {"solid": "", "dashed": "7,4", "dotted": "1.5,3"}


def text_width(text: str, size: float) -> float:
    """A safe (slightly wide) estimate of the width of ``text`` in :data:`FONT` at ``size`` px.

    DejaVu Sans averages about 0.55 em a character in mixed text; capitals and
    wide letters reach 0.75. The estimate errs wide, so that labels placed by it
    never overlap.
    """
    wide = sum(1 for c in text if c.isupper() or c in "mwMW@%")
    narrow = sum(1 for c in text if c in "iljtfr.,;:'!|() ")
    return size * (0.62 * (len(text) - wide - narrow) + 0.8 * wide + 0.36 * narrow)
