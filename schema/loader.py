"""Read seed YAML into a validated :class:`Dataset`, reporting every error at once.

Speed: files are parsed with PyYAML's C loader and validated with one pydantic
call per section. Line numbers cost nothing on the good path: only when a file
has an error is it composed again to find the ``line:col`` of each problem.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml
from pydantic import TypeAdapter, ValidationError

from ..errors import DatasetInvalid, Issue, UsageError
from .dataset import Dataset
from .models import AnyEntity, DatasetMeta, Relation, Source
from .validate import Located, check_dataset, format_pydantic_error

try:  # the C loader is much faster; fall back with the same behaviour
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

SECTIONS = ("dataset", "sources", "entities", "relations")
_ADAPTERS = {
    "sources": TypeAdapter(list[Source]),
    "entities": TypeAdapter(list[AnyEntity]),
    "relations": TypeAdapter(list[Relation]),
}
_ITEM_ADAPTERS = {
    "sources": TypeAdapter(Source),
    "entities": TypeAdapter(AnyEntity),
    "relations": TypeAdapter(Relation),
}


def default_seeds() -> Path:
    """The seed folder used when none is given: ``$CRIMEGRAPH_SEEDS`` or the bundled Peru data."""
    env = os.environ.get("CRIMEGRAPH_SEEDS")
    if env:
        return Path(env)
    from crimegraph.seeds import PERU

    return PERU


def seed_files(path: Path) -> list[Path]:
    """The YAML files of a seed folder, in a stable order (or the one file given)."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise UsageError(f"seed folder not found: {path}")
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


class NodeLocator:
    """Finds the ``line:col`` of a path of keys/indexes inside a YAML file, composing it once."""

    def __init__(self, text: str):
        self._text = text
        self._root = None

    def locate(self, path: Iterable[Any]) -> tuple[int, int]:
        if self._root is None:
            self._root = yaml.compose(self._text, Loader=_Loader)
        node = self._root
        mark = node.start_mark if node is not None else None
        for step in path:
            if node is None:
                break
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == step or (isinstance(step, int) and k.value == str(step)):
                        nxt = (k, v)
                        break
                if nxt is None:
                    continue  # e.g. a pydantic union tag in the error path
                key, node = nxt
                # point at the key: that is the line a reviewer looks at
                mark = key.start_mark
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if 0 <= step < len(node.value):
                    node = node.value[step]
                    mark = node.start_mark
                else:
                    break
            else:
                continue
        if mark is None:
            return 1, 1
        return mark.line + 1, mark.column + 1


class _FileState:
    def __init__(self, path: Path, display: str, text: str):
        self.path = path
        self.display = display
        self.locator = NodeLocator(text)

    def issue(self, where: Iterable[Any], message: str) -> Issue:
        line, col = self.locator.locate(where)
        return Issue(self.display, line, col, message)


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _syntax_issue(display: str, exc: yaml.MarkedYAMLError) -> Issue:
    """Point at the construct that is broken (its start), and say where the parser gave up."""
    problem, context = exc.problem_mark, exc.context_mark
    mark = context or problem
    message = f"YAML syntax error: {exc.problem}"
    if context is not None and exc.context:
        message += f" {exc.context}"
    if problem is not None and context is not None and problem.line != context.line:
        message += f" (the parser gave up at line {problem.line + 1})"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Issue(display, line, col, message)


def read_seeds(
    path: Optional[os.PathLike | str] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> tuple[Optional[Dataset], list[Issue]]:
    """Read and check a seed folder. Returns ``(dataset, [])`` or ``(None, issues)``."""
    root = Path(path) if path is not None else default_seeds()
    files = seed_files(root)
    issues: list[Issue] = []
    if not files:
        return None, [Issue(_display(root), 1, 1, "no .yaml seed files found here")]
    meta: Optional[DatasetMeta] = None
    meta_where: Optional[str] = None
    items: dict[str, list[tuple[Any, Located]]] = {"sources": [], "entities": [], "relations": []}
    broken_ids: set[str] = set()
    total = sum(f.stat().st_size for f in files)
    done = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        state = _FileState(f, _display(f), text)
        done += len(text)
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            issues.append(_syntax_issue(state.display, exc))
            continue
        except yaml.YAMLError as exc:  # pragma: no cover - non-marked YAML errors are rare
            issues.append(Issue(state.display, 1, 1, f"YAML error: {exc}"))
            continue
        if progress:
            progress(done, total)
        if data is None:
            continue
        if not isinstance(data, dict):
            issues.append(state.issue([], "a seed file must be a mapping with keys: " + ", ".join(SECTIONS)))
            continue
        for key, value in data.items():
            if key not in SECTIONS:
                issues.append(state.issue([key], f"unknown section {key!r}; expected one of: {', '.join(SECTIONS)}"))
                continue
            if key == "dataset":
                if meta is not None:
                    issues.append(state.issue([key], f"a second 'dataset' header (the first is in {meta_where})"))
                    continue
                try:
                    meta = DatasetMeta.model_validate(value or {})
                    meta_where = state.display
                except ValidationError as exc:
                    for err in exc.errors():
                        issues.append(state.issue([key, *err["loc"]], format_pydantic_error("dataset header", err)))
                continue
            if value is None:
                continue
            if not isinstance(value, list):
                issues.append(state.issue([key], f"'{key}' must be a list of items"))
                continue
            _validate_section(key, value, state, items[key], issues, broken_ids)
    # cross-checks run even when some items failed: every error is reported in one run;
    # references to items that failed their own validation are not reported twice
    dataset, more = check_dataset(meta or DatasetMeta(), items, broken_ids)
    issues.extend(more)
    if issues:
        return None, sorted(set(issues))
    return dataset, []


def _validate_section(key, value, state, out, issues, broken_ids) -> None:
    try:
        models = _ADAPTERS[key].validate_python(value)
        for i, m in enumerate(models):
            out.append((m, Located(state, key, i)))
        return
    except ValidationError:
        pass
    # slow path: validate one by one so that good items still take part in the cross-checks
    adapter = _ITEM_ADAPTERS[key]
    for i, raw in enumerate(value):
        try:
            m = adapter.validate_python(raw)
        except ValidationError as exc:
            label = _item_label(key, raw)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                broken_ids.add(raw["id"])
            for err in exc.errors():
                issues.append(state.issue([key, i, *err["loc"]], format_pydantic_error(label, err)))
            continue
        out.append((m, Located(state, key, i)))


def _item_label(section: str, raw: Any) -> str:
    singular = {"sources": "source", "entities": "entity", "relations": "relation"}[section]
    if isinstance(raw, dict):
        ident = raw.get("id")
        if ident is None and section == "relations":
            ident = f"{raw.get('subject')} -{raw.get('type')}-> {raw.get('object')}"
        if ident is not None:
            return f"{singular} {ident!s}"
    return singular


def load_dataset(path: Optional[os.PathLike | str] = None, progress=None) -> Dataset:
    """Validate and return a dataset, or raise :class:`DatasetInvalid` listing every error.

    >>> ds = load_dataset()
    >>> "shining-path" in ds.entities
    True
    """
    dataset, issues = read_seeds(path, progress=progress)
    if issues:
        raise DatasetInvalid(issues)
    assert dataset is not None
    return dataset
