"""``validate --strict``: every stated date and figure has its support in the citations.

A stated value is *supported* when

* it appears in the quote of one of the item's citations (a date by its year,
  ``2014``; a figure by its number, written ``1417``, ``1,417`` or ``1.417``, or
  as a word for the small ones: ``nine``, ``nueve``),
* or it is a cited source's own date (a date whose year is the year of a
  source the item cites),
* or the item carries a ``derived`` note for that field which states it
  (``derived: {since: "the 2017 article says 'three years ago': 2014"}``).

Checked: a relation's ``since`` and ``until``; an actor's ``founded``,
``dissolved``, ``born``, ``died`` and ``captured``; an event's ``date`` and
its ``figures``. Each unsupported value is one issue at the line of its field.

>>> supports_year("2014", ["Founded in 2014 in Tocorón prison"])
True
>>> supports_number(1417, ["a seizure of 1,417 kilograms"]), supports_number(9, ["nine arrested"])
(True, True)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping, Optional

from .timing import LIFETIME_ENDS, LIFETIME_STARTS

#: date fields checked, by model: relation period, actor lifetime, event date
RELATION_DATES = ("since", "until")
ENTITY_DATES = LIFETIME_STARTS + LIFETIME_ENDS + ("captured", "date")
FIGURES = ("deaths", "injured", "arrests", "kilograms")

_WORDS = {
    0: ("zero", "cero"), 1: ("one", "a single", "uno", "una", "un"), 2: ("two", "dos"),
    3: ("three", "tres"), 4: ("four", "cuatro"), 5: ("five", "cinco"), 6: ("six", "seis"),
    7: ("seven", "siete"), 8: ("eight", "ocho"), 9: ("nine", "nueve"), 10: ("ten", "diez"),
    11: ("eleven", "once"), 12: ("twelve", "a dozen", "doce"), 13: ("thirteen", "trece"),
    14: ("fourteen", "catorce"), 15: ("fifteen", "quince"), 16: ("sixteen", "dieciséis"),
    17: ("seventeen", "diecisiete"), 18: ("eighteen", "dieciocho"), 19: ("nineteen", "diecinueve"),
    20: ("twenty", "veinte"),
}


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold())
                   if not unicodedata.combining(c))


def supports_year(year: str, texts: Iterable[Optional[str]]) -> bool:
    """Whether ``year`` (four digits) stands in one of ``texts`` as a number of its own."""
    pattern = re.compile(rf"(?<!\d){re.escape(year)}(?!\d)")
    return any(t and pattern.search(t) for t in texts)


def _number_forms(value: float) -> list[str]:
    if float(value).is_integer():
        n = int(value)
        forms = [str(n)]
        if n >= 1000:
            forms += [f"{n:,}", f"{n:,}".replace(",", "."), f"{n:,}".replace(",", " "),
                      f"{n:,}".replace(",", "\u00a0")]
        return forms
    text = repr(float(value))
    return [text, text.replace(".", ",")]


def supports_number(value: float, texts: Iterable[Optional[str]]) -> bool:
    """Whether the figure ``value`` is written in one of ``texts`` (digits, or a word up to 20)."""
    patterns = [re.compile(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)") for f in _number_forms(value)]
    words = _WORDS.get(int(value), ()) if float(value).is_integer() else ()
    word_patterns = [re.compile(rf"\b{re.escape(_fold(w))}\b") for w in words]
    for t in texts:
        if not t:
            continue
        if any(p.search(t) for p in patterns):
            return True
        folded = _fold(t)
        if any(p.search(folded) for p in word_patterns):
            return True
    return False


def _quotes(model) -> list[str]:
    return [c.quote for c in model.citations if c.quote]


def _source_years(model, sources: Mapping[str, Any]) -> set[str]:
    years = set()
    for c in model.citations:
        s = sources.get(c.source)
        if s is not None and s.date is not None:
            years.add(s.date.value[:4])
    return years


def unsupported(model, sources: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """The stated dates and figures of one item that nothing supports.

    Returns ``[(field path, message)]``; the path points at the field
    (``("since",)``, ``("figures", "deaths")``).
    """
    out: list[tuple[tuple, str]] = []
    derived = getattr(model, "derived", None) or {}
    quotes = _quotes(model)
    years = None
    fields = RELATION_DATES if hasattr(model, "subject") else ENTITY_DATES
    for f in fields:
        d = getattr(model, f, None)
        if d is None:
            continue
        year = d.value[:4]
        if supports_year(year, quotes) or supports_year(year, [derived.get(f)]):
            continue
        if years is None:
            years = _source_years(model, sources)
        if year in years:
            continue
        out.append(((f,), f"{f} {d}: the year {year} is in no cited quote, no cited source's date "
                          f"and no derived note (add a quote that states it, or derived: {{{f}: ...}})"))
    figures = getattr(model, "figures", None)
    if figures is not None:
        for f in FIGURES:
            v = getattr(figures, f, None)
            if v is None:
                continue
            key = f"figures.{f}"
            if supports_number(v, quotes) or supports_number(v, [derived.get(key)]):
                continue
            shown = int(v) if float(v).is_integer() else v
            out.append((("figures", f), f"figures.{f} {shown}: the figure is in no cited quote and "
                                        f"no derived note (add a quote that states it, or "
                                        f"derived: {{{key}: ...}})"))
    return out
