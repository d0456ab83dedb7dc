"""A dossier for print: an entity (or a path, or a place) with its network and timeline
charts, its relations in a table, every claim footnoted to its citations, and the sources.

The facts are those of ``crimegraph show`` and the queries, under the same as-of
rule (:mod:`crimegraph.schema.timing`): the subject and its relations come from
:func:`~crimegraph.queries.entity_view`, the network chart from the map's
selection (:func:`~crimegraph.visualizations.select.select`, the ego network,
path or place of ``crimegraph map``), the timeline from
:func:`~crimegraph.queries.timeline`. Every citation is a numbered note (quote,
page, source, date, URL, the source's reliability in words); the chart lines and
the timeline labels carry the numbers of their notes. Every page says what it is:
title, as-of date, the dataset's version (:meth:`Dataset.fingerprint`), the day it
was made and the command that made it (:func:`dossier_html`; the PDF repeats
them in the page margins, :mod:`crimegraph.visualizations.pdf`).

Every string from the data is escaped on its way into the HTML; the page loads
nothing (no script, a Content-Security-Policy of ``default-src 'none'``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from typing import Iterable, Optional

from crimegraph.errors import SourceNotFound
from crimegraph.schema.models import Citation, Entity, Relation, Source
from crimegraph.schema.types import CREDIBILITY, RELIABILITY
from crimegraph.schema.vocab import NATURES

from .network_chart import Frame, layout, network_svg
from .print_style import FONT_STACK
from .timeline_chart import timeline_svg


@dataclass
class Note:
    """One numbered citation."""

    number: int
    citation: Citation
    source: Optional[Source]


def source_words(s: Optional[Source], sid: str) -> str:
    """``InSight Crime, Peru Profile (2023-03-01)``, or the id of a source not in the store."""
    if s is None:
        return f"{sid} (not in the dataset)"
    text = ", ".join(p for p in (s.publisher, s.title) if p)
    return text + (f" ({s.date})" if s.date else " (undated)")


def note_text(n: Note) -> str:
    """A note in one line of plain text: quote, page, source, URL, reliability."""
    c, s = n.citation, n.source
    bits = []
    if c.quote:
        bits.append(f"“{c.quote}”")
    if c.page:
        bits.append(f"p. {c.page}")
    bits.append(source_words(s, c.source))
    if s is not None and s.url:
        bits.append(s.url)
    if s is not None:
        bits.append(f"reliability {s.reliability}: {RELIABILITY[s.reliability]}")
    return " — ".join(bits)


class Notes:
    """The numbered notes of a dossier: each item's citations get consecutive numbers, once."""

    def __init__(self, lookup):
        self.items: list[Note] = []
        self._ranges: dict[str, tuple[int, int]] = {}
        self._lookup = lookup

    def add(self, key: str, citations: Iterable[Citation]) -> str:
        if key not in self._ranges:
            first = len(self.items) + 1
            for c in citations:
                self.items.append(Note(len(self.items) + 1, c, self._lookup(c.source)))
            self._ranges[key] = (first, len(self.items))
        return self.label(key)

    def label(self, key: str) -> str:
        """``12`` or ``12–14``; ``""`` for an item without notes."""
        if key not in self._ranges:
            return ""
        a, b = self._ranges[key]
        return "" if b < a else str(a) if a == b else f"{a}–{b}"

    def in_range(self, key: str) -> list[Note]:
        """The notes of one item."""
        a, b = self._ranges.get(key, (1, 0))
        return self.items[a - 1:b]

    def numbers(self, key: str) -> list[int]:
        a, b = self._ranges.get(key, (1, 0))
        return list(range(a, b + 1))


@dataclass
class Section:
    title: str
    relations: list[Relation] = field(default_factory=list)


@dataclass
class Dossier:
    """Everything a dossier prints, gathered once (the store may be closed afterwards)."""

    title: str
    subtitle: str
    as_of: Optional[dt.date]
    fingerprint: str
    made: dt.date
    command: str
    subject: Optional[Entity]
    names: dict[str, str]
    notes: Notes
    sections: list[Section]
    sources: list[tuple[str, Optional[Source]]]
    network: str  # SVG
    timeline: Optional[str]  # SVG
    left_out: list[str]
    selection_notes: list[str]
    #: with a path: each path as (chain, "what it means; weak (score 0.008), weakest step B2", its relations)
    paths: list[tuple[str, str, list[Relation]]] = field(default_factory=list)
    network_only: Optional[str] = None  # the network chart with its notes listed (standalone SVG)
    timeline_only: Optional[str] = None

    @property
    def when(self) -> str:
        return f"as of {self.as_of.isoformat()}" if self.as_of else "all dates"

    def stamp(self) -> str:
        """The line every page carries."""
        return (f"{self.when} · dataset {self.fingerprint} · made {self.made.isoformat()} · "
                f"{self.command}")


def _nature_key(r: Relation, names) -> tuple:
    order = list(NATURES)
    return (order.index(r.decl.nature), r.type, names.get(r.subject, ""), names.get(r.object, ""), r.id)


def build(store, *, entity: Optional[str] = None, path: Optional[tuple[str, str]] = None,
          place: Optional[str] = None, as_of: Optional[dt.date] = None, depth: int = 1,
          cap: Optional[int] = 30, max_hops: int = 4, k: int = 5, entity_types=None,
          relation_types=None, natures=None, avoid=(), similar: bool = False,
          through_hubs: bool = False, title: Optional[str] = None,
          command: str = "crimegraph report", made: Optional[dt.date] = None) -> Dossier:
    """Gather a dossier from a store: one of ``entity``, ``path`` or ``place``.

    The selection and its filters are the map's (:func:`~crimegraph.visualizations.select.select`:
    ``natures``, ``avoid`` and ``similar`` for a path, as ``query connections`` takes them;
    ``through_hubs`` for an entity's network); ``title`` replaces the dossier's own."""
    from crimegraph.queries import entity_view, timeline

    from .select import select

    sel = select(store, ego=entity, depth=depth, cap=cap, path=path, max_hops=max_hops, k=k,
                 place=place, as_of=as_of, entity_types=entity_types, relation_types=relation_types,
                 natures=natures, avoid=avoid, similar=similar, through_hubs=through_hubs)
    sg = sel.subgraph
    cache: dict[str, Optional[Source]] = dict(sg.sources)

    def lookup(sid: str) -> Optional[Source]:
        if sid not in cache:
            try:
                cache[sid] = store.source(sid)
            except SourceNotFound:
                cache[sid] = None
        return cache[sid]

    notes = Notes(lookup)
    names = {i: e.name for i, e in sg.entities.items()}
    subject_ref = entity or place
    view = entity_view(store, subject_ref, as_of=as_of) if subject_ref else None
    tl = timeline(store, subject_ref, as_of=as_of) if subject_ref else None
    subject = view.entity if view else None
    sections: list[Section] = []
    listed: set[str] = set()
    found_paths = []
    if path:
        from crimegraph.queries import connections

        found = connections(store, path[0], path[1], max_hops=max_hops, k=k, as_of=as_of,
                            types=relation_types, natures=natures, avoid=avoid, similar=similar)
        for p in found.paths:
            found_paths.append((" → ".join(e.name for e in p.entities),
                                f"{p.sentence}; {p.strength} (score {p.score:.3f}), weakest step "
                                f"{p.weakest}",
                                [st.relation for st in p.steps]))
    if view is not None:
        names.update(view.names)
        notes.add(subject.id, subject.citations)
        rels = sorted(view.relations, key=lambda r: _nature_key(r, names))
        sections.append(Section(f"Relations of {subject.name}", rels))
        listed.update(r.id for r in rels)
    rest = sorted((r for r in sg.relations.values() if r.id not in listed),
                  key=lambda r: _nature_key(r, names))
    if rest:
        sections.append(Section("Relations among the others on the network chart"
                                if view is not None else "Relations on the network chart", rest))
        listed.update(r.id for r in rest)
    if tl is not None:
        names.update(tl.names)
        more = [e.relation for e in tl.entries if e.relation is not None and e.relation.id not in listed]
        more = list({r.id: r for r in more}.values())
        if more:
            sections.append(Section("Relations on the timeline, through factions, members and leaders",
                                    more))
            listed.update(r.id for r in more)
    for s in sections:
        for r in s.relations:
            notes.add(r.id, r.citations)
    labels = {rid: notes.label(rid) for rid in listed}
    made = made or dt.date.today()
    fp = store.dataset().fingerprint()
    when = f"as of {as_of.isoformat()}" if as_of else "all dates"
    stamp = f"{when} · dataset {fp} · made {made.isoformat()}"
    title = title or (f"{subject.name}: dossier" if subject is not None and entity else sel.title)
    # the selection's subtitle says the as-of day already
    net_stamp = stamp if as_of is None else f"dataset {fp} · made {made.isoformat()}"
    net_frame = Frame(sel.title, [x for x in (sel.subtitle, net_stamp) if x],
                      [f"Made with: {command}", "Numbers on the lines are the notes (sources) of "
                       "the dossier's relations table."])
    laid = layout(sg, labels)
    network = network_svg(sg, net_frame, labels, laid)
    def note_lines(keys) -> list[tuple[str, str]]:
        """``[12–14]`` and the sources of each item (its notes), for a standalone chart."""
        out = []
        for key in sorted(dict.fromkeys(keys), key=lambda i: notes.numbers(i)[:1] or [0]):
            if not notes.label(key):
                continue
            r = sg.relations.get(key) or next((e.relation for e in (tl.entries if tl else ())
                                               if e.relation is not None and e.relation.id == key), None)
            if r is not None:
                arrow = f"—{r.decl.label}—" if r.symmetric else f"—{r.decl.label}→"
                what = (f"{names.get(r.subject, r.subject)} {arrow} {names.get(r.object, r.object)} "
                        f"({r.confidence.code})")
            else:
                what = names.get(key, key)
            out.append((f"[{notes.label(key)}]", what + ": " + "; ".join(dict.fromkeys(
                source_words(n.source, n.citation.source)
                + (f", {n.source.url}" if n.source and n.source.url else "")
                for n in notes.in_range(key)))))
        return out

    standalone_notes = note_lines(sg.relations)
    network_only = network_svg(sg, Frame(net_frame.title, net_frame.subtitle,
                                         [f"Made with: {command}"], standalone_notes), labels, laid)
    timeline_chart = timeline_only = None
    if tl is not None:
        tl_frame = Frame(f"{tl.entity.name}: timeline", [stamp],
                         [f"Made with: {command}", "Numbers in brackets are the notes (sources) of "
                          "the dossier's relations table."])
        own = notes.label(tl.entity.id) or notes.add(tl.entity.id, tl.entity.citations)
        timeline_chart = timeline_svg(tl, tl_frame, labels, own)
        keys = [tl.entity.id, *(e.relation.id for e in tl.entries if e.relation is not None)]
        timeline_only = timeline_svg(tl, Frame(tl_frame.title, tl_frame.subtitle, [f"Made with: {command}"],
                                               note_lines(keys)), labels, own)
    used = list(dict.fromkeys(n.citation.source for n in notes.items))
    sources = sorted(((sid, lookup(sid)) for sid in used),
                     key=lambda p: (source_words(p[1], p[0]).casefold(), p[0]))
    left = []
    if view is not None and as_of is not None:
        left = view.left_out_lines(full=True)
    return Dossier(title, sel.subtitle, as_of, fp, made, command, subject if entity or place else None,
                   names, notes, sections, sources, network, timeline_chart, left, list(sel.notes),
                   found_paths, network_only, timeline_only)


# ------------------------------------------------------------------ HTML
#: px of a chart per mm of paper when a chart gets a page of its own size (about 8 pt
#: text for the charts' 12 px labels)
PX_PER_MM = 3.6


def _fitting_page(svg: str) -> str:
    """``A4 landscape``, or a page size that holds a chart too big for it at a legible scale."""
    import re

    m = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if not m:
        return "A4 landscape"
    w, h = float(m.group(1)) / PX_PER_MM + 24, float(m.group(2)) / PX_PER_MM + 50
    if w <= 297 and h <= 210:
        return "A4 landscape"
    return f"{max(w, 297):.0f}mm {max(h, 210):.0f}mm"


def _css_string(text: str) -> str:
    """A CSS string literal of any text: every character but letters, digits and spaces escaped."""
    return '"' + "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}"
                         for c in text) + '"'


def _e(text) -> str:
    return escape(str(text), quote=True)


def _lifetime(e: Entity) -> str:
    return " · ".join(f"{f} {getattr(e, f)}" for f in ("founded", "dissolved", "born", "captured", "died")
                      if getattr(e, f, None) is not None)


def dossier_html(d: Dossier) -> str:
    """The dossier as one self-contained HTML page (print-ready: A4, running header and footer)."""
    from crimegraph.serialize import time_text

    head_left = f"{d.title} — {d.when}"
    net_page = _fitting_page(d.network)
    head_right = f"dataset {d.fingerprint} · made {d.made.isoformat()}"
    out: list[str] = []
    w = out.append
    w("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">")
    w(f"<title>{_e(d.title)}</title><style>")
    w(f"""@page {{ size: A4; margin: 18mm 14mm 16mm 14mm;
  @top-left {{ content: {_css_string(head_left)}; font: 7.5pt {FONT_STACK}; color: #333; }}
  @top-right {{ content: {_css_string(head_right)}; font: 7.5pt {FONT_STACK}; color: #333; }}
  @bottom-left {{ content: {_css_string(d.command)}; font: 7pt {FONT_STACK}; color: #333; }}
  @bottom-right {{ content: "page " counter(page) " of " counter(pages); font: 7.5pt {FONT_STACK}; }}
}}
body {{ font: 10pt/1.38 {FONT_STACK}; color: #000; max-width: 190mm; margin: 0 auto; }}
h1 {{ font-size: 18pt; margin: 0 0 2pt; }} h2 {{ font-size: 13pt; margin: 14pt 0 4pt;
  break-after: avoid; border-bottom: 1px solid #999; }}
.stamp {{ font-size: 8.5pt; color: #333; border: 1px solid #bbb; padding: 3pt 6pt; }}
figure {{ margin: 6pt 0; break-inside: avoid; }} figure svg {{ width: 100%; height: auto; max-height: 245mm; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.6pt; }}
th, td {{ border-bottom: 0.5pt solid #bbb; padding: 2pt 4pt; vertical-align: top; text-align: left; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }}
th {{ background: #eee; }} .n {{ white-space: nowrap; font-weight: bold; }}
ol.notes {{ font-size: 8.4pt; padding-left: 26pt; }} ol.notes li {{ margin-bottom: 2pt; break-inside: avoid; }}
.q {{ font-style: italic; }} .url {{ word-break: break-all; }} .muted {{ color: #444; }}
.pagebreak {{ break-before: page; }} .nowrap {{ white-space: nowrap; }}
table.sources col.s {{ width: 27%; }} table.sources col.p {{ width: 15%; }} table.sources col.u {{ width: 36%; }}
section.howto {{ break-inside: avoid; }}
@page wide {{ size: A4 landscape; margin: 16mm 12mm 14mm 12mm; }}
@page net {{ size: {net_page}; margin: 16mm 12mm 14mm 12mm; }}
section.wide {{ page: wide; }} section.wide figure svg {{ max-height: 160mm; }}
section.net {{ page: net; }} section.net figure svg {{ max-height: none; }}
@media print {{ body {{ max-width: none; }} }}
@media screen {{ body {{ padding: 12px; }} section.wide, section.net {{ width: 96vw; margin-left: calc(50% - 48vw); }}
  section.wide figure svg, section.net figure svg {{ max-height: 92vh; }} }}
</style></head><body>""")
    w(f"<header><h1>{_e(d.title)}</h1>")
    w(f"<div class=\"stamp\">{_e(d.stamp())}</div></header>")
    if d.subject is not None:
        e = d.subject
        w("<h2>Subject</h2><p>")
        w(f"<b>{_e(e.name)}</b> ({_e(e.id)}) — {_e(e.type_label)}"
          + (f" · {_e(e.status)}" if e.status else ""))
        life = _lifetime(e)
        if life:
            w(f"<br>{_e(life)}")
        if d.as_of and not e.shown_on(d.as_of):
            w(f"<br>as of {_e(d.as_of.isoformat())}: {_e(time_text(e, d.as_of))}")
        if e.aliases:
            w("<br>aliases: " + _e(", ".join(a.name + (f" ({a.lang})" if getattr(a, "lang", None) else "")
                                            for a in e.aliases)))
        w("</p>")
        if e.description:
            w(f"<p>{_e(e.description)}</p>")
        label = d.notes.label(e.id)
        if label:
            w(f"<p class=\"muted\">Sources of this entity: notes {_e(label)}.</p>")
    if d.subtitle or d.selection_notes:
        w("<p class=\"muted\">Network chart: " + _e(" · ".join([d.subtitle, *d.selection_notes]).strip(" ·"))
          + "</p>")
    if d.paths:
        w(f"<h2>Paths ({len(d.paths)})</h2><ol>")
        for chain, conf, rels in d.paths:
            w(f"<li><b>{_e(chain)}</b> <span class=\"muted\">({_e(conf)})</span><ol type=\"a\">")
            for r in rels:
                arrow = f"—{r.decl.label}—" if r.symmetric else f"—{r.decl.label}→"
                w(f"<li>{_e(d.names.get(r.subject, r.subject))} {_e(arrow)} "
                  f"{_e(d.names.get(r.object, r.object))} ({_e(time_text(r, d.as_of) or 'timeless')}; "
                  f"{_e(r.confidence.code)}) — notes <b>{_e(d.notes.label(r.id))}</b></li>")
            w("</ol></li>")
        w("</ol>")
    w(f"<section class=\"{'net' if net_page != 'A4 landscape' else 'wide'}\"><h2>Network</h2><figure>" + d.network + "</figure></section>")
    if d.timeline:
        w("<section class=\"wide\"><h2>Timeline</h2><figure>" + d.timeline + "</figure></section>")
    for s in d.sections:
        w(f"<h2>{_e(s.title)} ({len(s.relations)})</h2>")
        w("<table><thead><tr><th>relation</th><th>when</th><th>confidence</th><th>notes</th></tr></thead><tbody>")
        for r in s.relations:
            arrow = f"—{r.decl.label}—" if r.symmetric else f"—{r.decl.label}→"
            rel = f"{d.names.get(r.subject, r.subject)} {arrow} {d.names.get(r.object, r.object)}"
            when = time_text(r, d.as_of) or "timeless"
            w(f"<tr><td>{_e(rel)}<br><span class=\"muted\">{_e(r.decl.natured.label)} · {_e(r.id)}</span></td>"
              f"<td>{_e(when)}</td><td>{_e(r.confidence.code)}: {_e(r.confidence.describe())}</td>"
              f"<td class=\"n\">{_e(d.notes.label(r.id))}</td></tr>")
        w("</tbody></table>")
    if d.left_out:
        w("<h2>What the date leaves out</h2><ul>")
        for line in d.left_out:
            w(f"<li>{_e(line.strip())}</li>")
        w("</ul>")
    w(f"<h2>Notes ({len(d.notes.items)})</h2><ol class=\"notes\">")
    for n in d.notes.items:
        c, s = n.citation, n.source
        bits = []
        if c.quote:
            bits.append(f"<span class=\"q\">“{_e(c.quote)}”</span>")
        if c.page:
            bits.append(f"p. {_e(c.page)}")
        bits.append(_e(source_words(s, c.source)))
        if s is not None and s.url:
            bits.append(f"<span class=\"url\">{_e(s.url)}</span>")
        if s is not None:
            bits.append(f"reliability {_e(s.reliability)}: {_e(RELIABILITY[s.reliability])}")
        w(f"<li value=\"{n.number}\">" + " — ".join(bits) + "</li>")
    w("</ol>")
    w(f"<h2>Sources ({len(d.sources)})</h2><table class=\"sources\"><colgroup><col class=\"s\"><col class=\"p\">"
      "<col><col class=\"u\"><col><col></colgroup><thead><tr><th>source</th><th>publisher</th>"
      "<th>date</th><th>URL</th><th>reliability</th><th>notes</th></tr></thead><tbody>")
    for sid, s in d.sources:
        nums = [str(n.number) for n in d.notes.items if n.citation.source == sid]
        if s is None:
            w(f"<tr><td>{_e(sid)}</td><td colspan=\"4\">not in the dataset</td><td>{_e(', '.join(nums))}</td></tr>")
            continue
        w(f"<tr><td>{_e(s.title)}<br><span class=\"muted\">{_e(s.id)}</span></td><td>{_e(s.publisher or '')}</td>"
          f"<td class=\"nowrap\">{_e(s.date or 'undated')}</td><td class=\"url\">{_e(s.url or '—')}</td>"
          f"<td>{_e(s.reliability)}: {_e(RELIABILITY[s.reliability])}</td><td>{_e(', '.join(nums))}</td></tr>")
    w("</tbody></table>")
    w("<section class=\"howto\"><h2>How to read this dossier</h2>")
    w("<p>Each relation carries an Admiralty grade: a letter for how reliable its source is, a "
      "figure for how credible the information is. On the charts the line style shows the "
      "credibility (solid: 1–2, dashed: 3, dotted: 4–6).</p>")
    w("<table><thead><tr><th>source reliability</th><th>information credibility</th></tr></thead><tbody>")
    for (letter, words), (fig, fwords) in zip(RELIABILITY.items(), CREDIBILITY.items()):
        w(f"<tr><td><b>{letter}</b> {_e(words)}</td><td><b>{fig}</b> {_e(fwords)}</td></tr>")
    w("</tbody></table>")
    w("<p>Time: a relation is shown with the period a source states (“since 1999”), or the day "
      "of its event (“on 2008-10-09”); one that no source dates is marked with the dates of the "
      "sources that report it (“undated; reported 2014–2023”), which say when it was known, not "
      "when it began. With an as-of date the dossier shows what was valid or already reported "
      "on that day and lists what the day leaves out. “dataset” is a hash of the whole dataset's "
      "content: two dossiers with the same one were made from the same data.</p></section>")
    w("</body></html>\n")
    return "\n".join(out)
