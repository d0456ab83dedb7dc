"""One exception tree. Every error a user can meet says what, where and what to do.

The CLI prints ``str(error)`` and exits non-zero; it never shows a traceback
for these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


class CrimegraphError(Exception):
    """Base of every error crimegraph raises on purpose."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a seed dataset, located as ``path:line:col``."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "col": self.col, "message": self.message}


class SeedWarning(UserWarning):
    """A warning about a seed file (:attr:`issue` says where); the data is still valid.

    :func:`crimegraph.schema.loader.load_dataset` issues one per warning of the read
    (Python's ``warnings``); the CLI prints them on stderr.
    """

    def __init__(self, issue: Issue):
        super().__init__(str(issue))
        self.issue = issue


class DatasetInvalid(CrimegraphError):
    """The dataset has errors; nothing was loaded."""

    exit_code = 2

    def __init__(self, issues: Sequence[Issue]):
        self.issues = list(issues)
        n = len(self.issues)
        head = "\n".join(str(i) for i in self.issues)
        super().__init__(f"{head}\n{n} error{'s' if n != 1 else ''}; nothing was loaded")


class NotFound(CrimegraphError):
    what = "item"

    def __init__(self, key: str, suggestions: Iterable[str] = ()):
        self.key = key
        self.suggestions = list(suggestions)
        msg = f"no {self.what} {key!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(msg)


class EntityNotFound(NotFound):
    what = "entity"


class AmbiguousEntity(EntityNotFound):
    """A name matches several entities and none clearly: the candidates, with their scores."""

    def __init__(self, key: str, suggestions: Iterable[str] = ()):
        super().__init__(key, suggestions)
        self.args = (f"{key!r} matches more than one entity, none clearly; give the id, or more "
                     "of the name. Candidates (score, id, name, what matched):\n"
                     + "\n".join("  " + s for s in self.suggestions),)


class RelationNotFound(NotFound):
    what = "relation"


class SourceNotFound(NotFound):
    what = "source"


class NoPath(CrimegraphError):
    """No connection between two entities within the hop limit. Not a failure of the tool."""

    exit_code = 0

    def __init__(self, a: str, b: str, max_hops: int):
        self.a, self.b, self.max_hops = a, b, max_hops
        super().__init__(f"no connection between {a} and {b} within {max_hops} hops")


class StoreUnavailable(CrimegraphError):
    """A backend cannot be reached or used (server down, missing extra, bad credentials)."""

    exit_code = 3


class UsageError(CrimegraphError):
    """A bad parameter: names the parameter and what is allowed."""

    exit_code = 2
