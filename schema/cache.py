"""Validate once: a compiled form of a validated seed folder, reused until a seed file changes.

The first command on a seed folder reads and validates its YAML
(:func:`crimegraph.schema.loader.read_seeds`) and writes the validated
:class:`~crimegraph.schema.dataset.Dataset`, with the warnings the read gave, to
one file of the cache folder; later commands on the same folder open that file
instead of parsing YAML.

* Where: ``$CRIMEGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/crimegraph``, else
  ``~/.cache/crimegraph``. One file per seed folder (named by a hash of the
  folder's absolute path and the working directory, which the warnings' paths are
  relative to), so a folder that changes replaces its own entry.
* Never stale: the file's header holds a key, a hash of the crimegraph version,
  :data:`FORMAT`, the Python and pydantic versions, the source of this package (the
  schema's models and checks), and the path and *content*
  (not the modification time) of every seed file, and of every file skipped; a
  changed, added or removed file gives another key, and the entry is rebuilt.
* Never an error: a missing, truncated, corrupt (the payload's hash, at the end of
  the file, is checked before it is read) or older-format entry is ignored and rebuilt; a cache folder
  that cannot be written only means the next command validates again.
* Whole or not at all: written through :mod:`crimegraph.atomic`.
* The payload is a pickle (chosen by measurement: README "Validate once"); it
  keeps the sharing of equal values between models (:mod:`crimegraph.schema.compact`)
  that JSON would lose. The cache folder is the user's own, like Python's
  ``__pycache__``.

* Beside each pickle, its indexed form (``<entry>.sqlite``, :mod:`crimegraph.graph.indexed`),
  written with it under the same key (:func:`ensure_index`): what a warm point read opens
  instead of unpickling everything. :func:`clear` removes it too.

``--no-cache`` (the CLI's global option; ``CRIMEGRAPH_NO_CACHE=1``) reads the
YAML and leaves the cache alone.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Optional

#: the layout of a cache file; raise it when the payload changes meaning
FORMAT = 3
MAGIC = b"crimegraph-seed-cache\n"
#: the hash of the key and of the payload: SHA-256, which CPUs with SHA extensions run in hardware
#: (95 MB of seeds in 0.06 s on the benchmark machine, BLAKE2b 0.14 s): every warm command hashes
#: every seed file
DIGEST = hashlib.sha256
_SUFFIX = ".pickle"
#: the indexed form beside each pickle (:mod:`crimegraph.graph.indexed`), and files kept beside it
_SIDE_SUFFIXES = (".sqlite", ".search")


def index_path(entry: Path) -> Path:
    """The indexed (SQLite) form of a cache entry, which point reads open instead of the pickle."""
    return Path(entry).with_suffix(".sqlite")


def ensure_index(entry: Path, key: bytes, read) -> None:
    """Write the indexed form of a valid read unless the one there is for ``key``; never an error."""
    from crimegraph.graph.indexed import open_index, write_index

    where = index_path(entry)
    con = open_index(where, key)
    if con is not None:
        con.close()
        return
    try:
        write_index(where, key, read.dataset, read.warnings, read.quality)
    except Exception:  # a read-only or full disk: the next command builds it again
        pass


def cache_dir() -> Path:
    """The cache folder: ``$CRIMEGRAPH_CACHE_DIR``, ``$XDG_CACHE_HOME/crimegraph`` or ``~/.cache/crimegraph``."""
    given = os.environ.get("CRIMEGRAPH_CACHE_DIR")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "crimegraph"


def enabled() -> bool:
    return os.environ.get("CRIMEGRAPH_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _versions() -> bytes:
    """What besides the seed files decides the dataset: the versions, and the schema's own code
    (so that a changed model or check in a working copy, at the same version number, is seen)."""
    import pydantic

    from crimegraph import __version__

    h = DIGEST()
    for src in sorted(Path(__file__).resolve().parent.glob("*.py")):
        try:
            h.update(src.name.encode() + b"\0" + src.read_bytes())
        except OSError:
            h.update(src.name.encode() + b"\0?")
    return f"{__version__}\0{FORMAT}\0{sys.version}\0{pydantic.VERSION}\0".encode() + h.digest()


def entry_path(root: Path) -> Path:
    """The cache file of a seed folder (whatever its content)."""
    ident = f"{os.path.abspath(root)}\0{os.getcwd()}".encode("utf-8", "surrogateescape")
    return cache_dir() / (hashlib.sha256(ident).hexdigest()[:32] + _SUFFIX)


def content_key(files: list[Path], skipped: list[tuple[Path, str]]) -> Optional[bytes]:
    """A hash of what the seed files say: their paths and bytes (None when one cannot be read)."""
    h = DIGEST(_versions())
    for f in files:
        name = os.fsencode(os.path.abspath(f))
        try:
            data = Path(f).read_bytes()
        except OSError:
            return None  # the loader reports it; nothing to cache
        h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little"))
        h.update(data)
    for p, why in skipped:
        h.update(b"\1" + os.fsencode(os.path.abspath(p)) + b"\0" + why.encode())
    return h.digest()


def load(path: Path, key: bytes):
    """The cached ``SeedsRead`` for ``key``, or None (missing, another key, corrupt: never an error).

    A pickle runs code when read, so only a file this user owns and nobody else can write
    is read at all (as Python treats its own ``__pycache__`` as the user's): anything
    else is ignored and rebuilt.
    """
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None
            raw = fh.read()
    except OSError:
        return None
    head = len(MAGIC)
    if not raw.startswith(MAGIC) or len(raw) < head + 64:
        return None
    if raw[head:head + 32] != key:
        return None
    payload = memoryview(raw)[head + 32:-32]
    if DIGEST(payload).digest() != raw[-32:]:
        return None  # truncated or damaged
    from .compact import no_gc

    try:
        with no_gc():  # millions of new objects in no cycle: no collection passes
            dataset, warnings, quality = pickle.loads(payload)
    except Exception:  # a payload this code cannot read: rebuild it
        return None
    from .loader import SeedsRead

    read = SeedsRead(dataset, [], warnings, quality)
    dataset.warnings = read.warnings
    return read


def header_matches(path: Path, key: bytes) -> bool:
    """Whether an entry is this user's own, writable by nobody else, and its header holds ``key``:
    what can be checked without reading the whole file (:func:`load` checks the rest)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return False
            head = fh.read(len(MAGIC) + 32)
    except OSError:
        return False
    return head == MAGIC + key


def store(path: Path, key: bytes, read) -> None:
    """Write a valid read to the cache; a cache that cannot be written is left as it is."""
    from crimegraph.atomic import atomic_file

    class _Hashing:  # the pickle streams to the file (never whole in memory), hashed on the way
        def __init__(self, fh):
            self.fh, self.h = fh, DIGEST()

        def write(self, b):
            self.h.update(b)
            return self.fh.write(b)

    try:
        with atomic_file(path, "wb", mkdir=True) as fh:
            fh.write(MAGIC + key)
            out = _Hashing(fh)
            pickle.dump((read.dataset, list(read.warnings), list(read.quality)), out,
                        protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(out.h.digest())  # last: a file cut short fails the check
        try:
            os.chmod(path, 0o600)  # the user's own: nobody else may read or replace it
        except OSError:
            pass
    except Exception:  # a read-only or full disk: the next command validates again
        return
    ensure_index(path, key, read)


def entries() -> list[Path]:
    folder = cache_dir()
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == _SUFFIX and p.is_file())
    except OSError:
        return []


def files() -> list[Path]:
    """Every file of the cache: the entries and their indexed forms and search indexes."""
    folder = cache_dir()
    try:
        return sorted(p for p in folder.iterdir()
                      if p.suffix in (_SUFFIX, *_SIDE_SUFFIXES) and p.is_file())
    except OSError:
        return []


def clear() -> int:
    """Remove every cache file (pickles, their indexed forms, search indexes); the number of entries removed."""
    n = 0
    for p in files():
        try:
            p.unlink()
            n += p.suffix == _SUFFIX
        except OSError:
            pass
    return n
