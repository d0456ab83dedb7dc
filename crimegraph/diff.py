"""What changed between two versions of a seed folder: items added, removed, renamed and changed, field by field.

Both versions are read and validated as ``crimegraph validate`` reads them
(:func:`crimegraph.schema.loader.read_seeds`), so an invalid version is one clear
error, not a half-true answer. Items are matched by id; then

- an entity removed under one id and added under another with the same type and
  name is a **rename** (``old-id -> new-id``), and relations whose id only moved
  with it are matched through the rename;
- an entity removed whose name is, in the new version, an alias of another
  entity of the same kind is a **merge** into that entity;
- every other field is compared as people read it: dates and confidence as
  written (``B3 -> B2``, with "up" or "down"), aliases and citations as sets
  (a citation whose source stays but whose quote changed is "quote changed").

Each change is located: ``file:line`` in the old version for what was removed,
in the new one for the rest. After the comparison, every item that changed is
fact-checked in the new version (:func:`crimegraph.schema.factcheck.unsupported`):
a date or figure whose support was lost (a citation removed, a date moved) is a
warning, as is anything ``validate --strict`` would reject that it accepted before.

>>> from crimegraph.schema.loader import default_seeds
>>> d = diff_folders(default_seeds(), default_seeds())
>>> d.summary()["changed"], d.items
(0, [])
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from crimegraph.errors import UsageError

KINDS = ("source", "entity", "relation")
_SECTION = {"source": "sources", "entity": "entities", "relation": "relations"}
#: how much an added or removed item weighs against one changed field (for --min-change and ordering)
WHOLE_ITEM = 10


class DiffError(UsageError):
    """A version that cannot be read or compared (invalid seeds, an unknown git revision)."""


@dataclass
class FieldChange:
    """One field of one item: its value before and after, in words (``""`` when absent)."""

    field: str
    before: str
    after: str
    note: str = ""   # "up" / "down" for confidence, "quote changed", "added", "removed"

    def as_dict(self) -> dict:
        return {"field": self.field, "before": self.before, "after": self.after, "note": self.note}

    def text(self) -> str:
        note = f" ({self.note})" if self.note else ""
        if not self.before:
            return f"{self.field}: + {self.after}{note}"
        if not self.after:
            return f"{self.field}: - {self.before}{note}"
        return f"{self.field}: {self.before} -> {self.after}{note}"


@dataclass
class ItemChange:
    """One source, entity or relation that was added, removed, renamed, merged or changed."""

    kind: str                 # source | entity | relation
    id: str                   # the id in the new version (the old one when removed)
    change: str               # added | removed | changed | renamed | merged
    label: str                # a name, or "subject -type-> object"
    where: str                # file:line (the old version's for removed and merged, else the new's)
    old_id: str = ""          # renamed/merged: the id before
    into: str = ""            # merged: the entity it was merged into
    fields: list[FieldChange] = field(default_factory=list)
    group: str = ""           # the entity it is listed under (a relation: its subject)
    ends: tuple = ()          # the entities it is about (a relation: subject, object)
    type: str = ""            # the entity or relation type

    @property
    def size(self) -> int:
        if self.change in ("added", "removed", "merged"):
            return WHOLE_ITEM
        return max(len(self.fields), 1)

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "id": self.id, "change": self.change, "label": self.label,
               "where": self.where, "size": self.size, "group": self.group}
        if self.old_id:
            out["old_id"] = self.old_id
        if self.into:
            out["into"] = self.into
        out["fields"] = [f.as_dict() for f in self.fields]
        return out

    def headline(self) -> str:
        if self.change == "renamed":
            return f"renamed {self.kind} {self.old_id} -> {self.id}: {self.label}"
        if self.change == "merged":
            return f"merged {self.kind} {self.old_id} into {self.into}: {self.label}"
        return f"{self.change} {self.kind} {self.id}: {self.label}"


@dataclass
class Diff:
    """The changes from ``old`` to ``new`` (labels of the two versions) and the warnings."""

    old: str
    new: str
    items: list[ItemChange]
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        out = {c: 0 for c in ("added", "removed", "changed", "renamed", "merged")}
        by_kind = {k: {c: 0 for c in out} for k in KINDS}
        for i in self.items:
            out[i.change] += 1
            by_kind[i.kind][i.change] += 1
        return {**out, "by_kind": by_kind}

    def filtered(self, entity: Optional[str] = None, types: Iterable[str] = (), min_change: int = 0) -> "Diff":
        """Only the items about ``entity`` (the entity, and relations with it at either end),
        of the kinds or entity/relation types in ``types``, and changing at least ``min_change`` fields."""
        wanted = set(types)
        out = []
        for i in self.items:
            if entity and not (i.id == entity or i.old_id == entity or i.into == entity
                               or entity in i.ends):
                continue
            if wanted and not (i.kind in wanted or i.type in wanted):
                continue
            if i.size < min_change:
                continue
            out.append(i)
        return Diff(self.old, self.new, out, [w for w in self.warnings
                                               if not entity or entity in w])

    def groups(self) -> list[tuple[str, list[ItemChange]]]:
        """The items grouped by entity (a relation under its subject; sources apart), the largest first."""
        groups: dict[str, list[ItemChange]] = {}
        for i in self.items:
            groups.setdefault(i.group, []).append(i)
        for items in groups.values():
            items.sort(key=lambda i: (KINDS.index(i.kind) != 1, -i.size, i.id))
        return sorted(groups.items(), key=lambda kv: (-sum(i.size for i in kv[1]), kv[0]))

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "summary": self.summary(),
                "items": [i.as_dict() for _, items in self.groups() for i in items],
                "warnings": list(self.warnings)}

    def rows(self) -> list[dict]:
        """One row per changed field (an added or removed item: one row)."""
        rows = []
        for _, items in self.groups():
            for i in items:
                base = {"kind": i.kind, "id": i.id, "change": i.change, "label": i.label, "where": i.where,
                        "old_id": i.old_id, "into": i.into}
                if not i.fields:
                    rows.append({**base, "field": "", "before": "", "after": "", "note": ""})
                for f in i.fields:
                    rows.append({**base, **f.as_dict()})
        return rows

    COLUMNS = ["kind", "id", "change", "label", "where", "old_id", "into", "field", "before", "after", "note"]

    def _counts(self) -> str:
        s = self.summary()
        parts = [f"{s[c]} {c}" for c in ("added", "removed", "changed", "renamed", "merged") if s[c]]
        return ", ".join(parts) if parts else "no changes"

    def lines(self) -> list[str]:
        """Text for people: grouped by entity, the largest changes first."""
        out = [f"{self.old} -> {self.new}: {self._counts()}"]
        for group, items in self.groups():
            out.append("")
            out.append(f"{group or 'sources'}:")
            for i in items:
                out.append(f"  {i.headline()}  [{i.where}]")
                out.extend(f"      {f.text()}" for f in i.fields)
        if self.warnings:
            out.append("")
            out.extend(f"warning: {w}" for w in self.warnings)
        return out

    def markdown(self) -> str:
        """Release notes: a summary, then one section per entity, the largest changes first."""
        esc = _md
        out = [f"## Changes from {esc(self.old)} to {esc(self.new)}", "", f"{esc(self._counts())}."]
        for group, items in self.groups():
            out += ["", f"### {esc(group) if group else 'Sources'}", ""]
            for i in items:
                out.append(f"- **{esc(i.headline())}** (`{i.where}`)")
                out.extend(f"  - {esc(f.text())}" for f in i.fields)
        if self.warnings:
            out += ["", "### Warnings", ""]
            out.extend(f"- {esc(w)}" for w in self.warnings)
        return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Markdown-safe text: the characters that would start markup are escaped."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# ------------------------------------------------------------------ values in words
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    if hasattr(value, "model_dump"):
        return _text({k: v for k, v in value.model_dump(exclude_none=True).items()})
    return str(value)


def _citation_text(c) -> str:
    out = c.source
    if c.page:
        out += f" p. {c.page}"
    if c.quote:
        out += f": “{c.quote}”"
    return out


#: compared one by one; everything else of an item (its derived timing) is left out
_SKIP = {"id", "timing", "citations", "aliases"}


def _fields(model) -> list[str]:
    return [f for f in type(model).model_fields if f not in _SKIP]


def compare(old, new, rename: Optional[dict[str, str]] = None) -> list[FieldChange]:
    """The field changes from one model to another (of the same kind)."""
    rename = rename or {}
    out: list[FieldChange] = []
    names = list(dict.fromkeys(_fields(old) + _fields(new)))
    for f in names:
        a, b = getattr(old, f, None), getattr(new, f, None)
        if f in ("subject", "object") and a is not None:
            a = rename.get(a, a)
        if a == b or (a in (None, {}, []) and b in (None, {}, [])):
            continue
        note = ""
        if f == "confidence" and a is not None and b is not None:
            note = _confidence_move(a, b)
        elif a in (None, {}, []):
            note = "added"
        elif b in (None, {}, []):
            note = "removed"
        out.append(FieldChange(f, _text(a), _text(b), note))
    if hasattr(old, "aliases"):
        before = {str(a): a for a in old.aliases}
        after = {str(a): a for a in new.aliases}
        for k in before:
            if k not in after:
                out.append(FieldChange("aliases", k, "", "removed"))
        for k in after:
            if k not in before:
                out.append(FieldChange("aliases", "", k, "added"))
    if hasattr(old, "citations"):
        out.extend(_citation_changes(old.citations, new.citations))
    return out


def _confidence_move(a, b) -> str:
    """``up`` when the new grade says more (a better source, or more credible information)."""
    if a.score == b.score:
        return ""
    return "up" if b.score > a.score else "down"


def _citation_changes(old: list, new: list) -> list[FieldChange]:
    key = lambda c: (c.source, c.quote, c.page)  # noqa: E731
    before = [c for c in old if key(c) not in {key(x) for x in new}]
    after = [c for c in new if key(c) not in {key(x) for x in old}]
    out = []
    # a citation of the same source whose quote or page changed: one change, not a removal and an addition
    for c in list(before):
        same = next((x for x in after if x.source == c.source), None)
        if same is not None:
            before.remove(c)
            after.remove(same)
            what = "quote changed" if c.quote != same.quote else "page changed"
            out.append(FieldChange("citations", _citation_text(c), _citation_text(same), what))
    out.extend(FieldChange("citations", _citation_text(c), "", "removed") for c in before)
    out.extend(FieldChange("citations", "", _citation_text(c), "added") for c in after)
    return out


# ------------------------------------------------------------------ reading a version
@dataclass
class Version:
    """One version of a seed folder, read and validated, with where each item is."""

    label: str
    dataset: Any
    locations: dict[str, dict[str, Any]]
    display: Any = None   # maps a file's display path to the one shown (a git revision's path)

    def where(self, kind: str, ident: str) -> str:
        loc = self.locations[_SECTION[kind]].get(ident)
        if loc is None:
            return ""
        text = loc.where
        return self.display(text) if self.display else text


def read_version(path: os.PathLike | str, label: Optional[str] = None, display=None) -> Version:
    """Read and validate a seed folder; a version with errors is one :class:`DiffError`."""
    from crimegraph.schema.loader import read_seeds

    locations: dict[str, dict[str, Any]] = {}
    dataset, issues = read_seeds(path, locations=locations)
    shown = label or str(path)
    if issues:
        first = display(str(issues[0])) if display else str(issues[0])
        n = len(issues)
        raise DiffError(f"{shown} is not a valid seed folder ({n} error{'s' if n != 1 else ''}; "
                        f"the first: {first}); run crimegraph validate on it")
    return Version(shown, dataset, locations, display)


def diff_versions(old: Version, new: Version) -> Diff:
    """Compare two read versions."""
    a, b = old.dataset, new.dataset
    items: list[ItemChange] = []
    names_old = {k: e.name for k, e in a.entities.items()}
    names_new = {k: e.name for k, e in b.entities.items()}

    # entities renamed (same type and name, another id) and merged (the name is now another's alias)
    gone = [k for k in a.entities if k not in b.entities]
    came = [k for k in b.entities if k not in a.entities]
    by_name = {}
    for k in came:
        e = b.entities[k]
        by_name.setdefault((e.type, e.name), []).append(k)
    rename: dict[str, str] = {}
    for k in gone:
        e = a.entities[k]
        match = by_name.get((e.type, e.name))
        if match and len(match) == 1 and match[0] not in rename.values():
            rename[k] = match[0]
    merged: dict[str, str] = {}
    if gone:
        from crimegraph.graph.text import normalize

        alias_of: dict[tuple[str, str], list[str]] = {}
        for k, e in b.entities.items():
            for n in e.names:
                alias_of.setdefault((e.kind.value, normalize(n)), []).append(k)
        for k in gone:
            if k in rename:
                continue
            e = a.entities[k]
            owners = [o for o in alias_of.get((e.kind.value, normalize(e.name)), ()) if o != k]
            if len(owners) == 1:
                merged[k] = owners[0]

    for kind, old_items, new_items in (("source", a.sources, b.sources), ("entity", a.entities, b.entities)):
        for k, m in new_items.items():
            if k in old_items:
                fields = compare(old_items[k], m)
                if fields:
                    items.append(_item(kind, k, "changed", m, new.where(kind, k), fields))
            elif kind == "entity" and k in rename.values():
                was = next(o for o, n in rename.items() if n == k)
                items.append(_item(kind, k, "renamed", m, new.where(kind, k), compare(a.entities[was], m),
                                   old_id=was))
            else:
                items.append(_item(kind, k, "added", m, new.where(kind, k)))
        for k, m in old_items.items():
            if k in new_items or (kind == "entity" and k in rename):
                continue
            if kind == "entity" and k in merged:
                items.append(_item(kind, merged[k], "merged", m, old.where(kind, k), old_id=k, into=merged[k]))
            else:
                items.append(_item(kind, k, "removed", m, old.where(kind, k)))

    # relations: by id, else by the id they get once their ends are renamed or merged
    moved = {**rename, **merged}
    from crimegraph.schema.models import default_relation_id

    def moved_id(r) -> str:
        if r.id != default_relation_id(r.type, r.subject, r.object):
            return r.id
        return default_relation_id(r.type, moved.get(r.subject, r.subject), moved.get(r.object, r.object))

    old_by_new_id = {}
    for k, r in a.relations.items():
        if k not in b.relations:
            nid = moved_id(r)
            if nid != k and nid in b.relations and nid not in a.relations:
                old_by_new_id[nid] = k
    for k, r in b.relations.items():
        label = _relation_label(r, names_new)
        if k in a.relations:
            fields = compare(a.relations[k], r, moved)
            if fields:
                items.append(_item("relation", k, "changed", r, new.where("relation", k), fields, label=label))
        elif k in old_by_new_id:
            was = old_by_new_id[k]
            items.append(_item("relation", k, "renamed", r, new.where("relation", k),
                               compare(a.relations[was], r, moved), old_id=was, label=label))
        else:
            items.append(_item("relation", k, "added", r, new.where("relation", k), label=label))
    matched_old = set(old_by_new_id.values())
    for k, r in a.relations.items():
        if k not in b.relations and k not in matched_old:
            items.append(_item("relation", k, "removed", r, old.where("relation", k),
                               label=_relation_label(r, names_old)))
    for i in items:
        if i.kind == "entity":
            i.group = i.into or i.id
        elif i.kind == "relation":
            i.group = i.ends[0]
    return Diff(old.label, new.label, items, _lost_support(a, b, items, new))


def _item(kind: str, ident: str, change: str, model, where: str, fields=None, old_id: str = "",
          into: str = "", label: str = "") -> ItemChange:
    if not label:
        label = getattr(model, "name", None) or getattr(model, "title", "") or ident
    item = ItemChange(kind, ident, change, label, where, old_id, into, list(fields or ()))
    if kind == "relation":
        item.ends, item.type = (model.subject, model.object), model.type
    elif kind == "entity":
        item.ends, item.type = (model.id,), model.type
    return item


def _relation_label(r, names: dict[str, str]) -> str:
    return f"{names.get(r.subject, r.subject)} -{r.type}-> {names.get(r.object, r.object)}"


def _lost_support(a, b, items: list[ItemChange], new: Version) -> list[str]:
    """Dates and figures the new version no longer supports: of the items that changed or were
    added, and of the items citing a source whose date changed (a year they took from it)."""
    from crimegraph.schema.factcheck import unsupported

    redated = {i.id for i in items if i.kind == "source" and i.change == "changed"
               and any(f.field == "date" for f in i.fields)}
    todo: dict[tuple[str, str], str] = {}  # (kind, new id) -> old id
    for i in items:
        if i.kind != "source" and i.change not in ("removed", "merged"):
            todo[(i.kind, i.id)] = i.old_id or i.id
    if redated:
        for kind, section in (("entity", b.entities), ("relation", b.relations)):
            for k, m in section.items():
                if (kind, k) not in todo and any(c.source in redated for c in m.citations):
                    todo[(kind, k)] = k
    out = []
    for (kind, ident), old_id in todo.items():
        model = (b.relations if kind == "relation" else b.entities)[ident]
        before = (a.relations if kind == "relation" else a.entities).get(old_id)
        was = {m for _, m in unsupported(before, a.sources)} if before is not None else set()
        for _, message in unsupported(model, b.sources):
            if message not in was:
                what = "lost its support" if before is not None else "has no support"
                out.append(f"{new.where(kind, ident)}: {kind} {ident}: {what}: {message}")
    return out


# ------------------------------------------------------------------ git revisions
def git_version(rev: str, folder: os.PathLike | str, tmp: Path) -> Version:
    """The seed folder ``folder`` as it was at git revision ``rev``, read from a copy in ``tmp``."""
    folder = Path(folder).resolve()
    probe = folder if folder.is_dir() else folder.parent
    git = shutil.which("git")
    if git is None:
        raise DiffError("--git needs the git command, which is not installed")

    def run(*args: str) -> bytes:
        p = subprocess.run([git, *args], cwd=probe, capture_output=True)
        if p.returncode != 0:
            msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DiffError(f"git {' '.join(args[:2])}: {msg[-1] if msg else 'failed'}")
        return p.stdout

    try:
        top = Path(run("rev-parse", "--show-toplevel").decode().strip())
    except DiffError:
        raise DiffError(f"--git: {folder} is not inside a git repository") from None
    rel = folder.relative_to(top.resolve()).as_posix()
    try:
        run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except DiffError:
        raise DiffError(f"--git: unknown revision {rev!r} in {top}") from None
    from crimegraph.schema.loader import SEED_SUFFIXES

    listing = run("ls-tree", "-r", "-z", "--full-tree", "--name-only", rev, "--", rel or ".").split(b"\0")
    dest = tmp / f"rev-{len(list(tmp.iterdir()))}"
    count = 0
    for name in filter(None, listing):
        path = name.decode("utf-8", "surrogateescape")
        if not path.endswith(SEED_SUFFIXES):  # YAML and JSON Lines seed files
            continue
        data = run("show", f"{rev}:{path}")
        target = dest / Path(path).relative_to(rel) if rel else dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    if not count:
        raise DiffError(f"--git: {rev} has no seed files under {rel or '.'}")
    prefix = str(dest.resolve())

    def display(text: str) -> str:
        return text.replace(prefix + os.sep, f"{rev}:{rel}/" if rel else f"{rev}:").replace(prefix, f"{rev}:{rel}")

    return read_version(dest, label=f"{rev}:{rel}" if rel else rev, display=display)


def diff_folders(old: os.PathLike | str, new: os.PathLike | str) -> Diff:
    """Compare two seed folders."""
    return diff_versions(read_version(old), read_version(new))


def diff_git(revs: str, folder: os.PathLike | str) -> Diff:
    """Compare a seed folder between two git revisions, ``REV1..REV2`` (``REV1`` alone: against the work tree)."""
    old_rev, dots, new_rev = revs.partition("..")
    if not old_rev or (dots and not new_rev) or new_rev.startswith("."):
        raise DiffError(f"--git {revs!r}: give two revisions as REV1..REV2 (e.g. HEAD~1..HEAD), "
                        "or one to compare with the working tree")
    with tempfile.TemporaryDirectory(prefix="crimegraph-diff-") as tmp:
        root = Path(tmp)
        old = git_version(old_rev, folder, root)
        new = git_version(new_rev, folder, root) if new_rev else read_version(folder)
        return diff_versions(old, new)
