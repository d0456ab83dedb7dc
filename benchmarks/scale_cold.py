"""A cold ``validate`` (issue 19, part 3): today's YAML loader against the JSON Lines fast path.

:func:`measure` runs three processes on the same records, each as a user runs it
(process start included), with its wall time and peak memory (``ru_maxrss`` of that
child, from ``os.wait4``):

* ``yaml (baseline)``: ``crimegraph --no-cache validate --seeds BIG`` on the YAML
  folder: the loader as it was (the YAML path is unchanged: PyYAML's C parser,
  composed item by item in Python, then the models and the cross-checks);
* ``jsonl (fast path)``: the same command on the same dataset written as JSON Lines
  (``crimegraph synth --seed-format jsonl`` with the same sizes and seed; the test
  ``tests/schema/test_jsonl.py::test_synth_jsonl_is_the_same_dataset`` proves the
  two folders hold the same data);
* ``json.loads``: a Python process that reads the same JSON Lines files and calls
  ``json.loads`` on every record, nothing else: the floor a Python reader of these
  records cannot go below.

Each row carries its ratio to the baseline and to ``json.loads`` measured in the same
run. ``benchmarks/bench_scale.py`` calls :func:`measure`; alone::

    python benchmarks/scale_cold.py --entities 20000 --relations 100000
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_average, run_process, synth_dataset  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "crimegraph"

#: the json.loads floor: every record of the JSON Lines files, decoded and kept
_JSON_ONLY = """
import json, sys
from pathlib import Path
kept = []
for f in sorted(Path(sys.argv[1]).rglob("*.jsonl")):
    with open(f, encoding="utf-8") as fh:
        kept.extend(json.loads(line) for line in fh if line.strip())
print(len(kept))
"""


def jsonl_twin(big: Path, log=print) -> Path:
    """The JSON Lines folder of the same synthetic dataset as the YAML folder ``big`` (made once)."""
    from crimegraph.synth import write_synthetic

    m = re.search(r"synth-(\d+)-(\d+)-s(\d+)", (big / "dataset.yaml").read_text(encoding="utf-8"))
    if m is None:
        raise SystemExit(f"{big}: not a folder written by crimegraph synth (no synth id in dataset.yaml)")
    entities, relations, seed = map(int, m.groups())
    out = big.with_name(big.name + ".jsonl")
    marker = out / ".complete"
    if not marker.exists():
        log(f"writing the JSON Lines twin of {big.name} -> {out}")
        write_synthetic(out, entities=entities, relations=relations, seed=seed, force=True,
                        seed_format="jsonl")
        marker.write_text("complete\n")
    return out


def measure(big: Path, env: dict, log=print) -> list[dict]:
    """Rows ``{"run", "seconds", "peak_mib", "vs_baseline", "vs_json", "load"}`` for the YAML folder ``big``."""
    env = {**env, "CRIMEGRAPH_NO_CACHE": "1"}
    twin = jsonl_twin(big, log)
    runs = [
        ("yaml (baseline): crimegraph --no-cache validate", [str(EXE), "--no-cache", "validate", "--seeds", str(big)]),
        ("jsonl (fast path): crimegraph --no-cache validate", [str(EXE), "--no-cache", "validate", "--seeds", str(twin)]),
        ("json.loads of the same records", [sys.executable, "-c", _JSON_ONLY, str(twin)]),
    ]
    rows = []
    for name, argv in runs:
        load = load_average()
        seconds, peak, _ = run_process(argv, env, cwd=ROOT)
        rows.append({"run": name, "seconds": seconds, "peak_mib": peak, "load": load})
        log(f"  {name}: {seconds:.2f} s, {peak:.0f} MiB (load {load})")
    base, floor = rows[0]["seconds"], rows[2]["seconds"]
    for r in rows:
        r["vs_baseline"] = r["seconds"] / base
        r["vs_json"] = r["seconds"] / floor
    return rows


def table(rows: list[dict]) -> str:
    out = ["| run | seconds | peak MiB | × baseline | × json.loads | load average |",
           "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r['run']} | {r['seconds']:.2f} | {r['peak_mib']:.0f} | {r['vs_baseline']:.3f} "
                   f"| {r['vs_json']:.2f} | {r['load']} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--relations", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    big = synth_dataset(args.entities, args.relations, args.seed)
    rows = measure(big, dict(os.environ))
    print(table(rows))
    speedup = rows[0]["seconds"] / rows[1]["seconds"]
    print(f"\nfast path {speedup:.1f}x faster than the baseline; {rows[1]['vs_json']:.1f}x json.loads")


if __name__ == "__main__":
    main()
