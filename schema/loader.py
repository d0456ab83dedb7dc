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

JSON Lines files (``*.jsonl``, :mod:`crimegraph.schema.jsonl`) are the fast cold path
for large datasets: each line is one record decoded by the C ``json`` decoder, and
the records enter the same section lists, the same chunked validation and the same
cross-checks as YAML items; their locator (:class:`~crimegraph.schema.jsonl.LineLocator`)
gives the same ``line:col`` a YAML item's :class:`NodeLocator` would: the record's
line, the column of the field's key. The cyclic garbage collector is paused while a
folder is read (millions of new objects, none in a reference cycle: its passes were
about a quarter of the CPU time of a cold read).

Hostile or broken files give located errors, never a crash: the bytes must be
UTF-8 (a UTF-16 or binary file is named as such, at the first byte that is not
UTF-8 text); a character YAML forbids (a NUL byte) is reported at its line and
column; a key repeated in one mapping (two ``entities:`` sections, a second
``id:`` in an item) is an error at the second key, where YAML would silently keep
only the last; nesting deeper than :data:`MAX_DEPTH` is refused before the
composer's recursion could overflow; a value YAML reads as an impossible
timestamp (``2023-02-30``) stays text, for the schema to reject where it stands.

Besides errors, reading gives *warnings* (:attr:`SeedsRead.warnings`): things the
loader fixed or skipped but that the maintainer should see, each at
``file:line:col`` (a name whose invisible characters were removed, a symbolic
link loop that was not followed). ``crimegraph validate`` lists them; every other
command gets them from :func:`load_dataset` as :class:`SeedWarning` warnings,
which the CLI prints on stderr. Warnings never make a dataset invalid.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import warnings
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import MappingEndEvent, SequenceEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import DatasetInvalid, Issue, SeedWarning, UsageError
from . import jsonl
from .compact import Compactor, no_gc, settle
from .dataset import Dataset
from .models import AnyEntity, DatasetMeta, Relation, Resolution, Source
from .names import change as name_change, clean_name
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

#: the files of a seed folder: YAML, and JSON Lines (:mod:`crimegraph.schema.jsonl`)
SEED_SUFFIXES = (".yaml", ".yml", ".jsonl")
SECTIONS = ("dataset", "sources", "entities", "relations", "resolutions")
#: items validated by one pydantic call: large enough to amortise the call, small
#: enough that a chunk's expanded models are a few MiB before they are compacted
CHUNK = 2000
_ADAPTERS = {
    "sources": TypeAdapter(list[Source]),
    "entities": TypeAdapter(list[AnyEntity]),
    "relations": TypeAdapter(list[Relation]),
    "resolutions": TypeAdapter(list[Resolution]),
}
_ITEM_ADAPTERS = {
    "sources": TypeAdapter(Source),
    "entities": TypeAdapter(AnyEntity),
    "relations": TypeAdapter(Relation),
    "resolutions": TypeAdapter(Resolution),
}


def default_seeds() -> Path:
    """The seed folder used when none is given: ``$CRIMEGRAPH_SEEDS`` or the bundled Peru data."""
    env = os.environ.get("CRIMEGRAPH_SEEDS")
    if env:
        return Path(env)
    from crimegraph.seeds import PERU

    return PERU


def seed_files(path: Path, skipped: Optional[list[tuple[Path, str]]] = None) -> list[Path]:
    """The seed files of a seed folder (YAML, JSON Lines), in a stable order (or the one file given).

    Linked folders are followed, each folder and file read once: a symbolic link
    loop, a link to a folder or file already read, and a link to nothing are
    skipped, and each one is added to ``skipped`` as ``(path, reason)``.
    """
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.exists():
        if path.is_symlink():
            raise UsageError(f"seed folder not found: {path} is a symbolic link to nothing "
                             f"({os.readlink(path)})")
        raise UsageError(f"seed folder not found: {path}")
    if not path.is_dir():
        raise UsageError(f"not a seed folder or file: {path}")
    seen: dict[tuple[int, int], Path] = {}

    def skip(p: Path, why: str) -> None:
        if skipped is not None:
            skipped.append((p, why))

    def visit(folder: Path) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            skip(folder, _link_problem(folder, exc))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            skip(folder, f"a link to a folder already read ({_display_link(seen[key])}); not read twice"
                 if folder.is_symlink() else "already read")
            return
        seen[key] = folder
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            skip(folder, f"cannot list this folder ({(exc.strerror or str(exc)).lower()})")
            return
        folders = []
        for p in entries:
            is_link = p.is_symlink()
            try:
                st = p.stat()
            except OSError as exc:
                if p.suffix in SEED_SUFFIXES or is_link:
                    skip(p, _link_problem(p, exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                folders.append((is_link, p))
            elif p.suffix in SEED_SUFFIXES and stat.S_ISREG(st.st_mode):
                files.setdefault((st.st_dev, st.st_ino), []).append((is_link, p))
        # real folders before linked ones, so that a link to a folder of the tree is the one skipped
        for _, p in sorted(folders, key=lambda f: f[0]):
            visit(p)

    files: dict[tuple[int, int], list[tuple[bool, Path]]] = {}
    visit(path)
    out = []
    for names in files.values():
        names.sort()  # the file itself before links to it
        out.append(names[0][1])
        for _, p in names[1:]:
            skip(p, f"the same file as {_display_link(names[0][1])}; read once")
    return sorted(out)


def _link_problem(p: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop; not followed"
    if exc.errno == errno.ENOENT and p.is_symlink():
        return f"a symbolic link to nothing ({os.readlink(p)})"
    return f"cannot read it ({(exc.strerror or str(exc)).lower()})"


class SeedsRead(tuple):
    """What :func:`read_seeds` returns: ``(dataset, issues)``, and the :attr:`warnings`.

    It unpacks as the pair (``dataset, issues = read_seeds(path)``); ``dataset``
    is ``None`` when there are issues (errors). ``warnings`` (a list of
    :class:`~crimegraph.errors.Issue`) never make the dataset invalid. Those also
    in :attr:`quality` are notes on the data's completeness (a place without
    coordinates, a relation dated outside a lifetime): ``validate`` lists them,
    other commands do not repeat them on every run.
    """

    warnings: list[Issue]
    quality: frozenset

    def __new__(cls, dataset: Optional[Dataset], issues: list[Issue], warnings: Iterable[Issue] = (),
                quality: Iterable[Issue] = ()):
        self = super().__new__(cls, (dataset, issues))
        self.warnings = sorted(set(warnings))
        self.quality = frozenset(quality)
        return self

    @property
    def dataset(self) -> Optional[Dataset]:
        return self[0]

    @property
    def issues(self) -> list[Issue]:
        return self[1]


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
        #: (first key node, repeated key node) of every key given twice in one mapping
        self.duplicates: list[tuple[Node, Node]] = []

    def compose_node(self, parent, index):
        self._depth += 1
        if self._depth > MAX_DEPTH:  # the composer recurses per level: stop long before Python's limit
            raise ComposerError(None, None, f"the data nests more than {MAX_DEPTH} levels deep",
                                self.peek_event().start_mark)
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

    def compose_mapping_node(self, anchor):
        """Composer.compose_mapping_node, noting every key given twice (YAML keeps only the last)."""
        start_event = self.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start_event.implicit)
        node = MappingNode(tag, [], start_event.start_mark, None, flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        seen: dict[Any, Node] = {}
        while not self.check_event(MappingEndEvent):
            key = self.compose_node(node, None)
            value = self.compose_node(node, key)
            if type(key) is ScalarNode and key.tag != _MERGE:
                ident = key.value if key.tag == _STR else self._key_value(key)
                if ident is not _UNKNOWN:
                    first = seen.get(ident)
                    if first is not None:
                        self.duplicates.append((first, key))
                    else:
                        seen[ident] = key
            node.value.append((key, value))
        node.end_mark = self.get_event().end_mark
        return node

    def _key_value(self, key: ScalarNode) -> Any:
        """A non-string scalar key as the constructor will build it (``1`` and ``0x1`` are one key)."""
        try:
            ident = (key.tag, self.construct_object(key))
            hash(ident)
            return ident
        except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError):
            return _UNKNOWN  # reported by the constructor, at the key

    def construct_yaml_timestamp(self, node):
        """A timestamp, or its text when it names no real instant (``2023-02-30``): the schema
        then says what is wrong with it, at its field."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):  # AttributeError: ``!!timestamp text``
            return self.construct_scalar(node)

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
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as exc:
            # a tagged scalar that is not what its tag says (``!!int abc``, ``!!bool maybe``)
            what = node.value if isinstance(node, ScalarNode) else node.id
            raise ConstructorError(None, None, f"cannot read {what!r} as {node.tag}: "
                                   f"{exc.__class__.__name__}: {exc}", node.start_mark) from None


_SectionLoader.add_constructor("tag:yaml.org,2002:timestamp", _SectionLoader.construct_yaml_timestamp)

_STREAMED = frozenset(("sources", "entities", "relations"))
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_UNKNOWN = object()
#: deepest nesting of mappings and lists a seed file may have (seed items nest five or six levels)
MAX_DEPTH = 64


class DuplicateKeys(yaml.YAMLError):
    """Keys given twice in a mapping: ``pairs`` holds (first, repeated) key nodes."""

    def __init__(self, data: Any, pairs: list[tuple[Node, Node]]):
        super().__init__(f"{len(pairs)} duplicate key(s)")
        self.data = data
        self.pairs = pairs


def _parse_yaml(text: str) -> Any:
    """The data of one YAML document (``yaml.safe_load``), built item by item (:class:`_SectionLoader`).

    Raises :class:`DuplicateKeys` (after parsing all of it) if a mapping repeats a key.
    """
    loader = _SectionLoader(text)
    try:
        data = loader.get_single_data()
        if loader.duplicates:
            raise DuplicateKeys(data, loader.duplicates)
        return data
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
    """A seed file being read: its name as shown, and how to find the ``line:col`` of a path in it."""

    def __init__(self, path: Path, display: str, text: Optional[str], locator=None):
        self.path = path
        self.display = display
        self.locator = locator if locator is not None else NodeLocator(text)

    def issue(self, where: Iterable[Any], message: str) -> Issue:
        line, col = self.locator.locate(where)
        return Issue(self.display, line, col, message)


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # outside it; or a link loop (3.11 raises RuntimeError)
        return str(path)


def _display_link(path: Path) -> str:
    """A path as given (a link is not followed), relative to the working directory when inside it."""
    absolute = os.path.abspath(path)
    try:
        return str(Path(absolute).relative_to(Path.cwd()))
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


def _duplicate_issues(display: str, pairs: list[tuple[Node, Node]]) -> list[Issue]:
    out = []
    for first, again in pairs:
        m, f = again.start_mark, first.start_mark
        out.append(Issue(display, m.line + 1, m.column + 1,
                         f"duplicate key {again.value!r}: it is already given at line {f.line + 1}, "
                         f"column {f.column + 1} of this mapping, and YAML would silently keep only the last; "
                         "merge the two or remove one"))
    return out


#: characters YAML does not allow in a document (yaml.reader.Reader.NON_PRINTABLE)
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _character_issue(display: str, text: str) -> Optional[Issue]:
    """The first character YAML does not allow, at its real line and column."""
    m = _NON_PRINTABLE.search(text)
    if m is None:
        return None
    ch = m.group()
    line, col = _line_col(text, m.start())
    if ch == "\x00":
        what = ("a NUL byte (U+0000), which YAML does not allow; "
                "is this a binary file, or UTF-16 text without a byte-order mark?")
    else:
        import unicodedata

        what = (f"the character U+{ord(ch):04X} {unicodedata.name(ch, '(a control character)')}, "
                "which YAML does not allow; remove it")
    return Issue(display, line, col, what)


def _read_text(path: Path, display: str) -> tuple[Optional[str], Optional[Issue]]:
    """The text of a seed file, or the issue that stops it being read (located)."""
    from crimegraph.textfile import NotUTF8, decode_utf8

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Issue(display, 1, 1, f"cannot read this file ({(exc.strerror or str(exc)).lower()})")
    try:
        return decode_utf8(raw, hint="seed files are UTF-8 (is this a binary file, or text in "
                                     "another encoding?)"), None
    except NotUTF8 as exc:
        return None, Issue(display, exc.line, exc.col, exc.message)


def read_seeds(
    path: Optional[os.PathLike | str] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    strict: bool = False,
    locations: Optional[dict] = None,
    cache: str = "use",
) -> SeedsRead:
    """Read and check a seed folder. Returns ``(dataset, [])`` or ``(None, issues)``
    (a :class:`SeedsRead`, whose ``warnings`` list what was fixed or skipped, and the
    findings that only ``strict`` makes errors; the dataset carries them too).

    ``strict`` adds the fact check of :mod:`crimegraph.schema.factcheck`.
    ``locations``, a dict, is filled with where each item was read:
    ``{"sources" | "entities" | "relations": {id: Located}}`` (``Located.where`` is
    its ``file:line``); ``crimegraph diff`` reads it.

    ``cache`` (:mod:`crimegraph.schema.cache`): ``"use"`` answers a folder read before,
    whose files have not changed, from its compiled form, and writes that form after a
    valid read; ``"refresh"`` always validates and writes it; ``"off"`` neither reads
    nor writes it. ``$CRIMEGRAPH_NO_CACHE`` (the CLI's ``--no-cache``) turns it off. A
    strict read never uses it, nor one that asks for ``locations``.
    """
    from . import cache as seed_cache

    root = Path(path) if path is not None else default_seeds()
    skipped: list[tuple[Path, str]] = []
    files = seed_files(root, skipped)
    key = entry = None
    if files and not strict and cache != "off" and seed_cache.enabled():
        key = seed_cache.content_key(files, skipped)
        if key is not None:
            entry = seed_cache.entry_path(root)
            if cache == "use" and locations is None:  # the cache keeps no locations: read them
                hit = seed_cache.load(entry, key)
                if hit is not None:
                    seed_cache.ensure_index(entry, key, hit)  # an entry from before the index, or a lost one
                    settle()
                    return hit
    with no_gc():  # millions of new objects in no reference cycle: no collection passes while reading
        read = _read_files(root, files, skipped, progress, strict, locations)
    if entry is not None and read.dataset is not None:
        seed_cache.store(entry, key, read)
    return read


def _read_files(root: Path, files: list[Path], skipped: list[tuple[Path, str]], progress,
                strict: bool, locations: Optional[dict] = None) -> SeedsRead:
    issues: list[Issue] = []
    found: list[Issue] = [Issue(_display_link(p), 1, 1, f"skipped: {why}") for p, why in skipped]
    if not files:
        return SeedsRead(None, [Issue(_display(root), 1, 1, "no .yaml or .jsonl seed files found here")], found)
    meta: Optional[DatasetMeta] = None
    meta_where: Optional[str] = None
    items: dict[str, list[tuple[Any, Located]]] = {"sources": [], "entities": [], "relations": [],
                                                   "resolutions": []}
    broken_ids: set[str] = set()
    compactor = Compactor()
    total = sum(_size(f) for f in files)
    done = 0
    for f in files:
        display = _display(f)
        text, problem = _read_text(f, display)
        if problem is not None:
            issues.append(problem)
            continue
        done += len(text)
        if f.suffix == jsonl.SUFFIX:
            parsed = jsonl.Parsed(display, text)
            issues.extend(parsed.issues)
            state = _FileState(f, display, None, jsonl.LineLocator(parsed))
            for n in parsed.extra_headers:
                issues.append(Issue(display, n, 1, "a second 'dataset' record (the first is at line "
                                                   f"{parsed.lines['dataset'][0]})"))
            data, parsed.data = parsed.data, {}  # the locator keeps the line numbers only
            text = parsed = None
        else:
            state = _FileState(f, display, text)
        try:
            data = data if f.suffix == jsonl.SUFFIX else _parse_yaml(text)
        except DuplicateKeys as exc:
            issues.extend(_duplicate_issues(display, exc.pairs))
            continue
        except yaml.MarkedYAMLError as exc:
            issues.append(_syntax_issue(display, exc))
            continue
        except yaml.reader.ReaderError as exc:  # a character YAML forbids: point at it
            issues.append(_character_issue(display, text) or Issue(display, 1, 1, f"YAML error: {exc}"))
            continue
        except yaml.YAMLError as exc:  # pragma: no cover - every other YAML error carries a mark
            issues.append(Issue(display, 1, 1, f"YAML error: {exc}"))
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
            _validate_section(key, value, state, items[key], issues, broken_ids, compactor, found)
        text = data = value = None  # this file's YAML: free it before the next file is read
    # cross-checks run even when some items failed: every error is reported in one run;
    # references to items that failed their own validation are not reported twice
    found.extend(_alias_warnings(items["entities"]))
    dataset, more = check_dataset(meta or DatasetMeta(), items, broken_ids, compactor, strict=strict)
    if locations is not None:
        for section in ("sources", "entities", "relations"):
            found_at = locations.setdefault(section, {})
            for model, loc in items[section]:
                found_at.setdefault(model.id, loc)
    quality = list(dataset.warnings)
    found.extend(quality)
    del items, compactor
    issues.extend(more)
    if issues:
        return SeedsRead(None, sorted(set(issues)), found, quality)
    read = SeedsRead(dataset, [], found, quality)
    dataset.warnings = read.warnings
    settle()  # the dataset lives as long as the process: keep the collector from walking it
    return read


def _alias_warnings(entities: list[tuple[Any, Located]]) -> list[Issue]:
    """An alias that is another entity's name: the text then means that other entity."""
    named: dict[str, tuple[str, Located]] = {}
    for e, loc in entities:
        named.setdefault(e.name.casefold(), (e.id, loc))
    out = []
    for e, loc in entities:
        for j, a in enumerate(e.aliases):
            owner = named.get(a.name.casefold())
            if owner is not None and owner[0] != e.id:
                out.append(loc.issue(f"entity {e.id}: alias {a.name!r} is the name of {owner[0]!r} "
                                     f"(at {owner[1].where}); a reference to {a.name!r} means {owner[0]!r}",
                                     "aliases", j))
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _validate_section(key, value, state, out, issues, broken_ids, compactor, found) -> None:
    """Validate a section's items chunk by chunk, compacting the models and dropping the raw items."""
    adapter = _ADAPTERS[key]
    for start in range(0, len(value), CHUNK):
        chunk = value[start:start + CHUNK]
        if key == "entities":
            _name_warnings(chunk, start, state, found)
        try:
            models = adapter.validate_python(chunk)
        except ValidationError:
            _validate_items(key, chunk, start, state, out, issues, broken_ids, compactor)
        else:
            for i, m in enumerate(models, start):
                out.append((compactor.model(m), Located(state, key, i)))
        for i in range(start, min(start + CHUNK, len(value))):
            value[i] = None  # the raw YAML item is no longer needed


def _name_warnings(chunk: list, start: int, state: "_FileState", found: list[Issue]) -> None:
    """Warn where validation will change an entity's name or alias (invisible characters, NFC)."""
    for i, raw in enumerate(chunk, start):
        if not isinstance(raw, dict):
            continue
        name = raw.get("name")
        if isinstance(name, str) and not name.isascii():
            what = name_change(name)
            if what and clean_name(name):  # an empty name is an error, reported by validation
                found.append(state.issue(["entities", i, "name"], f"{_item_label('entities', raw)}: name "
                                                                 f"{name.strip()!r}: {what}"))
        aliases = raw.get("aliases")
        if not isinstance(aliases, list):
            continue
        for j, alias in enumerate(aliases):
            text = alias.get("name") if isinstance(alias, dict) else alias
            if isinstance(text, str) and not text.isascii():
                what = name_change(text)
                if what and clean_name(text):
                    found.append(state.issue(["entities", i, "aliases", j],
                                             f"{_item_label('entities', raw)}: alias {text.strip()!r}: {what}"))


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
    singular = {"sources": "source", "entities": "entity", "relations": "relation",
                "resolutions": "resolution"}[section]
    if isinstance(raw, dict):
        ident = raw.get("id")
        if ident is None and section == "relations":
            ident = f"{raw.get('subject')} -{raw.get('type')}-> {raw.get('object')}"
        if section == "resolutions":
            ident = f"{raw.get('a')} / {raw.get('b')}"
        if ident is not None:
            return f"{singular} {ident!s}"
    return singular


def load_dataset(path: Optional[os.PathLike | str] = None, progress=None) -> Dataset:
    """Validate and return a dataset, or raise :class:`DatasetInvalid` listing every error.

    Warnings (:attr:`SeedsRead.warnings`) are issued as :class:`SeedWarning` (Python's
    ``warnings``), which the CLI prints on stderr; notes on completeness
    (:attr:`SeedsRead.quality`) are left to ``validate``.

    >>> ds = load_dataset()
    >>> "shining-path" in ds.entities
    True
    """
    read = read_seeds(path, progress=progress)
    dataset, issues = read
    for w in read.warnings:
        if w not in read.quality:
            warnings.warn(SeedWarning(w), stacklevel=2)
    if issues:
        raise DatasetInvalid(issues)
    assert dataset is not None
    return dataset
