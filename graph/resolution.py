"""What an entity reference was taken to mean: the note a user sees, and who collects the notes.

:meth:`crimegraph.graph.base.Store.resolve` turns a reference (an id, a name, an
alias, a misspelling) into one entity, and records a :class:`Resolution` with
every collector open in the current context (:func:`collecting`). The CLI prints
the notes on stderr; the HTTP API and ``--format json`` add them to the answer
as ``resolved``. A context variable keeps concurrent requests apart.

>>> with collecting() as notes:
...     record(Resolution("Sendero", "shining-path", "Shining Path", "alias", "Sendero Luminoso",
...                       71.3, "alias 'Sendero Luminoso' (es)"))
>>> notes[0].note()
"'Sendero' is Shining Path (shining-path): alias 'Sendero Luminoso' (es), score 71.3"
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Iterator

_collectors: contextvars.ContextVar[tuple[list, ...]] = contextvars.ContextVar("crimegraph_resolutions",
                                                                               default=())


@dataclass(frozen=True)
class Resolution:
    """One reference resolved: what was asked, the entity opened, and how it matched."""

    ref: str
    id: str
    name: str
    how: str            # id | name | alias | search (the best, clearly ahead)
    matched: str
    score: float
    reason: str

    @property
    def obvious(self) -> bool:
        """Whether the reference was the entity's id (nothing worth a note)."""
        return self.how == "id"

    def note(self) -> str:
        """One line: ``'Sendero' is Shining Path (shining-path): alias 'Sendero Luminoso' (es), score 71.3``."""
        if self.obvious:
            return f"{self.ref!r} is the id of {self.name}"
        return f"{self.ref!r} is {self.name} ({self.id}): {self.reason}, score {self.score:g}"

    def as_dict(self) -> dict:
        return {"ref": self.ref, "id": self.id, "name": self.name, "how": self.how,
                "matched": self.matched, "score": self.score, "reason": self.reason}


@contextlib.contextmanager
def collecting() -> Iterator[list[Resolution]]:
    """Collect the resolutions made inside the block (nested blocks each get every one)."""
    notes: list[Resolution] = []
    token = _collectors.set((*_collectors.get(), notes))
    try:
        yield notes
    finally:
        _collectors.reset(token)


def record(resolution: Resolution) -> None:
    """Give a resolution to every open collector (none open: nothing happens)."""
    for notes in _collectors.get():
        if resolution not in notes:
            notes.append(resolution)


def attach(data: dict, notes: list[Resolution]) -> dict:
    """An answer's JSON with ``resolved``: what each entity named otherwise than by its id was taken to be.

    Unchanged when every entity was given by its id.
    """
    named = [n.as_dict() for n in notes if not n.obvious]
    if named and isinstance(data, dict):
        data = {**data, "resolved": named}
    return data


def candidates_text(hits) -> list[str]:
    """Candidates as the error lists them: ``71.3 shining-path (Shining Path): alias 'Sendero Luminoso' (es)``."""
    return [f"{h.score:.1f} {h.id} ({h.name}): {h.reason}" for h in hits]


__all__ = ["Resolution", "attach", "candidates_text", "collecting", "record"]
