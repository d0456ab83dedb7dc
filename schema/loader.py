"""Read seed YAML into a validated :class:`Dataset`, reporting every error at once.

Speed: files are parsed with PyYAML's C parser and validated with one pydantic
call per chunk of a section. Line numbers cost nothing on the good path: only when a file
has an error is it composed again to find the ``line:col`` of each problem.

Memory (what lets 100,000 entities and 500,000 relations load in under 1 GiB,
about 830 MiB at the peak, where this took about 2 GiB): PyYAML's ``load``
composes a whole file into nodes before it builds the data, about 40 bytes of
nodes per byte of YAML (340 MiB for a file of 50,000 relations);
:class:`_SectionLoader` builds each item of a section as soon as it is
composed, so no more than one item's nodes exist at a time. Each validated
chunk of models is compacted at once (:mod:`crimegraph.schema.compact`: equal
values shared between models) and its raw items dropped, so that a large seed
folder never holds all its models in their expanded form, nor the parsed YAML
of more than one file; the text of each file is kept, compressed, only to
point at errors.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import SequenceEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import DatasetInvalid, Issue, UsageError
from .compact import Compactor, settle
from .dataset import Dataset
from .models import AnyEntity, DatasetMeta, Relation, Source
from .validate import Located, check_dataset, format_pydantic_error

try:  # the C loader is much faster; fall back with the same behaviour
    _Loader = yaml.CSafeLoader
    from yaml.cyaml import CParser as _CParser

    class _Parser(_CParser):
        def __init__(self, stream):
            _CParser.__init__(self, stream)
except (AttributeError, ImportError):  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)

SECTIONS = ("dataset", "sources", "entities", "relations")
#: items validated by one pydantic call: large enough to amortise the call, small
#: enough that a chunk's expanded models are a few MiB before they are compacted
CHUNK = 2000
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


class _Built(Node):
    """A section item already turned into data (see :class:`_SectionLoader`)."""

    def __init__(self, data: Any, node: Node):
        super().__init__(node.tag, None, None, None)  # no marks: nothing reads them any more
        self.data = data


class _SectionLoader(Composer, _Parser, SafeConstructor, Resolver):
    """``yaml.safe_load``, but each item of a top-level section list is built as soon as it is composed.

    PyYAML composes the whole document into nodes and only then builds the data;
    for a seed file the nodes take tens of times the file's size. Here the items
    of ``sources:``, ``entities:`` and ``relations:`` (the lists that grow) are
    built one by one and their nodes dropped, so the file's data is built with the
    nodes of one item at a time. Everything else is composed as usual, and the
    events, errors and their marks are PyYAML's own (the same C parser). An
    alias to a node of an earlier item builds an equal copy of it, not the same
    object; validation only reads the values.
    """

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._section_list = False

    def compose_node(self, parent, index):
        self._depth += 1
        # the value (index: its key node) of a section key of the top-level mapping
        self._section_list = (self._depth == 2 and isinstance(parent, MappingNode)
                              and isinstance(index, ScalarNode) and index.value in _STREAMED)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._section_list = False

    def compose_sequence_node(self, anchor):
        if not self._section_list:
            return super().compose_sequence_node(anchor)
        self._section_list = False  # its items' own lists are composed as usual
        # Composer.compose_sequence_node, with each item built at once
        start_event = self.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = self.resolve(SequenceNode, None, start_event.implicit)
        node = SequenceNode(tag, [], start_event.start_mark, None, flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        index = 0
        while not self.check_event(SequenceEndEvent):
            item = self.compose_node(node, index)
            node.value.append(_Built(self._construct_item(item), item))
            index += 1
        node.end_mark = self.get_event().end_mark
        return node

    def _construct_item(self, node) -> Any:
        """The data of one item, built as ``construct_document`` builds a document's."""
        data = self.construct_object(node)
        while self.state_generators:
            generators, self.state_generators = self.state_generators, []
            for generator in generators:
                for _ in generator:
                    pass
        self.constructed_objects.clear()  # drops the item's nodes
        return data

    def construct_object(self, node, deep=False):
        if type(node) is _Built:
            return node.data
        return super().construct_object(node, deep)


_STREAMED = frozenset(("sources", "entities", "relations"))


def _parse_yaml(text: str) -> Any:
    """The data of one YAML document (``yaml.safe_load``), built item by item (:class:`_SectionLoader`)."""
    loader = _SectionLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class NodeLocator:
    """Finds the ``line:col`` of a path of keys/indexes inside a YAML file, composing it once.

    The text is kept compressed (a seed file compresses about four times): it is
    only read again when an error has to be located.
    """

    def __init__(self, text: str):
        self._packed = zlib.compress(text.encode("utf-8"), 1)
        self._root = None

    def locate(self, path: Iterable[Any]) -> tuple[int, int]:
        if self._root is None:
            self._root = yaml.compose(zlib.decompress(self._packed).decode("utf-8"), Loader=_Loader)
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
    compactor = Compactor()
    total = sum(f.stat().st_size for f in files)
    done = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        state = _FileState(f, _display(f), text)
        done += len(text)
        try:
            data = _parse_yaml(text)
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
            _validate_section(key, value, state, items[key], issues, broken_ids, compactor)
        text = data = value = None  # this file's YAML: free it before the next file is read
    # cross-checks run even when some items failed: every error is reported in one run;
    # references to items that failed their own validation are not reported twice
    dataset, more = check_dataset(meta or DatasetMeta(), items, broken_ids, compactor)
    del items, compactor
    issues.extend(more)
    if issues:
        return None, sorted(set(issues))
    settle()  # the dataset lives as long as the process: keep the collector from walking it
    return dataset, []


def _validate_section(key, value, state, out, issues, broken_ids, compactor) -> None:
    """Validate a section's items chunk by chunk, compacting the models and dropping the raw items."""
    adapter = _ADAPTERS[key]
    for start in range(0, len(value), CHUNK):
        chunk = value[start:start + CHUNK]
        try:
            models = adapter.validate_python(chunk)
        except ValidationError:
            _validate_items(key, chunk, start, state, out, issues, broken_ids, compactor)
        else:
            for i, m in enumerate(models, start):
                out.append((compactor.model(m), Located(state, key, i)))
        for i in range(start, min(start + CHUNK, len(value))):
            value[i] = None  # the raw YAML item is no longer needed


def _validate_items(key, chunk, start, state, out, issues, broken_ids, compactor) -> None:
    """The slow path: one item at a time, so that good items still take part in the cross-checks."""
    adapter = _ITEM_ADAPTERS[key]
    for i, raw in enumerate(chunk, start):
        try:
            m = adapter.validate_python(raw)
        except ValidationError as exc:
            label = _item_label(key, raw)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                broken_ids.add(raw["id"])
            for err in exc.errors():
                issues.append(state.issue([key, i, *err["loc"]], format_pydantic_error(label, err)))
            continue
        out.append((compactor.model(m), Located(state, key, i)))


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
