"""Shared helpers for the benchmarks: cached synthetic datasets, timing, machine description.

Synthetic seed folders are generated once per (entities, relations, seed) under
``benchmarks/.data/`` (ignored by git: the folder carries its own ``.gitignore``)
and reused by every benchmark. A folder is used only once it is complete: the
generator writes a ``.complete`` marker last.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Optional

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
ROOT = HERE.parent
#: the ``crimegraph`` command of the interpreter running the benchmark
EXE = Path(sys.executable).parent / "crimegraph"


def data_dir() -> Path:
    DATA.mkdir(exist_ok=True)
    ignore = DATA / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# generated benchmark data: never commit\n*\n")
    return DATA


def synth_dataset(entities: int, relations: int, seed: int = 0, *, log=print) -> Path:
    """The seed folder of a synthetic dataset, generated on first use and cached."""
    from crimegraph.synth import write_synthetic

    out = data_dir() / f"synth-{entities}-{relations}-s{seed}"
    marker = out / ".complete"
    if marker.exists():
        return out
    log(f"generating synthetic data: {entities:,} entities, {relations:,} relations -> {out}")
    t = time.perf_counter()
    write_synthetic(out, entities=entities, relations=relations, seed=seed, force=True)
    marker.write_text(f"generated in {time.perf_counter() - t:.1f} s\n")
    log(f"  generated in {time.perf_counter() - t:.1f} s")
    return out


def cached_dataset(seeds: Path):
    """The validated dataset of a synthetic seed folder, through a pickle cache next to it
    (reading and validating 500,000 relations from YAML is not what the benchmarks measure).

    The cache is rebuilt when the seed folder is newer, or when it holds a dataset
    that the loader did not compact (pickled before :mod:`crimegraph.schema.compact`
    existed: it would take about twice the memory a loaded dataset takes).
    """
    import pickle

    cache = seeds.with_name(seeds.name + ".dataset.pickle")
    if cache.exists() and cache.stat().st_mtime >= (seeds / ".complete").stat().st_mtime:
        from crimegraph.schema.compact import no_gc, settle

        with open(cache, "rb") as f, no_gc():  # millions of new objects: no collection passes
            ds = pickle.load(f)
        if is_compact(ds):
            settle()  # as the loader leaves a dataset it read
            return ds
        del ds
    from crimegraph.schema.loader import load_dataset

    ds = load_dataset(seeds)
    tmp = cache.with_name(cache.name + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(ds, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    return ds


def is_compact(ds) -> bool:
    """Whether the dataset's models share their fields-sets, as the loader leaves them."""
    from crimegraph.schema.compact import SharedFieldsSet

    first = next(iter(ds.relations.values()), None)
    return first is None or type(first.__pydantic_fields_set__) is SharedFieldsSet


def seed_files(path: Path) -> list[Path]:
    from crimegraph.schema.loader import seed_files as files

    return files(path)


class Timing(float):
    """Wall-clock seconds (the float value), with the process CPU seconds as ``.cpu``.

    On a shared machine the CPU time is the steadier figure: other processes
    stretch wall-clock time, much less the CPU time this process used.
    """

    cpu: float

    def __new__(cls, wall: float, cpu: float):
        obj = super().__new__(cls, wall)
        obj.cpu = cpu
        return obj


def timed(fn: Callable[[], object]) -> tuple[Timing, object]:
    """Seconds taken by one call (wall, and CPU as ``.cpu``), and its result."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    result = fn()
    return Timing(time.perf_counter() - t, time.process_time() - c), result


def latencies(fn: Callable[[object], object], args: Iterable[object]) -> list[Timing]:
    """Seconds per call of ``fn(arg)`` for each argument."""
    out = []
    gc.collect()
    for a in args:
        t, c = time.perf_counter(), time.process_time()
        fn(a)
        out.append(Timing(time.perf_counter() - t, time.process_time() - c))
    return out


def summary(times: list[Timing]) -> dict[str, float]:
    """Median, 95th percentile and max of wall time, and the median CPU time, in milliseconds."""
    s = sorted(times)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    cpu = statistics.median(t.cpu for t in times) if times and hasattr(times[0], "cpu") else float("nan")
    return {"median_ms": statistics.median(s) * 1000, "p95_ms": p95 * 1000, "max_ms": s[-1] * 1000,
            "cpu_median_ms": cpu * 1000, "n": len(s)}


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as printed beside every figure ("1.2 / 0.8 / 0.6")."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        return "n/a"


#: the launcher every measured command goes through: a small interpreter that starts the
#: command, waits for it with ``os.wait4`` and writes back its wall time, CPU time and peak RSS.
#: On Linux a child's peak RSS counts the memory of the process it was forked from (the copy
#: it starts as is carried over ``exec``): measured straight from a benchmark holding 170 MiB,
#: every command "peaked" at 170 MiB. From this launcher (about 10 MiB) it is the command's own.
_LAUNCHER = """
import os, sys, time
fd, argv = int(sys.argv[1]), sys.argv[2:]
t = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
os.write(fd, f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss}".encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


class Run(NamedTuple):
    """What :func:`spawn` measured of one process."""
    code: int
    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak: float  # MiB, that process's maximum resident set
    stdout: Optional[bytes]  # with stdout=subprocess.PIPE


def spawn(argv: list, env: dict, cwd: Path | None = None, *, stdout=None, stderr=None) -> Run:
    """Run one command as a user runs it (start included), measured alone (:data:`_LAUNCHER`).
    ``stdout``/``stderr``: file objects or ``subprocess`` constants (default: inherited)."""
    import subprocess

    r, w = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", _LAUNCHER, str(w), *map(str, argv)],
                                env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, pass_fds=(w,))
        os.close(w)
        w = -1
        out = proc.communicate()[0] if stdout is subprocess.PIPE else None
        code = proc.wait()
        figures = os.read(r, 200).decode().split()
    finally:
        os.close(r)
        if w != -1:
            os.close(w)
    if len(figures) != 3:
        raise SystemExit(f"{' '.join(map(str, argv))}: could not be started ({code})")
    return Run(code, float(figures[0]), float(figures[1]), int(figures[2]) / 1024, out)


def run_process(argv: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak MiB (:func:`spawn`) and stdout of one process, as a user runs it (start
    included); a failure stops the benchmark."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as err:
        run = spawn(argv, env, cwd, stdout=subprocess.PIPE, stderr=err)
        if run.code != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-800:]
            raise SystemExit(f"{' '.join(map(str, argv))} failed ({run.code}): {tail}")
    return run.wall, run.peak, run.stdout.decode()


def user_env(**extra: str) -> dict:
    """The environment of a command run as a user runs it: this one without any ``CRIMEGRAPH_*``
    setting and without ``PYTHONDONTWRITEBYTECODE`` (a user's Python keeps its bytecode cache:
    without it every command would compile the project's modules again), plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CRIMEGRAPH_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict) -> tuple[float, float, str]:
    """:func:`run_process` of one ``crimegraph ARGS`` command, from the project's folder."""
    return run_process([str(EXE), *args], env, cwd=ROOT)


def machine() -> str:
    """One line describing where the numbers were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages * size / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; Python {sys.version.split()[0]}; "
            f"{platform.system()} {platform.release()}")


def write_markdown(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
