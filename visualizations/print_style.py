"""How the printed charts look (``crimegraph report``): entity groups, line styles, fonts.

Entity *groups* (state actors apart from criminal groups, people apart from
organisations) and line *styles* (by the confidence of a relation) are defined
once in :mod:`.style`, which the interactive maps read too, so that a report
and a map agree; this module re-exports them beside the fonts of print.

>>> entity_group("state_actor").label, entity_group("gang").label
('state actor', 'criminal group')
>>> line_style("B2"), line_style("C3"), line_style("F6")
('solid', 'dashed', 'dotted')
"""

from __future__ import annotations

# the groups, their shapes and the line styles are shared with the interactive maps: one definition
from .style import DASHARRAY, GROUPS, LINE_STYLES, Group, entity_group, line_style, line_style_label  # noqa: F401

#: the fonts of every chart and page: DejaVu Sans covers Spanish and Portuguese names
#: (and much more); Liberation Sans is the fallback Debian's chromium also installs
FONT = "DejaVu Sans"
FONT_STACK = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


def text_width(text: str, size: float) -> float:
    """A safe (slightly wide) estimate of the width of ``text`` in :data:`FONT` at ``size`` px.

    DejaVu Sans averages about 0.55 em a character in mixed text; capitals and
    wide letters reach 0.75. The estimate errs wide, so that labels placed by it
    never overlap.
    """
    wide = sum(1 for c in text if c.isupper() or c in "mwMW@%")
    narrow = sum(1 for c in text if c in "iljtfr.,;:'!|() ")
    return size * (0.62 * (len(text) - wide - narrow) + 0.8 * wide + 0.36 * narrow)
