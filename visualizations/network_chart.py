"""A static network chart for print: Graphviz lays it out, the page is sized to fit.

The layout is Graphviz's (Debian's ``graphviz``: ``neato`` with its stress
majorization, ``sfdp`` for big charts), run as a program on a DOT text: it is
deterministic (same input, same picture: a fixed start seed and the entities and
relations in id order), it removes node overlaps with the labels' real sizes
(``overlap=prism``), and it routes lines around the nodes as polylines
(``splines=polyline``: Graphviz 2.43's curved router, ``splines=true``, gave a
different route for one line in about one run of six on the same DOT text, measured
on the Shining Path dossier; the polyline router gave one picture in 30 runs).
Labels are drawn *inside* their nodes, so no label can be cut or overlap another.
The footnote numbers of a relation sit on a small node of their own in the middle
of its line (the line is drawn in two halves through it), so they take part in
the overlap removal too.

Entities are coloured and shaped by group (:mod:`crimegraph.visualizations.print_style`:
state actors apart from criminal groups), lines coloured by the nature of the
relation (:mod:`crimegraph.schema.vocab`), styled by its confidence, with an
arrow for directed types. The focus entities have a thick outline. A title, a
legend of what is shown, the as-of line and the sources line frame the picture
(:func:`network_svg`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from typing import Mapping, Optional, Sequence

from crimegraph.errors import CrimegraphError
from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.vocab import NATURES, RELATION_TYPES

from .print_style import DASHARRAY, FONT, FONT_STACK, GROUPS, LINE_STYLES, entity_group, \
    line_style, line_style_label, text_width

#: Graphviz graph attributes: overlap removal that keeps the layout's shape (prism), room
#: around nodes, lines routed around nodes as polylines (deterministic, unlike the curved
#: router: see the module's docstring), a fixed start, lines under nodes
GRAPH_ATTRS = {"overlap": "prism", "overlap_scaling": "-1", "sep": '"+8"', "esep": '"+4"',
               "splines": "polyline", "start": "1", "outputorder": "edgesfirst", "pad": "0.2"}

#: px size of the legend's text (the graph's labels are 12 pt, 16 px)
LEGEND_SIZE = 13

#: above this many entities the layout is sfdp's (multilevel, faster) instead of neato's
SFDP_FROM = 150
#: above this many Graphviz nodes (entities and footnote numbers) lines are straight, not routed
ROUTED_UP_TO = 220
#: seconds a layout may take
TIMEOUT = 20


class LayoutUnavailable(CrimegraphError):
    """Graphviz is missing or failed: no chart can be laid out."""

    exit_code = 69


@dataclass
class Frame:
    """What surrounds a chart: title, lines under it, lines at its foot."""

    title: str
    subtitle: Sequence[str] = ()
    footer: Sequence[str] = ()
    #: numbered notes printed under the chart (standalone charts): (label, text)
    notes: Sequence[tuple[str, str]] = field(default_factory=tuple)


def _html_label(text: str) -> str:
    """A Graphviz HTML-like label of plain text (escaped: no markup, no escString codes)."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return "<" + escape(clean, quote=True) + ">"


def _wrap(name: str, width: int = 22) -> list[str]:
    words, lines, line = name.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return lines or [name]


def dot_source(sg: Subgraph, labels: Mapping[str, str], engine: str = "neato",
               attrs: Optional[Mapping[str, str]] = None) -> str:
    """The DOT text of a subgraph: node ids ``n0``…, every string from the data escaped;
    ``attrs`` overrides :data:`GRAPH_ATTRS`."""
    ids = {eid: f"n{i}" for i, eid in enumerate(sorted(sg.entities))}
    focus = set(sg.focus)
    attrs = ", ".join(f"{k}={v}" for k, v in {**GRAPH_ATTRS, **(attrs or {})}.items())
    out = ["digraph G {",
           f'graph [{attrs}, fontname="{FONT}"];',
           f'node [fontname="{FONT}", fontsize=12, margin="0.10,0.05", penwidth=1];',
           f'edge [fontname="{FONT}", penwidth=1.4, arrowsize=0.7];']
    if engine == "neato":
        out.insert(2, "graph [mode=major, model=subset];")
    for eid in sorted(sg.entities):
        e = sg.entities[eid]
        g = entity_group(e.type)
        lines = [escape("".join(c if c.isprintable() else " " for c in x), quote=True)
                 for x in _wrap(e.name)]
        label = "<br/>".join(f"<b>{x}</b>" if eid in focus else x for x in lines)
        more = sg.more.get(eid)
        if more:
            label += f'<br/><font point-size="9">+{more} more</font>'
        out.append(f'{ids[eid]} [label=<{label}>, shape={g.shape}, style="{g.style}", '
                   f'fillcolor="{g.fill}", color="{g.border}", fontcolor="{g.text}"'
                   + (", penwidth=3.5, fontsize=14" if eid in focus else "") + "];")
    for k, rid in enumerate(sorted(sg.relations)):
        r = sg.relations[rid]
        decl = RELATION_TYPES[r.type]
        color = decl.color
        style = line_style(r.confidence)
        width = 2.6 if rid in sg.highlight else 1.4
        head = "none" if decl.symmetric else "normal"
        a, b = ids[r.subject], ids[r.object]
        note = labels.get(rid)
        if note:
            m = f"m{k}"
            out.append(f'{m} [label={_html_label(note)}, shape=plaintext, fontsize=9, '
                       f'fontcolor="#000000", margin="0.02,0.01", width=0, height=0];')
            out.append(f'{a} -> {m} [color="{color}", style={style}, penwidth={width}, arrowhead=none, len=0.5];')
            out.append(f'{m} -> {b} [color="{color}", style={style}, penwidth={width}, arrowhead={head}, len=0.5];')
        else:
            out.append(f'{a} -> {b} [color="{color}", style={style}, penwidth={width}, arrowhead={head}];')
    out.append("}")
    return "\n".join(out) + "\n"


def layout_svg(dot: str, engine: str) -> str:
    """Run Graphviz on a DOT text; its SVG. Raises :class:`LayoutUnavailable`."""
    exe = shutil.which(engine)
    if exe is None:
        raise LayoutUnavailable(f"Graphviz's {engine} is not installed; the charts of crimegraph "
                                "report need it (Debian: apt-get install graphviz, as "
                                "scripts/install-system-deps.sh does)")
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise LayoutUnavailable(f"Graphviz's {engine} took over {TIMEOUT} s; draw a smaller chart "
                                "(--depth 1, --cap, --types, --relations)") from None
    if done.returncode != 0:
        raise LayoutUnavailable(f"Graphviz's {engine} failed: "
                                f"{done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout.decode()


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_ATTR = re.compile(r'\b(width|height|viewBox)="([^"]*)"')


def _inner(svg: str) -> tuple[float, float, str, str]:
    """(width px, height px, viewBox, content) of Graphviz's SVG output."""
    m = _SVG_OPEN.search(svg)
    if m is None:  # pragma: no cover - Graphviz always writes one
        raise LayoutUnavailable("Graphviz wrote no SVG")
    attrs = dict(_ATTR.findall(m.group(0)))
    end = svg.rindex("</svg>")
    body = svg[m.end():end]
    # Graphviz's own <title> elements name our node ids (n0, m3): drop them
    body = re.sub(r"<title>[^<]*</title>", "", body)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)

    def px(v: str) -> float:
        return float(v[:-2]) * 4 / 3 if v.endswith("pt") else float(v)

    return px(attrs["width"]), px(attrs["height"]), attrs["viewBox"], body


def _text(x: float, y: float, text: str, size: float = 12, weight: str = "normal",
          anchor: str = "start", fill: str = "#000000") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(text, quote=False)}</text>')


def legend_svg(sg: Subgraph, x: float, y: float, width: float) -> tuple[str, float]:
    """The legend of what the chart shows (entity groups, natures, line styles); (svg, height)."""
    groups = [g for g in GROUPS.values()
              if any(entity_group(e.type) is g for e in sg.entities.values())]
    natures = [n for n in NATURES.values()
               if any(RELATION_TYPES[r.type].nature == n.name for r in sg.relations.values())]
    styles = [s for s, _ in LINE_STYLES if any(line_style(r.confidence) == s for r in sg.relations.values())]
    parts: list[str] = []
    row_h = 22
    cy = y

    def flow(items: list[tuple[str, str]], heading: str) -> None:
        """Lay out (swatch svg with its origin at 0,0, label) pairs in rows that fit ``width``."""
        nonlocal cy
        parts.append(_text(x, cy + 14, heading, LEGEND_SIZE, "bold"))
        cx = x + text_width(heading, LEGEND_SIZE) + 10
        for swatch, label in items:
            w = 30 + text_width(label, LEGEND_SIZE) + 16
            if cx + w > x + width and cx > x + 120:
                cy += row_h
                cx = x + 20
            parts.append(f'<g transform="translate({cx:.1f},{cy + 4:.1f})">{swatch}</g>')
            parts.append(_text(cx + 30, cy + 14, label, LEGEND_SIZE))
            cx += w
        cy += row_h + 4

    items = []
    for g in groups:
        shape = {"ellipse": '<ellipse cx="11" cy="6" rx="11" ry="6"',
                 "octagon": '<polygon points="4,0 18,0 22,4 22,8 18,12 4,12 0,8 0,4"',
                 "hexagon": '<polygon points="5,0 17,0 22,6 17,12 5,12 0,6"',
                 "note": '<polygon points="0,0 17,0 22,5 22,12 0,12"'}.get(
            g.shape, f'<rect x="0" y="0" width="22" height="12" rx="{4 if "rounded" in g.style else 0}"')
        items.append((f'{shape} fill="{g.fill}" stroke="{g.border}" stroke-width="1.2"/>', g.label))
    if items:
        flow(items, "Entities:")
    items = []
    for n in natures:
        items.append((f'<line x1="0" y1="6" x2="24" y2="6" stroke="{n.color}" stroke-width="3"/>', n.label))
    if items:
        flow(items, "Relations:")
    items = []
    for s in styles:
        dash = f' stroke-dasharray="{DASHARRAY[s]}"' if DASHARRAY[s] else ""
        items.append((f'<line x1="0" y1="6" x2="24" y2="6" stroke="#000000" stroke-width="1.6"{dash}/>',
                      line_style_label(s)))
    if any(not RELATION_TYPES[r.type].symmetric for r in sg.relations.values()):
        items.append(('<line x1="0" y1="6" x2="18" y2="6" stroke="#000000" stroke-width="1.6"/>'
                      '<polygon points="17,2 24,6 17,10" fill="#000000"/>', "directed (subject → object)"))
    if items:
        flow(items, "Lines:")
    return "\n".join(parts), cy - y


@dataclass(frozen=True)
class Layout:
    """A laid-out graph: its size in px, Graphviz's viewBox and SVG content."""

    width: float
    height: float
    view: str
    body: str


def layout(sg: Subgraph, labels: Mapping[str, str], engine: Optional[str] = None) -> Layout:
    """Lay a subgraph out with Graphviz (neato, or sfdp from :data:`SFDP_FROM` entities).

    Up to :data:`ROUTED_UP_TO` Graphviz nodes (entities and footnote numbers) the lines
    are routed around the nodes; above, that routing would take minutes, and the lines
    are straight, drawn under the nodes so that they never hide a label.
    """
    engine = engine or ("sfdp" if len(sg.entities) >= SFDP_FROM else "neato")
    nodes = len(sg.entities) + sum(1 for r in sg.relations if labels.get(r))
    attrs = {} if nodes <= ROUTED_UP_TO else {"splines": "false"}
    return Layout(*_inner(layout_svg(dot_source(sg, labels, engine, attrs), engine)))


def network_svg(sg: Subgraph, frame: Frame, labels: Mapping[str, str],
                laid: Optional[Layout] = None) -> str:
    """The chart as one standalone SVG: title, the laid-out graph, legend, notes and footer.

    ``labels`` maps relation ids to the footnote numbers printed on their lines;
    ``laid``, a :func:`layout` of the same subgraph and labels, saves laying it out again.
    """
    laid = laid or layout(sg, labels)
    gw, gh, view, body = laid.width, laid.height, laid.view, laid.body
    margin = 16
    width = max(gw, 640.0) + 2 * margin
    parts: list[str] = []
    y = margin + 18
    parts.append(_text(margin, y, frame.title, 18, "bold"))
    for line in frame.subtitle:
        y += 17
        parts.append(_text(margin, y, line, 11.5, fill="#333333"))
    y += 10
    gx = margin + (width - 2 * margin - gw) / 2
    parts.append(f'<svg x="{gx:.1f}" y="{y:.1f}" width="{gw:.1f}" height="{gh:.1f}" viewBox="{view}">'
                 f"{body}</svg>")
    y += gh + 8
    legend, lh = legend_svg(sg, margin, y, width - 2 * margin)
    parts.append(legend)
    y += lh + 4
    if frame.notes:
        parts.append(_text(margin, y + 12, "Notes (the numbers on the lines):", 11, "bold"))
        y += 16
        for label, text in frame.notes:
            for k, line in enumerate(_wrap_px(text, width - 2 * margin - 60, 10.5)):
                y += 14
                if k == 0:
                    parts.append(_text(margin, y, label, 10.5, "bold"))
                parts.append(_text(margin + 56, y, line, 10.5))
        y += 8
    for line in frame.footer:
        y += 15
        parts.append(_text(margin, y, line, 10, fill="#333333"))
    height = y + margin
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT_STACK}" class="cg-chart">'
            f"<title>{escape(frame.title, quote=False)}</title>"
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "\n".join(parts) + "</svg>\n")


def _wrap_px(text: str, width: float, size: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        trial = f"{line} {w}" if line else w
        if line and text_width(trial, size) > width:
            lines.append(line)
            line = w
        else:
            line = trial
    if line:
        lines.append(line)
    return lines or [""]
