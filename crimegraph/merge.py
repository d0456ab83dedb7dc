"""Merge two entities judged the same: one entity with the names, citations and relations of both.

``merge(folder, keep, gone)`` edits the seed files where the items stand, so that the
rest of each file (comments, order, quoting) is left as it is:

- ``gone``'s item is removed; its name and aliases become aliases of ``keep`` and its
  citations are added to ``keep``'s (each once), so the provenance of both is kept;
- every relation with ``gone`` at an end is pointed at ``keep``; one that then repeats
  a relation of ``keep`` (the same id, or the same symmetric pair and period) is folded
  into it, its citations added there; one between the two is removed.

The folder is validated as it will be, in a copy, before anything is written; each
file is then written whole (:mod:`crimegraph.atomic`). Items written in YAML flow
style (``citations: [{...}]``) cannot be extended in place: that is one clear error.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from crimegraph.errors import DatasetInvalid, UsageError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class MergeResult:
    keep: str
    gone: str
    aliases: list[str] = field(default_factory=list)
    citations: int = 0
    repointed: list[str] = field(default_factory=list)
    folded: list[tuple[str, str]] = field(default_factory=list)   # (relation removed, relation it joined)
    dropped: list[str] = field(default_factory=list)              # relations between the two
    files: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"merged {self.gone} into {self.keep}: {len(self.aliases)} names added as aliases "
               f"({', '.join(self.aliases) or 'none'}), {self.citations} citations added"]
        out += [f"  relation {r}: now with {self.keep}" for r in self.repointed]
        out += [f"  relation {r}: the same as {t}; its citations added there (review its dates and "
                f"confidence)" for r, t in self.folded]
        out += [f"  relation {r}: between the two; removed" for r in self.dropped]
        return out


class _File:
    """One seed file's text and the edits planned on it (spans replaced, applied last first)."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.root = yaml.compose(self.text, Loader=_Loader)
        self.edits: list[tuple[int, int, str]] = []

    def node(self, *steps):
        node = self.root
        for step in steps:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
            else:
                return None
            if node is None:
                return None
        return node

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_after(self, node) -> int:
        """The index just after the line where ``node``'s text ends (its last scalar)."""
        last = node
        while not isinstance(last, yaml.ScalarNode):
            if isinstance(last, yaml.MappingNode) and last.value:
                last = last.value[-1][1]
            elif isinstance(last, yaml.SequenceNode) and last.value:
                last = last.value[-1]
            else:
                break
        end = self.text.find("\n", max(last.end_mark.index - 1, 0))
        return len(self.text) if end < 0 else end + 1

    def remove_item(self, section: str, index: int) -> None:
        seq = self.node(section)
        item = seq.value[index]
        start = self.line_start(item.start_mark.index)
        end = (self.line_start(seq.value[index + 1].start_mark.index) if index + 1 < len(seq.value)
               else self.line_after(item))
        self.edits.append((start, end, ""))

    def replace_scalar(self, node, value: str) -> None:
        self.edits.append((node.start_mark.index, node.end_mark.index, value))

    def append(self, where: str, item_path: list, key: str, values: list, after_key: str = "name") -> None:
        """Add ``values`` (each written as one line of JSON) to the block list ``key`` of an item."""
        if not values:
            return
        item = self.node(*item_path)
        seq = self.node(*item_path, key)
        if seq is None:  # no such list yet: a new key after ``after_key``
            anchor = self.node(*item_path, after_key)
            col = next(k for k, v in item.value if k.value == after_key).start_mark.column
            at = self.line_after(anchor)
            body = "".join(f"{' ' * (col + 2)}- {json.dumps(v, ensure_ascii=False)}\n" for v in values)
            self.edits.append((at, at, f"{' ' * col}{key}:\n{body}"))
            return
        first = seq.value[0] if isinstance(seq, yaml.SequenceNode) and seq.value else None
        if (not isinstance(seq, yaml.SequenceNode) or seq.flow_style or first is None
                or self.text[first.start_mark.index - 2:first.start_mark.index] != "- "):
            raise UsageError(f"{where}: its {key} are not a block list (one '- ' item a line); "
                             "rewrite them so, or merge by hand")
        dash = first.start_mark.column - 2
        at = self.line_after(seq.value[-1])
        body = "".join(f"{' ' * dash}- {json.dumps(v, ensure_ascii=False)}\n" for v in values)
        self.edits.append((at, at, body))

    def result(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _citation(c) -> dict:
    return c.model_dump(exclude_none=True)


def merge(folder: os.PathLike | str, keep: str, gone: str) -> tuple[dict[Path, str], MergeResult]:
    """The new text of every file the merge changes, and what it does (nothing is written)."""
    from crimegraph.schema.loader import read_seeds
    from crimegraph.schema.models import default_relation_id

    root = Path(folder)
    locations: dict = {}
    dataset, issues = read_seeds(root, locations=locations)
    if issues:
        raise DatasetInvalid(issues)
    for ident in (keep, gone):
        if ident not in dataset.entities:
            raise UsageError(f"--merge: {ident!r} is not an entity of {root}")
    if keep == gone:
        raise UsageError("--merge: give two different entities (KEEP GONE)")
    k, g = dataset.entities[keep], dataset.entities[gone]
    if k.kind != g.kind:
        raise UsageError(f"--merge: {keep} is {k.kind.value}, {gone} is {g.kind.value}: only entities of one "
                         "kind can be the same")
    files: dict[Path, _File] = {}

    def file_of(loc) -> _File:
        p = Path(loc.file.path)
        if p not in files:
            files[p] = _File(p)
        return files[p]

    result = MergeResult(keep, gone)
    # the entity: names and citations move to keep, gone's item goes
    known = {n.casefold() for n in k.names}
    aliases = []
    for a in [g.name, *g.aliases]:
        name = a if isinstance(a, str) else a.name
        if name.casefold() in known:
            continue
        known.add(name.casefold())
        aliases.append(name if isinstance(a, str) or not a.lang else {"name": name, "lang": a.lang})
        result.aliases.append(name)
    have = {(c.source, c.quote, c.page) for c in k.citations}
    cites = [_citation(c) for c in g.citations if (c.source, c.quote, c.page) not in have]
    result.citations += len(cites)
    kl, gl = locations["entities"][keep], locations["entities"][gone]
    kf = file_of(kl)
    kf.append(f"{kl.where}: entity {keep}", ["entities", kl.index], "aliases", aliases)
    kf.append(f"{kl.where}: entity {keep}", ["entities", kl.index], "citations", cites)
    file_of(gl).remove_item("entities", gl.index)

    # relations
    rels = dataset.relations
    by_id = set(rels)
    sym = {}
    for r in rels.values():
        if r.symmetric and gone not in (r.subject, r.object):
            sym[(r.type, *sorted((r.subject, r.object)), str(r.since), str(r.until))] = r.id
    added: dict[str, list[dict]] = {}
    for r in list(rels.values()):
        if gone not in (r.subject, r.object):
            continue
        loc = locations["relations"][r.id]
        f = file_of(loc)
        subject = keep if r.subject == gone else r.subject
        obj = keep if r.object == gone else r.object
        if subject == obj:
            f.remove_item("relations", loc.index)
            result.dropped.append(r.id)
            continue
        default = r.id == default_relation_id(r.type, r.subject, r.object)
        new_id = default_relation_id(r.type, subject, obj) if default else r.id
        twin = None
        if default and new_id in by_id and new_id != r.id:
            twin = new_id
        if r.symmetric:
            twin = twin or sym.get((r.type, *sorted((subject, obj)), str(r.since), str(r.until)))
        if twin is not None:
            f.remove_item("relations", loc.index)
            target = rels[twin]
            have = {(c.source, c.quote, c.page) for c in target.citations} | {
                (c.get("source"), c.get("quote"), c.get("page")) for c in added.get(twin, [])}
            new = [_citation(c) for c in r.citations if (c.source, c.quote, c.page) not in have]
            added.setdefault(twin, []).extend(new)
            result.folded.append((r.id, twin))
            continue
        for end, value in (("subject", subject), ("object", obj)):
            if getattr(r, end) == gone:
                f.replace_scalar(f.node("relations", loc.index, end), value)
        by_id.add(new_id)
        result.repointed.append(r.id if r.id == new_id else f"{r.id} -> {new_id}")
    for twin, cites in added.items():
        loc = locations["relations"][twin]
        file_of(loc).append(f"{loc.where}: relation {twin}", ["relations", loc.index], "citations", cites)
        result.citations += len(cites)
    writes = {p: f.result() for p, f in files.items() if f.edits}
    result.files = sorted(str(p) for p in writes)
    return writes, result


def apply(folder: os.PathLike | str, writes: dict[Path, str]) -> None:
    """Validate the folder as ``writes`` make it, in a copy; then write each file whole."""
    from crimegraph.atomic import write_text
    from crimegraph.schema.loader import read_seeds

    root = Path(folder).resolve()
    with tempfile.TemporaryDirectory(prefix="crimegraph-merge-") as tmp:
        copy = Path(tmp) / "seeds"
        shutil.copytree(root, copy)
        for path, text in writes.items():
            (copy / Path(path).resolve().relative_to(root)).write_text(text, encoding="utf-8")
        _, issues = read_seeds(copy)
        if issues:
            shown = str(copy.resolve())
            from crimegraph.errors import Issue

            raise DatasetInvalid([Issue(i.path.replace(shown, str(folder)), i.line, i.col, i.message)
                                  for i in issues])
    for path, text in writes.items():
        write_text(path, text)
