"""A scenario: the locations, services, trucks and shipments one plan is made for."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from logistics.domain.geo import road_km
from logistics.domain.location import Location
from logistics.domain.road_link import RoadLink
from logistics.domain.service import Service
from logistics.domain.shipment import Shipment
from logistics.domain.vehicle import Vehicle
from logistics.errors import DomainError

T = TypeVar("T")


def _index(kind: str, items: Iterable[T], key: str = "id") -> dict[str, T]:
    """Index records by id, refusing duplicates."""
    out: dict[str, T] = {}
    for item in items:
        k = getattr(item, key)
        if k in out:
            raise DomainError(f"duplicate {kind} id {k!r}")
        out[k] = item
    return out


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything one planning run reads; references between records are checked on construction."""

    locations: tuple[Location, ...]
    services: tuple[Service, ...] = ()
    vehicles: tuple[Vehicle, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    road_links: tuple[RoadLink, ...] = ()
    location_by_id: dict[str, Location] = field(init=False, repr=False, compare=False)
    service_by_id: dict[str, Service] = field(init=False, repr=False, compare=False)
    vehicle_by_id: dict[str, Vehicle] = field(init=False, repr=False, compare=False)
    shipment_by_id: dict[str, Shipment] = field(init=False, repr=False, compare=False)
    road_link_by_pair: dict[tuple[str, str], RoadLink] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        locs = _index("location", self.locations)
        object.__setattr__(self, "location_by_id", locs)
        object.__setattr__(self, "service_by_id", _index("service", self.services))
        object.__setattr__(self, "vehicle_by_id", _index("vehicle", self.vehicles))
        object.__setattr__(self, "shipment_by_id", _index("shipment", self.shipments))
        pairs: dict[tuple[str, str], RoadLink] = {}
        for link in self.road_links:
            pair = (link.origin, link.destination)
            if pair in pairs:
                raise DomainError(f"duplicate road link {pair[0]}->{pair[1]}")
            pairs[pair] = link
        object.__setattr__(self, "road_link_by_pair", pairs)
        for s in self.services:
            self._require_location(f"service {s.id}", s.origin, s.destination)
        for v in self.vehicles:
            self._require_location(f"vehicle {v.id}", v.depot)
        for sh in self.shipments:
            self._require_location(f"shipment {sh.id}", sh.origin, sh.destination)
        for link in self.road_links:
            self._require_location("road link", link.origin, link.destination)

    def _require_location(self, what: str, *ids: str) -> None:
        for loc in ids:
            if loc not in self.location_by_id:
                raise DomainError(f"{what}: unknown location {loc!r}")

    def road_distance_km(self, origin: str, destination: str) -> float:
        """Road distance per DESIGN 3.2: `distances.csv` if listed, else great-circle x 1.3."""
        if origin == destination:
            return 0.0
        link = self.road_link_by_pair.get((origin, destination))
        if link is not None:
            return link.distance_km
        a, b = self.location_by_id[origin], self.location_by_id[destination]
        return road_km(a.lat, a.lon, b.lat, b.lon)

    def road_duration_minutes(self, origin: str, destination: str, speed_kmh: float) -> float:
        """Truck travel minutes: the listed duration, else distance / speed."""
        if origin == destination:
            return 0.0
        link = self.road_link_by_pair.get((origin, destination))
        if link is not None and link.duration_minutes is not None:
            return link.duration_minutes
        return self.road_distance_km(origin, destination) / speed_kmh * 60.0

    def road_duration_whole_minutes(self, origin: str, destination: str, speed_kmh: float) -> int:
        """Travel minutes rounded up, the unit the solver and checker agree on."""
        return math.ceil(self.road_duration_minutes(origin, destination, speed_kmh) - 1e-9)
