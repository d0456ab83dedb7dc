"""Every writer: one clear error for a path it cannot write, no folder the user did not ask for,
exactly the path given, and nothing that looks whole after an interrupt (issue 13, items 7 and 8).

All through the real ``crimegraph`` command (a subprocess): exit status, one ``error:`` line,
no traceback, no "internal error"; the interrupts are real SIGINT/SIGTERM signals sent while
the files are being written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import DATA, ROOT

MINI = DATA / "mini"


def _ttl(tmp):
    rdf = tmp / "in.ttl"
    if not rdf.exists():
        from crimegraph.exports import exporter
        from crimegraph.cli.export import load_formats
        from crimegraph.schema.loader import load_dataset

        load_formats()
        with open(rdf, "wb") as fh:
            exporter("turtle").load()(load_dataset(MINI), fh, {})
    return rdf


#: every command that writes a file: (name, argv builder given the target path)
FILE_WRITERS = {
    "export turtle": lambda out, tmp: ["export", "-f", "turtle", "--seeds", MINI, "-o", out],
    "export gexf": lambda out, tmp: ["export", "-f", "gexf", "--seeds", MINI, "-o", out],
    "map": lambda out, tmp: ["map", "--seeds", MINI, "-o", out],
    "schema json-schema": lambda out, tmp: ["schema", "json-schema", "-o", out],
    "schema owl": lambda out, tmp: ["schema", "owl", "-o", out],
    "schema shacl": lambda out, tmp: ["schema", "shacl", "-o", out],
    "schema context": lambda out, tmp: ["schema", "context", "-o", out],
}
#: every command that writes a folder
FOLDER_WRITERS = {
    "export csv": lambda out, tmp: ["export", "-f", "csv", "--seeds", MINI, "-o", out],
    "export neo4j-csv": lambda out, tmp: ["export", "-f", "neo4j-csv", "--seeds", MINI, "-o", out],
    "import rdf": lambda out, tmp: ["import", "rdf", _ttl(tmp), "--out", out],
    "import csv": lambda out, tmp: ["import", "csv", DATA / "csv" / "good-relations.csv", "--out", out,
                                    "--seeds", MINI],
    "synth": lambda out, tmp: ["synth", "-n", "60", "-m", "120", "-o", out],
}
WRITERS = {**FILE_WRITERS, **FOLDER_WRITERS}


def one_error(proc, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr)
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_an_unwritable_place_is_one_clear_error(cli, tmp_path, name):
    out = Path("/proc/crimegraph-test-output")
    one_error(cli(*WRITERS[name](out, tmp_path)), str(out), "cannot write in /proc")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_no_parent_folder_is_made_unless_asked(cli, tmp_path, name):
    out = tmp_path / "no" / "such" / "out"
    one_error(cli(*WRITERS[name](out, tmp_path)), "does not exist", "--mkdir")
    assert not (tmp_path / "no").exists()
    proc = cli(*WRITERS[name](out, tmp_path), "--mkdir")
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() if name in FILE_WRITERS else out.is_dir()
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # nothing beside it: no temporary left


def test_a_parent_that_is_a_file_is_named(cli, tmp_path):
    (tmp_path / "f").write_text("x")
    one_error(cli("export", "-f", "nt", "--seeds", MINI, "-o", tmp_path / "f" / "x.nt", "--mkdir"),
              "is a file, not a folder")


@pytest.mark.parametrize("name", sorted(FILE_WRITERS))
def test_a_folder_given_for_a_file_is_an_error(cli, tmp_path, name):
    one_error(cli(*FILE_WRITERS[name](tmp_path, tmp_path)), "is a folder")
    assert list(tmp_path.iterdir()) == [] or name == "import rdf"


@pytest.mark.parametrize("name", sorted(FOLDER_WRITERS))
def test_a_file_given_for_a_folder_is_an_error(cli, tmp_path, name):
    target = tmp_path / "hostname"
    target.write_text("keep")
    one_error(cli(*FOLDER_WRITERS[name](target, tmp_path)), "is a file")
    assert target.read_text() == "keep"
    one_error(cli(*FOLDER_WRITERS[name](Path("/etc/hostname"), tmp_path)), "is a file")


def test_map_writes_exactly_the_path_given(cli, tmp_path):
    proc = cli("map", "--seeds", MINI, "-o", tmp_path / "m.txt")
    assert proc.returncode == 0 and proc.stdout.strip() == str(tmp_path / "m.txt")
    assert [p.name for p in tmp_path.iterdir()] == ["m.txt"]
    assert (tmp_path / "m.txt").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", sorted(FOLDER_WRITERS))
def test_a_non_empty_folder_needs_force_and_force_keeps_other_files(cli, tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    one_error(cli(*FOLDER_WRITERS[name](out, tmp_path)), "not empty", "--force")
    proc = cli(*FOLDER_WRITERS[name](out, tmp_path), "--force")
    assert proc.returncode == 0, proc.stderr
    assert (out / "notes.txt").read_text() == "keep me" and len(list(out.iterdir())) > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == (["in.ttl", "out"] if name == "import rdf" else ["out"])


def test_overwriting_a_file_keeps_its_mode(cli, tmp_path):
    out = tmp_path / "x.nt"
    out.write_text("old")
    out.chmod(0o640)
    cli("export", "-f", "nt", "--seeds", MINI, "-o", out, check_rc=0)
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_text() != "old"


def test_a_write_to_dev_null_still_works(cli):
    cli("export", "-f", "nt", "--seeds", MINI, "-o", "/dev/null", check_rc=0)


# ---------------------------------------------------------------- interrupts (item 8)
@pytest.fixture(scope="module")
def big_seeds(tmp_path_factory):
    from crimegraph.synth import write_synthetic

    out = tmp_path_factory.mktemp("big") / "seeds"
    write_synthetic(out, entities=6000, relations=40000, seed=5)
    return out


def _cli() -> str:
    exe = Path(sys.executable).parent / "crimegraph"
    return str(exe) if exe.exists() else "crimegraph"


def _interrupt_while_writing(args: list, parent: Path, ready, sig=signal.SIGINT, timeout: float = 300):
    """Run the command; as soon as ``ready(temporary folder or file)`` holds, send ``sig``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
    proc = subprocess.Popen([_cli(), *map(str, args)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    sent = False
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            temps = [p for p in parent.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
            if temps and ready(temps[0]):
                proc.send_signal(sig)
                sent = True
                break
            time.sleep(0.005)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sent, f"the command finished before it could be interrupted: {err[-500:]}"
    return proc.returncode, err


def _nothing_left(parent: Path, target: Path) -> None:
    assert not target.exists(), sorted(p.name for p in target.rglob("*"))
    leftovers = [p.name for p in parent.iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers


def test_sigint_during_synth_leaves_nothing(tmp_path):
    out = tmp_path / "big"
    code, err = _interrupt_while_writing(
        ["synth", "-n", "20000", "-m", "150000", "--chunk", "10000", "-o", out], tmp_path,
        lambda t: (t / "relations").is_dir() and len(list((t / "relations").iterdir())) >= 2)
    assert code == 130 and "Traceback" not in err
    _nothing_left(tmp_path, out)


def test_sigterm_during_synth_leaves_nothing(tmp_path):
    out = tmp_path / "big"
    code, err = _interrupt_while_writing(
        ["synth", "-n", "20000", "-m", "150000", "--chunk", "10000", "-o", out], tmp_path,
        lambda t: (t / "entities").is_dir(), sig=signal.SIGTERM)
    assert code == 130 and "Traceback" not in err
    _nothing_left(tmp_path, out)


@pytest.mark.parametrize("fmt, partial", [("csv", "edges.csv"), ("neo4j-csv", "relations.csv")])
def test_sigint_during_a_folder_export_leaves_nothing(tmp_path, big_seeds, fmt, partial):
    out = tmp_path / "out"
    code, err = _interrupt_while_writing(["export", "-f", fmt, "--seeds", big_seeds, "-o", out], tmp_path,
                                         lambda t: (t / partial).exists())
    assert code == 130 and "Traceback" not in err, err
    _nothing_left(tmp_path, out)


def test_sigint_during_a_file_export_keeps_the_old_file(tmp_path, big_seeds):
    out = tmp_path / "big.nt"
    out.write_text("the previous export\n")
    code, err = _interrupt_while_writing(["export", "-f", "nt", "--seeds", big_seeds, "-o", out], tmp_path,
                                         lambda t: t.stat().st_size > 100_000)
    assert code == 130 and "Traceback" not in err
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["big.nt"]
