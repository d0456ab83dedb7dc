"""Parsing of query parameters shared by the CLI and the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from crimegraph.errors import UsageError
from crimegraph.schema.types import as_date


def parse_as_of(value: Optional[str], name: str = "--as-of") -> Optional[dt.date]:
    """``"2019"`` -> the last day of 2019; ``None`` stays ``None``. Bad input names the parameter."""
    if value is None or value == "":
        return None
    try:
        return as_date(value)
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None


def coerce_as_of(value, name: str = "as_of") -> Optional[dt.date]:
    """What a helper's ``as_of`` accepts: a date, a year (``2016``), ``"2016-05"`` or ``None``.

    A year or a month means its *last* day, so that ``as_of=2016`` keeps a
    relation that started in 2016 and drops one that ended in 2015.

    >>> coerce_as_of(2016).isoformat(), coerce_as_of(None)
    ('2016-12-31', None)
    """
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return as_date(value)
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None


def parse_types(values, name: str = "--types") -> Optional[frozenset[str]]:
    """Relation types from the command line: repeated and/or comma-separated; ``None`` if none.

    Names may use hyphens (``operates-in``). Unknown names raise a :class:`UsageError`
    listing the known ones.

    >>> sorted(parse_types(["allied-with,rival_of"]))
    ['allied_with', 'rival_of']
    """
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    names = {v.strip().replace("-", "_") for item in values for v in item.split(",") if v.strip()}
    if not names:
        return None
    from crimegraph.schema.vocab import RELATION_TYPES

    unknown = sorted(names - set(RELATION_TYPES))
    if unknown:
        raise UsageError(f"{name}: unknown relation type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(RELATION_TYPES)}")
    return frozenset(names)


def check_positive(value: int, name: str, *, minimum: int = 1) -> int:
    """A count parameter (hops, paths, depth, cap): an int of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return value
