#!/usr/bin/env python
"""Benchmark: the Neo4j bulk loader against a naive one-statement-per-relation loader.

On a synthetic dataset from ``crimegraph synth`` (default 100,000 entities and
500,000 relations, cached under ``benchmarks/.data/``), against a real Neo4j 5:

* batched load: ``Neo4jStore.write`` into an empty database (constraints first,
  ``UNWIND $rows`` batches, one statement per entity/relation type); relations
  per second over the *whole* load (entities and sources included);
* second load of the same dataset (idempotent: nothing changes) and its time;
* naive baseline, in the same process and against the same server: the
  loader's own relation statement sent once per relation, each in its own
  auto-commit transaction, on a sample (``--naive-sample``, default 5,000
  relations; their entities are loaded first, untimed). The ratio is batched
  relations/s over naive relations/s; the batched loader is also timed on the
  same sample.
* offline bulk path, for a first load of a big dataset into an empty database
  (what Neo4j itself recommends at that size): ``crimegraph export --format
  neo4j-csv``, ``neo4j-admin database import full`` (``scripts/neo4j-server.sh
  --admin``), a server started on the imported files, and the constraints and
  indexes created (and online) on it: the whole chain is timed, server start included.
  ``--no-bulk`` skips it.

Usage::

    .venv/bin/python benchmarks/bench_neo4j.py                   # starts its own server
    .venv/bin/python benchmarks/bench_neo4j.py --uri bolt://127.0.0.1:7687   # a server you run
    .venv/bin/python benchmarks/bench_neo4j.py --entities 20000 --relations 100000   # quicker

Without ``--uri`` the benchmark starts ``scripts/neo4j-server.sh`` on a free port
with a JVM set up for throughput (``--java-opts``, ``--pagecache-mb``) rather
than the test default (small heap, C1 only, tuned for a quick start), and stops
it at the end. The database is cleared before each phase: never point
``--uri`` at data you want to keep. Writes ``benchmarks/results/neo4j.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import RESULTS, cached_dataset, machine, synth_dataset, timed, write_markdown  # noqa: E402

THROUGHPUT_JAVA_OPTS = "-Xms2g -Xmx4g -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"


def start_server(java_opts: str, pagecache_mb: int, timeout: float = 600, extra=()):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NEO4J_SERVER_JAVA_OPTS=java_opts)
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "neo4j-server.sh"), str(port),
                             "--pagecache-mb", str(pagecache_mb), *extra],
                            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    lines: "queue.Queue[str | None]" = queue.Queue()
    threading.Thread(target=lambda: ([lines.put(x) for x in proc.stdout], lines.put(None)),
                     daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            raise SystemExit(f"the Neo4j launcher exited ({proc.wait()}) before READY")
        if line.startswith("READY "):
            return proc, line.split()[1]
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("the Neo4j launcher printed no READY line in time")


def stop_server(proc) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def bulk_load(ds, args, workdir: Path) -> dict[str, float]:
    """The offline path into a fresh database: CSV export, neo4j-admin import, server start,
    constraints and indexes. Returns the time of each step (seconds)."""
    from crimegraph.exports.neo4j_csv import script_arguments, write_neo4j_csv
    from crimegraph.graph.neo4j import Neo4jStore
    from crimegraph.graph.neo4j_writer import Neo4jWriter

    folder, home = workdir / "csv", workdir / "home"
    times: dict[str, float] = {}
    times["export"], _ = timed(lambda: write_neo4j_csv(ds, folder, {}))
    cmd = ["bash", str(ROOT / "scripts" / "neo4j-server.sh"), "--admin", str(home),
           *script_arguments(folder)]
    env = dict(os.environ, NEO4J_ADMIN_JAVA_OPTS=args.java_opts)

    def run_import():
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0 or "IMPORT DONE" not in proc.stdout + proc.stderr:
            raise SystemExit("neo4j-admin import failed:\n" + (proc.stdout + proc.stderr)[-3000:])

    # build the launcher first (--admin would), so that a first build is not timed as the import
    build = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j-server.sh"), "--build-only"])
    assert build.returncode == 0
    times["import"], _ = timed(run_import)
    t0 = time.perf_counter()
    proc, uri = start_server(args.java_opts, args.pagecache_mb, extra=("--data", str(home / "data")))
    times["start"] = time.perf_counter() - t0
    try:
        store = Neo4jStore(uri=uri)
        times["schema"], _ = timed(lambda: Neo4jWriter(store).ensure_schema(deferred=True))
        counts = store._totals()
        assert counts == {"entities": len(ds.entities), "relations": len(ds.relations),
                          "sources": len(ds.sources)}, counts
        store.close()
    finally:
        stop_server(proc)
    return times


def sample_dataset(ds, n: int):
    """The first ``n`` relations, their entities and the sources they cite."""
    from crimegraph.schema.dataset import Dataset

    rels = dict(list(ds.relations.items())[:n])
    ids = {i for r in rels.values() for i in (r.subject, r.object)}
    ents = {k: v for k, v in ds.entities.items() if k in ids}
    cited = {c.source for x in [*rels.values(), *ents.values()] for c in x.citations}
    return Dataset(meta=ds.meta, sources={k: v for k, v in ds.sources.items() if k in cited},
                   entities=ents, relations=rels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--naive-sample", type=int, default=5_000)
    ap.add_argument("--batch-size", type=int, default=None, help="rows per transaction (default: the store's)")
    ap.add_argument("--uri", default=None, help="use this server instead of starting one")
    ap.add_argument("--java-opts", default=THROUGHPUT_JAVA_OPTS)
    ap.add_argument("--pagecache-mb", type=int, default=1024)
    ap.add_argument("--no-bulk", action="store_true", help="skip the offline bulk path (neo4j-admin import)")
    ap.add_argument("--out", type=Path, default=RESULTS / "neo4j.md")
    args = ap.parse_args(argv)

    from crimegraph.graph.neo4j import Neo4jStore
    from crimegraph.graph.neo4j_writer import DEFAULT_BATCH_SIZE, naive_load
    folder = synth_dataset(args.entities, args.relations, args.seed)
    t_read, ds = timed(lambda: cached_dataset(folder))
    n_rel, n_ent = len(ds.relations), len(ds.entities)
    print(f"read and validated {n_ent:,} entities, {n_rel:,} relations in {t_read:.1f} s", flush=True)

    proc = None
    if args.uri is None:
        print("starting Neo4j (scripts/neo4j-server.sh) ...")
        proc, uri = start_server(args.java_opts, args.pagecache_mb)
    else:
        uri = args.uri
    try:
        store = Neo4jStore(uri=uri, batch_size=args.batch_size)
        print(f"Neo4j {store.server_version} {store.edition} at {uri}; batch size {store.batch_size}")
        store.clear()
        load1 = os.getloadavg()[0]
        t1, _ = timed(lambda: store.write(ds, replace=True))
        counts = store._totals()
        assert counts == {"entities": n_ent, "relations": n_rel, "sources": len(ds.sources)}, counts
        print(f"batched load: {t1:.1f} s, {n_rel / t1:,.0f} relations/s ({store.last_write})")
        t2, _ = timed(lambda: store.write(ds))
        assert store._totals() == counts and store.last_write["relations_created"] == 0
        print(f"second (idempotent) load: {t2:.1f} s")

        sample = sample_dataset(ds, args.naive_sample)
        n_s = len(sample.relations)
        store.clear()
        t_sb, _ = timed(lambda: store.write(sample, replace=True))
        store.clear()
        entities_only = sample_dataset(sample, 0)
        entities_only.entities = sample.entities
        store.write(entities_only, replace=True)
        t_naive, _ = timed(lambda: naive_load(store, sample.relations.values()))
        assert store._totals()["relations"] == n_s
        naive_rate, batched_rate = n_s / t_naive, n_rel / t1
        print(f"naive: {n_s:,} relations in {t_naive:.1f} s, {naive_rate:,.0f} relations/s; "
              f"ratio {batched_rate / naive_rate:.1f}x")
        load2 = os.getloadavg()[0]
        store.clear()
        version = f"{store.server_version} {store.edition}"
        store.close()
    finally:
        stop_server(proc)

    bulk = t_bulk = None
    if not args.no_bulk:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="crimegraph-bulk-") as tmp:
            bulk = bulk_load(ds, args, Path(tmp))
        t_bulk = sum(bulk.values())
        print("offline bulk path: " + ", ".join(f"{k} {v:.1f} s" for k, v in bulk.items())
              + f"; {n_rel / t_bulk:,.0f} relations/s")

    rows = [
        ("batched load (empty database)", f"{n_ent:,} entities + {n_rel:,} relations",
         f"{t1:.1f} s", f"{batched_rate:,.0f}"),
        ("second load, same dataset (idempotent)", "nothing changes", f"{t2:.1f} s", f"{n_rel / t2:,.0f}"),
        ("batched load of the naive sample", f"{len(sample.entities):,} entities + {n_s:,} relations",
         f"{t_sb:.2f} s", f"{n_s / t_sb:,.0f}"),
        ("naive: one statement per relation", f"{n_s:,} relations (entities already there)",
         f"{t_naive:.1f} s", f"{naive_rate:,.0f}"),
    ]
    if bulk is not None:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in bulk.items())
        rows.append((f"offline bulk path ({steps})", f"{n_ent:,} entities + {n_rel:,} relations",
                     f"{t_bulk:.1f} s", f"{n_rel / t_bulk:,.0f}"))
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    verdict = (f"\n* Online loader (`crimegraph load --store neo4j`, into a running server): "
               f"{batched_rate:,.0f} relations/s, {met(batched_rate >= 20_000)}; "
               f"{batched_rate / naive_rate:.1f}× naive, {met(batched_rate / naive_rate >= 20)}.")
    if bulk is not None:
        bulk_rate = n_rel / t_bulk
        verdict += (f"\n* Offline bulk path (export, `neo4j-admin` import, server start, indexes): "
                    f"{bulk_rate:,.0f} relations/s, {met(bulk_rate >= 20_000)}; "
                    f"{bulk_rate / naive_rate:.1f}× naive, {met(bulk_rate / naive_rate >= 20)}. "
                    "It needs the database stopped and empty: it is the first load of a big "
                    "dataset, the online loader every load after it (idempotent, `--replace`).")
    text = f"""# Neo4j bulk load

Measured {dt.date.today().isoformat()} by `benchmarks/bench_neo4j.py` on {machine()}.
Neo4j {version} in-process (`scripts/neo4j-server.sh`{'' if args.uri else f', JVM `{args.java_opts}`, page cache {args.pagecache_mb} MiB'}),
driver `neo4j` over Bolt on 127.0.0.1, batch size {args.batch_size or f'default ({DEFAULT_BATCH_SIZE})'}.
Synthetic data: `crimegraph synth -n {args.entities} -m {args.relations} --seed {args.seed}`
(read in {t_read:.1f} s, not counted below). Load average during the run:
{load1:.1f} at the start, {load2:.1f} at the end (2 cores; other work on the machine slows both loaders).

| phase | data | time | relations/s |
| --- | --- | ---: | ---: |
{table}

**Batched vs naive: {batched_rate / naive_rate:.1f}×** (whole batched load, entities included,
against the naive loader's relation rate). Targets: at least 20,000 relations/s and 20×.
{verdict}

The naive loader sends the loader's own `MATCH … MATCH … CREATE … SET r = $p` once per
relation, each its own auto-commit transaction: one round trip and one commit per relation.
"""
    write_markdown(args.out, text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
