"""Files and folders that appear whole or not at all: every writer of crimegraph goes through here.

A file is written beside its target (a hidden temporary file in the same
folder), flushed to disk (``fsync``) and renamed over the target; a folder is
filled as a hidden temporary folder beside the target, every file in it
synced, and the finished folder renamed into place. Until the rename the
target is untouched; an error or an interrupt (Ctrl-C, ``SIGTERM`` in the
CLI) removes the temporary one. The rename itself runs with ``SIGINT`` and
``SIGTERM`` held back, so an interrupt cannot fall between its steps.

The target is checked first, with one clear error (:class:`CannotWrite`)
naming the option and the path: a folder given where a file is written (or the
reverse), a parent folder that does not exist (it is created only when the
caller asks: ``mkdir=True``, the CLI's ``--mkdir`` or ``--force``), a folder
the process may not write in. The path written is exactly the path given.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     target = pathlib.Path(tmp) / "out.txt"
...     _ = write_text(target, "hello")
...     with atomic_folder(pathlib.Path(tmp) / "csv") as folder:
...         _ = (folder / "nodes.csv").write_text("id")
...     sorted(p.name for p in pathlib.Path(tmp).iterdir())
['csv', 'out.txt']
>>> with tempfile.TemporaryDirectory() as tmp:
...     write_text(pathlib.Path(tmp) / "no" / "such" / "x.txt", "hi")
Traceback (most recent call last):
...
crimegraph.atomic.CannotWrite: --output ...: the folder ... does not exist; create it first, or pass --mkdir
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Callable, Iterator, Optional

from crimegraph.errors import UsageError


class CannotWrite(UsageError):
    """An output path that cannot be written: the message names the option, the path and why."""


#: errors of the disk itself while writing (the target stays as it was)
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS})


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    if threading.current_thread() is threading.main_thread():
        mask = os.umask(0o022)
        os.umask(mask)
        return mask
    return 0o022


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.errno else str(exc)


# ---------------------------------------------------------------- checks
def _check_parent(path: Path, option: str, mkdir: bool) -> None:
    parent = path.parent
    if parent.is_dir():
        return
    # the nearest part of the path that exists: a file there means no folder can be made
    part = parent
    while not part.exists() and part != part.parent:
        part = part.parent
    if part.exists() and not part.is_dir():
        raise CannotWrite(f"{option} {path}: {part} is a file, not a folder")
    if not mkdir:
        raise CannotWrite(f"{option} {path}: the folder {parent} does not exist; create it first, "
                          "or pass --mkdir")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"{option} {path}: cannot create the folder {parent} ({_why(exc)})") from None


def check_file_target(path: os.PathLike | str, *, option: str = "--output", mkdir: bool = False) -> Path:
    """The path a file will be written to, checked (see the module docstring); raises :class:`CannotWrite`."""
    path = Path(path)
    if path.is_dir():
        raise CannotWrite(f"{option} {path}: is a folder; give the name of a file to write")
    _check_parent(path, option, mkdir)
    return path


def check_folder_target(path: os.PathLike | str, *, option: str = "--output", mkdir: bool = False,
                        force: bool = False, owns: Optional[Callable[[Path], bool]] = None) -> Path:
    """The path a folder will be written to, checked; raises :class:`CannotWrite`.

    An existing folder must be empty, unless ``force``: then what the new
    folder writes replaces the entries of the same name, the entries ``owns``
    accepts (what an earlier run of this writer left) go, and the others stay.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CannotWrite(f"{option} {path}: is a file; this writes a folder (give a new folder's name)")
    if path.is_dir():
        try:
            entries = list(path.iterdir())
        except OSError as exc:
            raise CannotWrite(f"{option} {path}: cannot read the folder ({_why(exc)})") from None
        if entries and not force:
            raise CannotWrite(f"{option} {path}: the folder is not empty; choose a new or empty folder, "
                              "or pass --force to replace what crimegraph wrote there")
    _check_parent(path, option, mkdir)
    return path


# ---------------------------------------------------------------- durability
def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot sync a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for folder, dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder), directory=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM (delivered when the block ends)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _translate(exc: OSError, option: str, path: Path) -> CannotWrite:
    return CannotWrite(f"{option} {path}: cannot write in {path.parent} ({_why(exc)}); nothing was written")


# ---------------------------------------------------------------- files
@contextlib.contextmanager
def atomic_file(path: os.PathLike | str, mode: str = "wb", *, encoding: Optional[str] = None,
                newline: Optional[str] = None, option: str = "--output",
                mkdir: bool = False) -> Iterator[IO]:
    """A file object whose content replaces ``path`` only when the block ends without error.

    ``mode`` is ``"wb"`` or ``"w"`` (text, with ``encoding`` and ``newline``).
    A target that exists and is not a regular file (``/dev/null``, a named
    pipe) is written straight into: nothing can be renamed over it.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', not {mode!r}")
    path = check_file_target(path, option=option, mkdir=mkdir)
    kwargs = {} if mode == "wb" else {"encoding": encoding or "utf-8", "newline": newline}
    try:
        st = path.stat()
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            fh = open(path, mode, **kwargs)
        except OSError as exc:
            raise _translate(exc, option, path) from None
        with fh:
            yield fh
        return
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _translate(exc, option, path) from None
    tmp = Path(tmp_name)
    committed = False
    try:
        os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        with os.fdopen(fd, mode, **kwargs) as fh:
            try:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                if exc.errno in _DISK_ERRORS:
                    raise _translate(exc, option, path) from None
                raise
        with _signals_held():
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _translate(exc, option, path) from None
            committed = True
            _fsync_path(path.parent, directory=True)
    finally:
        if not committed:
            with contextlib.suppress(OSError):
                tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: os.PathLike | str, *, option: str = "--output", mkdir: bool = False) -> Iterator[Path]:
    """A path beside ``path`` (no file there yet) for a writer that opens files by name
    (SQLite): when the block ends without error, the file written there is synced and
    renamed over ``path``; otherwise it (and any ``-journal`` beside it) is removed.
    """
    path = check_file_target(path, option=option, mkdir=mkdir)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise _translate(exc, option, path) from None
    target = tmp / path.name
    try:
        yield target
        if not target.is_file():
            raise FileNotFoundError(f"nothing was written at {target}")
        os.chmod(target, 0o666 & ~_umask())
        _fsync_path(target)
        with _signals_held():
            try:
                os.replace(target, path)
            except OSError as exc:
                raise _translate(exc, option, path) from None
            _fsync_path(path.parent, directory=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_bytes(path: os.PathLike | str, data: bytes, **kwargs) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`); returns the path."""
    with atomic_file(path, "wb", **kwargs) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: os.PathLike | str, text: str, *, encoding: str = "utf-8", **kwargs) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_file`); returns the path."""
    with atomic_file(path, "w", encoding=encoding, newline="", **kwargs) as fh:
        fh.write(text)
    return Path(path)


# ---------------------------------------------------------------- folders
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    return False


def replace_folder(new: os.PathLike | str, path: os.PathLike | str, *, aside: Optional[Path] = None) -> None:
    """Put the finished folder ``new`` at ``path``, replacing what is there, and remove the old one.

    Where ``path`` holds a non-empty folder, the two change places in one step where the
    system can (Linux ``renameat2``); else the old folder is first renamed to ``aside``
    (default: a hidden name beside it), so that a reader that finds ``path`` missing can
    take ``aside`` back. SIGINT and SIGTERM wait until the folders are in place.
    """
    new, path = Path(new), Path(path)
    with _signals_held():
        if path.is_dir() and any(path.iterdir()):
            if _exchange(new, path):
                old = new  # the previous folder is now at the new one's name
            else:
                old = aside or Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old",
                                                     dir=path.parent)) / path.name
                if old.exists():
                    shutil.rmtree(old)
                os.rename(path, old)
                os.rename(new, path)
        else:
            os.rename(new, path)  # onto an empty folder, or where nothing was
            old = None
        _fsync_path(path.parent, directory=True)
    if old is not None:
        shutil.rmtree(old if aside is not None or old == new else old.parent, ignore_errors=True)


def _keep(old: Path, new: Path, owns: Callable[[Path], bool]) -> None:
    """Link (or copy) into ``new`` the entries of ``old`` this writer does not own: they stay."""
    for entry in sorted(old.iterdir()):
        if owns(entry) or (new / entry.name).exists():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(src, dst) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def atomic_folder(path: os.PathLike | str, *, option: str = "--output", mkdir: bool = False,
                  force: bool = False, owns: Optional[Callable[[Path], bool]] = None) -> Iterator[Path]:
    """A temporary folder beside ``path``; renamed to ``path`` when the block ends without error.

    ``path`` must not exist, or be an empty folder. With ``force`` an existing
    folder is replaced: its entries that the new folder has too, or that
    ``owns`` accepts (what an earlier run of this writer left), go; the others
    are kept (linked into the new folder); then the old and new folders change
    places in one step where the system can (Linux), else in two renames.
    """
    path = check_folder_target(path, option=option, mkdir=mkdir or force, force=force, owns=owns)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        os.chmod(tmp, 0o777 & ~_umask())
    except OSError as exc:
        raise _translate(exc, option, path) from None
    committed = False
    try:
        try:
            yield tmp
        except OSError as exc:
            if exc.errno in _DISK_ERRORS:
                raise _translate(exc, option, path) from None
            raise
        try:
            if path.is_dir() and any(path.iterdir()):
                _keep(path, tmp, owns or (lambda _entry: False))
            _fsync_tree(tmp)
            replace_folder(tmp, path)
            committed = True
        except OSError as exc:
            raise _translate(exc, option, path) from None
    finally:
        if not committed:
            shutil.rmtree(tmp, ignore_errors=True)
