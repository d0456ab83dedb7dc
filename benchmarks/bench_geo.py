#!/usr/bin/env python
"""Benchmark: the geographic map (``crimegraph map --geo``) against the network map of the same
data, in real headless Chromium.

The data is synthetic and seeded: ``--places`` places (5,000 by default) at random
points over South America, each inside one of a few regions (``located_in``);
a fifth as many actors, each operating in one to a few places (heavy-tailed,
so that some places hold many actors); and ``--routes`` routes (``traffics_to``
between two places). Every entity and relation is cited and most relations are
dated, so the year slider has work to do. Both maps are made from the same
:class:`~crimegraph.graph.subgraph.Subgraph`.

For each map:

* write time (Python) and file size;
* time from navigation start until the page is interactive (geo:
  ``crimegraphGeo.ready``, after the basemap, every marker, ring and route are
  drawn; network: drawn and idle, as ``bench_maps.py`` measures it), the median
  of ``--runs`` loads, each in a fresh browser with the network blocked;
* the page's main-thread CPU until then (from a Chromium trace: it does not
  grow with the machine's load);
* one year-slider step once interactive (``setYear``: refilter and redraw);
* requests the page tried to make (must be 0).

Every figure is also given as a ratio to the network map measured in the same
run, with the machine's load average at the start and at the end.

Usage::

    .venv/bin/python benchmarks/bench_geo.py                 # 5,000 places, 3 loads each
    .venv/bin/python benchmarks/bench_geo.py --places 500 --runs 1

Writes a markdown table to ``benchmarks/results/geo.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from bench_maps import IDLE, LAUNCH_ARGS, chromium_version, main_thread_cpu_ms

ROOT = Path(__file__).resolve().parent.parent

#: polled like bench_maps.py's IDLE (every 50 ms), stamping the time it first holds
GEO_READY = """() => {
  if (window.crimegraphGeo === undefined || window.crimegraphGeo.ready !== true) return false;
  if (window.__idleAt === undefined) window.__idleAt = performance.now();
  return true;
}"""
#: a slider step on either page, once interactive, until the second frame after it (both
#: pages draw on an animation frame), in ms
SLIDER = """(y) => new Promise((done) => { const m = window.crimegraphGeo || window.crimegraphMap;
  const t = performance.now(); m.setYear(y);
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t))); })"""


# ------------------------------------------------------------------ data
def synthetic_geo(places: int, routes: int, seed: int):
    """A seeded synthetic Subgraph: places with coordinates, actors present in them, routes."""
    from crimegraph.graph.subgraph import Subgraph
    from crimegraph.schema.models import Actor, Place, Relation, Source

    rng = random.Random(seed)
    src = Source(id="synthetic", title="Synthetic benchmark data", reliability="F")
    cite = [{"source": "synthetic"}]
    note = {"coordinates": "synthetic: a seeded random point (benchmarks/bench_geo.py)"}
    ents, rels = [], []
    regions = max(1, places // 500)
    for k in range(regions):
        lat, lon = rng.uniform(-50, 8), rng.uniform(-78, -38)
        ents.append(Place(id=f"region-{k}", type="region", name=f"Region {k}", citations=cite, derived=note,
                          coordinates={"lat": lat, "lon": lon, "radius_km": rng.uniform(80, 400)}))
    for i in range(places - regions):
        lat, lon = rng.uniform(-55, 12), rng.uniform(-81, -35)
        ents.append(Place(id=f"place-{i}", type=rng.choice(("city", "port", "border_area")), name=f"Place {i}",
                          citations=cite, derived=note, coordinates={"lat": lat, "lon": lon}))
        rels.append(Relation(type="located_in", subject=f"place-{i}", object=f"region-{rng.randrange(regions)}",
                             confidence="F6", citations=cite))
    place_ids = [e.id for e in ents]
    n_actors = max(1, places // 5)
    for a in range(n_actors):
        ents.append(Actor(id=f"actor-{a}", type=rng.choice(("gang", "drug_trafficking_organization", "armed_group")),
                          name=f"Actor {a}", citations=cite))
        for _ in range(min(40, int(rng.paretovariate(1.3)))):
            since = rng.randrange(1980, 2024)
            rels.append(Relation(type="operates_in", subject=f"actor-{a}", object=rng.choice(place_ids),
                                 since=str(since) if rng.random() < 0.7 else None, confidence="C3",
                                 citations=cite))
    for _ in range(routes):
        a, b = rng.sample(place_ids, 2)
        rels.append(Relation(type="traffics_to", subject=a, object=b, confidence="C3", citations=cite,
                             since=str(rng.randrange(1990, 2024)) if rng.random() < 0.5 else None))
    uniq = {}
    for r in rels:
        uniq.setdefault(r.id, r)
    sg = Subgraph.of(ents, uniq.values())
    sg.sources = {"synthetic": src}
    return sg


# ------------------------------------------------------------------ browser
def load_one(path: Path, geo: bool, cap_s: float) -> dict:
    """One load in a fresh headless Chromium: the figures as a dict (``ready_ms`` None: capped)."""
    from playwright.sync_api import sync_playwright

    outside: list = []
    errors: list = []
    ready = cpu = slider = None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, offline=True)
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        browser.start_tracing(page=page, categories=["toplevel"])
        try:
            page.goto(path.resolve().as_uri(), timeout=cap_s * 1000, wait_until="commit")
            if geo:
                page.wait_for_function(GEO_READY, timeout=cap_s * 1000, polling=50)
            else:
                page.wait_for_function(IDLE, timeout=cap_s * 1000, polling=50)
            ready = page.evaluate("() => window.__idleAt")
            cpu = main_thread_cpu_ms(browser.stop_tracing())
            slider = page.evaluate(SLIDER, 2005)
        except Exception as exc:  # the cap
            if "imeout" not in str(exc):
                raise
        browser.close()
    return {"ready_ms": ready, "cpu_ms": cpu, "slider_ms": slider, "outside": len(outside),
            "errors": errors}


def load(path: Path, geo: bool, cap_s: float) -> dict:
    """:func:`load_one` in a child process, killed (with its Chromium) at a hard deadline."""
    proc = subprocess.Popen([sys.executable, __file__, "--load-one", str(path), "--cap", str(cap_s)]
                            + (["--geo-page"] if geo else []),
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=cap_s + 60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"ready_ms": None, "cpu_ms": None, "slider_ms": None, "outside": 0, "errors": []}
    if proc.returncode != 0:
        raise RuntimeError(f"page load failed for {path} (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def median(xs: list) -> Optional[float]:
    return None if not xs or any(x is None for x in xs) else statistics.median(xs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--places", type=int, default=5000)
    ap.add_argument("--routes", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3, help="loads of each page (median)")
    ap.add_argument("--cap", type=float, default=120.0, help="longest wait for a page, seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "geo.md")
    ap.add_argument("--keep", type=Path, default=None, help="keep the pages in this folder")
    ap.add_argument("--load-one", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--geo-page", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.load_one is not None:  # child process: one page load, JSON on stdout
        print(json.dumps(load_one(args.load_one, args.geo_page, args.cap)))
        return 0
    exe = shutil.which("chromium")
    if exe is None:
        print("chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    from common import machine

    from crimegraph.visualizations import render
    from crimegraph.visualizations.geo import render_geo

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="crimegraph-geo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    t = time.perf_counter()
    sg = synthetic_geo(args.places, args.routes, args.seed)
    print(f"{len(sg.entities):,} entities, {len(sg.relations):,} relations "
          f"(data ready in {time.perf_counter() - t:.1f} s)", flush=True)
    pages = {}
    t = time.perf_counter()
    g = render_geo(sg, out_dir / "geo.html", title=f"{args.places:,} places")
    pages["geo"] = {"write_s": time.perf_counter() - t, "path": out_dir / "geo.html", "nodes": g.nodes,
                    "edges": g.edges, "loads": []}
    t = time.perf_counter()
    n = render(sg, out_dir / "network.html", title=f"{args.places:,} places", max_nodes=None, max_edges=None)
    pages["network"] = {"write_s": time.perf_counter() - t, "path": out_dir / "network.html", "nodes": n.nodes,
                        "edges": n.edges, "loads": [],
                        "how": "layout relaxed in the browser" if n.physics else "Python layout, physics off"}
    for name, p in pages.items():
        p["size"] = p["path"].stat().st_size
        print(f"  {name}: written in {p['write_s']:.2f} s, {p['size'] / 1e6:.1f} MB", flush=True)
    for k in range(args.runs):  # interleaved, so that both pages meet the same machine load
        for name, p in pages.items():
            x = load(p["path"], name == "geo", args.cap)
            p["loads"].append(x)
            print(f"  {name} load {k + 1}: ready {x['ready_ms']} ms, CPU {x['cpu_ms']} ms, "
                  f"slider {x['slider_ms']} ms, outside {x['outside']}, errors {len(x['errors'])}", flush=True)
    load_end = os.getloadavg()[0]
    for p in pages.values():
        for x in p["loads"]:
            assert x["outside"] == 0 and not x["errors"], x
        for key in ("ready_ms", "cpu_ms", "slider_ms"):
            p[key] = median([x[key] for x in p["loads"]])

    def secs(v):
        return f"> {args.cap:.0f} s (cap)" if v is None else f"{v / 1000:.2f} s"

    def ms(v):
        return "–" if v is None else f"{v:.0f} ms"

    def ratio(a, b):
        return "–" if a is None or b is None or not b else f"{a / b:.2f}×"

    base = pages["network"]
    rows = []
    for name, label in (("geo", "geographic (`--geo`)"), ("network", "network (baseline)")):
        p = pages[name]
        rows.append(f"| {label} | {p['nodes']:,} | {p['edges']:,} | {p['write_s']:.2f} s | "
                    f"{ratio(p['write_s'], base['write_s'])} | {p['size'] / 1e6:.1f} MB | "
                    f"{ratio(p['size'], base['size'])} | {secs(p['ready_ms'])} | "
                    f"{ratio(p['ready_ms'], base['ready_ms'])} | {ms(p['cpu_ms'])} | "
                    f"{ratio(p['cpu_ms'], base['cpu_ms'])} | {ms(p['slider_ms'])} | "
                    f"{ratio(p['slider_ms'], base['slider_ms'])} | 0 |")
    geo = pages["geo"]
    met = geo["ready_ms"] is not None and geo["ready_ms"] < 3000
    text = "\n".join([
        "# Geographic map benchmark: `crimegraph map --geo` against the network map of the same data",
        "",
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `benchmarks/bench_geo.py --places "
        f"{args.places} --routes {args.routes} --runs {args.runs} --cap {args.cap:.0f} --seed {args.seed}` on "
        f"{machine()} (1-minute load average {load_start:.1f} at the start, {load_end:.1f} at the end: "
        "a machine shared with other work, so read the ratios and the CPU columns first); Chromium "
        f"{chromium_version(exe)} headless with software rendering, viewport 1600×1000.",
        "",
        f"Data: synthetic and seeded: {args.places:,} places at random points over South America "
        f"(in {max(1, args.places // 500)} regions, drawn with their extent rings), "
        f"{max(1, args.places // 5):,} actors each present in a few places (heavy-tailed), "
        f"{args.routes:,} routes; every item cited, most relations dated. Both maps are made from "
        "the same subgraph. *Interactive*: from navigation start until the geographic page is ready "
        "(basemap, every marker, ring and route drawn) or the network page is drawn and idle "
        f"({base.get('how', '')}). Each load in a fresh browser with the network blocked; the "
        f"median of {args.runs} loads. *Main-thread CPU*: the page's main thread until then (from a "
        "Chromium trace; it does not grow with the load). *Slider step*: one `setYear(2005)` once "
        "interactive, until the second animation frame after it (refilter and redraw). *× network*: divided by the network map's figure, "
        "measured in the same run.",
        "",
        "| map | entities | relations | write | × network | file size | × network | interactive | "
        "× network | main-thread CPU | × network | slider step | × network | outside requests |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Target, a synthetic {args.places:,}-place geographic map interactive in under 3 s: "
        f"{'met' if met else 'not met'} ({secs(geo['ready_ms'])}, {ms(geo['cpu_ms'])} of main-thread CPU).",
        "",
    ])
    from common import write_markdown

    write_markdown(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
