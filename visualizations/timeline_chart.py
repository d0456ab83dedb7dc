"""An i2-style timeline chart as SVG: one line per actor, events and periods on a time axis.

It draws a :class:`~crimegraph.queries.timeline.Timeline` (the same entries as
``crimegraph query timeline``, with the same as-of rule). Lines ("theme lines"):

- the entity itself: its sourced lifetime (founded, captured, died …) and the
  events it took part in or was targeted by;
- each faction, member or leader whose events the timeline includes, with those
  events;
- *periods*: each relation with a stated ``since`` or ``until``, as a bar (an
  open end runs to the edge of the axis, with an arrow);
- *undated, by first report*: relations that no source dates, drawn as hollow
  diamonds at the date they were first reported (which is not when they began).

How sure a date is shows in how it is drawn: an exact day is a filled dot, a
month a short filled bar, a bare year a hollow bar over its whole year. Labels
are placed in rows so that none overlaps another (each row of a line keeps the
extent of the labels already in it); every label ends with the numbers of its
notes, the sources printed in the dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from typing import Mapping, Optional, Sequence

from crimegraph.queries.timeline import LIFETIME_MARKS, Entry, Timeline

from .network_chart import Frame, _text, _wrap, _wrap_px
from .print_style import FONT_STACK, entity_group, text_width

PLOT_WIDTH = 900.0
LEFT = 190.0
ROW = 17.0
FONT_SIZE = 10.5


@dataclass
class Mark:
    """One thing on the chart: a point (``date``) or a bar (``start``–``end``)."""

    start: dt.date
    end: dt.date
    precision: str  # day, month, year, period, reported
    label: str
    open_start: bool = False
    open_end: bool = False


@dataclass
class Lane:
    title: str
    fill: str = "#f2f2f2"
    marks: list[Mark] = field(default_factory=list)


def _year_frac(d: dt.date) -> float:
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def _relation_words(t: Timeline, e: Entry) -> str:
    r = e.relation
    names = t.names
    if r.subject == t.entity.id:
        return f"{r.decl.label} {names.get(r.object, r.object)}"
    # seen from the entity of the timeline: "has faction Dinastía Alayón"
    label = r.decl.label if r.decl.symmetric else r.decl.inverse_label
    return f"{label} {names.get(r.subject, r.subject)}"


def lanes_of(t: Timeline, notes: Mapping[str, str], own_notes: str = "") -> tuple[list[Lane], int]:
    """The lines of the chart, and how many relations nothing dates (not drawn)."""
    own = Lane(t.entity.name, "#fbeed2" if entity_group(t.entity.type).name == "criminal" else "#eef3f8")
    by_through: dict[str, Lane] = {}
    periods = Lane("periods (stated since/until)", "#eef6ee")
    reported = Lane("undated: by first report", "#f4f4f4")
    undated = 0

    def ref(rid: Optional[str]) -> str:
        n = notes.get(rid) if rid else None
        return f" [{n}]" if n else ""

    for e in t.entries:
        if e.what in LIFETIME_MARKS:
            d = e.date
            own.marks.append(Mark(d.start, d.end, d.precision, f"{e.what}" + (f" [{own_notes}]" if own_notes else "")))
        elif e.what == "event":
            d = e.date
            label = e.event.name + ref(e.relation.id if e.relation else None)
            lane = own
            if e.through is not None:
                lane = by_through.setdefault(e.through.id, Lane(e.through.name, "#f6f0fa"))
            lane.marks.append(Mark(d.start, d.end, d.precision, label))
        elif e.what == "start" or (e.what == "end" and e.relation.since is None):
            r = e.relation
            s, u = r.since, r.until
            periods.marks.append(Mark(s.start if s else dt.date.min, u.end if u else dt.date.max, "period",
                                      _relation_words(t, e) + (f" ({r.period})") + ref(r.id),
                                      open_start=s is None, open_end=u is None))
        elif e.what == "reported":
            d = e.date
            reported.marks.append(Mark(d.start, d.end, "reported", _relation_words(t, e) + ref(e.relation.id)))
        elif e.what == "undated":
            undated += 1
    lanes = [own, *by_through.values()]
    if periods.marks:
        lanes.append(periods)
    if reported.marks:
        lanes.append(reported)
    return lanes, undated


def timeline_svg(t: Timeline, frame: Frame, notes: Mapping[str, str], own_notes: str = "") -> str:
    """The timeline chart as one standalone SVG (title, lines, axis, legend, footer)."""
    lanes, undated = lanes_of(t, notes, own_notes)
    points = [d for lane in lanes for m in lane.marks
              for d in (m.start, m.end) if d not in (dt.date.min, dt.date.max)]
    if t.as_of is not None:
        points.append(t.as_of)
    if not points:
        points = [dt.date.today()]
    y0 = min(points).year
    y1 = max(points).year + 1
    span = max(y1 - y0, 4)
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 16)
    y0 = y0 - y0 % step
    y1 = y1 + (-y1) % step
    span = y1 - y0
    margin = 16
    width = LEFT + PLOT_WIDTH + 2 * margin
    right = LEFT + PLOT_WIDTH + margin

    def x(d: dt.date) -> float:
        if d == dt.date.min:
            return LEFT + margin
        if d == dt.date.max:
            return right
        return LEFT + margin + (_year_frac(d) - y0) / span * PLOT_WIDTH

    parts: list[str] = []
    y = margin + 18
    parts.append(_text(margin, y, frame.title, 18, "bold"))
    for line in frame.subtitle:
        y += 17
        parts.append(_text(margin, y, line, 11.5, fill="#333333"))
    y += 14
    axis_top = y
    body: list[str] = []
    backs: list[str] = []
    for lane in lanes:
        rows: list[list[tuple[float, float]]] = []
        placed: list[str] = []
        for m in sorted(lane.marks, key=lambda m: (m.start, m.end)):
            xs, xe = x(m.start), x(m.end + dt.timedelta(days=1)) if m.end != dt.date.max else right
            if m.precision in ("day", "reported"):
                xe = xs
            tw = text_width(m.label, FONT_SIZE)
            if m.precision == "period":
                # the label sits on the bar's row, after the bar or, when it would run off, inside it
                lx, anchor = (xe + 6, "start") if xe + 6 + tw <= right else (max(xs + 4, right - tw), "start")
                need = (min(xs, lx) - 2, max(xe, lx + tw) + 2)
            else:
                lx, anchor = (xe + 7, "start") if xe + 7 + tw <= right else (xs - 7, "end")
                need = ((xs - 6, lx + tw + 4) if anchor == "start" else (lx - tw - 4, xe + 6))
            k = next((i for i, row in enumerate(rows) if all(need[0] > b or need[1] < a for a, b in row)),
                     None)
            if k is None:
                rows.append([])
                k = len(rows) - 1
            rows[k].append(need)
            placed.append(_mark_svg(m, xs, xe, k, lx, anchor))
        n = max(len(rows), 1)
        title_lines = min(len(_wrap(lane.title, 26)), 3)
        h = max(n * ROW + 10, 8 + 13 * title_lines)
        backs.append(f'<rect x="{margin}" y="{y:.1f}" width="{width - 2 * margin:.1f}" height="{h:.1f}" '
                    f'fill="{lane.fill}" stroke="#cccccc" stroke-width="0.6"/>')
        for i, line in enumerate(_wrap(lane.title, 26)[:3]):
            body.append(_text(margin + 6, y + 15 + i * 13, line, 11, "bold"))
        body.append(f'<g transform="translate(0,{y + 5:.1f})">' + "".join(placed) + "</g>")
        y += h + 4
    axis_bottom = y
    grid = []
    for year in range(y0, y1 + 1, step):
        gx = x(dt.date(year, 1, 1))
        grid.append(f'<line x1="{gx:.1f}" y1="{axis_top:.1f}" x2="{gx:.1f}" y2="{axis_bottom + 4:.1f}" '
                    f'stroke="#bbbbbb" stroke-width="0.6"/>')
        grid.append(_text(gx, axis_bottom + 16, str(year), 10.5, anchor="middle"))
    if t.as_of is not None:
        ax = x(t.as_of)
        grid.append(f'<line x1="{ax:.1f}" y1="{axis_top - 4:.1f}" x2="{ax:.1f}" y2="{axis_bottom + 4:.1f}" '
                    f'stroke="#D55E00" stroke-width="1.4" stroke-dasharray="4,3"/>')
        grid.append(_text(ax, axis_top - 6, f"as of {t.as_of.isoformat()}", 10, anchor="middle",
                          fill="#D55E00"))
    parts.extend(backs)  # lane backgrounds, then the grid over them, then the marks
    parts.extend(grid)
    parts.extend(body)
    y = axis_bottom + 34
    legend = [(_mark_svg(Mark(dt.date.min, dt.date.min, "day", ""), 6, 6, 0, 0, "start", bare=True), "exact day"),
              ('<rect x="0" y="3" width="10" height="8" fill="#000000"/>', "month"),
              ('<rect x="0" y="2" width="22" height="10" fill="none" stroke="#000000" stroke-width="1.2"/>',
               "year only (drawn over the whole year)"),
              ('<rect x="0" y="4" width="22" height="6" fill="#009E73"/>', "period stated by a source"),
              ('<polygon points="6,1 11,7 6,13 1,7" fill="#ffffff" stroke="#555555" stroke-width="1.3"/>',
               "undated, at its first report")]
    parts.append(_text(margin, y + 10, "Dates:", 11, "bold"))
    cx = margin + 50
    for swatch, label in legend:
        w = 30 + text_width(label, 11) + 14
        if cx + w > width - margin:
            y += 20
            cx = margin + 50
        parts.append(f'<g transform="translate({cx:.1f},{y:.1f})">{swatch}</g>')
        parts.append(_text(cx + 28, y + 10, label, 11))
        cx += w
    y += 18
    if undated:
        y += 14
        parts.append(_text(margin, y, f"{undated} relation{'s' if undated != 1 else ''} that no dated "
                           "source reports: not on the axis (listed in the relations table).", 10.5))
    if frame.notes:
        y += 22
        parts.append(_text(margin, y, "Notes (the numbers in brackets):", 11, "bold"))
        for label, text in frame.notes:
            for k, line in enumerate(_wrap_px(text, width - 2 * margin - 60, 10.5)):
                y += 14
                if k == 0:
                    parts.append(_text(margin, y, label, 10.5, "bold"))
                parts.append(_text(margin + 56, y, line, 10.5))
        y += 6
    for line in frame.footer:
        for piece in _wrap_px(line, width - 2 * margin, 10):
            y += 15
            parts.append(_text(margin, y, piece, 10, fill="#333333"))
    height = y + margin
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT_STACK}" class="cg-chart">'
            f"<title>{escape(frame.title, quote=False)}</title>"
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "\n".join(parts) + "</svg>\n")


def _mark_svg(m: Mark, xs: float, xe: float, row: int, lx: float, anchor: str, bare: bool = False) -> str:
    cy = row * ROW + 8
    if m.precision == "day":
        shape = f'<circle cx="{xs:.1f}" cy="{cy:.1f}" r="4" fill="#000000"/>'
    elif m.precision == "month":
        shape = (f'<rect x="{xs:.1f}" y="{cy - 4:.1f}" width="{max(xe - xs, 3):.1f}" height="8" '
                 f'fill="#000000"/>')
    elif m.precision == "year":
        shape = (f'<rect x="{xs:.1f}" y="{cy - 5:.1f}" width="{max(xe - xs, 4):.1f}" height="10" '
                 f'fill="none" stroke="#000000" stroke-width="1.2"/>')
    elif m.precision == "period":
        shape = (f'<rect x="{xs:.1f}" y="{cy - 3:.1f}" width="{max(xe - xs, 3):.1f}" height="6" '
                 f'fill="#009E73"/>')
        if m.open_start:
            shape += f'<polygon points="{xs:.1f},{cy:.1f} {xs + 7:.1f},{cy - 6:.1f} {xs + 7:.1f},{cy + 6:.1f}" fill="#009E73"/>'
        if m.open_end:
            shape += f'<polygon points="{xe:.1f},{cy:.1f} {xe - 7:.1f},{cy - 6:.1f} {xe - 7:.1f},{cy + 6:.1f}" fill="#009E73"/>'
    else:  # reported
        shape = (f'<polygon points="{xs:.1f},{cy - 6:.1f} {xs + 5:.1f},{cy:.1f} {xs:.1f},{cy + 6:.1f} '
                 f'{xs - 5:.1f},{cy:.1f}" fill="#ffffff" stroke="#555555" stroke-width="1.3"/>')
    if bare:
        return shape
    # a white halo keeps the label readable over the grid lines
    return shape + _text(lx, cy + 4, m.label, FONT_SIZE, anchor=anchor).replace(
        "<text ", '<text stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round" ', 1)
