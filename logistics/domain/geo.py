"""Distances on the Earth and the road model of DESIGN 3.2."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
ROAD_CIRCUITY = 1.3
AIR_DISTANCE_UPLIFT_KM = 95.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Default road distance: great-circle distance times the circuity factor 1.3."""
    return great_circle_km(lat1, lon1, lat2, lon2) * ROAD_CIRCUITY


def air_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Emission distance of a flight: great-circle distance plus 95 km (GLEC)."""
    return great_circle_km(lat1, lon1, lat2, lon2) + AIR_DISTANCE_UPLIFT_KM
