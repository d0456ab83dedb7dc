"""Cross-item checks of a dataset: ids, references, endpoint kinds, dates, cycles, duplicates."""

from __future__ import annotations

import difflib
from typing import Any, NamedTuple, Optional

from ..errors import Issue
from . import geocheck
from .compact import Compactor
from .dataset import Dataset
from .models import DatasetMeta, Entity, Relation, Source
from .factcheck import unsupported
from .timing import Lifetimes, attest, lifetime
from .vocab import ENTITY_TYPES, RELATION_TYPES


class Located(NamedTuple):
    """Where an item was read: its file, section and index (lines are resolved lazily)."""

    file: Any  # loader._FileState
    section: str
    index: int

    def issue(self, message: str, *field: Any) -> Issue:
        return self.file.issue([self.section, self.index, *field], message)

    @property
    def where(self) -> str:
        line, _ = self.file.locator.locate([self.section, self.index])
        return f"{self.file.display}:{line}"


def close_matches(word: str, candidates, n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)


def _hint(word: str, candidates) -> str:
    m = close_matches(word, candidates)
    return f" (did you mean {', '.join(repr(x) for x in m)}?)" if m else ""


def format_pydantic_error(label: str, err: dict) -> str:
    """Turn one pydantic error into a sentence that names the item and the field."""
    loc = [p for p in err.get("loc", ()) if not (isinstance(p, str) and p in ENTITY_TYPES)]
    field = ".".join(str(p) for p in loc)
    kind = err.get("type")
    if kind == "missing":
        return f"{label}: missing required field '{field}'"
    if kind == "extra_forbidden":
        return f"{label}: unknown field '{field}'"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = (err.get("ctx") or {}).get("tag")
        if kind == "union_tag_not_found":
            return f"{label}: missing required field 'type'"
        return f"{label}: unknown entity type {tag!r}{_hint(str(tag), ENTITY_TYPES)}"
    if kind == "literal_error" and loc and loc[-1] == "type":
        got = err.get("input")
        return f"{label}: unknown relation type {got!r}{_hint(str(got), RELATION_TYPES)}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "subject", "object", "source"):
        return (f"{label}: {field} {err.get('input')!r} is not a valid id "
                "(lowercase letters, digits and single hyphens, like 'shining-path')")
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return f"{label}: {field}: {msg}" if field else f"{label}: {msg}"


def check_dataset(
    meta: DatasetMeta,
    items: dict[str, list[tuple[Any, Located]]],
    broken_ids: frozenset[str] | set[str] = frozenset(),
    compactor: Compactor | None = None,
    strict: bool = False,
) -> tuple[Dataset, list[Issue]]:
    """Run every cross-item check; return the dataset and the issues found (all of them).

    ``strict`` adds the fact check (:mod:`crimegraph.schema.factcheck`): every
    stated date and figure must be supported by a cited quote, a cited
    source's date or a ``derived`` note.

    ``broken_ids`` are ids of items that failed their own validation: references
    to them are not reported again. The dataset's models are compacted
    (:mod:`crimegraph.schema.compact`: equal values shared) with ``compactor``,
    or a new one; the loader passes the one it compacted each file with.
    """
    c = compactor or Compactor()
    c.model(meta)
    issues: list[Issue] = []
    sources: dict[str, Source] = {}
    entities: dict[str, Entity] = {}
    relations: dict[str, Relation] = {}
    where: dict[str, Located] = {}

    for section, target in (("sources", sources), ("entities", entities)):
        for model, loc in items[section]:
            c.model(model)  # in place; the dict key below is then the shared id string
            if model.id in where:
                issues.append(loc.issue(f"duplicate id {model.id!r} (first defined at {where[model.id].where})", "id"))
                continue
            where[model.id] = loc
            target[model.id] = model

    def check_citations(label: str, model, loc: Located) -> None:
        for i, c in enumerate(model.citations):
            if c.source not in sources and c.source not in broken_ids:
                issues.append(loc.issue(
                    f"{label}: unknown source {c.source!r}{_hint(c.source, sources)}",
                    "citations", i, "source"))

    for model, loc in items["entities"]:
        if entities.get(model.id) is model:
            check_citations(f"entity {model.id}", model, loc)

    rel_where: dict[str, Located] = {}
    lifetime_issues: list[Issue] = []
    lifetimes = Lifetimes()  # each entity's, computed once (a hub is an end of thousands of relations)
    symmetric_seen: dict[tuple, str] = {}
    located_in: dict[str, list[tuple[str, Relation, Located]]] = {}
    for rel, loc in items["relations"]:
        c.model(rel)
        label = f"relation {rel.id}"
        if rel.id in rel_where:
            issues.append(loc.issue(
                f"duplicate relation id {rel.id!r} (first defined at {rel_where[rel.id].where}); "
                "give one of them an explicit 'id'", "id"))
            continue
        rel_where[rel.id] = loc
        decl = RELATION_TYPES[rel.type]
        ok = True
        for end in ("subject", "object"):
            ident = getattr(rel, end)
            ent = entities.get(ident)
            if ent is None:
                ok = False
                if ident in broken_ids:
                    continue
                what = "is a source, not an entity" if ident in sources else "is not a known entity"
                issues.append(loc.issue(f"{label}: {end} {ident!r} {what}{_hint(ident, entities)}", end))
            elif not decl.allows(end, ent.type):
                ok = False
                issues.append(loc.issue(
                    f"{label}: {rel.type} needs {_a(decl.describe_ends(end))} as {end}, "
                    f"but {ident!r} is {_a(ENTITY_TYPES[ent.type][1])}", end))
        if rel.subject == rel.object:
            ok = False
            issues.append(loc.issue(f"{label}: subject and object are the same entity", "object"))
        if rel.since is not None and rel.until is not None and rel.until.end < rel.since.start:
            ok = False
            issues.append(loc.issue(f"{label}: until ({rel.until}) is before since ({rel.since})", "until"))
        check_citations(label, rel, loc)
        if ok:
            lifetime_issues.extend(_lifetime_issues(rel, entities, label, loc, lifetimes))
        if decl.symmetric:
            key = (rel.type, *sorted((rel.subject, rel.object)),
                   rel.since.value if rel.since else None, rel.until.value if rel.until else None)
            if key in symmetric_seen:
                ok = False
                issues.append(loc.issue(
                    f"{label}: duplicate of symmetric relation {symmetric_seen[key]!r} "
                    f"(at {rel_where[symmetric_seen[key]].where}); {rel.type} is stored once, "
                    "in either direction", "subject"))
            else:
                symmetric_seen[key] = rel.id
        if ok and decl.acyclic:
            located_in.setdefault(rel.subject, []).append((rel.object, rel, loc))
        relations[rel.id] = rel

    issues.extend(_cycles(located_in))
    resolutions = {}
    resolution_where: dict[tuple[str, str], Located] = {}
    for res, loc in items.get("resolutions", ()):
        c.model(res)
        if res.pair in resolution_where:
            issues.append(loc.issue(
                f"resolution {res.a} / {res.b}: the pair is already decided at "
                f"{resolution_where[res.pair].where}; keep one decision per pair", "a"))
            continue
        resolution_where[res.pair] = loc
        check_citations(f"resolution {res.a} / {res.b}", res, loc)
        resolutions[res.pair] = res
    if strict:
        for section, label, kept in (("entities", "entity", entities), ("relations", "relation", relations)):
            for model, loc in items[section]:
                if kept.get(model.id) is not model:
                    continue
                for path, message in unsupported(model, sources):
                    issues.append(loc.issue(f"{label} {model.id}: {message}", *path))
    # coordinates: an unsourced one, or a place without any, is an error under --strict
    # and a warning otherwise (imported data rarely says where its numbers come from)
    # and so is a relation dated outside its ends' lifetimes (the as-of rule clamps it
    # to them either way: schema/timing.py)
    geo = geocheck.unsourced_coordinates(items["entities"]) + \
        geocheck.places_without_coordinates(items["entities"]) + lifetime_issues
    if strict:
        issues.extend(geo)
    issues.sort()
    dataset = Dataset(meta=meta, sources=sources, entities=entities, relations=relations,
                      resolutions=resolutions, warnings=[] if strict else sorted(geo))
    attest(dataset, lifetimes)
    return dataset, issues


def _lifetime_issues(rel: Relation, entities: dict[str, Entity], label: str, loc: Located,
                     lifetimes: Optional[Lifetimes] = None) -> list[Issue]:
    """Nothing can hold before its subject or object exists, nor after it has ceased to."""
    out = []
    if rel.since is None and rel.until is None:
        return out
    of = lifetimes.of if lifetimes is not None else lifetime
    for end in ("subject", "object"):
        e = entities[getattr(rel, end)]
        start, start_field, stop, stop_field = of(e)
        for field in ("since", "until"):
            d = getattr(rel, field)
            if d is None:
                continue
            if start is not None and d.end < start.start:
                out.append(loc.issue(f"{label}: {field} {d} is before {end} {e.id!r} existed "
                                     f"({start_field} {start})", field))
            elif stop is not None and field == "since" and d.start > stop.end:
                out.append(loc.issue(f"{label}: since {d} is after {end} {e.id!r} ceased to exist "
                                     f"({stop_field} {stop})", field))
    return out


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _cycles(edges: dict[str, list[tuple[str, Relation, Located]]]) -> list[Issue]:
    """Report each cycle of an acyclic relation type once, at one of its relations."""
    issues: list[Issue] = []
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[str, int] = {}
    for start in list(edges):
        if colour.get(start, WHITE) != WHITE:
            continue
        # iterative DFS keeping the path of (node, relation) to print the cycle
        stack = [(start, iter(edges.get(start, ())))]
        path: list[str] = [start]
        via: list[tuple[Relation, Located]] = []
        colour[start] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                path.pop()
                if via:
                    via.pop()
                continue
            target, rel, loc = nxt
            state = colour.get(target, WHITE)
            if state == GREY:
                i = path.index(target)
                cycle = path[i:] + [target]
                issues.append(loc.issue(
                    f"relation {rel.id}: {rel.type} forms a cycle: {' -> '.join(cycle)}", "object"))
            elif state == WHITE:
                colour[target] = GREY
                stack.append((target, iter(edges.get(target, ()))))
                path.append(target)
                via.append((rel, loc))
    return issues
