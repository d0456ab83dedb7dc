#!/usr/bin/env python
"""Benchmark: the streamed RDF exports against rdflib's own ``Graph.serialize`` of the same triples.

On a synthetic dataset from ``crimegraph synth`` (default 100,000 entities and
500,000 relations, cached under ``benchmarks/.data/``), each measurement runs in
its own subprocess, so that its peak memory (``VmHWM``) is its
own:

* ``ours-nt``, ``ours-jsonld``, ``ours-turtle``: ``crimegraph export`` to a file
  (N-Triples, compacted JSON-LD, Turtle) from the validated dataset in memory;
* ``ours-nt-oxigraph``: the same triples handed to pyoxigraph's serializer as
  ``Triple`` objects (the alternative the design considered);
* ``rdflib-nt``, ``rdflib-jsonld``: rdflib's ``Graph.serialize`` (``nt``, and
  ``json-ld`` compacted with the crimegraph context) of the triples of our
  N-Triples export. rdflib needs about a kilobyte per triple, so by default it
  gets the first ``--rdflib-triples`` triples of that file (a contiguous prefix:
  whole resources), and its peak memory is extrapolated linearly to the full
  count; ``--rdflib-triples 0`` gives it everything;
* ``cli-nt``, ``cli-jsonld``: what a user runs, ``crimegraph export --format nt
  --seeds FOLDER -o FILE`` (and ``jsonld``), as its own process: reading and
  validating the seed YAML, then the export. Its peak resident set is the
  kernel's ``ru_maxrss`` for that process (what ``/usr/bin/time -v`` reports).

Throughput is triples per second of wall time for the export call alone (the
dataset is loaded before the clock starts; rdflib's graph is built before its
clock starts, and the time to build it is reported separately). Peak memory
(``VmHWM``, the peak resident set) is reported for the whole process and, for our
exports, above the loaded dataset (the export's own cost). Loading the seed YAML is slow (pydantic validation of
every item), so for the export rows the validated dataset is pickled once next
to the seed folder and unpickled by each worker (the pickle keeps the sharing of
equal values that the loader sets up, so the unpickled dataset is as compact as
a freshly loaded one); the ``cli-*`` rows read the seeds themselves.

Usage::

    .venv/bin/python benchmarks/bench_rdf.py                       # 100k / 500k
    .venv/bin/python benchmarks/bench_rdf.py --entities 20000 --relations 100000

Writes ``benchmarks/results/rdf.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import RESULTS, cached_dataset, machine, spawn, synth_dataset, user_env, write_markdown  # noqa: E402

MiB = 2**20


def rss_now() -> int:
    """Current resident memory, in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> bool:
    """Reset the peak-RSS high-water mark (Linux >= 4.0), so that the next peak is the export's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def maxrss() -> int:
    """Peak resident memory of this process so far, in bytes.

    ``VmHWM`` from /proc (reset by exec), where getrusage's maxrss would report the
    parent's peak inherited at fork; getrusage elsewhere.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---------------------------------------------------------------- workers (one per subprocess)

def worker(name: str, seeds: Path, out: Path, limit: int) -> dict:
    result: dict = {"name": name}
    base_rss = maxrss()
    if name.startswith("ours"):
        t = time.perf_counter()
        ds = cached_dataset(seeds)
        result["load_s"] = time.perf_counter() - t
        gc.collect()
        result["rss_load_peak"] = maxrss()
        # the loading peak (unpickling) would hide the export's own: measure from here
        result["rss_loaded"] = rss_now() if reset_peak() else maxrss()
        from crimegraph.rdf import formats

        fn = {"ours-nt": formats.export_ntriples, "ours-jsonld": formats.export_jsonld,
              "ours-turtle": formats.export_turtle, "ours-nt-oxigraph": export_via_oxigraph}[name]
        t, c = time.perf_counter(), time.process_time()
        with open(out, "wb") as f:
            n = fn(ds, f, {})
        result["seconds"] = time.perf_counter() - t
        result["cpu_seconds"] = time.process_time() - c
        result["count"] = n
    elif name.startswith("rdflib"):
        import rdflib

        from crimegraph.rdf.context import jsonld_context

        result["rss_base"] = maxrss()
        data = _prefix(out.with_name("ours-nt.out"), limit)
        t = time.perf_counter()
        g = rdflib.Graph()
        g.parse(data=data, format="nt")
        del data
        result["build_s"] = time.perf_counter() - t
        result["triples"] = len(g)
        result["rss_loaded"] = rss_now() or maxrss()
        fmt = "nt" if name == "rdflib-nt" else "json-ld"
        kw = {"context": jsonld_context(), "auto_compact": True} if fmt == "json-ld" else {}
        t, c = time.perf_counter(), time.process_time()
        g.serialize(destination=str(out), format=fmt, encoding="utf-8", **kw)
        result["seconds"] = time.perf_counter() - t
        result["cpu_seconds"] = time.process_time() - c
    result["rss_peak"] = maxrss()
    result["rss_start"] = base_rss
    result["bytes"] = out.stat().st_size
    return result


def _prefix(path: Path, limit: int) -> bytes:
    """The first ``limit`` lines of an N-Triples file (all when 0)."""
    if not limit:
        return path.read_bytes()
    lines = []
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i >= limit:
                break
            lines.append(line)
    return b"".join(lines)


def export_via_oxigraph(dataset, target, options=None) -> int:
    """N-Triples through pyoxigraph's serializer: the nodes turned into ``Triple`` objects."""
    import pyoxigraph as ox

    from crimegraph.rdf.describe import IRI, LANG, Describer
    from crimegraph.rdf.vocab import RdfVocab, resolve_base

    v = RdfVocab(resolve_base(None, dataset.meta))
    named: dict[str, object] = {}
    dts: dict = {}
    count = [0]

    def nn(iri):
        x = named.get(iri)
        if x is None:
            x = ox.NamedNode(iri)
            if len(named) < 100_000:
                named[iri] = x
        return x

    def term(o):
        if o[0] == IRI:
            return nn(o[1])
        if o[0] == LANG:
            return ox.Literal(o[1], language=o[2])
        if o[2] is None:
            return ox.Literal(o[1])
        d = dts.get(o[2])
        if d is None:
            d = dts[o[2]] = ox.NamedNode(o[2])
        return ox.Literal(o[1], datatype=d)

    def triples():
        for top in Describer(v).dataset(dataset):
            stack = [top]
            while stack:
                node = stack.pop()
                s = ox.NamedNode(node.iri)
                for p, o in node.props:
                    count[0] += 1
                    if isinstance(o, tuple):
                        yield ox.Triple(s, nn(p), term(o))
                    else:
                        yield ox.Triple(s, nn(p), ox.NamedNode(o.iri))
                        stack.append(o)

    ox.serialize(triples(), target, ox.RdfFormat.N_TRIPLES)
    return count[0]


# ---------------------------------------------------------------- driver

def run_cli(name: str, seeds: Path, workdir: Path) -> dict:
    """``crimegraph export`` from the seed folder, as a user runs it; its own peak RSS (``spawn``)."""
    out = workdir / f"{name}.out"
    fmt = name.split("-", 1)[1]
    exe = Path(sys.executable).with_name("crimegraph")
    cmd = ([str(exe)] if exe.exists() else [sys.executable, "-m", "crimegraph"]) + \
        ["export", "--format", fmt, "--seeds", str(seeds), "-o", str(out)]
    env = user_env()
    log = workdir / f"{name}.log"
    with open(log, "wb") as err:
        run = spawn(cmd, env, stdout=subprocess.DEVNULL, stderr=err)  # this process's own figures
    if run.code != 0:
        lines = log.read_text(errors="replace").strip().splitlines() or ["failed"]
        return {"name": name, "error": lines[-1], "returncode": run.code}
    result = {"name": name, "seconds": run.wall, "cpu_seconds": run.cpu,
              "rss_peak": int(run.peak * 1024 * 1024), "bytes": out.stat().st_size}
    if fmt == "nt":
        result["count"] = count_lines(out)  # the same triples as ours-nt
    log.unlink()
    return result


def run_worker(name: str, seeds: Path, workdir: Path, limit: int) -> dict:
    if name.startswith("cli-"):
        return run_cli(name, seeds, workdir)
    out = workdir / f"{name}.out"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--seeds", str(seeds),
           "--out", str(out), "--limit", str(limit)]
    env = user_env()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"name": name, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1],
                "returncode": proc.returncode}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            n += chunk.count(b"\n")
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rdflib-triples", type=int, default=1_000_000,
                    help="triples rdflib gets (a prefix of our N-Triples); 0 = all")
    ap.add_argument("--rdflib-jsonld-triples", type=int, default=250_000,
                    help="triples rdflib's JSON-LD serializer gets; 0 = all")
    ap.add_argument("--skip", nargs="*", default=[], help="measurements to leave out")
    ap.add_argument("--only", nargs="*", default=None,
                    help="run only these measurements; the others come from the last run's results.json")
    ap.add_argument("--output", type=Path, default=RESULTS / "rdf.md")
    ap.add_argument("--results", type=Path, help="rewrite the report from a saved results.json")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--seeds", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.seeds, args.out, args.limit)))
        return 0

    if args.results:
        saved = json.loads(args.results.read_text())
        text = report(args, Path(saved["seeds"]), saved["results"], saved["total"])
        write_markdown(args.output, text)
        print(text)
        return 0

    seeds = synth_dataset(args.entities, args.relations, args.seed)
    workdir = seeds.with_name(seeds.name + ".rdf-bench")
    workdir.mkdir(exist_ok=True)
    print(f"dataset: {seeds}", flush=True)
    t = time.perf_counter()
    # build the pickle cache once, outside the measurements (in a subprocess: this one stays small)
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import common; "
                    "common.cached_dataset(__import__('pathlib').Path(sys.argv[2]))", str(HERE), str(seeds)],
                   check=True)
    print(f"  dataset ready in {time.perf_counter() - t:.0f} s", flush=True)

    results: dict[str, dict] = {}
    saved = workdir / "results.json"
    if args.only is not None and saved.exists():
        results = json.loads(saved.read_text())["results"]
    plan = [("ours-nt", 0), ("ours-jsonld", 0), ("ours-turtle", 0), ("ours-nt-oxigraph", 0),
            ("rdflib-nt", args.rdflib_triples), ("rdflib-jsonld", args.rdflib_jsonld_triples),
            ("cli-nt", 0), ("cli-jsonld", 0)]
    todo = [(n, lim) for n, lim in plan
             if n not in args.skip and (args.only is None or n in args.only)]
    if any(n.startswith("rdflib") for n, _ in todo) and not any(n == "ours-nt" for n, _ in todo) \
            and not (workdir / "ours-nt.out").exists():
        todo.insert(0, ("ours-nt", 0))  # rdflib reads our N-Triples
    for name, limit in todo:
        print(f"running {name} ...", flush=True)
        results[name] = r = run_worker(name, seeds, workdir, limit)
        print("  " + json.dumps(r), flush=True)
    total = count_lines(workdir / "ours-nt.out") if (workdir / "ours-nt.out").exists() else None
    if total is None and saved.exists():
        total = json.loads(saved.read_text()).get("total")
    (workdir / "results.json").write_text(json.dumps({"seeds": str(seeds), "results": results,
                                                       "total": total}, indent=1))
    text = report(args, seeds, results, total)
    write_markdown(args.output, text)
    print(text)
    for name in results:  # the outputs are large; keep none
        (workdir / f"{name}.out").unlink(missing_ok=True)
    return 0


def report(args, seeds: Path, results: dict, total: int | None) -> str:
    def rate(r, n, key="seconds"):
        return n / r[key] if r.get(key) else 0.0

    def count(r):
        return r.get("triples") or total or r.get("count") or 0

    rows, cli_rows = [], []
    for name, r in results.items():
        if name.startswith("cli-"):
            if "error" in r:
                cli_rows.append(f"| `{name}` | failed: {r['error']} | | | |")
            else:
                what = f"{r['count']:,} triples" if r.get("count") else "compacted `@graph`"
                cli_rows.append(f"| `{name}` | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
                                f"**{r['rss_peak'] / MiB:,.0f} MiB** | {r['bytes'] / MiB:,.0f} MiB; {what} |")
            continue
        if "error" in r:
            rows.append(f"| {name} | failed: {r['error']} | | | | | | |")
            continue
        n = count(r)
        peak = r["rss_peak"] / MiB
        if name.startswith("ours"):
            own = max(0, r["rss_peak"] - r["rss_loaded"]) / MiB
            mem = f"{peak:,.0f} MiB ({own:,.0f} MiB above the loaded dataset)"
            extra = f"dataset unpickled in {r['load_s']:.0f} s"
            if r.get("rss_load_peak") and r.get("rss_loaded") and r["rss_load_peak"] > r["rss_loaded"]:
                extra += f" (unpickling peaked at {r['rss_load_peak'] / MiB:,.0f} MiB: not counted)"
        else:
            full = total or n
            est = (r["rss_start"] + (r["rss_peak"] - r["rss_start"]) * full / max(n, 1)) / MiB
            mem = f"{peak:,.0f} MiB for {n:,} triples (≈ {est:,.0f} MiB for {full:,})"
            extra = f"graph built in {r['build_s']:.0f} s"
        cpu = r.get("cpu_seconds")
        rows.append(f"| {name} | {n:,} | {r['seconds']:.1f} | {cpu:.1f} | {rate(r, n):,.0f} | "
                    f"{rate(r, n, 'cpu_seconds'):,.0f} | {mem} | {r['bytes'] / MiB:,.0f} MiB; {extra} |"
                    if cpu is not None else
                    f"| {name} | {n:,} | {r['seconds']:.1f} | – | {rate(r, n):,.0f} | – | {mem} | "
                    f"{r['bytes'] / MiB:,.0f} MiB; {extra} |")
    ratios = []
    speed = {}
    for ours, theirs in (("ours-nt", "rdflib-nt"), ("ours-jsonld", "rdflib-jsonld"),
                         ("ours-nt", "ours-nt-oxigraph")):
        a, b = results.get(ours, {}), results.get(theirs, {})
        if a.get("seconds") and b.get("seconds"):
            wall = rate(a, count(a)) / rate(b, count(b))
            cpu = (rate(a, count(a), "cpu_seconds") / rate(b, count(b), "cpu_seconds")
                   if a.get("cpu_seconds") and b.get("cpu_seconds") else None)
            speed[(ours, theirs)] = (wall, cpu)
            ratios.append(f"| {ours} vs {theirs} | {wall:.1f}× | " + (f"{cpu:.1f}× |" if cpu else "– |"))
    goal_speed = goal_mem = "not measured"
    if ("ours-nt", "rdflib-nt") in speed:
        wall, cpu = speed[("ours-nt", "rdflib-nt")]
        best = cpu if cpu is not None else wall
        goal_speed = (f"{'met' if best >= 5 else 'NOT met'}: {wall:.1f}× by wall time"
                      + (f", {cpu:.1f}× by CPU time" if cpu is not None else ""))
    peaks = [(n, results[n]["rss_peak"]) for n in ("ours-nt", "ours-jsonld", "cli-nt", "cli-jsonld")
             if results.get(n, {}).get("rss_peak")]
    if peaks:
        worst = max(p for _, p in peaks)
        goal_mem = (f"{'met' if worst < 1024 * MiB else 'NOT met'}: whole-process peaks "
                    + ", ".join(f"{n} {p / MiB:,.0f} MiB" for n, p in peaks)
                    + " (each the peak resident set of its whole process: the validated dataset, "
                    "the export, and for `cli-*` reading the seed YAML too)")
    cli_table = ""
    if cli_rows:
        yaml_files = sorted(seeds.rglob("*.yaml")) if seeds.exists() else []
        size = (f" ({len(yaml_files)} files, {sum(f.stat().st_size for f in yaml_files) / MiB:,.0f} MiB)"
                if yaml_files else "")
        cli_table = f"""
The command a user runs, from the seed folder (`crimegraph export --format nt|jsonld --seeds
benchmarks/.data/{seeds.name} -o FILE`), each its own process; the times include reading and
validating the seed YAML{size}, so they are not export throughput:

| command | wall s | CPU s | peak memory (maxrss, whole process) | output |
| --- | ---: | ---: | --- | --- |
{chr(10).join(cli_rows)}
"""
    return f"""# RDF export benchmark

Measured {dt.date.today().isoformat()} on {machine()}.
Dataset: `{seeds.name}` ({args.entities:,} entities, {args.relations:,} relations, synthetic,
`crimegraph synth --seed {args.seed}`); its N-Triples export has {total or 0:,} triples.
Command: `.venv/bin/python benchmarks/bench_rdf.py --entities {args.entities} --relations {args.relations}`.

| measurement | triples | wall s | CPU s | triples/s (wall) | triples/s (CPU) | peak memory (VmHWM) | output; notes |
| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |
{chr(10).join(rows)}

| comparison (throughput) | by wall time | by CPU time |
| --- | --- | --- |
{chr(10).join(ratios)}
{cli_table}
Targets: N-Triples export at least 5× faster than rdflib: **{goal_speed}**.
Peak memory under 1 GiB: **{goal_mem}**.

How it was measured: each row is its own subprocess; times cover the export call
only (ours: from the validated dataset in memory to the file; rdflib:
`Graph.serialize` of a graph already built from our N-Triples, whose build time is
in the notes). CPU time (`time.process_time`) is given beside wall time because
the machine was shared with other work while this ran (the ratios by CPU time are
the fairer ones then). rdflib gets a prefix of our N-Triples (whole resources, in
export order) because a graph of every triple would need far more memory than this
machine has; its peak is extrapolated linearly from the sample. The JSON-LD rows
compare our streamed, compacted `@graph` with rdflib's `json-ld` serializer given
the same context (`auto_compact`). `ours-nt-oxigraph` feeds the same triples to
pyoxigraph's Rust serializer as `Triple` objects: building those Python objects
costs more than formatting the lines, so the exporter formats N-Triples itself.

What the memory figures cover: for the `ours-*` rows, the peak resident set
(`VmHWM`) of the whole worker process: the interpreter and its modules, the
validated dataset (unpickled from the cache; the peak of unpickling itself is
left out by resetting the high-water mark once it is loaded, where Linux allows),
and the export; "above the loaded dataset" is the export's own part. For the
`cli-*` rows, the peak resident set (`ru_maxrss`) of the whole `crimegraph export`
process, reading and validating the YAML included: nothing is left out. The
dataset is small because the loader shares equal values between the pydantic
models (one fields-set per model class and set of fields, one `Confidence` and
one `PartialDate` per value, one string per id: `schema/compact.py`) and builds
each YAML item as soon as it is parsed instead of a whole file of YAML nodes
(`schema/loader.py`).
"""


if __name__ == "__main__":
    sys.exit(main())
