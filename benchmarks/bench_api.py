"""HTTP API load benchmark: entity dereference and SPARQL under concurrent clients, against /health.

    .venv/bin/python benchmarks/bench_api.py [--requests N] [--duration S] [--workers W]
                                             [--concurrency 10,50] [--sparql-workers K]

Starts ``crimegraph serve`` (the bundled Peru data, embedded store) on
127.0.0.1 and a free port, waits for ``/health``, and drives it from this
process with an asyncio loop of httpx clients on loopback: ``C`` concurrent
clients, each sending its next request as soon as the previous one is
answered (a closed loop). Every run is bounded: at most ``--requests``
requests or ``--duration`` seconds, whichever comes first. The load client
shares the machine (2 cores here) with the server.

Scenarios, each at every concurrency:

- ``baseline``: ``GET /health`` (a small JSON built per request): what the
  stack (uvicorn, FastAPI, the client) costs by itself;
- ``deref turtle``: ``GET /id/{slug}`` with ``Accept: text/turtle``, cycling
  over every entity (served from the representation cache after the first
  request of each);
- ``deref html``: the same with ``Accept: text/html``;
- ``sparql``: ``GET /sparql`` with a SELECT of the actors operating in a
  place (cycling over the places), JSON results, through the worker processes.

A cold pass (every entity requested once, Turtle, right after startup) is
reported apart. Each figure is also given as a ratio against the baseline at
the same concurrency. Targets (2 cores, client included): dereference p99
under 100 ms at 10 clients, at least 500 dereferences/s, no error at 50
clients. Results go to ``benchmarks/results/api.md``. It reports; it does not fail.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, machine, write_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, sparql_workers: int) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "crimegraph"
    cmd = [str(exe) if exe.exists() else "crimegraph", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--sparql-workers", str(sparql_workers), "--log-level", "warning"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import httpx

    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            r = httpx.get(base + "health", timeout=2)
            if r.status_code == 200 and r.json()["sparql"]["started"]:
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become ready")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


async def drive(base: str, make_request, concurrency: int, max_requests: int, duration: float) -> dict:
    """``concurrency`` closed-loop clients until ``max_requests`` or ``duration``; latencies in seconds."""
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        async def one_client() -> None:
            nonlocal sent
            while sent < max_requests and time.perf_counter() < deadline:
                i = sent
                sent += 1
                method, path, headers = make_request(i)
                t = time.perf_counter()
                try:
                    r = await client.request(method, path, headers=headers)
                    await r.aread()
                    ok = 200 <= r.status_code < 300
                    key = None if ok else f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                latencies.append(time.perf_counter() - t)
                if key:
                    errors[key] = errors.get(key, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return {"n": len(latencies), "wall": wall, "rps": len(latencies) / wall if wall else 0.0,
            "p50": statistics.median(latencies) * 1000, "p99": pct(latencies, 0.99) * 1000,
            "max": max(latencies) * 1000, "errors": errors}


def scenarios(entities: list[str], places: list[str]) -> dict:
    from urllib.parse import quote

    def health(i):
        return "GET", "health", {}

    def deref(accept):
        def make(i):
            return "GET", f"id/{entities[i % len(entities)]}", {"Accept": accept}
        return make

    def sparql(i):
        place = places[i % len(places)]
        q = ("SELECT ?actor ?name ?since WHERE { ?r cg:relationType cg:operatesIn ; cg:subject ?actor ; "
             f"cg:object id:{place} . ?actor skos:prefLabel ?name . OPTIONAL {{ ?r cg:since ?since }} }} "
             "ORDER BY ?name")
        return "GET", "sparql?query=" + quote(q), {"Accept": "application/sparql-results+json"}

    return {"baseline": health, "deref turtle": deref("text/turtle"), "deref html": deref("text/html"),
            "sparql": sparql}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=4000, help="most requests per run")
    ap.add_argument("--duration", type=float, default=8.0, help="most seconds per run")
    ap.add_argument("--concurrency", default="10,50", help="comma-separated client counts")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--sparql-workers", type=int, default=2, help="SPARQL worker processes")
    ap.add_argument("--output", type=Path, default=RESULTS / "api.md")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]

    from crimegraph.schema.loader import load_dataset

    ds = load_dataset()
    entities = sorted(ds.entities)
    places = sorted(i for i, e in ds.entities.items() if e.kind.value == "place")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log(f"starting crimegraph serve on {base} ({args.workers} process(es), {args.sparql_workers} SPARQL workers)")
    proc = start_server(port, args.workers, args.sparql_workers)
    rows = []
    try:
        wait_ready(base, proc)
        log("cold pass: every entity once, Turtle, 10 clients")
        cold = asyncio.run(drive(base, scenarios(entities, places)["deref turtle"], 10, len(entities), 60))
        log(f"  {cold['n']} requests, p50 {cold['p50']:.1f} ms, p99 {cold['p99']:.1f} ms")
        runs = scenarios(entities, places)
        # warm every representation the runs use
        asyncio.run(drive(base, runs["deref html"], 10, len(entities), 60))
        for c in levels:
            base_run = None
            for name, make in runs.items():
                asyncio.run(drive(base, make, c, min(200, args.requests), 5))  # warm-up
                res = asyncio.run(drive(base, make, c, args.requests, args.duration))
                if name == "baseline":
                    base_run = res
                res.update(name=name, c=c, base=base_run)
                rows.append(res)
                err = sum(res["errors"].values())
                log(f"c={c:<3} {name:<13} {res['rps']:7.0f} req/s  p50 {res['p50']:6.1f} ms  "
                    f"p99 {res['p99']:6.1f} ms  errors {err}")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    write_markdown(args.output, report(rows, cold, args, len(entities)))
    log(f"wrote {args.output}")


def report(rows: list[dict], cold: dict, args, n_entities: int) -> str:
    lines = [
        "# HTTP API load benchmark",
        "",
        f"Machine: {machine()}.",
        f"Load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        f"`crimegraph serve` (Peru data, {n_entities} entities, embedded store; {args.workers} uvicorn "
        f"process(es), {args.sparql_workers} SPARQL worker processes) on 127.0.0.1, driven from the same "
        "machine by closed-loop asyncio httpx clients (each sends its next request when the previous one "
        f"is answered). Each run: at most {args.requests} requests or {args.duration:g} s. "
        "Ratios are against the baseline (`GET /health`) at the same concurrency, measured in the same "
        "process: throughput as a fraction of the baseline's, latency as a multiple of it.",
        "",
        "| clients | scenario | requests | req/s | × baseline req/s | p50 ms | p99 ms | × baseline p99 | max ms | errors |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        b = r["base"]
        err = sum(r["errors"].values())
        detail = f" ({', '.join(f'{k}: {v}' for k, v in r['errors'].items())})" if err else ""
        lines.append(f"| {r['c']} | {r['name']} | {r['n']} | {r['rps']:.0f} | {r['rps'] / b['rps']:.2f} | "
                     f"{r['p50']:.1f} | {r['p99']:.1f} | {r['p99'] / b['p99']:.2f} | {r['max']:.0f} | {err}{detail} |")
    lines += ["",
              f"Cold pass (each of the {cold['n']} entities requested once as Turtle right after startup, "
              f"10 clients): p50 {cold['p50']:.1f} ms, p99 {cold['p99']:.1f} ms, max {cold['max']:.0f} ms; "
              "later requests are served from the representation cache.", ""]
    targets = []
    d10 = next((r for r in rows if r["c"] == 10 and r["name"] == "deref turtle"), None)
    if d10:
        targets.append(f"- dereference p99 at 10 clients: {d10['p99']:.1f} ms (target < 100 ms): "
                       f"{'met' if d10['p99'] < 100 else 'NOT met'}")
        targets.append(f"- dereferences per second at 10 clients: {d10['rps']:.0f} (target >= 500): "
                       f"{'met' if d10['rps'] >= 500 else 'NOT met'}")
    at50 = [r for r in rows if r["c"] == 50]
    if at50:
        errs = sum(sum(r["errors"].values()) for r in at50)
        targets.append(f"- errors at 50 clients (all scenarios): {errs} (target 0): {'met' if errs == 0 else 'NOT met'}")
    lines += ["Targets:", "", *targets, "",
              "Reproduce: `.venv/bin/python benchmarks/bench_api.py` "
              f"(`--requests {args.requests} --duration {args.duration:g} --workers {args.workers}`).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
