"""A cold ``validate`` (issue 19, part 3): today's YAML loader against the JSON Lines fast path.

:func:`measure` runs three processes on the same records, each as a user runs it
(process start included), with its wall time and peak memory (``ru_maxrss`` of that
process alone, :func:`common.spawn`):

* ``yaml (baseline)``: ``crimegraph --no-cache validate --seeds BIG`` on the YAML
  folder, run by the code of :data:`BASELINE` (the commit before issue 19 part 3,
  extracted with ``git archive`` into ``benchmarks/.data/``, its packages laid out as
  its ``pyproject.toml`` maps them, put first on ``sys.path``): today's loader, not
  this branch's, which also made the cross-checks faster;
* ``yaml (this code)``: the same command with this checkout's code, on the same YAML;
* ``jsonl (fast path)``: the same command on the same dataset written as JSON Lines
  (``crimegraph synth --seed-format jsonl`` with the same sizes and seed; the test
  ``tests/schema/test_jsonl.py::test_synth_jsonl_is_the_same_dataset`` proves the
  two folders hold the same data);
* ``json.loads``: a Python process that reads the same JSON Lines files and calls
  ``json.loads`` on every record, nothing else: the floor a Python reader of these
  records cannot go below.

Each row carries its ratio to the baseline and to ``json.loads`` measured in the same
run. ``benchmarks/bench_scale.py`` calls :func:`measure`; alone::

    python benchmarks/scale_cold.py --size 20000x100000 --size 100000x500000
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, load_average, machine, spawn, synth_dataset, user_env, write_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: the code measured as "today's loader": main before issue 19 part 3
BASELINE = "d677f67add207aae5766e8bedc42e4f5b3418a96"
#: the CLI of another source tree: its folder first on sys.path, ahead of this checkout's editable install
_CLI_FROM = "import sys; sys.path.insert(0, sys.argv.pop(1)); from crimegraph.cli import main; sys.argv[0] = 'crimegraph'; sys.exit(main())"
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


def baseline_tree(commit: str = BASELINE, log=print) -> Path:
    """An importable copy of ``commit``'s code (made once): ``crimegraph`` and its subpackages
    laid out as that commit's ``pyproject.toml`` maps them (``crimegraph.schema`` = ``schema/`` …)."""
    import io
    import shutil
    import subprocess
    import tarfile
    import tomllib

    from common import data_dir

    out = data_dir() / f"baseline-{commit[:12]}"
    if (out / ".complete").exists():
        return out
    log(f"extracting the baseline code ({commit[:12]}) -> {out}")
    shutil.rmtree(out, ignore_errors=True)
    src = out / "src"
    src.mkdir(parents=True)
    blob = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(src, filter="data")
    dirs = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    pkg = out / "pkg"
    for name, folder in sorted(dirs.items()):
        target = pkg.joinpath(*name.split("."))
        if not target.exists():
            shutil.copytree(src / folder, target, ignore=shutil.ignore_patterns("tests"))
    (out / ".complete").write_text(commit + "\n")
    return out


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


def run_child(argv: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak MiB of one process (:func:`common.spawn`).

    The CPU time is the steadier figure on a shared machine: other processes stretch
    the wall-clock time of a single-threaded run much more than the CPU time it used.
    """
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as err:
        run = spawn(argv, env, ROOT, stdout=subprocess.DEVNULL, stderr=err)
        if run.code != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed: {err.read().decode('utf-8', 'replace')[-800:]}")
    return run.wall, run.cpu, run.peak


def measure(big: Path, env: dict, log=print) -> list[dict]:
    """Rows ``{"run", "seconds", "cpu_seconds", "peak_mib", "load", "vs_baseline", "vs_json",
    "cpu_vs_baseline", "cpu_vs_json"}`` for the YAML folder ``big`` (ratios: of the wall
    time, and of the CPU time, to the baseline's and to json.loads', in this run)."""
    env = {**env, "CRIMEGRAPH_NO_CACHE": "1"}
    twin = jsonl_twin(big, log)
    old = baseline_tree(log=log) / "pkg"
    runs = [
        (f"yaml (baseline, {BASELINE[:7]}): crimegraph --no-cache validate",
         [sys.executable, "-c", _CLI_FROM, str(old), "--no-cache", "validate", "--seeds", str(big)]),
        ("yaml (this code): crimegraph --no-cache validate", [str(EXE), "--no-cache", "validate", "--seeds", str(big)]),
        ("jsonl (fast path): crimegraph --no-cache validate", [str(EXE), "--no-cache", "validate", "--seeds", str(twin)]),
        ("json.loads of the same records", [sys.executable, "-c", _JSON_ONLY, str(twin)]),
    ]
    rows = []
    for name, argv in runs:
        load = load_average()
        seconds, cpu, peak = run_child(argv, env)
        rows.append({"run": name, "seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak, "load": load})
        log(f"  {name}: {seconds:.2f} s ({cpu:.2f} s CPU), {peak:.0f} MiB (load {load})")
    for key, prefix in (("seconds", ""), ("cpu_seconds", "cpu_")):
        base, floor = rows[0][key], rows[-1][key]
        for r in rows:
            r[prefix + "vs_baseline"] = r[key] / base
            r[prefix + "vs_json"] = r[key] / floor
    return rows


def table(rows: list[dict]) -> str:
    out = ["| run | wall s | CPU s | peak MiB | wall × baseline | CPU × baseline | wall × json.loads "
           "| CPU × json.loads | load average |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r['run']} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {r['peak_mib']:.0f} "
                   f"| {r['vs_baseline']:.3f} | {r['cpu_vs_baseline']:.3f} | {r['vs_json']:.2f} "
                   f"| {r['cpu_vs_json']:.2f} | {r['load']} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", action="append", default=None, metavar="ENTITIESxRELATIONS",
                    help="dataset sizes to measure (repeatable; default 20000x100000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS / "scale_cold.md")
    args = ap.parse_args()
    sections = [f"# Cold validate: YAML loader vs JSON Lines fast path vs json.loads\n\n"
                f"`python benchmarks/scale_cold.py` ({datetime.now():%Y-%m-%d %H:%M}); machine: {machine()}.\n"
                "Each run is its own process (start included); CPU = user + system time of that process "
                "(`os.wait4`, `common.spawn`), steadier than wall time on this shared machine; ratios are to the baseline "
                "and to `json.loads` of the same records, measured in the same run.\n"]
    for size in args.size or ["20000x100000"]:
        entities, relations = (int(x) for x in size.lower().split("x"))
        big = synth_dataset(entities, relations, args.seed)
        rows = measure(big, user_env())
        fast = rows[2]
        summary = (f"fast path {1 / fast['vs_baseline']:.1f}x faster than the baseline in wall time "
                   f"({1 / fast['cpu_vs_baseline']:.1f}x in CPU time); {fast['vs_json']:.1f}x the time of "
                   f"json.loads ({fast['cpu_vs_json']:.1f}x in CPU time)")
        print(table(rows), "\n" + summary)
        sections.append(f"## {entities:,} entities, {relations:,} relations\n\n{table(rows)}\n\n{summary}.\n")
    write_markdown(args.out, "\n".join(sections))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
