"""Checks of places' coordinates: a coordinate needs a source, a place should have coordinates.

Plain functions over the ``(model, Located)`` pairs the loader reads (see
:func:`crimegraph.schema.validate.check_dataset`), each returning
:class:`~crimegraph.errors.Issue` objects at the entity's ``file:line:col``:

* :func:`unsourced_coordinates`: coordinates with no source. A coordinate's
  source is a ``derived: {coordinates: ...}`` note saying where the numbers
  come from (a gazetteer record, a rule over cited data), or a citation whose
  quote states both numbers;
* :func:`places_without_coordinates`: places with no coordinates at all.

``validate --strict`` reports both as errors, plain ``validate`` as warnings.

>>> from crimegraph.schema.models import Place
>>> p = Place(id="x", type="city", name="X", coordinates={"lat": 1.5, "lon": 2.5},
...           citations=[{"source": "s", "quote": "at 1.5 N, 2.5 E"}])
>>> coordinate_source(p)
'quote'
>>> p.citations[0].quote = "somewhere"
>>> coordinate_source(p) is None
True
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..errors import Issue
from .vocab import Kind


def _number_texts(x: float) -> set[str]:
    text = repr(float(x))
    out = {text, text.rstrip("0").rstrip(".")}
    if x < 0:
        out |= {t.lstrip("-") for t in out}
    return {t for t in out if t}


def coordinate_source(entity) -> Optional[str]:
    """How the entity's coordinates are sourced: ``"derived"``, ``"quote"``, or None."""
    c = getattr(entity, "coordinates", None)
    if c is None:
        return None
    if (entity.derived or {}).get("coordinates", "").strip():
        return "derived"
    lat, lon = _number_texts(c.lat), _number_texts(c.lon)
    for cite in entity.citations:
        q = cite.quote or ""
        if any(t in q for t in lat) and any(t in q for t in lon):
            return "quote"
    return None


def _places(entries: Iterable[tuple[Any, Any]]):
    for model, loc in entries:
        if getattr(model, "kind", None) is Kind.place:
            yield model, loc


def unsourced_coordinates(entries: Iterable[tuple[Any, Any]]) -> list[Issue]:
    """Errors: places whose coordinates have no source (no ``derived`` note, no quote stating them)."""
    out = []
    for model, loc in _places(entries):
        if model.coordinates is not None and coordinate_source(model) is None:
            out.append(loc.issue(
                f"entity {model.id}: coordinates without a source; add a note "
                "'derived: {coordinates: ...}' saying which gazetteer record or cited text the "
                "numbers come from (and by what rule), or cite a quote that states them",
                "coordinates"))
    return out


def places_without_coordinates(entries: Iterable[tuple[Any, Any]]) -> list[Issue]:
    """Warnings: places with no coordinates (they cannot be drawn on the geographic map)."""
    return [loc.issue(f"entity {model.id}: place without coordinates (it is left off the "
                      "geographic map)", "id")
            for model, loc in _places(entries) if model.coordinates is None]
