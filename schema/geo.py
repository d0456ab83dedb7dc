"""Great-circle distances and bounding boxes on the WGS 84 sphere (degrees in, kilometres out).

>>> round(haversine_km(-12.04318, -77.02824, -12.05162, -77.13452), 1)   # Lima to Callao
11.6
>>> parse_point("-12.05,-77.13")
(-12.05, -77.13)
"""

from __future__ import annotations

import math
from typing import Sequence

#: mean Earth radius (IUGG), km
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bbox_half_diagonal_km(bbox: Sequence[float]) -> float:
    """Half the great-circle distance between a bbox's south-west and north-east corners."""
    w, s, e, n = bbox
    if w > e:  # crosses the antimeridian
        e += 360
    return haversine_km(s, w, n, e) / 2


def parse_point(text: str, name: str = "--near") -> tuple[float, float]:
    """``"LAT,LON"`` as two floats in range; a :class:`~crimegraph.errors.UsageError` naming ``name`` otherwise."""
    from crimegraph.errors import UsageError

    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 2:
        raise UsageError(f"{name}: expected LAT,LON in decimal degrees (like -12.05,-77.13), got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise UsageError(f"{name}: expected LAT,LON in decimal degrees (like -12.05,-77.13), got {text!r}") from None
    return check_point(lat, lon, name)


def check_point(lat: float, lon: float, name: str = "--near") -> tuple[float, float]:
    """A point in range, as two floats; a :class:`~crimegraph.errors.UsageError` naming ``name`` otherwise."""
    from crimegraph.errors import UsageError

    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise UsageError(f"{name}: expected decimal degrees, got {lat!r}, {lon!r}") from None
    if not math.isfinite(lat) or not -90 <= lat <= 90:
        raise UsageError(f"{name}: latitude {lat:g} is not between -90 and 90")
    if not math.isfinite(lon) or not -180 <= lon <= 180:
        raise UsageError(f"{name}: longitude {lon:g} is not between -180 and 180")
    return lat, lon


def check_km(km: float, name: str = "--km") -> float:
    """A positive, finite radius in km; a :class:`~crimegraph.errors.UsageError` naming ``name`` otherwise."""
    from crimegraph.errors import UsageError

    try:
        value = float(km)
    except (TypeError, ValueError):
        raise UsageError(f"{name}: expected a distance in km, got {km!r}") from None
    if not math.isfinite(value) or value <= 0 or value > 20040:
        raise UsageError(f"{name}: the radius must be more than 0 and at most 20040 km (half the "
                         f"Earth's circumference), got {km}")
    return value
