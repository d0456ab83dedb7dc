"""The RDF store at scale (issue 19, part 4): ego networks and brokers answered natively.

:func:`measure` loads a synthetic seed folder into a persistent Oxigraph folder (or
reuses one given) and runs, each as its own process (start included; wall time and
peak memory of that process alone, :func:`common.spawn`):

* ``query ego X --store rdf:DIR`` for the busiest actor and a typical one (the 90th
  percentile of actors' relations);
* ``query brokers --top 5 --store rdf:DIR``, and the baseline of the same run: the same
  brokers on the embedded store (``--seeds big``, its seed cache warmed first);

and the ego query alone (in a process that opens the store once and times the query).
The rows also carry the answers' equality: each RDF answer is compared with the
embedded store's (JSON).

    python benchmarks/scale_rdf.py --entities 20000 --relations 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, load_average, run_cli, run_process, synth_dataset, user_env  # noqa: E402




def _centres(big: str) -> dict[str, str]:
    """The busiest actor and one at the 90th percentile of actors' relations."""
    from collections import Counter

    from crimegraph.schema.loader import read_seeds

    ds = read_seeds(big).dataset
    deg: Counter = Counter()
    for r in ds.relations.values():
        deg[r.subject] += 1
        deg[r.object] += 1
    actors = sorted((d, i) for i, d in deg.items() if ds.entities[i].kind.value == "actor")
    return {"busiest actor": actors[-1][1], "p90 actor": actors[int(len(actors) * 0.9)][1]}


def _in_process_ego(folder: str, centre: str, repeat: int = 3) -> float:
    """Median seconds of ``ego_network`` on an opened RDF store (the query alone)."""
    import statistics

    from crimegraph.graph.registry import open_store
    from crimegraph.queries import ego_network

    store = open_store(f"rdf:{folder}", seeds=False)
    try:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            ego_network(store, centre)
            times.append(time.perf_counter() - t)
        return statistics.median(times)
    finally:
        store.close()
        del store


def _child(fn: str, *args: str, env: dict):
    """``fn(*args)`` of this module run in a child process, its JSON result: the parent stays
    small (a child's peak memory on Linux counts what it was forked from)."""
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import scale_rdf; "
            f"print(json.dumps(scale_rdf.{fn}(*sys.argv[1:])))")
    _, _, out = run_process([sys.executable, "-c", code, *args], env, cwd=ROOT)
    return json.loads(out)


def measure(big: Path, env: dict, store_dir: Path | None = None, *, log=print) -> list[dict]:
    """Rows ``{case, store, seconds, peak_mib, query_s, same, load}`` for ego and brokers.

    ``store_dir``: an RDF folder that already holds ``big`` (else one is loaded next to it).
    """
    big = Path(big).resolve()
    store_dir = Path(store_dir).resolve() if store_dir is not None else None
    rows: list[dict] = []
    if store_dir is None:
        store_dir = big.with_name(big.name + ".rdf")
        marker = store_dir.with_name(store_dir.name + ".complete")
        if not marker.exists():
            import shutil

            shutil.rmtree(store_dir, ignore_errors=True)  # a half-loaded folder: start again
            log(f"loading {big} into rdf:{store_dir}")
            t, peak, _ = run_cli(["load", "--seeds", str(big), "--store", f"rdf:{store_dir}"], env)
            marker.write_text(f"loaded in {t:.1f} s\n")
            rows.append({"case": "load", "store": "rdf", "seconds": t, "peak_mib": peak,
                         "query_s": None, "same": None, "load": load_average()})
    spec = f"rdf:{store_dir}"
    run_cli(["stats", "--seeds", str(big)], env)  # warm the embedded seed cache
    for label, centre in _child("_centres", str(big), env=env).items():
        t, peak, out = run_cli(["query", "ego", centre, "--store", spec, "-f", "json"], env)
        _, _, want = run_cli(["query", "ego", centre, "--seeds", str(big), "-f", "json"], env)
        q = _child("_in_process_ego", str(store_dir), centre, env=env)
        rows.append({"case": f"query ego ({label}, {centre})", "store": "rdf", "seconds": t,
                     "peak_mib": peak, "query_s": q, "same": json.loads(out) == json.loads(want),
                     "load": load_average()})
    for store, args in (("embedded", ["--seeds", str(big)]), ("rdf", ["--store", spec])):
        t, peak, out = run_cli(["query", "brokers", "--top", "5", "-f", "json", *args], env)
        rows.append({"case": "query brokers --top 5", "store": store, "seconds": t, "peak_mib": peak,
                     "query_s": None, "same": out, "load": load_average()})
    base = next(r for r in rows if r["store"] == "embedded")
    want = json.loads(base["same"])
    for r in rows:
        if r["case"].startswith("query brokers"):
            r["same"] = json.loads(r["same"]) == want
            r["ratio_seconds"] = r["seconds"] / base["seconds"]
            r["ratio_peak"] = r["peak_mib"] / base["peak_mib"]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=20000)
    ap.add_argument("--relations", type=int, default=100000)
    ap.add_argument("--seeds", type=Path, help="a synthetic seed folder (default: generated)")
    ap.add_argument("--store-dir", type=Path, help="an RDF folder already holding the seeds")
    args = ap.parse_args()
    big = args.seeds or synth_dataset(args.entities, args.relations)
    env = user_env()
    for r in measure(big, env, args.store_dir):
        extra = "" if "ratio_seconds" not in r else (
            f"  ({r['ratio_seconds']:.2f}x time, {r['ratio_peak']:.2f}x memory of the embedded store)")
        q = "" if r.get("query_s") is None else f", query alone {r['query_s']:.3f} s"
        print(f"{r['case']:<58} {r['store']:<9} {r['seconds']:7.2f} s {r['peak_mib']:7.0f} MiB{q}"
              f"  same={r['same']}  load {r['load']}{extra}")


if __name__ == "__main__":
    main()
