"""Warm commands answered from the seed cache's indexed form (issue 19 part 2), big folder vs Peru.

:func:`measure` runs warm ``show``, ``query connections``, ``query ego``, ``query evidence`` on a
big synthetic folder and the same commands on the Peru data, each command its own
``crimegraph`` process (start included, :func:`common.run_process`), after one command on each
folder has validated it and written its cache (pickle and SQLite index). ``bench_scale.py``
prints the rows; run alone::

    python benchmarks/scale_indexed.py BIG_FOLDER [--repeat 3]

The targets: each big command within 3× of the same command on Peru, peak under 300 MB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_average, run_cli, user_env  # noqa: E402

COMMANDS = ("show", "query connections", "query ego", "query evidence")


def _pick(seeds: Path) -> dict[str, str]:
    """``bench_scale._pick``: an actor of the 99th percentile of degree, another two or three hops
    away, one of its relations."""
    import bench_scale

    return bench_scale._pick(seeds)


def measure(big: Path, peru: Path, env: dict, repeat: int = 3) -> list[dict]:
    """One row per command: its argv on each folder, median wall seconds and highest peak MiB of
    ``repeat`` warm runs on each, their ratio, and whether the target is met. ``env`` is the
    environment of the processes (its ``CRIMEGRAPH_CACHE_DIR`` is kept warm between them)."""
    from bench_scale import PERU, _commands

    pick = _pick(Path(big))
    env = dict(env)
    run_cli(["stats", "--seeds", str(big)], env)  # validates, writes the cache entry and its index
    run_cli(["stats", "--seeds", str(peru)], env)
    rows = []
    for name, argv in _commands(pick):
        if name not in COMMANDS:
            continue
        on_peru = [PERU[next(k for k, v in pick.items() if v == a)] if a in pick.values() else a
                   for a in argv]
        big_runs = [run_cli([*argv, "--seeds", str(big)], env) for _ in range(repeat)]
        peru_runs = [run_cli([*on_peru, "--seeds", str(peru)], env) for _ in range(repeat)]
        bt, bm = statistics.median(r[0] for r in big_runs), max(r[1] for r in big_runs)
        pt, pm = statistics.median(r[0] for r in peru_runs), max(r[1] for r in peru_runs)
        rows.append({"command": name, "big": " ".join(argv), "peru": " ".join(on_peru),
                     "big_s": bt, "big_mib": bm, "peru_s": pt, "peru_mib": pm,
                     "ratio": bt / pt, "met": bt <= 3 * pt and bm < 300,
                     "load": load_average()})
    return rows


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("big", type=Path, help="a synthetic seed folder (crimegraph synth --out)")
    ap.add_argument("--peru", type=Path, default=None, help="the Peru seed folder (default: the bundled one)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.peru is None:
        from crimegraph.schema.loader import default_seeds

        args.peru = default_seeds()
    with tempfile.TemporaryDirectory() as cache:
        env = user_env()
        env["CRIMEGRAPH_CACHE_DIR"] = cache
        print(f"load average at the start {load_average()}")
        for r in measure(args.big, args.peru, env, args.repeat):
            print(f"{r['command']}: big {r['big_s']:.2f} s {r['big_mib']:.0f} MiB, Peru {r['peru_s']:.2f} s "
                  f"{r['peru_mib']:.0f} MiB, {r['ratio']:.1f}x, target {'met' if r['met'] else 'missed'} "
                  f"(load {r['load']})")


if __name__ == "__main__":
    main()
