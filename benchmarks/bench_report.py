#!/usr/bin/env python
"""Benchmark: writing a dossier (``crimegraph report``) against writing the interactive map
of the same subgraph (``crimegraph map``), in one process.

Cases: the Peru dossiers of Shining Path and Tren de Aragua, and the ego network
(depth 2, cap 30) of an actor of a synthetic dataset (``crimegraph synth``,
2,000 entities / 6,000 relations) chosen to reach about 200 entities. For each:

* dossier: gathering it (selection, entity view, timeline, Graphviz layout,
  both charts), the HTML, and the PDF printed by headless Chromium, each timed;
* baseline: :func:`crimegraph.visualizations.render` of the same subgraph and
  its HTML file written (what ``crimegraph map --ego … --depth …`` does).

The ratio is the dossier's time over the map's, both measured in the same run
(the median of ``--runs``). The target: a 200-entity PDF dossier in under 5 s.

Usage::

    .venv/bin/python benchmarks/bench_report.py            # writes benchmarks/results/report.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, cached_dataset, load_average, machine, synth_dataset, timed, write_markdown  # noqa: E402


def _pick(store, lo=180, hi=220) -> str:
    from crimegraph.queries import ego_network

    for e in store.entities(kinds=["actor"]):
        if lo <= len(ego_network(store, e.id, depth=2, cap=30).entities) <= hi:
            return e.id
    raise SystemExit("no actor with an ego network of about 200 entities")


def case(store, ref: str, depth: int, runs: int, tmp: Path) -> dict:
    from crimegraph.atomic import write_bytes
    from crimegraph.visualizations import dossier, render
    from crimegraph.visualizations.pdf import html_to_pdf
    from crimegraph.visualizations.select import select

    builds, htmls, pdfs, maps = [], [], [], []
    for _ in range(runs):
        tb, d = timed(lambda: dossier.build(store, entity=ref, depth=depth, cap=30))
        th, html = timed(lambda: dossier.dossier_html(d))
        tp, _ = timed(lambda: write_bytes(tmp / "d.pdf", html_to_pdf(html)))
        sel = select(store, ego=ref, depth=depth, cap=30)
        tm, _ = timed(lambda: render(sel.subgraph, tmp / "m.html", title=sel.title, store=store))
        builds.append(tb), htmls.append(th), pdfs.append(tp), maps.append(tm)
    sg = select(store, ego=ref, depth=depth, cap=30).subgraph
    total = [b + h + p for b, h, p in zip(builds, htmls, pdfs)]
    med = statistics.median
    return {"ref": ref, "depth": depth, "entities": len(sg.entities), "relations": len(sg.relations),
            "notes": len(d.notes.items), "build": med(builds), "html": med(htmls), "pdf": med(pdfs),
            "total": med(total), "map": med(maps)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS / "report.md")
    args = ap.parse_args()

    import crimegraph
    from crimegraph.graph.memory import MemoryStore

    start = load_average()
    peru = crimegraph.open_store()
    synth = MemoryStore()
    synth.write(cached_dataset(synth_dataset(2000, 6000, log=lambda *a: None)))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for store, ref, depth, what in ((peru, "shining-path", 1, "Peru"), (peru, "tren-de-aragua", 1, "Peru"),
                                        (synth, _pick(synth), 2, "synthetic 2,000 / 6,000")):
            r = case(store, ref, depth, args.runs, Path(tmp))
            r["data"] = what
            rows.append(r)
            print(r, file=sys.stderr)
    end = load_average()
    lines = ["# Report benchmark", "",
             f"`benchmarks/bench_report.py --runs {args.runs}`, {dt.datetime.now():%Y-%m-%d %H:%M}.", "",
             f"Machine: {machine()}. Load average (1/5/15 min) at start {start}, at the end {end} "
             "(the machine is shared: wall-clock times are inflated by other work).", "",
             "Dossier: gather (selection, entity view, timeline, Graphviz layout, charts) + HTML + "
             "PDF by headless Chromium. Baseline: the interactive map of the same subgraph "
             "(`render`, file written), in the same process. Medians of the runs. Target: a "
             "200-entity dossier in under 5 s.", "",
             "| data | dossier of | entities / relations / notes | gather | HTML | PDF | dossier total "
             "| interactive map | dossier / map |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['data']} | `{r['ref']}` depth {r['depth']} | {r['entities']} / {r['relations']} / "
                     f"{r['notes']} | {r['build']:.2f} s | {r['html']:.3f} s | {r['pdf']:.2f} s | "
                     f"**{r['total']:.2f} s** | {r['map']:.2f} s | {r['total'] / r['map']:.1f}× |")
    lines += ["", "Above 220 Graphviz nodes (entities plus footnote numbers) the lines are straight "
              "(routing them around the nodes took over 20 s at 200 entities); the layout is then "
              "sfdp's. Most of a dossier's time is Chromium starting and printing."]
    write_markdown(args.out, "\n".join(lines) + "\n")
    print(args.out)


if __name__ == "__main__":
    main()
