"""Adapter (f): road GPS positions (JSON Lines) and the stop arrivals/departures they imply.

Each line: `{"vehicle": "TR0001", "lat": 34.52, "lon": 113.84, "time": "...+08:00",
"speed_kmh": 42.0}` (`speed` is accepted for `speed_kmh`). Positions are returned as positions,
never as timeline events. From them, per vehicle and in time order, visits to that vehicle's
planned stops are derived with a geofence and hysteresis:

- a visit starts when the vehicle is within `enter_radius_m` of a stop for at least
  `min_positions` consecutive positions spanning at least `min_dwell_minutes`; its ARRIVED time
  is the first of those positions;
- it ends at the first later position beyond `exit_radius_m`; DEPARTED is the time of the last
  position still within `enter_radius_m` (symmetric with the arrival);
- positions between the two radii neither start nor end a visit (no flapping at the edge).

A visit is matched to the lowest-order planned stop at that location not yet visited. Derived
events have `inferred=True`, `vehicle_id` as subject (they fan out to the vehicle's shipments),
`mode=road` and `source_code` `geofence_enter` / `geofence_exit`. A vehicle still inside a stop
at the end of the batch only gets its arrival. Records are `line N`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.domain.enums import Mode
from logistics.domain.geo import great_circle_km
from logistics.domain.tracking import Milestone, TimeType
from logistics.errors import DomainError
from logistics.tracking.adapters._common import RecordError, add_event, decode, parse_instant
from logistics.tracking.limits import TEXT_LIMITS, bad_text, bad_time
from logistics.tracking.results import AdapterResult, Position, ResultBuilder

GPS_EVENT_CODES: dict[str, Milestone] = {
    "geofence_enter": Milestone.ARRIVED,
    "geofence_exit": Milestone.DEPARTED,
}


@dataclass(frozen=True, slots=True)
class PlannedStop:
    """A stop of a truck route in the accepted plan, with its coordinates."""

    vehicle_id: str
    location_id: str
    lat: float
    lon: float
    order: int


@dataclass(frozen=True, slots=True)
class GeofenceRules:
    """Geofence radii and hysteresis used to derive stop visits from positions."""

    enter_radius_m: float = 300.0
    exit_radius_m: float = 600.0
    min_positions: int = 2
    min_dwell_minutes: float = 3.0

    def __post_init__(self) -> None:
        if not 0 < self.enter_radius_m <= self.exit_radius_m:
            raise DomainError("geofence needs 0 < enter_radius_m <= exit_radius_m")
        if self.min_positions < 1 or self.min_dwell_minutes < 0:
            raise DomainError("geofence needs min_positions >= 1 and min_dwell_minutes >= 0")


@dataclass(frozen=True, slots=True)
class StopVisit:
    """One derived visit of a vehicle at a planned stop."""

    stop: PlannedStop
    arrived: datetime
    departed: datetime | None


def _position(line: str, ref: str) -> Position:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, Mapping):
        raise RecordError("record is not a JSON object")
    vehicle = data.get("vehicle") or data.get("vehicle_id")
    if not isinstance(vehicle, str) or not vehicle:
        raise RecordError("vehicle is missing")
    lat, lon = data.get("lat"), data.get("lon")
    speed = data.get("speed_kmh", data.get("speed"))
    numbers_ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon))
    if not numbers_ok or (speed is not None and not isinstance(speed, int | float)):
        raise RecordError("lat, lon and speed must be numbers")
    if speed is not None and not math.isfinite(speed):
        raise RecordError(f"speed {speed} is not a finite number")
    refused = bad_text("vehicle", vehicle, TEXT_LIMITS["vehicle_id"])
    if refused:
        raise RecordError(refused)
    time = parse_instant(data.get("time"), "time")
    refused = bad_time("time", time)
    if refused:
        raise RecordError(refused)
    try:
        return Position(
            vehicle_id=vehicle,
            lat=float(lat),  # type: ignore[arg-type]
            lon=float(lon),  # type: ignore[arg-type]
            time=time,
            speed_kmh=None if speed is None else float(speed),
            record=ref,
        )
    except DomainError as exc:
        raise RecordError(str(exc)) from exc


def _distance_m(position: Position, stop: PlannedStop) -> float:
    return great_circle_km(position.lat, position.lon, stop.lat, stop.lon) * 1000.0


def derive_visits(
    positions: Sequence[Position], stops: Sequence[PlannedStop], rules: GeofenceRules
) -> list[StopVisit]:
    """Visits of one vehicle to its stops, from its positions (any order; sorted by time here)."""
    track = sorted(positions, key=lambda p: (p.time, p.lat, p.lon))
    visits: list[StopVisit] = []
    used: set[int] = set()
    inside: PlannedStop | None = None
    candidate: list[Position] = []
    candidate_stop: PlannedStop | None = None
    last_in: Position | None = None
    arrived: datetime | None = None

    def nearest(p: Position) -> tuple[PlannedStop | None, float]:
        best = min(stops, key=lambda s: (_distance_m(p, s), s.order), default=None)
        return best, (_distance_m(p, best) if best else float("inf"))

    def claim(location_id: str, fallback: PlannedStop) -> PlannedStop:
        for stop in sorted(stops, key=lambda s: s.order):
            if stop.location_id == location_id and stop.order not in used:
                used.add(stop.order)
                return stop
        return fallback  # every planned visit there is taken: an extra visit, keep the nearest

    for p in track:
        if inside is not None:
            d = _distance_m(p, inside)
            if d <= rules.enter_radius_m:
                last_in = p
            elif d > rules.exit_radius_m:
                assert arrived is not None and last_in is not None
                visits.append(StopVisit(inside, arrived, last_in.time))
                inside, last_in, arrived = None, None, None
            if inside is not None:
                continue
        stop, d = nearest(p)
        if stop is not None and d <= rules.enter_radius_m:
            if candidate_stop is None or candidate_stop.location_id != stop.location_id:
                candidate, candidate_stop = [], stop
            candidate.append(p)
            span = candidate[-1].time - candidate[0].time
            enough = len(candidate) >= rules.min_positions
            if enough and span >= timedelta(minutes=rules.min_dwell_minutes):
                inside = claim(stop.location_id, stop)
                arrived, last_in = candidate[0].time, p
                candidate, candidate_stop = [], None
        elif stop is None or d > rules.exit_radius_m:
            candidate, candidate_stop = [], None
    if inside is not None and arrived is not None:
        visits.append(StopVisit(inside, arrived, None))
    return visits


def parse_road_gps(
    payload: bytes | str,
    *,
    stops: Sequence[PlannedStop],
    rules: GeofenceRules | None = None,
    source: str = "gps",
    received_at: datetime | None = None,
) -> AdapterResult:
    """Parse GPS positions; derive inferred ARRIVED/DEPARTED events at the planned stops."""
    rules = rules or GeofenceRules()
    builder = ResultBuilder()
    try:
        lines = decode(payload).splitlines()
    except RecordError as exc:
        builder.error("payload", str(exc))
        return builder.build()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            builder.positions.append(_position(line, f"line {number}"))
        except RecordError as exc:
            builder.error(f"line {number}", str(exc))
    by_vehicle: dict[str, list[Position]] = {}
    for p in builder.positions:
        by_vehicle.setdefault(p.vehicle_id, []).append(p)
    for vehicle_id in sorted(by_vehicle):
        own = [s for s in stops if s.vehicle_id == vehicle_id]
        if not own:
            continue
        for visit in derive_visits(by_vehicle[vehicle_id], own, rules):
            moments = [("geofence_enter", visit.arrived)]
            if visit.departed is not None:
                moments.append(("geofence_exit", visit.departed))
            for code, when in moments:
                add_event(
                    builder,
                    f"vehicle {vehicle_id} stop {visit.stop.order}",
                    references={"stop_order": str(visit.stop.order)},
                    source=source,
                    milestone=GPS_EVENT_CODES[code],
                    time_type=TimeType.ACTUAL,
                    event_time=when,
                    vehicle_id=vehicle_id,
                    received_at=received_at,
                    location=visit.stop.location_id,
                    mode=Mode.ROAD,
                    source_code=code,
                    inferred=True,
                )
    return builder.build()
