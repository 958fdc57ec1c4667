"""The scenario a plan works in once the known disruptions are applied (pure).

- a cancelled service, a lost truck shift: gone;
- a delayed service: its new departure and arrival (a new departure alone keeps the duration;
  a new arrival alone keeps the departure);
- a capacity cut: the capacity left (none left: gone);
- a hub closed for a window: no service departs from it or arrives at it inside the window, and
  a truck shift based there keeps the longer of its spells outside the window. Trucks based
  elsewhere may still be routed through the hub inside the window: the routing has no closed
  times per stop, so a coordinator should also report the shifts the closure takes out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from logistics.domain import Disruption, DisruptionKind, Scenario, Service, Vehicle


def _inside(when: datetime, d: Disruption) -> bool:
    assert d.starts_at is not None and d.ends_at is not None
    return d.starts_at <= when < d.ends_at


def _service(s: Service, d: Disruption) -> Service | None:
    k = DisruptionKind
    if d.kind is k.SERVICE_CANCELLED and s.id == d.service_id:
        return None
    if d.kind is k.SERVICE_DELAYED and s.id == d.service_id:
        departure = d.new_departure or s.departure
        arrival = d.new_arrival or (departure + (s.arrival - s.departure))
        return replace(s, departure=departure, arrival=arrival)
    if d.kind is k.CAPACITY_CUT and s.id == d.service_id:
        kg = min(s.capacity_kg, d.capacity_kg) if d.capacity_kg is not None else s.capacity_kg
        m3 = min(s.capacity_m3, d.capacity_m3) if d.capacity_m3 is not None else s.capacity_m3
        return replace(s, capacity_kg=kg, capacity_m3=m3) if kg > 0 and m3 > 0 else None
    if d.kind is k.HUB_CLOSED and (
        (s.origin == d.location and _inside(s.departure, d))
        or (s.destination == d.location and _inside(s.arrival, d))
    ):
        return None
    return s


def _vehicle(v: Vehicle, d: Disruption) -> Vehicle | None:
    if d.kind is DisruptionKind.SHIFT_LOST and v.id == d.vehicle_id:
        return None
    if d.kind is DisruptionKind.HUB_CLOSED and v.depot == d.location:
        assert d.starts_at is not None and d.ends_at is not None
        if v.available_until <= d.starts_at or v.available_from >= d.ends_at:
            return v
        before = (v.available_from, min(v.available_until, d.starts_at))
        after = (max(v.available_from, d.ends_at), v.available_until)
        start, end = max(before, after, key=lambda spell: spell[1] - spell[0])
        return replace(v, available_from=start, available_until=end) if end > start else None
    return v


def apply_disruptions(scenario: Scenario, disruptions: Iterable[Disruption]) -> Scenario:
    """The scenario with every disruption applied (see the module docstring)."""
    services = list(scenario.services)
    vehicles = list(scenario.vehicles)
    for d in disruptions:
        services = [kept for s in services if (kept := _service(s, d)) is not None]
        vehicles = [truck for v in vehicles if (truck := _vehicle(v, d)) is not None]
    return replace(scenario, services=tuple(services), vehicles=tuple(vehicles))
