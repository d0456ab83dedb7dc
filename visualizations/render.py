"""Render a :class:`~crimegraph.graph.subgraph.Subgraph` as one self-contained, offline HTML map.

The page is built around vis-network, the JavaScript library that pyvis
bundles; pyvis's :class:`~pyvis.network.Network` holds the vis nodes, edges
and options, filled in bulk (its ``add_edge`` is quadratic). The page itself
comes from this package's own template, because pyvis's links Bootstrap from a
CDN and does not escape data:

* everything is inline (vis-network's JS and CSS, the page's JS and CSS, the
  data), and a Content-Security-Policy forbids the page any request at all;
* data travels as JSON in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, and the page writes it into the
  document only with ``textContent`` and DOM calls, never as HTML.

Size decides how a map is drawn:

* up to ``physics_max_nodes`` entities (:data:`PHYSICS_MAX_NODES`), positions
  computed in Python are relaxed by vis-network's physics for a moment, which
  is then switched off (the reader can switch it back on);
* above it, positions are computed in Python (:mod:`.layout`) and physics
  stays off, so that 5,000 entities draw at once;
* above ``max_nodes`` (:data:`MAX_NODES`) or ``max_edges``
  (:data:`MAX_EDGES`), the map is aggregated when ``aggregate`` names a
  grouping (``kind``, ``type`` or ``community``), and refused with
  :class:`MapTooLarge` otherwise, whose message says how to filter.

>>> from crimegraph.graph.subgraph import Subgraph
>>> m = render(Subgraph(), title="empty")
>>> m.nodes, m.edges, m.physics, "<script" in m.html
(0, 0, False, True)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from crimegraph.errors import CrimegraphError, SourceNotFound, UsageError
from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.compact import no_gc
from crimegraph.schema.models import Citation, Entity, Relation, Source
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES

from . import style
from .layout import EDGE_LENGTH, compute_layout
from .measures import MEASURES, measure, sizes

#: at most this many entities: the browser's physics relaxes the layout a moment
PHYSICS_MAX_NODES = 300
#: above this many entities (or :data:`MAX_EDGES` relations), aggregate or refuse
MAX_NODES = 10_000
MAX_EDGES = 30_000
#: groupings a too-large map can be aggregated by
AGGREGATES = ("kind", "type", "community")

_ASSETS = Path(__file__).parent
#: line opacity; on a path map, lines off the path are fainter
EDGE_ALPHA = 0.85
FAINT_ALPHA = 0.3
#: vis-network dash patterns (canvas units) of the line styles of :data:`style.LINE_STYLES`
VIS_DASHES = {"dashed": [8, 5], "dotted": [2, 4]}


class MapTooLarge(CrimegraphError):
    """The map would be too big for a browser to draw; the message says how to filter."""

    exit_code = 4


@dataclass
class RenderedMap:
    """A rendered map: the HTML and what went into it."""

    html: str
    nodes: int
    edges: int
    physics: bool
    aggregated: Optional[str] = None
    path: Optional[Path] = None
    timings: dict[str, float] = field(default_factory=dict)

    def write(self, path, *, mkdir: bool = False, option: str = "--output") -> Path:
        """Write the page to exactly ``path``, whole or not at all (:mod:`crimegraph.atomic`), and
        remember where. A missing parent folder is an error unless ``mkdir``."""
        from crimegraph.atomic import write_text

        self.path = write_text(path, self.html, mkdir=mkdir, option=option)
        return self.path

    def __str__(self) -> str:
        return self.html


def render(subgraph: Subgraph, path=None, *, title: Optional[str] = None,
           subtitle: Optional[str] = None, store=None, size_by: str = "degree",
           aggregate: Optional[str] = None, max_nodes: Optional[int] = MAX_NODES,
           max_edges: Optional[int] = MAX_EDGES,
           physics_max_nodes: int = PHYSICS_MAX_NODES, seed: int = 7,
           period: Optional[dict] = None, notes: Sequence[str] = (),
           refine_hint: Optional[str] = None) -> RenderedMap:
    """Render ``subgraph`` as a self-contained HTML page; write it to ``path`` if given.

    Parameters
    ----------
    subgraph : Subgraph
        What to draw. ``focus`` entities are emphasised, ``highlight`` relations
        (the steps of a path) drawn bold and labelled, ``more`` shown as "+N".
    path : str or Path, optional
        Where to write the page.
    title, subtitle : str, optional
        Shown at the top of the page (escaped).
    store : Store, optional
        Used to resolve cited sources missing from ``subgraph.sources``.
    size_by : {"degree", "citations", "betweenness", "pagerank", "none"}
        What node size shows.
    aggregate : {"kind", "type", "community"}, optional
        How to group a map that is over ``max_nodes``/``max_edges``; without
        it such a map raises :class:`MapTooLarge`.
    max_nodes, max_edges : int or None
        Limits beyond which a map is aggregated or refused (None: no limit).
    physics_max_nodes : int
        Up to this many entities, the browser relaxes the layout with physics.
    period : dict, optional
        ``{"as_of": ..., "since": ..., "until": ...}`` (ISO dates) the map was
        filtered to, shown on the page and bounding its time slider.
    notes : sequence of str
        Lines for the page's overview panel (how the map was made, caveats).
    refine_hint : str, optional
        Extra advice for the :class:`MapTooLarge` message (the CLI names its flags).
    """
    if size_by not in MEASURES:
        raise UsageError(f"unknown node size measure {size_by!r}; choose one of {', '.join(MEASURES)}")
    if aggregate is not None and aggregate not in AGGREGATES:
        raise UsageError(f"cannot aggregate by {aggregate!r}; choose one of {', '.join(AGGREGATES)}")
    # building the page allocates a few objects per entity and relation but frees none:
    # with a large dataset in memory, the cyclic GC would rescan it again and again
    with no_gc():
        result = _render(subgraph, title, subtitle, store, size_by, aggregate, max_nodes,
                         max_edges, physics_max_nodes, seed, period, notes, refine_hint)
    if path is not None:
        result.write(path)
    return result


def _render(subgraph, title, subtitle, store, size_by, aggregate, max_nodes, max_edges,
            physics_max_nodes, seed, period, notes, refine_hint) -> RenderedMap:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    entities = list(subgraph.entities.values())
    relations = [r for r in subgraph.relations.values()
                 if r.subject in subgraph.entities and r.object in subgraph.entities]
    too_many_nodes = max_nodes is not None and len(entities) > max_nodes
    too_many_edges = max_edges is not None and len(relations) > max_edges
    if too_many_nodes or too_many_edges:
        if aggregate is None:
            raise MapTooLarge(_too_large_message(len(entities), len(relations), max_nodes,
                                                 max_edges, refine_hint))
        from .aggregate import aggregate_model

        model = aggregate_model(subgraph, entities, relations, by=aggregate, seed=seed)
    else:
        model = _entity_model(subgraph, entities, relations, store)
    model.notes = [*notes, *model.notes]
    timings["model"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    n = len(model.nodes)
    edge_index = [(e["from"], e["to"]) for e in model.edges]
    values = model.values if model.values is not None else measure(
        size_by, n, edge_index, [len(e.get("cites", ())) for e in model.edges])
    radii = sizes(values)
    positions = compute_layout(n, edge_index, seed=seed, edge_length=EDGE_LENGTH)
    timings["layout"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    physics = 0 < n <= physics_max_nodes
    net = _vis_network(model, positions, radii, physics)
    data = _page_data(model, values, size_by if model.values is None else "members",
                      physics, physics_max_nodes, title, subtitle, period, subgraph)
    if not model.aggregated:
        data["search"] = search_index(subgraph, [nd["id"] for nd in model.nodes], store)
    html = _page(title or "crimegraph map", subtitle, data, net)
    timings["html"] = time.perf_counter() - t2
    return RenderedMap(html=html, nodes=n, edges=len(model.edges), physics=physics,
                       aggregated=model.aggregated, timings=timings)


# ------------------------------------------------------------------ the model
@dataclass
class MapModel:
    """What the page draws: node and edge records (plain data), and the source table."""

    nodes: list[dict]
    edges: list[dict]
    sources: list[dict]
    kind_counts: dict[str, int]
    type_counts: dict[str, int]
    group_counts: dict[str, int] = field(default_factory=dict)
    aggregated: Optional[str] = None
    values: Optional[list[float]] = None  # node measure fixed by the model (aggregates)
    notes: list[str] = field(default_factory=list)


def _entity_model(sg: Subgraph, entities: list[Entity], relations: list[Relation],
                  store) -> MapModel:
    index = {e.id: i for i, e in enumerate(entities)}
    sources = _SourceTable(sg.sources, store)
    focus = set(sg.focus)
    highlighted_nodes = set()
    for r in relations:
        if r.id in sg.highlight:
            highlighted_nodes.update((r.subject, r.object))
    nodes = []
    kind_counts: dict[str, int] = {}
    group_counts: dict[str, int] = {}
    group_of = {t: style.entity_group(t).name for t in ENTITY_TYPES}
    for e in entities:
        kind_counts[e.kind.value] = kind_counts.get(e.kind.value, 0) + 1
        g = group_of[e.type]
        group_counts[g] = group_counts.get(g, 0) + 1
        rec: dict[str, Any] = {"id": e.id, "name": e.name, "kind": e.kind.value, "type": e.type,
                               "g": g}
        if e.aliases:
            rec["aliases"] = [[a.name, a.lang] if a.lang else [a.name] for a in e.aliases]
        if e.description:
            rec["desc"] = e.description
        if e.status:
            rec["status"] = e.status
        if e.external_ids:
            rec["ext"] = dict(e.external_ids)
        # only events have a date and figures, only places coordinates (and a
        # missing attribute is slow to ask a pydantic model for)
        extra = e.__dict__
        if extra.get("date") is not None:
            rec["date"] = extra["date"].value
        if extra.get("figures") is not None:
            rec["figures"] = extra["figures"].model_dump(exclude_none=True)
        if extra.get("coordinates") is not None:
            c = extra["coordinates"]
            rec["coords"] = [c.lat, c.lon]
            km = c.extent_km
            if km:
                rec["km"] = round(km, 1)
            if c.bbox is not None:
                rec["bbox"] = list(c.bbox)
        if e.derived:
            rec["derived"] = dict(e.derived)
        _window(rec, e.timing)
        rec["cites"] = [sources.cite(c) for c in e.citations]
        if sg.more.get(e.id):
            rec["more"] = sg.more[e.id]
        if e.id in focus:
            rec["focus"] = 1
        if e.id in highlighted_nodes:
            rec["hl"] = 1
        nodes.append(rec)
    # parallel relations between the same two entities are drawn as arcs
    pair_seen: dict[tuple[int, int], int] = {}
    edges = []
    type_counts: dict[str, int] = {}
    for r in sorted(relations, key=lambda r: r.id):
        a, b = index[r.subject], index[r.object]
        key = (min(a, b), max(a, b))
        k = pair_seen.get(key, 0)
        pair_seen[key] = k + 1
        type_counts[r.type] = type_counts.get(r.type, 0) + 1
        rec = {"id": r.id, "from": a, "to": b, "type": r.type, "conf": r.confidence.code,
               "cites": [sources.cite(c) for c in r.citations]}
        if r.since is not None:
            rec["since"] = r.since.value
        if r.until is not None:
            rec["until"] = r.until.value
        _window(rec, r.timing)
        if r.notes:
            rec["notes"] = r.notes
        if r.id in sg.highlight:
            rec["hl"] = 1
        if k:
            rec["arc"] = k
        edges.append(rec)
    return MapModel(nodes=nodes, edges=edges, sources=sources.rows, kind_counts=kind_counts,
                    type_counts=type_counts, group_counts=group_counts)


#: bases whose window is a period, lifetime or event date: valid, not merely reported
_VALID_BASES = frozenset({"period", "lifetime", "event", "timeless"})
_WINDOWS: dict = {}


def _window(rec: dict, timing) -> None:
    """The as-of window the year slider reads (visualizations/common.js ``stateInYear``):
    ``tf``/``tu`` the first and last day shown (ISO; ``tf`` absent: undated, never shown
    for a year), ``tv`` 1 when valid there, 0 when only reported; ``rep`` the years its
    sources reported it (schema/timing.py)."""
    if timing is None:
        return
    w = _WINDOWS.get(timing)
    if w is None:
        w = {}
        if timing.start is not None:
            w["tf"] = timing.start.isoformat()
            w["tv"] = 1 if timing.basis in _VALID_BASES else 0
        if timing.end is not None:
            w["tu"] = timing.end.isoformat()
        if timing.attested:
            w["rep"] = timing.attested
        _WINDOWS[timing] = w
    rec.update(w)


class _SourceTable:
    """Sources cited by the map, each once; citations refer to them by index."""

    def __init__(self, known: dict[str, Source], store):
        self.known = known
        self.store = store
        self.rows: list[dict] = []
        self.index: dict[str, int] = {}

    def cite(self, c: Citation) -> dict:
        f = c.__dict__  # plain reads: this runs once per citation, tens of thousands of times
        source = f["source"]
        i = self.index.get(source)
        if i is None:
            i = self.index[source] = len(self.rows)
            self.rows.append(self._row(source))
        out: dict[str, Any] = {"s": i}
        if f.get("quote"):
            out["q"] = f["quote"]
        if f.get("page"):
            out["p"] = f["page"]
        return out

    def _row(self, source_id: str) -> dict:
        s = self.known.get(source_id)
        if s is None and self.store is not None:
            try:
                s = self.store.source(source_id)
            except SourceNotFound:
                s = None
        if s is None:
            return {"id": source_id, "title": source_id, "missing": 1}
        row = {"id": s.id, "title": s.title, "reliability": s.reliability}
        if s.publisher:
            row["publisher"] = s.publisher
        if s.date:
            row["date"] = s.date.value
        if s.url:
            row["url"] = s.url
        if s.notes:
            row["notes"] = s.notes
        return row


# ------------------------------------------------------------------ vis network
def _vis_network(model: MapModel, positions, radii, physics: bool):
    """A pyvis Network holding the vis-network items and options, filled in bulk."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    vis_nodes = []
    for i, rec in enumerate(model.nodes):
        x, y = positions[i]
        item: dict[str, Any] = {"id": i, "group": rec.get("g", rec["kind"]), "x": x, "y": y,
                                "size": radii[i]}
        if rec.get("focus") or rec.get("hl"):
            item["borderWidth"] = 3
        vis_nodes.append(item)
    vis_edges = []
    many = len(model.edges) > 2000
    faint = any(rec.get("hl") for rec in model.edges)  # a path map: other lines recede
    for j, rec in enumerate(model.edges):
        decl = RELATION_TYPES.get(rec["type"])
        color = decl.color if decl else style.MIXED_EDGE_COLOR
        # as rgba: vis-network turns a hex colour and an opacity into rgba on every
        # frame, for every line; given rgba it uses it as is
        alpha = EDGE_ALPHA if rec.get("hl") or not faint else FAINT_ALPHA
        item = {"id": j, "from": rec["from"], "to": rec["to"], "color": style.rgba(color, alpha)}
        if decl is None or decl.symmetric or rec.get("count"):
            item["arrows"] = ""  # mutual, or merged lines between groups: no arrowhead
        line = style.line_style(rec["conf"]) if rec.get("conf") else "solid"
        if line != "solid":  # the line says the confidence, as in the printed charts
            item["dashes"] = VIS_DASHES[line]
        if rec.get("count"):
            item["width"] = round(1 + 1.5 * math.log2(rec["count"]), 1)
        if rec.get("hl"):
            item["width"] = 4
            item["label"] = decl.label if decl else rec["type"]
            item["font"] = {"size": 11, "color": "#222222", "strokeWidth": 3,
                            "strokeColor": "#ffffff", "align": "middle"}
        if rec.get("arc") and not many:
            k = rec["arc"]
            item["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                              "roundness": round(0.18 * ((k + 1) // 2), 2)}
        vis_edges.append(item)
    # bulk fill: pyvis's add_node/add_edge check every item already added
    net.nodes = vis_nodes
    net.edges = vis_edges
    big = len(vis_nodes) > 2000 or len(vis_edges) > 4000
    net.options = {
        "autoResize": True,
        "groups": style.vis_groups(),
        "nodes": {"shape": "dot", "shadow": False},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": False,
            "width": 1.4,
            "selectionWidth": 2,
            "hoverWidth": 0.8,
            "color": {"inherit": False},
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.004,
                                 "springLength": EDGE_LENGTH, "springConstant": 0.06,
                                 "damping": 0.6, "avoidOverlap": 0.6},
            "stabilization": {"enabled": physics, "iterations": 120, "updateInterval": 40,
                              "fit": True},
            "minVelocity": 1.0,
        },
    }
    return net


# ------------------------------------------------------------------ page data
def _page_data(model: MapModel, values, size_by, physics, physics_max_nodes, title, subtitle,
               period, sg: Subgraph) -> dict:
    years = []
    open_ended = False
    for e in model.edges:  # the years in which some relation starts or stops being shown
        tf = e.get("tf")
        if tf is not None and not tf.startswith("0001"):
            years.append(int(tf[:4]))
        if "tu" in e:
            years.append(int(e["tu"][:4]))
        elif tf is not None:
            open_ended = True
    span = None
    if years:
        lo, hi = min(years), max(years)
        if open_ended:
            hi = max(hi, dt.date.today().year)
        period = period or {}
        if period.get("since"):
            lo = max(lo, int(period["since"][:4]))
        if period.get("until"):
            hi = min(hi, int(period["until"][:4]))
        if period.get("as_of"):
            hi = min(hi, int(period["as_of"][:4]))
        if hi > lo:
            span = [lo, hi]
    for rec, v in zip(model.nodes, values):
        rec["m"] = round(v, 4) if isinstance(v, float) and not v.is_integer() else int(v)
    return {
        "meta": {
            "title": title or "crimegraph map",
            "subtitle": subtitle or "",
            "generated": dt.date.today().isoformat(),
            "counts": {"entities": len(model.nodes), "relations": len(model.edges),
                       "sources": len(model.sources)},
            "physics": physics,
            "physicsMaxNodes": physics_max_nodes,
            "sizeBy": size_by,
            "years": span,
            "period": {k: v for k, v in (period or {}).items() if v},
            "aggregated": model.aggregated,
            "notes": model.notes,
            "more": sum(sg.more.values()) if not model.aggregated else 0,
        },
        "legend": {"kinds": style.kind_legend(model.kind_counts),
                   "groups": style.group_legend(model.group_counts or model.kind_counts),
                   "relations": style.relation_legend(model.type_counts),
                   "natures": style.nature_legend(model.type_counts),
                   "lines": style.line_legend() if not model.aggregated else []},
        "typeLabels": style.type_labels(),
        "confidence": style.confidence_scale(),
        "sources": model.sources,
        "nodes": model.nodes,
        "edges": model.edges,
    }


def page_model(subgraph: Subgraph, store=None, *, title=None, subtitle=None, period=None,
               notes: Sequence[str] = ()) -> dict:
    """The page data of a map of ``subgraph`` without a layout: entities, relations, sources,
    legend and meta, as the network map carries them (the geographic map draws from it)."""
    entities = list(subgraph.entities.values())
    relations = [r for r in subgraph.relations.values()
                 if r.subject in subgraph.entities and r.object in subgraph.entities]
    model = _entity_model(subgraph, entities, relations, store)
    model.notes = [*notes, *model.notes]
    return _page_data(model, [0] * len(model.nodes), "none", False, 0, title, subtitle, period,
                      subgraph)


def search_index(subgraph: Subgraph, ids: list[str], store=None) -> dict:
    """The map's share of the search index (``visualizations/search.js`` ranks it).

    From the store's engine when there is a store, so that the map ranks as
    ``crimegraph query search`` does; else from an engine of the subgraph alone.
    """
    if store is not None:
        engine = store.search_engine()
    else:
        from crimegraph.graph.search import SearchEngine

        engine = SearchEngine(subgraph.entities.values(), subgraph.relations.values(),
                              subgraph.sources.values())
    return engine.export(ids)


def safe_json(obj) -> str:
    """JSON that cannot end the ``<script>`` element it sits in, nor open a comment or entity.

    >>> safe_json({"x": "</script><!--&"})
    '{"x":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_ASSET_CACHE: dict[str, str] = {}


def _asset(path: Path) -> str:
    """An asset's text, checked safe to inline in a ``<script>`` or ``<style>`` element."""
    key = str(path)
    text = _ASSET_CACHE.get(key)
    if text is None:
        text = path.read_text(encoding="utf-8")
        lowered = text.lower()
        if "</script" in lowered or "</style" in lowered or "<!--" in text:
            text = (text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
                    .replace("</style", "<\\/style").replace("<!--", "<\\!--"))
        _ASSET_CACHE[key] = text
    return text


def vis_assets() -> tuple[Path, Path]:
    """vis-network's JS and CSS as bundled with pyvis."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return lib / "vis-network.min.js", lib / "vis-network.css"


def _vis_css(path: Path) -> str:
    """The rules of vis-network's CSS the page uses: the tooltip's.

    The rest (about 220 kB, mostly base64 icons of the editing toolbar and
    navigation buttons, which the page does not show) would cost a fifth of a
    second of parsing on every load.
    """
    import re

    key = f"css:{path}"
    if key not in _ASSET_CACHE:
        text = _asset(path)
        rules = re.findall(r"([^{}]+)\{([^{}]*)\}", text)
        _ASSET_CACHE[key] = "".join(f"{sel.strip()}{{{body}}}" for sel, body in rules
                                    if "vis-tooltip" in sel)
    return _ASSET_CACHE[key]


def _page(title: str, subtitle: Optional[str], data: dict, net) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(_ASSETS)), autoescape=select_autoescape(
        enabled_extensions=("html", "jinja"), default_for_string=True, default=True))
    template = env.get_template("page.jinja")
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    vis = {"nodes": nodes, "edges": edges, "options": json.loads(options)}
    vis_js, vis_css = vis_assets()
    from markupsafe import Markup

    return template.render(
        title=title,
        subtitle=subtitle or "",
        vis_css=Markup(_vis_css(vis_css)),
        vis_js=Markup(_asset(vis_js)),
        map_css=Markup(_asset(_ASSETS / "map.css")),
        common_js=Markup(_asset(_ASSETS / "common.js")),
        map_js=Markup(_asset(_ASSETS / "map.js")),
        search_js=Markup(_asset(_ASSETS / "vendor" / "snowball.js") + "\n" + _asset(_ASSETS / "search.js")),
        data_json=Markup(safe_json(data)),
        vis_json=Markup(safe_json(vis)),
    )


def _too_large_message(n: int, m: int, max_nodes, max_edges, hint: Optional[str]) -> str:
    what = []
    if max_nodes is not None and n > max_nodes:
        what.append(f"{n:,} entities (limit {max_nodes:,})")
    if max_edges is not None and m > max_edges:
        what.append(f"{m:,} relations (limit {max_edges:,})")
    msg = (f"this map would have {' and '.join(what)}, more than a browser can draw without "
           "freezing. Narrow it: ")
    msg += hint or ("render a Subgraph of one neighbourhood, place or period, or pass "
                    "aggregate='kind'|'type'|'community' or a larger max_nodes")
    return msg


def check_offline(html: str) -> list[str]:
    """External resources a page would load (``src``/``href`` to http(s) or ``//``); should be empty."""
    import re

    pattern = re.compile(r"""<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"""
                         r"""\b(?:src|href|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""",
                         re.IGNORECASE)
    return pattern.findall(html)


__all__: Sequence[str] = ("render", "RenderedMap", "MapTooLarge", "PHYSICS_MAX_NODES",
                          "MAX_NODES", "MAX_EDGES", "AGGREGATES", "safe_json", "check_offline")
