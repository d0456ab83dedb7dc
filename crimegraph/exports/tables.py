"""Spreadsheets: ``nodes.csv``, ``edges.csv`` and ``sources.csv`` out; a relations sheet in.

Export (``crimegraph export --format csv -o DIR``)
--------------------------------------------------
Three UTF-8 files (with a byte-order mark, so that Excel reads accents right;
option ``bom: false`` leaves it out), one row per item:

``nodes.csv``
    id, type, kind, type_label, name, aliases (``"; "``-joined), description,
    status, wikidata, external_ids (JSON), lat, lon (WGS 84), radius_km, bbox
    (``west,south,east,north``), extent_km (an area's extent: the radius its maps
    draw), date, founded, dissolved,
    born, died, captured (an actor's sourced lifetime), the derived time
    (below), derived (the derivation notes, JSON), sources (cited source ids),
    citations_json (the exact citations: source, quote, page).
``edges.csv``
    id, type, nature (of the relation type: cooperation, hierarchy, supply, adversarial,
    presence, economy, event, geography), label, subject, subject_name, object, object_name, symmetric,
    since, until, since_start, until_end (the first and last day the period
    covers), the derived time, confidence, confidence_score, sources, quotes,
    pages, notes, derived, citations_json.
the derived time (schema/timing.py), apart from validity
    first_reported, last_reported (the earliest and latest date of the citing
    sources, as written), time_basis (period, lifetime, event, reported,
    undated, timeless), shown_from, shown_until (the first and last day an
    as-of answer shows the item; shown_from empty: undated, never shown).
``sources.csv``
    id, title, publisher, date, url, reliability, notes.

Spreadsheet programs run cells that start with ``=``, ``+``, ``-`` or ``@`` as
formulas: free-text cells (names, descriptions, quotes, notes, titles) that
start so are written with a leading apostrophe, which the importer below takes
off again (option ``excel_safe: false`` writes them bare).

``edges.csv`` is itself a valid input of ``crimegraph import csv`` (the exact
citations travel in ``citations_json``; the display columns are ignored).

Import (``crimegraph import csv relations.csv``)
------------------------------------------------
See :data:`RELATIONS_CSV_HELP` (also the ``--help`` text of the command).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import ValidationError

from crimegraph.errors import DatasetInvalid, Issue, UsageError
from crimegraph.textfile import NotUTF8, decode_utf8
from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Citation, Relation, citations_json, default_relation_id
from crimegraph.schema.types import Confidence, PartialDate
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES

from ._common import (
    LIFETIME_COLUMNS,
    TIME_COLUMNS,
    entity_extra,
    flag,
    lifetime_values,
    out_dir,
    period_end,
    period_start,
    time_values,
)
from .help_text import RELATIONS_CSV_HELP  # noqa: F401  (the columns; shown by `crimegraph import --help`)

NODE_COLUMNS = ("id", "type", "kind", "type_label", "name", "aliases", "description", "status",
                "wikidata", "external_ids", "lat", "lon", "radius_km", "bbox", "extent_km", "date", *LIFETIME_COLUMNS, *TIME_COLUMNS,
                "derived", "sources", "citations_json")
EDGE_COLUMNS = ("id", "type", "nature", "label", "subject", "subject_name", "object", "object_name",
                "symmetric", "since", "until", "since_start", "until_end", *TIME_COLUMNS,
                "confidence", "confidence_score", "sources", "quotes", "pages", "notes", "derived",
                "citations_json")
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "reliability", "notes")
#: columns holding free text, guarded against formula injection
TEXT_COLUMNS = frozenset({"name", "aliases", "description", "subject_name", "object_name", "quotes",
                          "pages", "notes", "title", "publisher", "quote", "page"})

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def excel_guard(value: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula (reversible)."""
    return "'" + value if _FORMULA.match(value) else value


def excel_unguard(value: str) -> str:
    """Undo :func:`excel_guard`."""
    if value.startswith("'") and _FORMULA.match(value[1:]) and _FORMULA.match(value):
        return value[1:]
    return value


class _Sheet:
    """One CSV file written row by row."""

    def __init__(self, path: Path, columns: tuple[str, ...], bom: bool, guard: bool):
        self.fh = open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")
        self.columns = columns
        self.guard = guard
        self.writer = csv.writer(self.fh, lineterminator="\r\n")
        self.writer.writerow(columns)

    def row(self, values: dict[str, Any]) -> None:
        out = []
        for c in self.columns:
            v = values.get(c)
            if v is None:
                out.append("")
                continue
            if isinstance(v, bool):
                v = "true" if v else "false"
            v = str(v)
            if self.guard and c in TEXT_COLUMNS:
                v = excel_guard(v)
            out.append(v)
        self.writer.writerow(out)

    def close(self) -> None:
        self.fh.close()


def write_csv(dataset: Dataset, target, options: Optional[dict] = None) -> int:
    """Write ``nodes.csv``, ``edges.csv`` and ``sources.csv`` into the folder ``target``, streaming.

    Options: ``bom`` (default true), ``excel_safe`` (default true). Returns the rows written.
    """
    options = options or {}
    folder = out_dir(target)
    bom = flag(options, "bom", True)
    guard = flag(options, "excel_safe", True)
    names = dataset.entities
    sheet = _Sheet(folder / "nodes.csv", NODE_COLUMNS, bom, guard)
    try:
        for e in dataset.entities.values():
            extra = entity_extra(e)
            ext = {k: v for k, v in e.external_ids.items()}
            sheet.row({
                "id": e.id, "type": e.type, "kind": e.kind.value, "type_label": e.type_label,
                "name": e.name, "aliases": "; ".join(a.name for a in e.aliases) or None,
                "description": e.description, "status": e.status,
                "wikidata": ext.get("wikidata"),
                "external_ids": json.dumps(ext, ensure_ascii=False, sort_keys=True) if ext else None,
                "lat": extra.get("lat"), "lon": extra.get("lon"), "radius_km": extra.get("radius_km"),
                "bbox": extra.get("bbox"), "extent_km": extra.get("extent_km"), "date": extra.get("date"),
                **lifetime_values(e), **time_values(e),
                "derived": json.dumps(e.derived, ensure_ascii=False, sort_keys=True) if e.derived else None,
                "sources": "; ".join(dict.fromkeys(c.source for c in e.citations)),
                "citations_json": citations_json(e.citations),
            })
    finally:
        sheet.close()
    sheet = _Sheet(folder / "edges.csv", EDGE_COLUMNS, bom, guard)
    try:
        for r in dataset.relations.values():
            decl = RELATION_TYPES[r.type]
            quotes = [f"[{c.source}] {c.quote}" for c in r.citations if c.quote]
            pages = [f"[{c.source}] p. {c.page}" for c in r.citations if c.page]
            sheet.row({
                "id": r.id, "type": r.type, "nature": decl.nature, "label": decl.label,
                "subject": r.subject, "subject_name": names[r.subject].name,
                "object": r.object, "object_name": names[r.object].name,
                "symmetric": decl.symmetric,
                "since": r.since.value if r.since else None, "until": r.until.value if r.until else None,
                "since_start": period_start(r), "until_end": period_end(r), **time_values(r),
                "confidence": r.confidence.code, "confidence_score": r.confidence.score,
                "sources": "; ".join(dict.fromkeys(c.source for c in r.citations)),
                "quotes": "\n".join(quotes) or None, "pages": "; ".join(pages) or None,
                "notes": r.notes,
                "derived": json.dumps(r.derived, ensure_ascii=False, sort_keys=True) if r.derived else None,
                "citations_json": citations_json(r.citations),
            })
    finally:
        sheet.close()
    sheet = _Sheet(folder / "sources.csv", SOURCE_COLUMNS, bom, guard)
    try:
        for s in dataset.sources.values():
            sheet.row({"id": s.id, "title": s.title, "publisher": s.publisher,
                       "date": s.date.value if s.date else None, "url": s.url,
                       "reliability": s.reliability, "notes": s.notes})
    finally:
        sheet.close()
    return len(dataset.entities) + len(dataset.relations) + len(dataset.sources)


# ================================================================ import

REQUIRED_COLUMNS = ("type", "subject", "object")
OPTIONAL_COLUMNS = ("since", "until", "confidence", "source", "quote", "page", "notes", "id",
                    "citations_json", "sources", "derived")
#: columns of our own edges.csv that are derived, accepted and ignored
DERIVED_COLUMNS = ("label", "nature", "subject_name", "object_name", "symmetric", "since_start", "until_end",
                   "confidence_score", "quotes", "pages", "period", "since_precision",
                   "until_precision", *TIME_COLUMNS)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + DERIVED_COLUMNS

_TYPE_NAMES: dict[str, str] = {}
for _name, _rt in RELATION_TYPES.items():
    for _k in (_name, _rt.label, _rt.slug):
        _TYPE_NAMES[_k.lower()] = _name
_REL_ID = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


@dataclass(frozen=True, order=True)
class RowIssue(Issue):
    """A problem in one row of a CSV file: ``relations.csv:7: column subject: …``.

    ``line`` is the physical line where the row starts (the header is line 1);
    ``col`` is the column's position (1-based), for tools.
    """

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ImportInvalid(DatasetInvalid):
    """The file to import has errors; nothing was written."""

    def __init__(self, issues: list[Issue], what: str = "nothing was written"):
        self.issues = list(issues)
        n = len(self.issues)
        head = "\n".join(str(i) for i in self.issues)
        Exception.__init__(self, f"{head}\n{n} error{'s' if n != 1 else ''}; {what}")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _hint(word: str, candidates: Iterable[str]) -> str:
    m = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(x) for x in m)}?)" if m else ""


def _spreadsheet_date(raw: str) -> str:
    """Undo what spreadsheets do to dates: ``1999.0``, ``2001-03-01 00:00:00``."""
    v = raw.strip()
    v = re.sub(r"[ T]00:00(:00(\.0+)?)?$", "", v)
    if re.fullmatch(r"\d{4}\.0+", v):
        v = v.split(".")[0]
    return v


class _Rows:
    """Reads the CSV text, remembering the physical line where each row starts."""

    def __init__(self, path: Path, display: str, delimiter: Optional[str]):
        self.path = path
        self.display = display
        data = path.read_bytes()
        try:
            self.text = decode_utf8(data, hint="save the sheet as 'CSV UTF-8'")
        except NotUTF8 as exc:
            raise ImportInvalid([RowIssue(display, exc.line, exc.col, exc.message)]) from None
        first = self.text.split("\n", 1)[0]
        if delimiter is None:
            delimiter = ","
            if "," not in first:
                if ";" in first:
                    delimiter = ";"
                elif "\t" in first:
                    delimiter = "\t"
        self.delimiter = delimiter

    def __iter__(self):
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        last = 0
        try:
            for row in reader:
                start = last + 1
                last = reader.line_num
                yield start, row
        except csv.Error as exc:
            raise ImportInvalid([RowIssue(self.display, last + 1, 1, f"CSV syntax error: {exc}")]) from None


class _RelationsImport:
    def __init__(self, path: Path, options: dict):
        self.path = path
        self.display = _display(path)
        self.options = options
        self.issues: list[RowIssue] = []
        self.notes: list[str] = []
        self.dataset = self._seeds(options.get("seeds"))
        self.default_confidence = self._option_confidence(options.get("confidence"))
        self.default_source = options.get("source")
        if self.default_source and self.default_source not in self.dataset.sources:
            raise UsageError(f"option source (-O source=ID): {self.default_source!r} is not a source of the seeds"
                             + _hint(self.default_source, self.dataset.sources))
        self.by_name: dict[str, set[str]] = {}
        for e in self.dataset.entities.values():
            for n in e.names:
                self.by_name.setdefault(n.casefold(), set()).add(e.id)
        # what already exists, to check new relations against
        self.rel_ids: dict[str, str] = {rid: "the seeds" for rid in self.dataset.relations}
        self.symmetric: dict[tuple, str] = {}
        self.parents: dict[str, set[str]] = {}
        for r in self.dataset.relations.values():
            self._remember(r, "in the seeds")
        self.out: dict[str, dict] = {}
        self.rows_of: dict[str, tuple[int, tuple]] = {}

    # ------------------------------------------------------------ setup
    @staticmethod
    def _seeds(seeds) -> Dataset:
        if isinstance(seeds, Dataset):
            return seeds
        from crimegraph.schema.loader import load_dataset

        return load_dataset(seeds)

    @staticmethod
    def _option_confidence(value) -> Optional[str]:
        if value is None or value == "":
            return None
        try:
            return Confidence.parse(value).code
        except ValueError as exc:
            raise UsageError(f"option confidence (-O confidence=CODE): {exc}") from None

    def _remember(self, r: Relation, where: str) -> None:
        decl = RELATION_TYPES[r.type]
        if decl.symmetric:
            key = (r.type, *sorted((r.subject, r.object)), r.since.value if r.since else None,
                   r.until.value if r.until else None)
            self.symmetric.setdefault(key, f"{r.id} ({where})")
        if decl.acyclic:
            self.parents.setdefault(r.subject, set()).add(r.object)

    def error(self, line: int, column: Optional[str], message: str) -> None:
        columns = getattr(self, "columns", [])
        col = columns.index(column) + 1 if column is not None and column in columns else 1
        text = f"column {column}: {message}" if column else message
        self.issues.append(RowIssue(self.display, line, col, text))

    # ------------------------------------------------------------ header
    def header(self, row: list[str]) -> bool:
        cols = [c.strip().lower().replace(" ", "_") for c in row]
        self.columns = cols
        ok = True
        seen: set[str] = set()
        for c in cols:
            if c == "":
                continue
            if c in seen:
                self.error(1, c, "appears twice in the header")
                ok = False
            seen.add(c)
            if c not in KNOWN_COLUMNS:
                hint = _hint(c, REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
                if hint:
                    self.error(1, c, f"unknown column{hint}")
                    ok = False
                else:
                    self.notes.append(f"{self.display}: column {c!r} is not a relation field; ignored")
        for c in REQUIRED_COLUMNS:
            if c not in seen:
                self.error(1, None, f"column {c}: missing from the header (needed: "
                                    f"{', '.join(REQUIRED_COLUMNS)})")
                ok = False
        if "confidence" not in seen and self.default_confidence is None:
            self.error(1, None, "column confidence: missing from the header "
                                "(add it, or give a default with -O confidence=CODE)")
            ok = False
        if not ({"source", "sources", "citations_json"} & seen) and not self.default_source:
            self.error(1, None, "column source: missing from the header "
                                "(add it, or give a default with -O source=ID)")
            ok = False
        return ok

    # ------------------------------------------------------------ cells
    def _entity(self, line: int, column: str, raw: str) -> Optional[str]:
        value = raw.strip()
        if not value:
            self.error(line, column, "empty; give an entity id")
            return None
        if value in self.dataset.entities:
            return value
        ids = self.by_name.get(value.casefold())
        if ids and len(ids) == 1:
            return next(iter(ids))
        if ids:
            self.error(line, column, f"{value!r} is the name of several entities "
                                     f"({', '.join(sorted(ids))}); give the id")
            return None
        what = "is a source, not an entity" if value in self.dataset.sources else "is not a known entity"
        self.error(line, column, f"{value!r} {what}{_hint(value, self.dataset.entities)}")
        return None

    def _date(self, line: int, column: str, raw: str) -> Optional[PartialDate]:
        value = _spreadsheet_date(raw)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as exc:
            self.error(line, column, str(exc))
            return None

    def _citations(self, line: int, cell) -> Optional[list[dict]]:
        raw_json = cell("citations_json").strip()
        if raw_json:
            try:
                data = json.loads(raw_json)
                if not isinstance(data, list) or not data:
                    raise ValueError("expected a non-empty JSON list of citations")
                cits = [Citation.model_validate(c).model_dump(exclude_none=True) for c in data]
            except (ValueError, ValidationError) as exc:
                msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
                self.error(line, "citations_json", f"not a list of citations: {msg}")
                return None
        else:
            src = cell("source").strip()
            if src:
                c: dict[str, Any] = {"source": src}
                if cell("quote").strip():
                    c["quote"] = excel_unguard(cell("quote")).strip()
                if cell("page").strip():
                    c["page"] = excel_unguard(cell("page")).strip()
                cits = [c]
            elif cell("sources").strip():
                cits = [{"source": s.strip()} for s in cell("sources").split(";") if s.strip()]
            elif self.default_source:
                cits = [{"source": self.default_source}]
            else:
                self.error(line, "source", "empty; every relation needs a source (a source id of the seeds)")
                return None
        ok = True
        column = "citations_json" if raw_json else ("source" if cell("source").strip() or not cell("sources").strip() else "sources")
        for c in cits:
            if c["source"] not in self.dataset.sources:
                what = ("is an entity, not a source" if c["source"] in self.dataset.entities
                        else "is not a source of the seeds; add it to the seeds' sources first")
                self.error(line, column, f"{c['source']!r} {what}{_hint(c['source'], self.dataset.sources)}")
                ok = False
        return cits if ok else None

    # ------------------------------------------------------------ rows
    def row(self, line: int, cells: list[str]) -> None:
        if len(cells) > len(self.columns) and any(x.strip() for x in cells[len(self.columns):]):
            self.error(line, None, f"the row has {len(cells)} cells but the header names "
                                   f"{len(self.columns)} columns (a stray separator or quote?)")
            return
        values = dict(zip(self.columns, cells))

        def cell(name: str) -> str:
            return values.get(name, "") or ""

        n_before = len(self.issues)
        rtype = None
        raw_type = cell("type").strip()
        if not raw_type:
            self.error(line, "type", "empty; give a relation type")
        else:
            key = raw_type.lower()
            rtype = _TYPE_NAMES.get(key) or _TYPE_NAMES.get(re.sub(r"[\s-]+", "_", key))
            if rtype is None:
                self.error(line, "type", f"unknown relation type {raw_type!r}{_hint(raw_type.lower(), RELATION_TYPES)}")
        subj = self._entity(line, "subject", cell("subject"))
        obj = self._entity(line, "object", cell("object"))
        since = self._date(line, "since", cell("since"))
        until = self._date(line, "until", cell("until"))
        conf_raw = cell("confidence").strip()
        confidence = None
        if conf_raw:
            try:
                confidence = Confidence.parse(conf_raw).code
            except ValueError as exc:
                self.error(line, "confidence", str(exc))
        elif self.default_confidence:
            confidence = self.default_confidence
        else:
            self.error(line, "confidence", "empty; give an Admiralty code like B2 (or a default with -O confidence=CODE)")
        cits = self._citations(line, cell)
        rid = cell("id").strip() or None
        if rid and not _REL_ID.match(rid):
            self.error(line, "id", f"{rid!r} is not a valid relation id (lowercase letters, digits and hyphens)")
        if rtype and subj and obj:
            decl = RELATION_TYPES[rtype]
            for end, ident in (("subject", subj), ("object", obj)):
                etype = self.dataset.entities[ident].type
                if not decl.allows(end, etype):
                    label = ENTITY_TYPES[etype][1]
                    article = "an" if label[:1] in "aeiou" else "a"
                    self.error(line, end, f"{rtype} needs {decl.describe_ends(end)} as {end}, but "
                                          f"{ident!r} is {article} {label}")
            if subj == obj:
                self.error(line, "object", "subject and object are the same entity")
        if since and until and until.end < since.start:
            self.error(line, "until", f"{until} is before since ({since})")
        notes = excel_unguard(cell("notes")).strip() or None
        derived = None
        text = cell("derived").strip()
        if text:
            try:
                derived = json.loads(text)
            except json.JSONDecodeError as exc:
                self.error(line, "derived", f"not JSON ({exc.msg}); give it as {{\"since\": \"...\"}}")
            else:
                if not (isinstance(derived, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                          for k, v in derived.items())):
                    self.error(line, "derived", "must be a JSON object of field name to note")
        if len(self.issues) > n_before:
            return
        rec: dict[str, Any] = {"type": rtype, "subject": subj, "object": obj}
        if since:
            rec["since"] = since.value
        if until:
            rec["until"] = until.value
        rec["confidence"] = confidence
        rec["citations"] = cits
        if notes:
            rec["notes"] = notes
        if derived:
            rec["derived"] = derived
        self._add(line, rid, rec)

    def _add(self, line: int, rid: Optional[str], rec: dict) -> None:
        default = default_relation_id(rec["type"], rec["subject"], rec["object"])
        same = (rec["type"], rec["subject"], rec["object"], rec.get("since"), rec.get("until"))
        # rows of one relation (same id, or same type, ends and period) add citations to it
        candidates = [rid] if rid else [default, *(k for k in self.out if k.startswith(default + "--"))]
        for cand in candidates:
            if cand not in self.out:
                continue
            first_line, first_same = self.rows_of[cand]
            if first_same != same:
                if rid:
                    self.error(line, "id", f"{rid!r} is already used on line {first_line} for a "
                                           "different relation")
                    return
                continue
            prev = self.out[cand]
            if prev["confidence"] != rec["confidence"]:
                self.error(line, "confidence", f"{rec['confidence']} differs from line {first_line} "
                                               f"({prev['confidence']}) for the same relation")
                return
            if rec.get("notes") and prev.get("notes") and rec["notes"] != prev["notes"]:
                self.error(line, "notes", f"differs from the notes on line {first_line} for the same relation")
                return
            if rec.get("notes") and not prev.get("notes"):
                prev["notes"] = rec["notes"]
            for c in rec["citations"]:
                if c not in prev["citations"]:
                    prev["citations"].append(c)
            return
        if rid:
            key = rid
            if key in self.dataset.relations:
                if self._same_as(self.dataset.relations[key], same):
                    self.error(line, "id", f"relation {key!r} already exists in the seeds with the same "
                                           "type, ends and period; add the citation there instead")
                else:
                    self.error(line, "id", f"relation id {key!r} is taken in the seeds; give this row "
                                           "another id")
                return
        else:
            existing = self.dataset.relations.get(default)
            if existing is not None and self._same_as(existing, same):
                self.error(line, None, f"this relation already exists in the seeds ({default!r}); "
                                       "add the citation there instead")
                return
            key = default
            if key in self.rel_ids:
                # the same type and ends with another period: a distinct id, named after the period
                suffix = (rec.get("since") or rec.get("until") or "2").lower()
                key = f"{default}--{suffix}"
                n = 2
                while key in self.rel_ids:
                    key = f"{default}--{suffix}-{n}"
                    n += 1
        rel = Relation.model_validate({**rec, "id": key})
        decl = RELATION_TYPES[rel.type]
        if decl.symmetric:
            skey = (rel.type, *sorted((rel.subject, rel.object)), rec.get("since"), rec.get("until"))
            if skey in self.symmetric:
                self.error(line, "subject", f"duplicate of symmetric relation {self.symmetric[skey]}; "
                                            f"{rel.type} is stored once, in either direction")
                return
        if decl.acyclic:
            cycle = self._path(rel.object, rel.subject)
            if cycle is not None:
                self.error(line, "object", f"{rel.type} would form a cycle: "
                                           + " -> ".join([rel.subject, *cycle]))
                return
        if key != default:
            rec = {"id": key, **rec}
        self.out[key] = rec
        self.rows_of[key] = (line, same)
        self.rel_ids[key] = f"line {line}"
        self._remember(rel, f"on line {line}")

    @staticmethod
    def _same_as(r: Relation, same: tuple) -> bool:
        return same == (r.type, r.subject, r.object, r.since.value if r.since else None,
                        r.until.value if r.until else None)

    def _path(self, start: str, goal: str) -> Optional[list[str]]:
        """A path start -> … -> goal along the acyclic relation, if one exists."""
        stack = [(start, [start])]
        seen = {start}
        while stack:
            node, path = stack.pop()
            if node == goal:
                return path
            for nxt in self.parents.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    def run(self) -> tuple[dict, list[str]]:
        rows = _Rows(self.path, self.display, self.options.get("delimiter"))
        it = iter(rows)
        header = None
        for line, cells in it:
            if any(c.strip() for c in cells):
                header = cells
                break
        if header is None:
            raise ImportInvalid([RowIssue(self.display, 1, 1, "the file is empty; the first row must "
                                                             "name the columns")])
        if self.header(header):
            count = 0
            for line, cells in it:
                if not any(c.strip() for c in cells):
                    continue
                count += 1
                self.row(line, cells)
            if count == 0 and not self.issues:
                self.notes.append(f"{self.display}: no rows below the header")
        if self.issues:
            raise ImportInvalid(sorted(self.issues, key=lambda i: (i.line, i.col, i.message)))
        return {"sources": [], "entities": [], "relations": list(self.out.values())}, self.notes


def read_relations_csv(path, options: Optional[dict] = None) -> tuple[dict, list[str]]:
    """Read a relations spreadsheet (CSV) into seed data for review.

    Columns: ``type, subject, object, since, until, confidence, source, quote,
    page, notes`` (and optionally ``id``); see :data:`RELATIONS_CSV_HELP`.

    Options: ``seeds`` (a seed folder or a :class:`Dataset` that the subject,
    object and source must exist in; default ``$CRIMEGRAPH_SEEDS`` or the
    bundled Peru data), ``confidence`` / ``source`` (defaults for empty
    cells), ``delimiter`` (default: detected from the header).

    Returns ``({"sources": [], "entities": [], "relations": [...]}, notes)``.
    Raises :class:`ImportInvalid` listing every error as
    ``FILE:LINE: column X: message`` (the header is line 1); nothing is
    returned, so nothing gets written, while any row has an error.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"CSV file not found: {p}")
    return _RelationsImport(p, dict(options or {})).run()
