"""Small value types used by the models: partial dates and Admiralty confidence."""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _Immutable:
    """Base of the value types a validated dataset shares between its models
    (schema/compact.py): no attribute can change, and a copy is the object itself."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    def __setstate__(self, state) -> None:  # pickles made before __reduce__ existed
        for name, value in (state[1] if isinstance(state, tuple) else state).items():
            object.__setattr__(self, name, value)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


#: dates parsed from text or a year, shared (a PartialDate is immutable); bounded so that
#: hostile input cannot grow it without end
_PARSED: dict = {}
_PARSED_MAX = 200_000


class PartialDate(_Immutable):
    """A date known to a year, a month or a day.

    The value is kept as written (``1992``, ``1992-09``, ``1992-09-12``) and
    covers an interval: :attr:`start` is its first day and :attr:`end` its last.

    >>> d = PartialDate.parse("1992-09")
    >>> d.precision, d.start.isoformat(), d.end.isoformat()
    ('month', '1992-09-01', '1992-09-30')
    """

    __slots__ = ("value", "precision", "start", "end")

    # Immutable: a validated dataset shares one instance per value between all
    # the models that carry it (schema/compact.py), so none may change.
    def __init__(self, value: str, precision: str, start: _dt.date, end: _dt.date):
        _set = object.__setattr__
        _set(self, "value", value)
        _set(self, "precision", precision)
        _set(self, "start", start)
        _set(self, "end", end)

    def __reduce__(self):
        return (PartialDate, (self.value, self.precision, self.start, self.end))

    @classmethod
    def parse(cls, raw: Any) -> "PartialDate":
        if isinstance(raw, PartialDate):
            return raw
        kind = type(raw)
        if (kind is str or kind is int) and cls is PartialDate:  # a few thousand dates, written many times
            key = (kind, raw)
            got = _PARSED.get(key)
            if got is None:
                got = cls._parse(raw)
                if len(_PARSED) < _PARSED_MAX:
                    _PARSED[key] = got
            return got
        return cls._parse(raw)

    @classmethod
    def _parse(cls, raw: Any) -> "PartialDate":
        if isinstance(raw, _dt.datetime):
            raw = raw.date()
        if isinstance(raw, _dt.date):
            return cls(raw.isoformat(), "day", raw, raw)
        if isinstance(raw, bool):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {raw!r}")
        if isinstance(raw, int):
            raw = f"{raw:04d}"
        if not isinstance(raw, str):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {raw!r}")
        m = _DATE_RE.match(raw.strip())
        if not m:
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {raw!r}")
        y, mo, d = m.groups()
        year = int(y)
        try:
            if d is not None:
                day = _dt.date(year, int(mo), int(d))
                return cls(day.isoformat(), "day", day, day)
            if mo is not None:
                month = int(mo)
                last = calendar.monthrange(year, month)[1]
                return cls(f"{year:04d}-{month:02d}", "month", _dt.date(year, month, 1),
                           _dt.date(year, month, last))
            return cls(f"{year:04d}", "year", _dt.date(year, 1, 1), _dt.date(year, 12, 31))
        except ValueError as exc:
            raise ValueError(f"not a valid date: {raw!r} ({exc})") from None

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"PartialDate({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: "PartialDate") -> bool:
        return (self.start, self.end) < (other.start, other.end)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.value, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema, handler: GetJsonSchemaHandler):
        return {
            "description": "A date to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD.",
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 9999},
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            ],
        }


def as_date(value: Any) -> _dt.date:
    """Turn ``2019``, ``"2019-05"``, ``"2019-05-03"`` or a date into the *last* day it covers.

    ``as_of(2019)`` then means "as of the end of 2019"; a relation that ends in
    2015 is absent from it.

    >>> as_date(2015).isoformat(), as_date("2016-02").isoformat()
    ('2015-12-31', '2016-02-29')
    """
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    return PartialDate.parse(value).end


RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
_CONF_RE = re.compile(r"^([A-F])([1-6])$")


class Confidence(_Immutable):
    """An Admiralty (NATO) grade: source reliability A–F and information credibility 1–6.

    >>> c = Confidence.parse("b2")
    >>> c.code, c.score, c.describe()
    ('B2', 0.6944, 'usually reliable source; probably true')
    """

    __slots__ = ("reliability", "credibility")

    # Immutable, and ``parse`` hands out one shared instance per grade (36 in
    # all): a dataset of 500,000 relations holds 36 Confidence objects, not
    # 500,000 (see schema/compact.py).
    def __init__(self, reliability: str, credibility: int):
        object.__setattr__(self, "reliability", reliability)
        object.__setattr__(self, "credibility", credibility)

    def __reduce__(self):
        return (_confidence, (self.code,))  # unpickles to the shared instance

    @classmethod
    def parse(cls, raw: Any) -> "Confidence":
        if isinstance(raw, Confidence):
            return raw
        shared = _CONFIDENCES.get(raw) if isinstance(raw, str) else None
        if shared is not None:
            return shared
        if not isinstance(raw, str) or not _CONF_RE.match(raw.strip().upper()):
            raise ValueError(
                f"expected an Admiralty code: a letter A-F (source reliability) and a digit 1-6 "
                f"(information credibility), like 'B2'; got {raw!r}"
            )
        code = raw.strip().upper()
        # the table holds the 36 canonical codes (and their lowercase forms); other
        # spellings (" b2 ") are parsed each time, so it cannot grow
        return _CONFIDENCES[code]

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"

    @property
    def score(self) -> float:
        """A number in (0, 1] for ranking: A1 is 1.0, F6 is lowest."""
        r = (6 - "ABCDEF".index(self.reliability)) / 6
        c = (7 - self.credibility) / 6
        return round(r * c, 4)

    def describe(self) -> str:
        return f"{RELIABILITY[self.reliability]} source; {CREDIBILITY[self.credibility]}"

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Confidence({self.code!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Confidence) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.code, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema, handler: GetJsonSchemaHandler):
        return {
            "type": "string",
            "pattern": "^[A-Fa-f][1-6]$",
            "description": "Admiralty code: source reliability A-F and information credibility 1-6, e.g. B2.",
        }


#: the one instance of each grade, by its code (and the lowercase code): see ``Confidence.parse``
_CONFIDENCES: dict[str, Confidence] = {}
for _r in "ABCDEF":
    for _c in range(1, 7):
        _CONFIDENCES[f"{_r}{_c}"] = _CONFIDENCES[f"{_r.lower()}{_c}"] = Confidence(_r, _c)
del _r, _c


def _confidence(code: str) -> Confidence:
    return Confidence.parse(code)
