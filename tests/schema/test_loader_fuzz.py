"""Property-based fuzzing of the seed loader (hypothesis): whatever the bytes, a located answer.

Valid seed files are mutated at random (bytes inserted, deleted, repeated;
keys and values replaced by hostile ones; the text nested deeply; the file
re-encoded) and read with :func:`read_seeds`. The properties (issue 13):

* no exception escapes: every failure is a :class:`~crimegraph.errors.Issue`,
  never an internal error or a traceback;
* every issue is located: a file of the folder, a line and a column inside it;
* reading writes nothing: the folder is byte for byte what it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crimegraph.schema.loader import read_seeds  # noqa: E402
from tests.paths import DATA, PERU  # noqa: E402

SEEDS = [
    (DATA / "mini" / "data.yaml").read_bytes(),
    (PERU / "sources.yaml").read_bytes()[:4000],
    (PERU / "relations" / "alliances.yaml").read_bytes()[:4000],
    (PERU / "actors.yaml").read_bytes()[:4000],
]
KEYS = [b"id", b"type", b"name", b"aliases", b"entities", b"relations", b"sources", b"dataset",
        b"since", b"until", b"date", b"figures", b"kilograms", b"deaths", b"coordinates", b"lat",
        b"citations", b"source", b"quote", b"confidence", b"<<", b"? x", b"1", b"~", b"[a, b]"]
VALUES = [b"2023-02-30", b"2021-02-29", b"2001-01-01T25:00:00", b".inf", b"-.nan", b"1e38", b"1e400",
          b"99999999999999999999999", b"!!int abc", b"!!bool maybe", b"!!timestamp x", b"!!binary =",
          b"!!python/object:os.system x", b"!!set {a}", b"!!omap [a]", b'"\\u200b"', b'"\\ufeffTren"',
          b"&a [x]", b"*a", b"*nothere", b"{", b"[", b"'", b'"', b"|", b">", b"- ", b": ", b"",
          b"\x00", b"\xff\xfe", b"\xc3", b"\x07", b"\r", b"\t", b"%TAG ! x", b"--- ", b"...",
          b"\xe2\x80\xae", b"\xef\xbb\xbf"]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "repeat", "key", "value", "byte", "nest"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif op == "byte":
            data[at:at] = draw(st.sampled_from(VALUES))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "repeat":
            src = draw(st.integers(0, len(data)))
            data[at:at] = data[src:src + draw(st.integers(1, 200))]
        elif op == "key":
            line = data.rfind(b"\n", 0, at) + 1
            indent = len(data[line:]) - len(data[line:].lstrip(b" -"))
            data[line + indent:line + indent] = draw(st.sampled_from(KEYS)) + b": "
        elif op == "value":
            colon = data.find(b": ", at)
            if colon >= 0:
                end = data.find(b"\n", colon)
                end = len(data) if end < 0 else end
                data[colon + 2:end] = draw(st.sampled_from(VALUES))
        elif op == "nest":
            depth = draw(st.sampled_from([10, 70, 500, 3000]))
            opener = draw(st.sampled_from([b"{a: ", b"[", b"- "]))
            closer = {b"{a: ": b"}", b"[": b"]", b"- ": b""}[opener]
            data[at:at] = opener * depth + b"1" + closer * depth
    if draw(st.integers(0, 9)) == 0:
        text = bytes(data).decode("utf-8", "replace")
        data = bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), "replace"))
    return bytes(data)


def _snapshot(root: Path) -> dict:
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            out[str(p.relative_to(root))] = p.read_bytes() if p.is_file() else None
    return out


@settings(max_examples=250, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(main=mutated(), other=st.sampled_from(SEEDS))
def test_any_mutation_gives_located_issues_and_writes_nothing(main, other):
    with tempfile.TemporaryDirectory(prefix="crimegraph-fuzz-") as tmp:
        root = Path(tmp)
        (root / "a.yaml").write_bytes(main)
        (root / "b.yaml").write_bytes(other)
        before = _snapshot(root)
        read = read_seeds(root)  # no exception may escape
        dataset, issues = read
        assert (dataset is None) == bool(issues)
        lines = {name: max(1, (root / name).read_bytes().count(b"\n") + 1) for name in ("a.yaml", "b.yaml")}
        for issue in [*issues, *read.warnings]:
            name = Path(issue.path).name
            assert name in lines, issue
            assert 1 <= issue.line <= lines[name] + 1, issue
            assert issue.col >= 1, issue
            assert issue.message and "Traceback" not in issue.message, issue
            assert "internal error" not in issue.message.lower(), issue
        assert _snapshot(root) == before


def test_the_seeds_themselves_are_valid():
    """The corpus the mutations start from (cut at 4,000 bytes) parses; most of it validates."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "mini.yaml").write_bytes(SEEDS[0])
        dataset, issues = read_seeds(tmp)
    assert not issues and dataset.entities
