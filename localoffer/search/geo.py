"""Distances on the Earth's surface, in miles."""

from __future__ import annotations

import math
from collections.abc import Iterable

EARTH_RADIUS_MILES = 3958.7613
MILES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_MILES / 180

Point = tuple[float, float]


def is_valid_point(point: object) -> bool:
    """True for a (lat, lon) pair of finite numbers within the usual ranges."""
    try:
        lat, lon = point  # type: ignore[misc]
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180


def haversine_miles(a: Point, b: Point) -> float:
    """Great-circle distance between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def nearest_miles(origin: Point, points: Iterable[Point]) -> float | None:
    """Miles from ``origin`` to the closest of ``points``, or None when there are none."""
    return min((haversine_miles(origin, point) for point in points), default=None)


def bounding_box(origin: Point, miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing every point within ``miles``."""
    lat, lon = origin
    spread = miles / MILES_PER_DEGREE_LATITUDE
    low, high = lat - spread, lat + spread
    if low <= -90 or high >= 90:
        return max(low, -90.0), min(high, 90.0), -180.0, 180.0
    # The widest longitude span is at the box's edge nearest a pole.
    widest = max(abs(low), abs(high))
    lon_spread = spread / math.cos(math.radians(widest))
    if lon - lon_spread < -180 or lon + lon_spread > 180:
        return low, high, -180.0, 180.0
    return low, high, lon - lon_spread, lon + lon_spread
