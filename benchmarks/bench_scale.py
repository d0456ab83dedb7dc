"""The embedded store at scale (issue 19): validate once, read only what a command needs,
a fast cold path, the RDF store lean. ``--parts`` picks the sections (all by default):

* ``cache``: ``crimegraph stats --seeds big``, without the cache, cold and warm (below);
* ``warm``: warm ``show``, ``query connections``, ``query ego``, ``query search`` and
  ``query evidence`` on the big folder and the same commands on the Peru data, each its
  own process: time, peak memory, and the ratio big / Peru (target within 3×, < 300 MB);
* ``cold``: :mod:`scale_cold`: ``crimegraph --no-cache validate`` by main's own loader
  (the baseline) and by this code, of the big folder as YAML and as JSON Lines, and
  ``json.loads`` of the same records (targets: 8× the baseline, within 5× of json.loads);
* ``rdf``: see :mod:`scale_rdf` (when present).

Section ``cache``:

Each command runs as its own process, as a user runs it (process start included);
its wall time and peak memory (``ru_maxrss`` of that process alone, :func:`common.spawn`) are
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
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, load_average, machine, run_cli, synth_dataset, user_env, write_markdown  # noqa: E402


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
    ap.add_argument("--parts", default="cache,warm,cold,rdf",
                    help="comma-separated sections: cache, warm, cold, rdf")
    args = ap.parse_args()
    parts = {x.strip() for x in args.parts.split(",") if x.strip()}
    seeds = synth_dataset(args.entities, args.relations, log=lambda m: print(m, flush=True))
    start = datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = ["# Scale benchmark: the embedded store at 100,000 entities", "",
             f"`benchmarks/bench_scale.py --entities {args.entities} --relations {args.relations} "
             f"--warm {args.warm} --parts {','.join(sorted(parts))}`, {start}.", "",
             f"Machine: {machine()}. Load average (1/5/15 min) at the start: {load_average()}. Each "
             "command is its own process (start included); peak memory is that process's maximum "
             "resident set, measured alone (`common.spawn`: `os.wait4` in a small launcher, so that the benchmark's own memory is not counted). The machine is shared with other work: the load is given "
             "beside each section, and every ratio compares runs made minutes apart under it.", ""]
    if "cache" in parts:
        lines += cache_section(args, seeds)
    if "warm" in parts:
        lines += warm_section(args, seeds)
    if "cold" in parts:
        lines += cold_section(args, seeds)
    if "rdf" in parts:
        try:
            import scale_rdf
        except ImportError:
            lines += ["## The RDF store", "", "Not measured: `benchmarks/scale_rdf.py` is missing.", ""]
        else:
            lines += rdf_section(scale_rdf, seeds)
    lines.append(f"Load average at the end: {load_average()}.")
    text = "\n".join(lines) + "\n"
    write_markdown(args.out, text)
    print(text)


def cache_section(args, seeds: Path) -> list[str]:
    size = sum(p.stat().st_size for p in seeds.rglob("*.yaml"))
    load_start = load_average()
    with tempfile.TemporaryDirectory() as cache:
        env = user_env()
        env["CRIMEGRAPH_CACHE_DIR"] = cache
        stats = ["stats", "--seeds", str(seeds), "--format", "json"]
        print("baseline (--no-cache) ...", flush=True)
        base = run_cli(["--no-cache", *stats], env)
        print(f"  {base[0]:.1f} s, {base[1]:.0f} MiB; cold ...", flush=True)
        cold = run_cli(stats, env)
        cache_bytes = sum(p.stat().st_size for p in Path(cache).iterdir())
        print(f"  {cold[0]:.1f} s, {cold[1]:.0f} MiB; warm ...", flush=True)
        warms = [run_cli(stats, env) for _ in range(args.warm)]
        assert all(w[2] == base[2] == cold[2] for w in warms), "warm and cold answers differ"
        run_cli(["stats", "--format", "json"], env)  # the Peru cache
        peru = [run_cli(["stats", "--format", "json"], env) for _ in range(args.warm)]
    warm_t = statistics.median(w[0] for w in warms)
    warm_m = max(w[1] for w in warms)
    peru_t = statistics.median(p[0] for p in peru)
    peru_m = max(p[1] for p in peru)
    load_mid = load_average()
    fmts = [] if args.no_formats else formats(seeds)
    load_end = load_average()
    ratio = base[0] / warm_t
    lines = [
        "## Validate once: `stats`, without the cache, cold and warm",
        "",
        f"Load average at the start of the section {load_start}, after the commands "
        f"{load_mid}, at its end {load_end}.",
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
    return lines + [""]


def _pick(seeds: Path) -> dict[str, str]:
    """Entities of the big folder to ask about, chosen from its relations as an analyst would:
    an actor of high degree that is no hub (the 99th percentile of actors), a second actor two or
    three hops from it, one of its relations, and its name as a search text (read from the relation
    files in order until one holds actors' ties: at 100,000 entities the first holds only places'
    ``located_in``)."""
    import collections

    import yaml

    degree: collections.Counter = collections.Counter()
    rels = []
    for f in sorted((seeds / "relations").glob("*.yaml")):  # the first file holding actors' ties is enough
        if any(r["type"] in ("allied_with", "rival_of", "supplies") for r in rels):
            break
        for line in f.read_text(encoding="utf-8").splitlines()[1:]:
            if line.startswith("  - {") and "type: " in line:
                item = yaml.load(line[4:], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                if item["type"] in ("allied_with", "rival_of", "supplies", "member_of", "faction_of",
                                    "cooperates_with", "operates_in", "engages_in"):
                    rels.append(item)
                    degree[item["subject"]] += 1
                    degree[item["object"]] += 1
    actors = sorted((d, i) for i, d in degree.items())
    ego = actors[int(len(actors) * 0.99)][1]
    first = next(r for r in rels if ego in (r["subject"], r["object"]))
    other = next(r["object"] if r["subject"] != ego else r["subject"] for r in rels
                 if ego not in (r["subject"], r["object"]) and r["type"] in ("allied_with", "rival_of", "supplies"))
    names = {}
    for f in sorted((seeds / "entities").glob("*.yaml")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if f"id: {ego}," in line:
                names[ego] = yaml.load(line[4:], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["name"]
                break
        if names:
            break
    rid = first.get("id") or f"{first['subject']}--{first['type'].replace('_', '-')}--{first['object']}"
    return {"ego": ego, "other": other, "relation": rid, "text": names.get(ego, ego)}


def _commands(p: dict[str, str]) -> list[tuple[str, list[str]]]:
    return [("show", ["show", p["ego"]]),
            ("query connections", ["query", "connections", p["ego"], p["other"]]),
            ("query ego", ["query", "ego", p["ego"]]),
            ("query search", ["query", "search", p["text"]]),
            ("query evidence", ["query", "evidence", p["relation"]])]


PERU = {"ego": "shining-path", "other": "tren-de-aragua", "relation": "shining-path--operates-in--vraem",
        "text": "Sendero Luminoso"}


def warm_section(args, seeds: Path) -> list[str]:
    """Warm commands on the big folder and on the Peru data (issue 19, part 2)."""
    pick = _pick(seeds)
    load_start = load_average()
    with tempfile.TemporaryDirectory() as cache:
        env = user_env()
        env["CRIMEGRAPH_CACHE_DIR"] = cache
        print("warm section: first run on the big folder (validates, writes the cache) ...", flush=True)
        first = run_cli(["stats", "--seeds", str(seeds)], env)
        run_cli(["stats"], env)  # the Peru cache
        rows = []
        for name, argv in _commands(pick):
            argv_peru = [a if a not in pick.values() else PERU[next(k for k, v in pick.items() if v == a)]
                         for a in argv]
            # one run first, not measured: what a command keeps beside the cache the first time it
            # runs (the search index, built once from the whole graph) is then there, as for a user
            run_cli([*argv, "--seeds", str(seeds)], env)
            run_cli(argv_peru, env)
            big = [run_cli([*argv, "--seeds", str(seeds)], env) for _ in range(args.warm)]
            peru = [run_cli(argv_peru, env) for _ in range(args.warm)]
            bt, bm = statistics.median(b[0] for b in big), max(b[1] for b in big)
            pt, pm = statistics.median(x[0] for x in peru), max(x[1] for x in peru)
            rows.append((name, " ".join(argv), " ".join(argv_peru), bt, bm, pt, pm))
            print(f"  {name}: big {bt:.2f} s {bm:.0f} MiB, Peru {pt:.2f} s {pm:.0f} MiB", flush=True)
    lines = ["## Read only what a command needs: warm commands, big folder and Peru", "",
             f"Load average at the start of the section {load_start}, at its end {load_average()}. "
             f"The first command on the big folder (validate, write the cache) took {first[0]:.1f} s, "
             f"{first[1]:.0f} MiB. Then each command once unmeasured (the first search builds and saves "
             f"the search index) and {args.warm} times measured on each folder (median time, highest "
             "peak). Targets: big within 3× of Peru, and under 300 MB.", "",
             "| command | big folder | time | peak | Peru | time | peak | big / Peru | target met |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |"]
    for name, a, b, bt, bm, pt, pm in rows:
        ok = "yes" if bt <= 3 * pt and bm < 300 else (
            f"no: {bt / pt:.1f}× ({bt - 3 * pt:+.2f} s)" + ("" if bm < 300 else f", {bm:.0f} MiB"))
        lines.append(f"| {name} | `{a}` | {bt:.2f} s | {bm:.0f} MiB | `{b}` | {pt:.2f} s | {pm:.0f} MiB | "
                     f"{bt / pt:.1f}× | {ok} |")
    return lines + [""]


def rdf_section(scale_rdf, seeds: Path) -> list[str]:
    """Ego networks and brokers on the RDF store against the embedded store (issue 19, part 4)."""
    load_start = load_average()
    with tempfile.TemporaryDirectory() as cache:
        env = user_env()
        env["CRIMEGRAPH_CACHE_DIR"] = cache
        rows = scale_rdf.measure(seeds, env, log=lambda m: print(m, flush=True))
    lines = ["## The RDF store: ego networks and brokers, natively", "",
             f"Load average at the start of the section {load_start}, at its end {load_average()}. "
             "Each command its own process; \"query alone\" is the median of three ego-network calls "
             "in a process that opened the store once. Every answer was compared (JSON) with the "
             "embedded store's. Targets: ego under 0.5 s; brokers within 1.5× of the embedded store's "
             "time and memory.", "",
             "| case | store | command | peak | query alone | same answer as embedded | ratio to embedded | load |",
             "| --- | --- | ---: | ---: | ---: | --- | --- | --- |"]
    for r in rows:
        q = f"{r['query_s']:.3f} s" if r.get("query_s") is not None else ""
        ratio = (f"{r['ratio_seconds']:.2f}× time, {r['ratio_peak']:.2f}× memory"
                 if "ratio_seconds" in r else "")
        same = "" if r.get("same") is None else ("yes" if r["same"] is True else "NO")
        lines.append(f"| {r['case']} | {r['store']} | {r['seconds']:.2f} s | {r['peak_mib']:.0f} MiB | {q} | "
                     f"{same} | {ratio} | {r['load']} |")
    return lines + [""]


def cold_section(args, seeds: Path) -> list[str]:
    """A cold ``validate``: main's own loader (the baseline), this code on the YAML, this code on
    the JSON Lines twin of the same items, and ``json.loads`` of the same records
    (:mod:`scale_cold`, each its own process)."""
    import scale_cold

    load_start = load_average()
    env = user_env()
    rows = scale_cold.measure(seeds, env, log=lambda m: print(m, flush=True))
    lines = ["## A fast cold path: `validate` of YAML and of JSON Lines, and `json.loads`", "",
             f"Load average at the start of the section {load_start}, at its end {load_average()}. "
             f"The same {args.entities:,} entities and {args.relations:,} relations; `--no-cache`. The "
             f"baseline is the loader of main before this work (`{scale_cold.BASELINE[:7]}`, run from "
             "its own tree). CPU time is the steadier figure on a shared machine. Targets: 8× faster "
             "than the baseline, within 5× of `json.loads`.", "",
             "| run | wall | CPU | peak | wall vs baseline | CPU vs baseline | CPU vs json.loads | load |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        def x(k):
            v = r.get(k)
            return f"{v:.1f}×" if isinstance(v, (int, float)) else ""
        lines.append(f"| {r['run']} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s | {r['peak_mib']:.0f} MiB | "
                     f"{x('vs_baseline')} | {x('cpu_vs_baseline')} | {x('cpu_vs_json')} | {r['load']} |")
    return lines + [""]


if __name__ == "__main__":
    main()
