"""The geographic map: places on an offline basemap, actors present, routes, with the evidence.

One self-contained HTML file, like the network map (:mod:`.render`), drawn with
Leaflet (inlined, ``vendor/leaflet/``) over the Natural Earth shapes of
:mod:`.basemap`; no tile server, and the page's Content-Security-Policy forbids
any request. It takes the same :class:`~crimegraph.graph.subgraph.Subgraph` as
the network map (``crimegraph map`` builds both from one selection) and the
same evidence payload (:func:`.render.page_model`): entities, relations with
their periods and citations, the sources.

* places with coordinates are markers, sized by the actors present there
  (``operates_in``), with a dashed ring for an area's extent (its
  ``radius_km``, or half its bounding box's diagonal);
* ``traffics_to`` between two places is an arrow (a route);
* clicking a marker shows the place, its coordinates and where they come from,
  the actors present and the routes, each with its sources; search and the
  year slider work as on the network map (``common.js``).

>>> from crimegraph.graph.subgraph import Subgraph
>>> m = render_geo(Subgraph(), title="empty")
>>> m.nodes, "Content-Security-Policy" in m.html
(0, True)
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Optional, Sequence

from crimegraph.graph.subgraph import Subgraph
from crimegraph.schema.compact import no_gc

from . import basemap
from .render import RenderedMap, _asset, _ASSETS, page_model, safe_json

_LEAFLET = _ASSETS / "vendor" / "leaflet"


def _leaflet_css() -> str:
    """Leaflet's CSS without its image references (icons, sprites the page does not use)."""
    text = _asset(_LEAFLET / "leaflet.css")
    return re.sub(r"background-image\s*:\s*url\([^)]*\)\s*;?", "", text)


def render_geo(subgraph: Subgraph, path=None, *, title: Optional[str] = None,
               subtitle: Optional[str] = None, store=None, period: Optional[dict] = None,
               notes: Sequence[str] = (), near: Optional[Sequence[float]] = None) -> RenderedMap:
    """Render ``subgraph`` as a geographic map; write it to ``path`` if given.

    Parameters are those of :func:`crimegraph.visualizations.render` that apply
    to a map without a layout (no size measure, no aggregation): places without
    coordinates are listed in the overview, not drawn. ``near``, ``(lat, lon, km)``
    of a ``--near`` selection, is drawn as a circle, and the first view fits it.
    """
    t0 = time.perf_counter()
    with no_gc():
        data = page_model(subgraph, store, title=title, subtitle=subtitle, period=period, notes=notes)
        placed = sum(1 for n in data["nodes"] if n.get("coords"))
        unplaced = [n["name"] for n in data["nodes"] if n["kind"] == "place" and not n.get("coords")]
        data["meta"]["placed"] = placed
        data["meta"]["unplaced"] = unplaced
        data["meta"]["view"] = "geo"
        if near is not None:
            data["meta"]["near"] = [float(near[0]), float(near[1]), float(near[2])]
        html = _page(title or "crimegraph map", subtitle, data)
    m = RenderedMap(html=html, nodes=len(data["nodes"]), edges=len(data["edges"]), physics=False,
                    timings={"html": time.perf_counter() - t0})
    if path is not None:
        m.write(path)
    return m


def _page(title: str, subtitle: Optional[str], data: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(str(_ASSETS)), autoescape=select_autoescape(
        enabled_extensions=("html", "jinja"), default_for_string=True, default=True))
    return env.get_template("geo.jinja").render(
        title=title,
        subtitle=subtitle or "",
        leaflet_css=Markup(_leaflet_css()),
        map_css=Markup(_asset(_ASSETS / "map.css")),
        geo_css=Markup(_asset(_ASSETS / "geo.css")),
        leaflet_js=Markup(_asset(_LEAFLET / "leaflet.js")),
        common_js=Markup(_asset(_ASSETS / "common.js")),
        geo_js=Markup(_asset(_ASSETS / "geo.js")),
        data_json=Markup(safe_json(data)),
        basemap_json=Markup(safe_json_text(basemap.text())),
    )


def safe_json_text(text: str) -> str:
    """Already-serialised JSON made safe for a ``<script>`` element (as :func:`.render.safe_json`)."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


__all__ = ["render_geo"]
