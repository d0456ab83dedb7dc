"""Query benchmark: connections, ego_network, brokers, and validate + load, each against a baseline.

    .venv/bin/python benchmarks/bench_queries.py [--entities N --relations M] [--pairs P]

Runs on the bundled Peru data and on a synthetic dataset (``crimegraph synth``,
cached under ``benchmarks/.data/``), and writes ``benchmarks/results/queries.md``.
Every figure is a ratio against a baseline measured in the same process:

- ``connections`` (every simple path up to 4 hops ranked by evidence, nature and
  specificity, criminal ties first, k=5 diverse paths, each step with its sources)
  against networkx's ``shortest_simple_paths`` on the same graph made simple and
  undirected (Yen's algorithm, the first k paths, no evidence, no ranking);
  networkx's ``all_shortest_paths`` (first k) and single
  ``bidirectional_shortest_path`` are shown for reference.
- ``ego_network`` (depth 1, cap 50, with sources) against ``networkx.ego_graph``.
- ``brokers`` (igraph, sampled betweenness) against networkx's sampled
  ``betweenness_centrality`` with the same number of sources.
- ``validate`` + load (seed YAML to a loaded memory store) against a bare
  PyYAML C-loader parse of the same files.

Targets: connections under 50 ms median at 100k/500k; brokers under 10 s and
at least 25x faster than networkx; validate + load at most 2x the bare parse.
This is a benchmark, not a test: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    load_average,
    RESULTS, latencies, machine, seed_files, summary, synth_dataset, timed, write_markdown,
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- pieces
def bare_parse(path: Path) -> float:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = seed_files(path)

    def parse():
        for f in files:
            yaml.load(f.read_text(encoding="utf-8"), Loader=loader)

    seconds, _ = timed(parse)
    return seconds


def validate_and_load(path: Path):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.schema.loader import load_dataset

    t_validate, ds = timed(lambda: load_dataset(path))
    store = MemoryStore()
    t_write, _ = timed(lambda: store.write(ds))
    t_index, _ = timed(store.search_engine)  # built lazily on the first search
    return store, t_validate, t_write, t_index


def simple_undirected(store):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(store.graph.nodes)
    g.add_edges_from((u, v) for u, v, _ in store.graph.edges(keys=True))
    return g


def actor_pairs(store, n: int, seed: int) -> list[tuple[str, str]]:
    actors = [e.id for e in store.entities(kinds=["actor"])]
    rng = random.Random(seed)
    return [tuple(rng.sample(actors, 2)) for _ in range(n)]


def bench_paths(store, graph, pairs, nx_pairs: int, k: int = 5) -> dict:
    import networkx as nx

    from crimegraph.queries import connections, ego_network

    hops: dict = {}

    def ours(pair):
        found = connections(store, *pair, k=k)
        hops[found.hops] = hops.get(found.hops, 0) + 1

    def nx_all(pair):
        try:
            list(islice(nx.all_shortest_paths(graph, *pair), k))
        except nx.NetworkXNoPath:
            pass

    def nx_simple(pair):
        try:
            list(islice(nx.shortest_simple_paths(graph, *pair), k))
        except nx.NetworkXNoPath:
            pass

    def nx_one(pair):
        try:
            nx.bidirectional_shortest_path(graph, *pair)
        except nx.NetworkXNoPath:
            pass

    centres = [a for a, _ in pairs]
    sub = pairs[:nx_pairs]
    out = {
        "connections": summary(latencies(ours, pairs)),
        "connections_same": summary(latencies(ours, sub)),
        "nx_all_shortest": summary(latencies(nx_all, sub)),
        "nx_simple": summary(latencies(nx_simple, sub)),
        "nx_bidirectional": summary(latencies(nx_one, pairs)),
        "ego": summary(latencies(lambda c: ego_network(store, c, cap=50), centres)),
        "nx_ego": summary(latencies(lambda c: nx.ego_graph(graph, c, radius=1), centres)),
        "hops": dict(sorted(hops.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
    }
    # hubs: the busiest entities, where capping matters
    busiest = sorted(store.graph.nodes, key=store.degree_hint, reverse=True)[:10]
    out["ego_hubs"] = summary(latencies(lambda c: ego_network(store, c, cap=50), busiest))
    out["nx_ego_hubs"] = summary(latencies(lambda c: nx.ego_graph(graph, c, radius=1), busiest))
    return out


def bench_brokers(store, samples: int, run_nx: bool) -> list[dict]:
    """brokers on both projections, each against networkx on the very same graph and sample size."""
    import networkx as nx

    from crimegraph.queries import brokers
    from crimegraph.queries.analytics import _project

    out = []
    for projection in ("criminal", "all", "actors"):
        # cold: the first call builds the igraph projection and the communities; warm: the
        # store keeps both until its next write, so a second question pays betweenness only
        t_ours, result = timed(lambda: brokers(store, projection=projection, samples=samples, seed=0))
        t_warm, again = timed(lambda: brokers(store, projection=projection, samples=samples, seed=0))
        assert again.as_dict() == result.as_dict()
        kept = None
        if projection == "criminal":
            from crimegraph.queries.analytics import _projected_types

            kept = _projected_types(projection, None)
        t_project, proj = timed(lambda: _project(store, projection, kept, None,
                                                 include_state=projection != "criminal"))
        row = {"projection": projection, "ours": t_ours, "warm": t_warm, "project": t_project,
               "samples": samples, "nodes": proj.graph.vcount(), "edges": proj.graph.ecount(),
               "top": [b.entity.id for b in result.brokers[:5]]}
        log(f"  brokers ({projection}): {t_ours:.1f} s ({t_ours.cpu:.1f} s CPU), "
            f"warm {t_warm:.1f} s")
        if run_nx:
            graph = nx.Graph()
            graph.add_nodes_from(range(proj.graph.vcount()))
            graph.add_edges_from(proj.graph.get_edgelist())
            t_nx, _ = timed(lambda: nx.betweenness_centrality(graph, k=samples, seed=0))
            row["nx"] = t_nx
            log(f"  networkx ({projection}): {t_nx:.1f} s ({t_nx.cpu:.1f} s CPU)")
        out.append(row)
    return out


# ---------------------------------------------------------------- report
def ms(x: float) -> str:
    return f"{x:,.1f} ms" if x < 1000 else f"{x / 1000:,.2f} s"


def s(x: float) -> str:
    return f"{x:,.2f} s"


def ratio(base: float, ours: float) -> str:
    return f"{base / ours:,.1f}×" if ours > 0 else "n/a"


def lat(x: dict, tail: str = "p95_ms") -> str:
    """``median (CPU median) / p95``."""
    return f"{ms(x['median_ms'])} ({ms(x['cpu_median_ms'])} CPU) / {ms(x[tail])}"


def ratios(base: dict, ours: dict) -> str:
    return (f"{ratio(base['median_ms'], ours['median_ms'])} "
            f"({ratio(base['cpu_median_ms'], ours['cpu_median_ms'])} CPU)")


def render(args, started: str, finished: str, peru: dict, synth: dict) -> str:
    n, m = f"{args.entities:,}", f"{args.relations:,}"
    lines = [
        "# Query benchmark",
        "",
        f"`benchmarks/bench_queries.py --entities {args.entities} --relations {args.relations} "
        f"--pairs {args.pairs} --samples {args.samples}`, {finished}.",
        "",
        f"Machine: {machine()}. Load average (1/5/15 min) at start {started}, at the end "
        f"{load_average()}: the machine was shared with other processes during the run, so "
        "wall-clock times are inflated; CPU times (this process only) are given beside them.",
        "",
        "Latencies: median (median CPU time) / 95th percentile. Ratios: baseline time / our "
        "time (higher is better), wall-clock (CPU), both measured in the same process.",
        "",
    ]
    for label, r in (("Peru", peru), (f"synthetic {n} entities / {m} relations", synth)):
        p = r["paths"]
        big = r is synth
        lines += [
            f"## {label}",
            "",
            f"Graph: {r['entities']:,} entities, {r['relations']:,} relations. "
            f"{p['connections']['n']} random actor pairs; hops found: "
            + ", ".join(f"{'none within 4' if h is None else h}: {c}" for h, c in p["hops"].items()) + ".",
            "",
            "| query | ours | baseline | baseline time | ratio (median) | target |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| connections, k=5, 4 hops | {lat(p['connections'])} "
            f"| networkx `shortest_simple_paths`, first 5; {p['nx_simple']['n']} of the pairs "
            f"| {lat(p['nx_simple'])} "
            f"| {ratios(p['nx_simple'], p['connections_same'])} on those pairs "
            f"| {'< 50 ms median' if big else ''} |",
            f"| connections, k=5 | (as above) | networkx `all_shortest_paths`, first 5 "
            f"| {lat(p['nx_all_shortest'])} "
            f"| {ratios(p['nx_all_shortest'], p['connections_same'])} on those pairs | |",
            f"| connections, k=5 | (as above) | networkx `bidirectional_shortest_path` (one path, "
            f"no evidence) | {lat(p['nx_bidirectional'])} "
            f"| {ratios(p['nx_bidirectional'], p['connections'])} | |",
            f"| ego_network, depth 1, cap 50 | {lat(p['ego'])} | networkx `ego_graph`, radius 1 "
            f"| {lat(p['nx_ego'])} | {ratios(p['nx_ego'], p['ego'])} | |",
            f"| ego_network of the 10 busiest entities | {lat(p['ego_hubs'], 'max_ms')} (max) "
            f"| networkx `ego_graph` | {lat(p['nx_ego_hubs'], 'max_ms')} (max) "
            f"| {ratios(p['nx_ego_hubs'], p['ego_hubs'])} | |",
        ]
        for b in r.get("brokers", []):
            for when, t in (("first call", b["ours"]), ("next calls", b["warm"])):
                ours = f"{s(t)} ({s(t.cpu)} CPU)"
                if when == "first call":
                    ours += f", of which projection {s(b['project'])}"
                if "nx" in b:
                    base = (f"{s(b['nx'])} ({s(b['nx'].cpu)} CPU) | {ratio(b['nx'], t)} "
                            f"({ratio(b['nx'].cpu, t.cpu)} CPU)")
                else:
                    base = "not run | "
                lines.append(f"| brokers, {when}: projection {b['projection']} ({b['nodes']:,} "
                             f"entities, {b['edges']:,} links), {b['samples']} sampled sources | {ours} "
                             f"| networkx `betweenness_centrality(k={b['samples']})`, same graph "
                             f"| {base} | < 10 s, ≥ 25× |")
        ld = r.get("load")
        if ld:
            total = ld["validate"] + ld["write"]
            total_cpu = ld["validate"].cpu + ld["write"].cpu
            lines.append(f"| validate + load | {s(total)} ({s(total_cpu)} CPU): validate "
                         f"{s(ld['validate'])}, store {s(ld['write'])} | bare PyYAML CSafeLoader parse "
                         f"| {s(ld['parse'])} ({s(ld['parse'].cpu)} CPU) | {total / ld['parse']:.2f}× "
                         f"({total_cpu / ld['parse'].cpu:.2f}× CPU) the parse | ≤ 2× the parse |")
            lines.append("")
            lines.append(f"The name index (fuzzy search) is built on the first search, not during the "
                         f"load: {s(ld['index'])} more on first use.")
        lines.append("")
    lines += [
        "Notes:",
        "",
        "- connections does more than the baselines: the relations on every path of up to 4 hops "
        "(two bounded breadth-first searches), an exact best-first ranking of every simple path by "
        "evidence, nature and specificity (criminal ties searched first, then the rest; no two paths "
        "through the same intermediate), each step's relation and resolved sources. networkx "
        "`shortest_simple_paths` (Yen) returns the 5 shortest simple paths, unranked.",
        "- ego_network caps each entity at 50 neighbours and reports the rest as \"and N more\"; "
        "`ego_graph` has no cap, so for hubs the two do different amounts of work.",
        "- brokers' first call builds the igraph projection from the store and runs the community "
        "pass that names the groups each broker bridges; the memory store keeps both until its "
        "next write (`Store.derived`), so later calls (other brokers or communities questions on "
        "the same data) pay the sampled betweenness only.",
        "",
    ]
    return "\n".join(lines)


def run_dataset(label: str, path, args, *, heavy: bool) -> dict:
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.schema.loader import load_dataset

    out: dict = {}
    if heavy:
        log(f"{label}: bare YAML parse")
        parse = bare_parse(path)
        log(f"  {parse:.1f} s; validate + load")
        store, t_validate, t_write, t_index = validate_and_load(path)
        out["load"] = {"parse": parse, "validate": t_validate, "write": t_write, "index": t_index}
        log(f"  validate {t_validate:.1f} s, store {t_write:.1f} s, index {t_index:.1f} s")
    else:
        store = MemoryStore()
        store.write(load_dataset(path))
    out["entities"] = store.graph.number_of_nodes()
    out["relations"] = store.graph.number_of_edges()
    graph = simple_undirected(store)
    pairs = actor_pairs(store, args.pairs, args.seed)
    log(f"{label}: connections and ego_network on {len(pairs)} pairs")
    out["paths"] = bench_paths(store, graph, pairs, args.nx_pairs if heavy else len(pairs))
    log(f"  connections median {out['paths']['connections']['median_ms']:.1f} ms")
    if heavy:
        log(f"{label}: brokers ({args.samples} samples){'' if args.skip_nx_brokers else ' and networkx'}")
        out["brokers"] = bench_brokers(store, args.samples, not args.skip_nx_brokers)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pairs", type=int, default=200, help="actor pairs for connections / ego_network")
    ap.add_argument("--nx-pairs", type=int, default=20,
                    help="pairs for networkx all_shortest_paths on the synthetic graph (slow)")
    ap.add_argument("--samples", type=int, default=100,
                    help="betweenness sources sampled, both sides (brokers' default for big graphs)")
    ap.add_argument("--skip-nx-brokers", action="store_true", help="skip networkx betweenness (minutes)")
    ap.add_argument("--out", type=Path, default=RESULTS / "queries.md")
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    started = load_average()

    from crimegraph.seeds import PERU

    peru = run_dataset("Peru", PERU, args, heavy=False)
    path = synth_dataset(args.entities, args.relations, args.seed, log=log)
    synth = run_dataset(f"synthetic {args.entities}/{args.relations}", path, args, heavy=True)
    text = render(args, started, dt.datetime.now().strftime("%Y-%m-%d %H:%M"), peru, synth)
    write_markdown(args.out, text)
    log(f"wrote {args.out}")
    print(text)


if __name__ == "__main__":
    main()
