"""Validate once (issue 19, part 1): ``crimegraph stats --seeds big``, cold and warm.

Each command runs as its own process, as a user runs it (process start included);
its wall time and peak memory (``ru_maxrss`` of that child, from ``os.wait4``) are
measured. In the same run:

* baseline: ``crimegraph --no-cache stats`` (every run reads and validates the YAML,
  as every command did before the cache);
* cold: the first ``stats`` with an empty cache (validates, then writes the cache);
* warm: the next runs (read the cache), the median of ``--warm`` runs;
* the Peru ``stats``, warm, for scale;
* in this process, the compiled formats compared: pickle of the models, JSON of
  ``model_dump`` read back through ``model_validate`` (stdlib ``json`` and ``orjson``
  if installed), each written and read once on the same validated dataset.

    python benchmarks/bench_scale.py --entities 100000 --relations 500000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, load_average, machine, run_process, synth_dataset, write_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "crimegraph"


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and stdout of one ``crimegraph`` process."""
    return run_process([str(EXE), *args], env, cwd=ROOT)


def formats(seeds: Path) -> list[tuple[str, float, float, int]]:
    """(format, write s, read s, bytes) for the validated dataset of ``seeds``."""
    import pickle

    from crimegraph.schema.compact import no_gc
    from crimegraph.schema.dataset import Dataset
    from crimegraph.schema.loader import read_seeds
    from crimegraph.schema.models import DatasetMeta, Relation, Source
    from pydantic import TypeAdapter

    from crimegraph.schema.models import AnyEntity

    ds = read_seeds(seeds, cache="off").dataset
    out = []
    t = time.perf_counter()
    blob = pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL)
    w = time.perf_counter() - t
    t = time.perf_counter()
    with no_gc():
        pickle.loads(blob)
    out.append(("pickle of the models", w, time.perf_counter() - t, len(blob)))
    del blob
    ents, rels, srcs = TypeAdapter(list[AnyEntity]), TypeAdapter(list[Relation]), TypeAdapter(list[Source])

    def dump():
        return {"meta": ds.meta.model_dump(mode="json"),
                "sources": [s.model_dump(mode="json", exclude_unset=True) for s in ds.sources.values()],
                "entities": [e.model_dump(mode="json", exclude_unset=True) for e in ds.entities.values()],
                "relations": [r.model_dump(mode="json", exclude_unset=True) for r in ds.relations.values()]}

    def back(d):
        with no_gc():
            return Dataset(DatasetMeta.model_validate(d["meta"]),
                           {s.id: s for s in srcs.validate_python(d["sources"])},
                           {e.id: e for e in ents.validate_python(d["entities"])},
                           {r.id: r for r in rels.validate_python(d["relations"])})

    libs = [("json", json.dumps, json.loads)]
    try:
        import orjson

        libs.append(("orjson", orjson.dumps, orjson.loads))
    except ImportError:
        pass
    for name, dumps, loads in libs:
        t = time.perf_counter()
        blob = dumps(dump())
        w = time.perf_counter() - t
        t = time.perf_counter()
        back(loads(blob))
        out.append((f"{name} of model_dump, read by model_validate", w, time.perf_counter() - t, len(blob)))
        del blob
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=500_000)
    ap.add_argument("--warm", type=int, default=3, help="warm runs (median)")
    ap.add_argument("--no-formats", action="store_true", help="skip the in-process format comparison")
    ap.add_argument("--out", type=Path, default=RESULTS / "scale.md")
    args = ap.parse_args()
    seeds = synth_dataset(args.entities, args.relations, log=lambda m: print(m, flush=True))
    size = sum(p.stat().st_size for p in seeds.rglob("*.yaml"))
    start = datetime.now().strftime("%Y-%m-%d %H:%M")
    load_start = load_average()
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
        env["CRIMEGRAPH_CACHE_DIR"] = cache
        stats = ["stats", "--seeds", str(seeds), "--format", "json"]
        print("baseline (--no-cache) ...", flush=True)
        base = run(["--no-cache", *stats], env)
        print(f"  {base[0]:.1f} s, {base[1]:.0f} MiB; cold ...", flush=True)
        cold = run(stats, env)
        cache_bytes = sum(p.stat().st_size for p in Path(cache).iterdir())
        print(f"  {cold[0]:.1f} s, {cold[1]:.0f} MiB; warm ...", flush=True)
        warms = [run(stats, env) for _ in range(args.warm)]
        assert all(w[2] == base[2] == cold[2] for w in warms), "warm and cold answers differ"
        run(["stats", "--format", "json"], env)  # the Peru cache
        peru = [run(["stats", "--format", "json"], env) for _ in range(args.warm)]
    warm_t = statistics.median(w[0] for w in warms)
    warm_m = max(w[1] for w in warms)
    peru_t = statistics.median(p[0] for p in peru)
    peru_m = max(p[1] for p in peru)
    load_mid = load_average()
    fmts = [] if args.no_formats else formats(seeds)
    load_end = load_average()
    ratio = base[0] / warm_t
    lines = [
        "# Scale benchmark: validate once",
        "",
        f"`benchmarks/bench_scale.py --entities {args.entities} --relations {args.relations} "
        f"--warm {args.warm}`, {start}.",
        "",
        f"Machine: {machine()}. Load average (1/5/15 min) at start {load_start}, after the commands "
        f"{load_mid}, at the end {load_end}: the machine was shared with other benchmarks and test runs, "
        "so wall-clock times are inflated; the ratios compare runs made minutes apart under the same load.",
        "",
        f"Data: `crimegraph synth --entities {args.entities} --relations {args.relations}` "
        f"({size / 1e6:.0f} MB of YAML). Each command is its own process (start included); peak memory "
        "is that process's maximum resident set. Cache file: "
        f"{cache_bytes / 1e6:.0f} MB.",
        "",
        "| command | time | peak memory | ratio to the baseline (time) |",
        "| --- | ---: | ---: | ---: |",
        f"| baseline: `crimegraph --no-cache stats --seeds big` (reads and validates the YAML) | "
        f"{base[0]:.2f} s | {base[1]:.0f} MiB | 1.0× |",
        f"| cold: first `crimegraph stats --seeds big` (validates, writes the cache) | {cold[0]:.2f} s | "
        f"{cold[1]:.0f} MiB | {base[0] / cold[0]:.2f}× |",
        f"| warm: next `crimegraph stats --seeds big` (reads the cache; median of {args.warm}) | "
        f"{warm_t:.2f} s | {warm_m:.0f} MiB | {ratio:.1f}× |",
        f"| warm `crimegraph stats` on the Peru seeds (median of {args.warm}) | {peru_t:.2f} s | "
        f"{peru_m:.0f} MiB | warm big / Peru: {warm_t / peru_t:.1f}× |",
        "",
        "Warm and cold answers (`stats --format json`) were checked identical in the run.",
    ]
    if fmts:
        pk = fmts[0]
        lines += ["", "## Compiled format (in one process, on the same validated dataset)", "",
                  "| format | write | read back to models | size | read, ratio to pickle |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for name, w, r, n in fmts:
            lines.append(f"| {name} | {w:.2f} s | {r:.2f} s | {n / 1e6:.0f} MB | {r / pk[2]:.1f}× |")
    text = "\n".join(lines) + "\n"
    write_markdown(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
