"""Enumerations shared by the whole domain."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Transport mode of a leg, service or vehicle."""

    AIR = "air"
    RAIL = "rail"
    ROAD = "road"


class LocationKind(StrEnum):
    """What a location is; more kinds may be added."""

    AIRPORT = "airport"
    RAIL_TERMINAL = "rail_terminal"
    ROAD_HUB = "road_hub"
    DEPOT = "depot"
    CUSTOMER = "customer"
    PORT = "port"
    RAIL_BORDER = "rail_border"


class Role(StrEnum):
    """API role carried by a key."""

    COORDINATOR = "coordinator"
    SHIPPER = "shipper"
    ANALYST = "analyst"
    FEED = "feed"
    ADMIN = "admin"
