"""Share equal values between validated models, so that a large dataset stays small in memory.

A validated pydantic model carries more than its field values: its own
``__pydantic_fields_set__`` (a set of field names, 216 to 728 bytes), and
pydantic hands out a fresh object for every value it validates, so 500,000
relations hold 500,000 ``Confidence`` objects for 36 possible grades, a
``PartialDate`` per ``since``, and a new string per ``subject`` that repeats
the entity's own id. :class:`Compactor` replaces those with one shared object
per distinct value:

* ``__pydantic_fields_set__``: one :class:`SharedFieldsSet` per model class and
  set of names. It is a ``set`` (pydantic-core requires one, e.g. for
  ``model_dump(exclude_unset=True)``) whose mutating methods raise, so that no
  model can change what another one reports. Assigning a field of a compacted
  model still works as before: ``_Model.__setattr__`` (in
  :mod:`crimegraph.schema.models`) first gives that model a private copy of its
  fields-set (copy on write), and ``copy``/``model_copy`` get a plain ``set``.
* ``Confidence`` and ``PartialDate``: one instance per value. Both are
  immutable (their ``__setattr__`` raises), so sharing them cannot leak a
  change from one model to another.
* ids and references: ``subject``, ``object``, a citation's ``source``, an
  entity's or a source's ``id`` (and a few short repeated strings: ``lang``,
  ``publisher``, ``page``) become the same ``str`` object for the same text.

Models themselves (a ``Citation``, a ``list`` of citations) are not shared
between parents: they are mutable, and a change through one relation must not
show through another. Compaction changes no value: ``==``, ``model_dump`` and
every export give the same result before and after (tests/schema/test_compact.py).

The loader compacts each validated chunk as it reads (so that the models of a
large seed folder never exist in their expanded form all at once), and
:func:`crimegraph.schema.validate.check_dataset` compacts whatever it is given,
so every :class:`~crimegraph.schema.dataset.Dataset` built from seeds is
compact. Compacting a model twice is harmless and cheap (the shared fields-set
marks it as done).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Any, Iterable

from pydantic import BaseModel

from .types import Confidence, PartialDate

#: string fields whose values repeat across models: one ``str`` object per distinct text
#: (a relation's own ``id`` is unique, so it is left out of the table: see :meth:`Compactor._interned`)
INTERNED_FIELDS = frozenset({"id", "subject", "object", "source", "type", "lang", "publisher",
                             "page", "status", "reliability"})


class SharedFieldsSet(set):
    """A ``__pydantic_fields_set__`` shared by every model of one class with the same set fields.

    Read-only: its mutating methods raise ``TypeError``. Pydantic only mutates a
    model's fields-set on field assignment, which ``_Model.__setattr__`` turns
    into copy on write; ``copy()`` and ``deepcopy()`` (used by ``model_copy``)
    return a plain, private ``set``. Pickle keeps the sharing (its memo).
    """

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any):
        raise TypeError("this fields-set is shared by many models and cannot change; "
                        "assign the field on the model instead")

    add = discard = remove = pop = clear = update = _read_only
    difference_update = intersection_update = symmetric_difference_update = _read_only
    __ior__ = __iand__ = __isub__ = __ixor__ = _read_only

    def __copy__(self) -> set:
        return set(self)

    def __deepcopy__(self, memo) -> set:
        return set(self)

    def __reduce__(self):
        return (SharedFieldsSet, (list(self),))


class Compactor:
    """Tables of shared values, for one dataset being built (drop it once the dataset is built).

    >>> from crimegraph.schema.models import Relation
    >>> raw = {"type": "operates_in", "subject": "a", "object": "b", "confidence": "B2",
    ...        "since": 1999, "citations": [{"source": "s"}]}
    >>> r1, r2 = Relation.model_validate(raw), Relation.model_validate(raw)
    >>> c = Compactor()
    >>> r1, r2 = c.model(r1), c.model(r2)
    >>> r1.since is r2.since, r1.subject is r2.subject, r1 == r2
    (True, True, True)
    >>> r1.model_fields_set is r2.model_fields_set
    True
    """

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.dates: dict[str, PartialDate] = {}
        self.fields_sets: dict[tuple[type, frozenset], SharedFieldsSet] = {}
        self._interned_by_class: dict[type, frozenset] = {}

    def _interned(self, cls: type) -> frozenset:
        """The string fields of ``cls`` to intern: all of :data:`INTERNED_FIELDS` but a relation's id."""
        names = self._interned_by_class.get(cls)
        if names is None:
            from .models import Relation

            names = INTERNED_FIELDS - {"id"} if issubclass(cls, Relation) else INTERNED_FIELDS
            self._interned_by_class[cls] = names
        return names

    def string(self, s: str) -> str:
        """The one ``str`` object kept for this text."""
        return self.strings.setdefault(s, s)

    def model(self, m: BaseModel) -> BaseModel:
        """Compact ``m`` in place (its fields-set, values and nested models); return it."""
        fs = m.__pydantic_fields_set__
        if type(fs) is SharedFieldsSet:
            return m  # done already
        d = m.__dict__
        strings = self.strings
        cls = type(m)
        interned = self._interned_by_class.get(cls) or self._interned(cls)
        # values are replaced by equal ones straight in __dict__: no assignment
        # through pydantic, so the fields-set is not touched
        for k, v in d.items():
            t = type(v)
            if t is str:
                if k in interned:
                    d[k] = strings.setdefault(v, v)
            elif v is None:
                continue
            elif t is list:
                model = self.model
                for x in v:
                    if isinstance(x, BaseModel):
                        model(x)
            elif t is PartialDate:
                d[k] = self.dates.setdefault(v.value, v)
            elif t is Confidence:
                d[k] = Confidence.parse(v.code)  # the one instance of its grade
            elif isinstance(v, BaseModel):
                self.model(v)
        key = (cls, frozenset(fs))
        shared = self.fields_sets.get(key)
        if shared is None:
            shared = self.fields_sets[key] = SharedFieldsSet(fs)
        object.__setattr__(m, "__pydantic_fields_set__", shared)
        return m

    def models(self, ms: Iterable[BaseModel]) -> None:
        for m in ms:
            self.model(m)


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector for the block (it is left as it was found).

    For work that allocates millions of short-lived objects in no reference
    cycle (an export's tuples, a Neo4j load's rows, a graph's edge dicts):
    each burst of allocations would otherwise trigger collections that walk
    every young object again, and the whole loaded dataset unless it was
    :func:`settle`-d. Reference counting still frees everything as it goes.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def settle() -> None:
    """Put every object alive now out of the cyclic garbage collector's reach (``gc.freeze``).

    Called once a dataset is loaded: its millions of models live as long as the
    process, hold no reference cycles, and are freed by reference counting
    when dropped, frozen or not. Left in the collector's oldest generation, every
    full collection walks all of them again (about a second each at 500,000
    relations), and the allocations that follow a load (a Neo4j load's rows, the
    graph analytics' arrays) trigger many. The young generations are collected
    first, so that garbage made while loading is not kept with the dataset.
    """
    gc.collect(1)
    gc.freeze()
