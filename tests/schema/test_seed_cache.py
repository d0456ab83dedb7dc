"""Validate once (crimegraph.schema.cache): the compiled form of a validated seed folder is
reused until a seed file changes, and never served stale, corrupt or in place of an error.

End to end through the real ``crimegraph`` command (each run its own process, as a user
runs it), with the cache in a folder of the test's own (``CRIMEGRAPH_CACHE_DIR``).
"""

from __future__ import annotations

import json

import pytest

from tests.paths import PERU

ZWSP = "\u200b"


def _entries(env) -> list:
    from pathlib import Path

    folder = Path(env["CRIMEGRAPH_CACHE_DIR"])
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def _stats(cli, seeds, env, *extra):
    proc = cli(*extra, "stats", "--seeds", seeds, "--format", "json", env=env, check_rc=0)
    return json.loads(proc.stdout), proc.stderr


def test_first_command_writes_the_cache_and_the_second_reads_it(cli, seeds, env):
    cold, _ = _stats(cli, seeds, env)
    [entry] = _entries(env)
    written = entry.stat().st_mtime_ns
    warm, _ = _stats(cli, seeds, env)
    assert warm == cold and cold["entities"] == 5
    assert entry.stat().st_mtime_ns == written  # read, not rewritten


def test_edited_seed_file_is_seen_by_the_next_command(cli, seeds, env):
    before, _ = _stats(cli, seeds, env)
    f = seeds / "data.yaml"
    f.write_text(f.read_text().replace("type: gang", "type: transnational_criminal_organization"))
    after, _ = _stats(cli, seeds, env)
    assert before["by_type"].get("gang") == 1
    assert "gang" not in after["by_type"] and after["by_type"]["transnational_criminal_organization"] == 1
    # the name too: show answers from the edited file
    f.write_text(f.read_text().replace("name: Banda Beta", "name: Banda Gamma"))
    shown = json.loads(cli("show", "group-b", "--seeds", seeds, "-f", "json", env=env, check_rc=0).stdout)
    assert shown["entity"]["name"] == "Banda Gamma"


def test_added_and_removed_seed_files_are_seen(cli, seeds, env):
    base, _ = _stats(cli, seeds, env)
    extra = seeds / "more.yaml"
    extra.write_text("entities:\n  - id: group-c\n    type: gang\n    name: Banda Ce\n"
                     "    citations: [{source: src-a}]\n")
    added, _ = _stats(cli, seeds, env)
    assert added["entities"] == base["entities"] + 1
    extra.unlink()
    removed, _ = _stats(cli, seeds, env)
    assert removed == base
    assert len(_entries(env)) == 1  # one entry per seed folder, replaced as it changes


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty", "other-format"])
def test_corrupt_cache_file_is_ignored_and_rebuilt(cli, seeds, env, damage):
    cold, _ = _stats(cli, seeds, env)
    [entry] = _entries(env)
    raw = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        entry.write_bytes(b"not a cache at all" * 10)
    elif damage == "flip":
        mid = len(raw) // 2
        entry.write_bytes(raw[:mid] + bytes(b ^ 0xFF for b in raw[mid:mid + 10]) + raw[mid + 10:])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # the right header and hash, a payload this version cannot read
        from crimegraph.schema import cache

        head = len(cache.MAGIC)
        payload = b"\x80\x05not a pickle."
        entry.write_bytes(raw[:head + 32] + payload + cache.DIGEST(payload).digest())
    warm, err = _stats(cli, seeds, env)
    assert warm == cold
    assert "error" not in err
    # counts and point reads come from the indexed form (crimegraph.graph.indexed); a damage the
    # header does not show is found, and the pickle rebuilt, by the first command that needs
    # the whole graph (a search)
    cli("query", "search", "Banda", "--seeds", seeds, env=env, check_rc=0)
    from crimegraph.schema import cache

    head = len(cache.MAGIC)
    rebuilt = entry.read_bytes()  # rebuilt, whole: same key, a payload that reads back
    assert rebuilt[:head + 32] == raw[:head + 32]
    read = cache.load(entry, rebuilt[head:head + 32])
    assert read is not None and len(read.dataset.entities) == cold["entities"]


def test_version_is_part_of_the_key(seeds, monkeypatch, tmp_path):
    monkeypatch.setenv("CRIMEGRAPH_CACHE_DIR", str(tmp_path / "c"))
    from crimegraph.schema import cache
    from crimegraph.schema.loader import seed_files

    files = seed_files(seeds)
    key = cache.content_key(files, [])
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cache.content_key(files, []) != key
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT - 1)
    import crimegraph

    monkeypatch.setattr(crimegraph, "__version__", "0.0.0-other")
    assert cache.content_key(files, []) != key
    monkeypatch.undo()
    assert cache.content_key(files, []) == key
    # a changed file of the schema's code, at the same version number, is another key
    from pathlib import Path

    real = Path.read_bytes

    def edited(self):
        data = real(self)
        return data + b"\n# edited" if self.name == "models.py" and self.parent.name == "schema" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert cache.content_key(files, []) != key


def test_invalid_seed_gives_the_same_located_error_with_a_cache_present(cli, seeds, env):
    _stats(cli, seeds, env)
    assert _entries(env)
    f = seeds / "data.yaml"
    f.write_text(f.read_text().replace("confidence: C3", "confidence: Z9"))
    warm = cli("stats", "--seeds", seeds, env=env)
    cold = cli("--no-cache", "stats", "--seeds", seeds, env=env)
    assert warm.returncode == cold.returncode != 0
    assert warm.stderr == cold.stderr
    line = next(n for n, t in enumerate(f.read_text().splitlines(), 1) if "Z9" in t)
    assert f"data.yaml:{line}:" in warm.stderr and "Traceback" not in warm.stderr
    again = cli("validate", "--seeds", seeds, env=env)
    assert again.returncode != 0 and f"data.yaml:{line}:" in again.stderr


def test_warnings_are_given_on_a_warm_run_as_on_a_cold_one(cli, seeds, env):
    f = seeds / "data.yaml"
    f.write_text(f.read_text().replace("name: Banda Beta", f"name: Banda{ZWSP} Beta"))
    cold = cli("stats", "--seeds", seeds, "-f", "json", env=env, check_rc=0)
    warm = cli("stats", "--seeds", seeds, "-f", "json", env=env, check_rc=0)
    assert "warning:" in cold.stderr and "data.yaml:" in cold.stderr
    assert warm.stderr == cold.stderr and warm.stdout == cold.stdout
    v_cold = cli("validate", "--seeds", seeds, "-f", "json", env=env, check_rc=0).stdout
    assert json.loads(v_cold)["warnings"]


def test_warm_and_cold_answers_are_identical_on_the_peru_data(cli, env):
    args = [("stats", "--format", "json"), ("show", "shining-path", "--format", "json")]
    for a in args:
        cold = cli("--no-cache", *a, "--seeds", PERU, env=env, check_rc=0)
        first = cli(*a, "--seeds", PERU, env=env, check_rc=0)  # writes the cache (or reads it)
        warm = cli(*a, "--seeds", PERU, env=env, check_rc=0)
        assert cold.stdout == first.stdout == warm.stdout
        assert cold.stderr == warm.stderr
    assert len(_entries(env)) == 1


def test_no_cache_neither_reads_nor_writes(cli, seeds, env):
    _stats(cli, seeds, env, "--no-cache")
    assert _entries(env) == []
    cli("stats", "--seeds", seeds, env={**env, "CRIMEGRAPH_NO_CACHE": "1"}, check_rc=0)
    assert _entries(env) == []


def test_cache_info_and_clear(cli, seeds, env):
    _stats(cli, seeds, env)
    info = json.loads(cli("cache", "info", "-f", "json", env=env, check_rc=0).stdout)
    assert info["entries"] == 1 and info["bytes"] > 0 and info["folder"] == env["CRIMEGRAPH_CACHE_DIR"]
    out = cli("cache", "clear", env=env, check_rc=0).stdout
    assert "removed 1" in out and _entries(env) == []
    assert json.loads(cli("cache", "info", "-f", "json", env=env, check_rc=0).stdout)["entries"] == 0


def test_xdg_cache_home_is_respected(cli, seeds, tmp_path):
    xdg = tmp_path / "xdg"
    proc = cli("stats", "--seeds", seeds, env={"XDG_CACHE_HOME": str(xdg)}, check_rc=0)
    assert proc.stdout
    # the fixture's CRIMEGRAPH_CACHE_DIR wins over XDG: run without it
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "crimegraph"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIMEGRAPH_")}
    env["XDG_CACHE_HOME"] = str(xdg)
    subprocess.run([str(exe), "stats", "--seeds", str(seeds)], env=env, check=True, capture_output=True)
    assert list((xdg / "crimegraph").glob("*.pickle"))


def test_a_cache_file_others_could_write_is_never_read(cli, seeds, env):
    """A pickle runs code when read: a cache file that is group- or world-writable (someone
    else could have replaced it) is ignored and rewritten as the user's own, mode 0600."""
    import os

    from crimegraph.schema import cache as seed_cache

    _stats(cli, seeds, env)
    [entry] = _entries(env)
    assert entry.stat().st_mode & 0o777 == 0o600
    key = entry.read_bytes()[len(seed_cache.MAGIC):len(seed_cache.MAGIC) + 32]
    assert seed_cache.load(entry, key) is not None  # the user's own file is read
    for mode in (0o666, 0o620, 0o602):
        os.chmod(entry, mode)
        assert seed_cache.load(entry, key) is None, oct(mode)  # the very same bytes are not
    written = entry.stat().st_mtime_ns
    stats, _ = _stats(cli, seeds, env)
    assert stats["entities"] == 5
    assert entry.stat().st_mtime_ns != written and entry.stat().st_mode & 0o777 == 0o600
