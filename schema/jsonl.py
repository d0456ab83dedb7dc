"""JSON Lines seed files (``*.jsonl``): the fast cold path for large imported datasets.

Format: one JSON object per line, the item's fields as in a YAML seed file plus a
``kind`` naming its section::

    {"kind": "dataset", "id": "synth-100-300-s0", "title": "Synthetic dataset"}
    {"kind": "source", "id": "src-00001", "title": "A report", "date": 2019, "reliability": "B"}
    {"kind": "entity", "id": "shining-path", "type": "armed_group", "name": "Shining Path", "citations": [{"source": "src-00001"}]}
    {"kind": "relation", "type": "operates_in", "subject": "shining-path", "object": "ayacucho", "citations": [{"source": "src-00001"}]}
    {"kind": "resolution", "a": "x", "b": "y", "decision": "different"}

``kind`` is one of ``dataset``, ``source``, ``entity``, ``relation``, ``resolution``;
blank lines are allowed, nothing else (no comments). A seed folder may mix
``.yaml`` and ``.jsonl`` files: both are validated by the same models and the same
cross-checks (:func:`crimegraph.schema.loader.read_seeds`), and each error is at
``file:line:col`` — the line of the record, the column of the field's key (or of
the list item) inside it, found by :class:`LineLocator` only when an error or a
warning has to be placed.

Why it is fast (DESIGN): JSON has one meaning for each text (no implicit YAML
types, anchors or tags), so a line is read by the C ``json`` decoder and nothing
else; PyYAML builds each node in Python, about a hundred times slower. Duplicate
keys, which ``json.loads`` would silently drop like YAML does, are still found
without a Python hook per object: a line that ``json.dumps`` writes back
identically (the form ``crimegraph synth --format jsonl`` and :func:`dump_line`
write) cannot have repeated a key, since the dump of a dict names each key once;
only a line in another form is decoded again with a hook that notes every
repeated key, at its own column.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from json.decoder import scanstring
from typing import Any, Iterable, Optional

from ..errors import Issue

#: ``kind`` -> the section of a seed file it belongs to
KINDS = {"dataset": "dataset", "source": "sources", "entity": "entities", "relation": "relations",
         "resolution": "resolutions"}
SUFFIX = ".jsonl"
#: the forms a seed folder's files may take (``--seed-format`` of ``synth`` and ``import``)
SEED_FORMATS = ("yaml", "jsonl")
_WS = " \t\n\r"
_decoder = json.JSONDecoder()


def _iso(value: Any) -> str:
    """What JSON has no form for, as a YAML seed file reads it: a day (or time) in ISO form."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} {value!r} has no JSON form")


_encoder = json.JSONEncoder(ensure_ascii=False, default=_iso)  # what dump_line writes


def check_seed_format(seed_format: str) -> None:
    """A ValueError unless ``seed_format`` is one of :data:`SEED_FORMATS`."""
    if seed_format not in SEED_FORMATS:
        raise ValueError(f"unknown seed format {seed_format!r}: {' or '.join(SEED_FORMATS)}")


def dump_line(kind: str, item: dict) -> str:
    """One record of a JSON Lines seed file (no newline), in the form the fast path reads; days
    (``datetime.date``) are written as their ISO text."""
    return _encoder.encode({"kind": kind, **item})


class _Repeated(Exception):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Repeated()
    return out


class Parsed:
    """A JSON Lines file read into the mapping a YAML seed file would give, and where each item is.

    ``data`` maps each section to its list of items (``dataset`` to the header);
    ``lines[section][i]`` is the 1-based line of item ``i``; ``issues`` are the
    lines that could not be read (bad JSON, a repeated key, no or an unknown ``kind``).
    """

    def __init__(self, display: str, text: str):
        self.display = display
        self.data: dict[str, Any] = {}
        self.lines: dict[str, list[int]] = {}
        self.issues: list[Issue] = []
        self.extra_headers: list[int] = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip(_WS):
                continue
            item = self._decode(n, line)
            if item is None:
                continue
            kind = item.pop("kind", None)
            section = KINDS.get(kind) if isinstance(kind, str) else None
            if section is None:
                col = _key_column(line, "kind")
                what = (f"unknown kind {kind!r}" if "kind" in line[col - 1:col + 6] else "no 'kind'")
                self.issues.append(Issue(display, n, col, f"{what}: each line is one record whose 'kind' "
                                                          f"is one of: {', '.join(KINDS)}"))
                continue
            if section == "dataset":
                if "dataset" in self.data:
                    self.extra_headers.append(n)
                    continue
                self.data["dataset"] = item
                self.lines["dataset"] = [n]
                continue
            self.data.setdefault(section, []).append(item)
            self.lines.setdefault(section, []).append(n)
        # kept compressed, only to point at errors (as the YAML reader keeps its text)
        self._packed = zlib.compress(text.encode("utf-8"), 1)
        self._text_lines: Optional[list[str]] = None

    def _decode(self, n: int, line: str) -> Optional[dict]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            self.issues.append(Issue(self.display, n, exc.colno, f"JSON syntax error: {exc.msg}"))
            return None
        except RecursionError:
            self.issues.append(Issue(self.display, n, 1, "the record nests too deep"))
            return None
        if not isinstance(item, dict):
            self.issues.append(Issue(self.display, n, 1, "each line must be one JSON object (a record "
                                                         "with a 'kind')"))
            return None
        if _encoder.encode(item) != line.rstrip("\r"):  # not the canonical form: look for repeats
            try:
                json.loads(line, object_pairs_hook=_no_repeats)
            except _Repeated:
                self._repeated(n, line)
                return None
        return item

    def _repeated(self, n: int, line: str) -> None:
        key, first, again = _first_repeat(line) or ("?", 1, 1)
        self.issues.append(Issue(self.display, n, again,
                                 f"duplicate key {key!r}: it is already given at line {n}, column {first} "
                                 "of this mapping, and JSON would silently keep only the last; "
                                 "merge the two or remove one"))

    def text_line(self, n: int) -> str:
        if self._text_lines is None:
            self._text_lines = zlib.decompress(self._packed).decode("utf-8").split("\n")
        return self._text_lines[n - 1]


class LineLocator:
    """``line:col`` of ``[section, index, *field]`` in a JSON Lines file (``NodeLocator``'s role)."""

    def __init__(self, parsed: Parsed):
        self._parsed = parsed

    def locate(self, path: Iterable[Any]) -> tuple[int, int]:
        path = list(path)
        if not path:
            return 1, 1
        lines = self._parsed.lines.get(path[0])
        if not lines:
            return 1, 1
        if path[0] == "dataset":
            index, field = 0, path[1:]
        elif len(path) > 1 and isinstance(path[1], int) and 0 <= path[1] < len(lines):
            index, field = path[1], path[2:]
        else:
            return lines[0], 1
        n = lines[index]
        return n, _column(self._parsed.text_line(n), field)


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _column(line: str, path: list) -> int:
    """1-based column of the key (or list item) that ``path`` names inside one JSON record.

    Steps that name nothing (a pydantic union tag) are skipped, as :class:`NodeLocator` does.
    """
    i = _skip(line, 0)
    at = i
    try:
        for step in path:
            if line[i] == "{":
                j = _skip(line, i + 1)
                found = None
                while j < len(line) and line[j] == '"':
                    key, end = scanstring(line, j + 1)
                    v = _skip(line, _skip(line, end) + 1)  # past the ':'
                    if key == step or (isinstance(step, int) and key == str(step)):
                        found = (j, v)
                        break
                    _, end = _decoder.raw_decode(line, v)
                    j = _skip(line, end)
                    if j < len(line) and line[j] == ",":
                        j = _skip(line, j + 1)
                if found is None:
                    continue
                at, i = found
            elif line[i] == "[" and isinstance(step, int):
                j = _skip(line, i + 1)
                for _ in range(step):
                    _, end = _decoder.raw_decode(line, j)
                    j = _skip(line, _skip(line, end) + 1)
                if j >= len(line) or line[j] == "]":
                    break
                at = i = j
            else:
                continue
    except (ValueError, IndexError):  # pragma: no cover - the line was decoded before: it is JSON
        pass
    return at + 1


def _key_column(line: str, key: str) -> int:
    """Column of a top-level key of a record, or 1."""
    return _column(line, [key])


def _first_repeat(line: str) -> Optional[tuple[str, int, int]]:
    """The first key repeated in one object of a JSON line: (key, column of the first, of the repeat)."""
    stack: list[Optional[dict[str, int]]] = []  # per open object, its keys and their columns (None: a list)
    i = 0
    try:
        while i < len(line):
            c = line[i]
            if c == '"':
                text, end = scanstring(line, i + 1)
                after = _skip(line, end)
                if stack and stack[-1] is not None and line[after:after + 1] == ":":
                    keys = stack[-1]
                    if text in keys:
                        return text, keys[text], i + 1
                    keys[text] = i + 1
                i = end
                continue
            if c == "{":
                stack.append({})
            elif c == "[":
                stack.append(None)
            elif c in "}]" and stack:
                stack.pop()
            i += 1
    except ValueError:  # pragma: no cover - the line was decoded before: it is JSON
        pass
    return None
