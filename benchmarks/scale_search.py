"""Read only what a query needs (issue 19): the search index saved to one SQLite file, opened lazily.

:func:`measure` runs, for a big synthetic seed folder and for the Peru seeds, two
child processes each (process start and imports included, peak memory of each alone,
:func:`common.spawn`):

* ``build``: what every command does today: load the store (through the seed
  cache), build the search engine in memory, answer the queries; it then saves the
  index (:meth:`~crimegraph.graph.search.SearchEngine.save`), timed apart;
* ``open``: a new process that opens the saved file
  (:meth:`~crimegraph.graph.search.SearchEngine.open`) and answers the same queries.

and, as the target's baseline, the warm ``crimegraph query search`` on the Peru
seeds (median of three runs).

The queries: the first 20 of ``search_queries.tsv`` and five names of the dataset
(each also misspelled). The two answer the same (checked: the hits of every
query are compared). Each row carries the load average at the time it was measured.

    python benchmarks/scale_search.py --big SEEDS   # prints the rows as JSON
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_average, run_process, user_env  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def tsv_queries(n: int = 20) -> list[str]:
    lines = (HERE / "search_queries.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")][:n]


def _answers(engine, queries: list[str]) -> tuple[list, list[float]]:
    out, times = [], []
    for q in queries:
        t = time.perf_counter()
        hits = engine.search(q, limit=10)
        times.append(time.perf_counter() - t)
        out.append([[h.id, h.score, h.match, h.field, h.reason] for h in hits])
    return out, times


def _child(mode: str, seeds: str, index: str, queries_file: str) -> None:
    """One measured process: prints its figures and answers as JSON."""
    t0 = time.perf_counter()
    from crimegraph.graph.search import SearchEngine

    if mode == "build":
        from crimegraph.graph.registry import open_store

        store = open_store("memory", seeds=seeds or None)
        loaded = time.perf_counter()
        engine = store.search_engine()
        ready = time.perf_counter()
        entities = list(store.entities())
        names = [e.name for e in entities[::max(1, len(entities) // 5)] if len(e.name) > 3][:5]
        del entities
        queries = tsv_queries() + [x for n in names for x in (n, n[:-2] + n[-1] + n[-2])]
        Path(queries_file).write_text(json.dumps(queries), encoding="utf-8")
    else:  # "open": every query; "open1": the first only (one command, as the CLI runs it)
        queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))[:1 if mode == "open1" else None]
        loaded = time.perf_counter()
        engine = SearchEngine.open(index)
        ready = time.perf_counter()
    answers, times = _answers(engine, queries)
    done = time.perf_counter()
    saved = None
    if mode == "build":
        engine.save(index)
        saved = time.perf_counter() - done
    print(json.dumps({"load_s": loaded - t0, "engine_s": ready - loaded, "queries_s": done - ready,
                      "query_median_ms": statistics.median(times) * 1000, "query_max_ms": max(times) * 1000,
                      "total_s": done - t0, "save_s": saved, "answers": answers,
                      "index_bytes": os.path.getsize(index) if os.path.exists(index) else None}))


def _run(mode: str, seeds: str, index: Path, queries: Path, env: dict) -> dict:
    wall, mib, out = run_process([sys.executable, str(Path(__file__).resolve()), "--child", mode, seeds,
                                  str(index), str(queries)], env, cwd=ROOT)
    row = json.loads(out)
    row.update(process_s=wall, peak_mib=mib, load=load_average())
    return row


def measure(big: Path, peru: Path, env: dict) -> list[dict]:
    """Rows (dataset, mode, process seconds, peak MiB, in-process parts, load average) for the
    big seed folder and for Peru: the engine built in memory versus the saved file opened."""
    rows = []
    exe = Path(sys.executable).parent / "crimegraph"
    cli = ["query", "search", "Shining Path", "--seeds", str(peru)]
    run_process([str(exe), *cli], env, cwd=ROOT)  # warm the seed cache
    runs = [run_process([str(exe), *cli], env, cwd=ROOT) for _ in range(3)]
    rows.append({"dataset": "peru", "mode": "crimegraph query search (the target's baseline)", "queries": 1,
                 "process_s": statistics.median(r[0] for r in runs), "peak_mib": max(r[1] for r in runs),
                 "load": load_average()})
    with tempfile.TemporaryDirectory() as tmp:
        for name, seeds in (("peru", peru), ("big", big)):
            index, queries = Path(tmp) / f"{name}.search.sqlite", Path(tmp) / f"{name}.queries.json"
            _run("build", str(seeds), index, queries, env)  # warm the seed cache
            index.unlink()
            built = _run("build", str(seeds), index, queries, env)
            opened = [_run("open", str(seeds), index, queries, env) for _ in range(2)][-1]
            if opened["answers"] != built["answers"]:
                raise SystemExit(f"{name}: the saved index answers differently from the engine in memory")
            ones = [_run("open1", str(seeds), index, queries, env) for _ in range(3)]
            one = sorted(ones, key=lambda r: r["process_s"])[1]  # the median run
            for mode, r in (("build in memory", built), ("open saved file", opened),
                            ("open saved file, one query (median of 3)", one)):
                n_queries = len(r["answers"])
                r = {k: v for k, v in r.items() if k != "answers"}
                rows.append({"dataset": name, "mode": mode, "queries": n_queries, **r})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big", type=Path, required=True, help="a synthetic seed folder (crimegraph synth)")
    ap.add_argument("--peru", type=Path, default=ROOT / "seeds" / "peru")
    args = ap.parse_args()
    env = user_env()
    for row in measure(args.big, args.peru, env):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _child(*sys.argv[2:])
    else:
        main()
