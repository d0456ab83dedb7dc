"""The geographic map's basemap: Natural Earth shapes shipped with the package, and what follows from them.

``geodata/basemap.json`` (written by ``scripts/refresh_geodata.py``; versions and
licences in ``geodata/NOTICE.md``) is one GeoJSON FeatureCollection whose features
carry ``layer`` (``country``, ``region``, ``lake``), ``id`` and ``name``. The
coordinates of seed places that are derived from a shape (a country's point and
bounding box, a department's, Lake Titicaca's) are computed here, by the rules
their ``derived`` notes state, so that a test can recompute them.

>>> peru = feature("country", "PER")
>>> peru["properties"]["name"]
'Peru'
>>> lat, lon, bbox = polygon_extent(peru)
>>> -10 < lat < -9, bbox[0] < -81
(True, True)
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterator

BASEMAP = Path(__file__).parent / "geodata" / "basemap.json"

Point = tuple[float, float]  # (lon, lat), as GeoJSON orders them


@lru_cache(maxsize=1)
def _text() -> str:
    return BASEMAP.read_text(encoding="utf-8")


def load() -> dict:
    """The basemap as a GeoJSON FeatureCollection (a fresh copy)."""
    return json.loads(_text())


def text() -> str:
    """The basemap's JSON text, as shipped."""
    return _text()


@lru_cache(maxsize=1)
def _features() -> dict[tuple[str, str], dict]:
    return {(f["properties"]["layer"], f["properties"]["id"]): f for f in load()["features"]}


def feature(layer: str, ident: str) -> dict:
    """One feature by layer and id (``KeyError`` if absent)."""
    return _features()[(layer, ident)]


def features(layer: str) -> Iterator[dict]:
    return (f for (lay, _), f in _features().items() if lay == layer)


def _polygons(geom: dict) -> list[list[list[Point]]]:
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    return list(geom["coordinates"])


def _ring_area_centroid(ring: list[Point]) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace, in the lon/lat plane)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    a /= 2
    if a == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return a, cx / (6 * a), cy / (6 * a)


def largest_polygon(f: dict) -> list[list[Point]]:
    """The feature's polygon with the largest outer ring (by area in the lon/lat plane)."""
    return max(_polygons(f["geometry"]), key=lambda poly: abs(_ring_area_centroid(poly[0])[0]))


def polygon_extent(f: dict) -> tuple[float, float, list[float]]:
    """``(lat, lon, [west, south, east, north])``: the centroid of the feature's largest polygon
    (its outer ring, area-weighted, in the lon/lat plane; 4 decimals) and that polygon's bbox."""
    ring = largest_polygon(f)[0]
    _, x, y = _ring_area_centroid(ring)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return round(y, 4), round(x, 4), [min(xs), min(ys), max(xs), max(ys)]


def vertices(f: dict) -> set[Point]:
    return {(p[0], p[1]) for poly in _polygons(f["geometry"]) for ring in poly for p in ring}


def shared_vertices(*fs: dict) -> set[Point]:
    """Vertices every given feature has: their common border (shapes cut from one topology share arcs)."""
    common = vertices(fs[0])
    for f in fs[1:]:
        common &= vertices(f)
    return common


def border_extent(*fs: dict) -> tuple[float, float, list[float]]:
    """``(lat, lon, bbox)`` of the border the features share: the bbox of their common
    vertices, and the common vertex nearest the centre of that bbox."""
    pts = shared_vertices(*fs)
    if not pts:
        raise ValueError("the features share no border")
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    bbox = [min(xs), min(ys), max(xs), max(ys)]
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    x, y = min(pts, key=lambda p: ((p[0] - cx) ** 2 + (p[1] - cy) ** 2, p))
    return y, x, bbox


def contains(f: dict, point: Point) -> bool:
    """Whether ``point`` (lon, lat) lies inside the feature (even-odd rule; holes count)."""
    x, y = point
    for poly in _polygons(f["geometry"]):
        inside = False
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    inside = not inside
        if inside:
            return True
    return False


def lake_on_border(a: dict, b: dict) -> dict:
    """The lake that the border shared by features ``a`` and ``b`` runs through."""
    border = shared_vertices(a, b)
    hits = [f for f in features("lake") if any(contains(f, p) for p in border)]
    if len(hits) != 1:
        raise ValueError(f"{len(hits)} lakes lie on that border")
    return hits[0]
