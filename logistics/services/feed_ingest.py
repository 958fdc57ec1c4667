"""Feeds in: unified JSON batches item by item, and raw payloads through their format's adapter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics.errors import DomainError
from logistics.persistence.repositories import booked_legs, positions
from logistics.persistence.repositories import locations as location_repo
from logistics.services import tracking_refresh
from logistics.services.tracking_ingest import (
    IngestReport,
    ItemResult,
    ItemStatus,
    ingest_events,
    ingest_feed,
)
from logistics.tracking.adapters import (
    parse_dcsa_tnt,
    parse_fsu,
    parse_one_record,
    parse_rail_csv,
    parse_road_gps,
    parse_unified_json,
)
from logistics.tracking.adapters.road_gps import PlannedStop
from logistics.tracking.adapters.unified_json import parse_unified_items
from logistics.tracking.results import AdapterResult

FORMATS = ("unified", "fsu", "one_record", "dcsa", "rail_csv", "gps")


def ingest_unified_batch(
    session: Session, items: Sequence[Mapping[str, Any]], *, received_at: datetime | None = None
) -> IngestReport:
    """Ingest a batch of unified events; every item gets its own accepted/duplicate/rejected answer."""
    now = received_at or datetime.now(UTC)
    result = parse_unified_items(list(items), received_at=now)
    failed = {
        int(m.record.split()[1]): m.reason
        for m in result.errors
        if m.record.startswith("index ") and m.record.split()[1].isdigit()
    }
    produced = [i for i in range(len(items)) if i not in failed]
    report = ingest_events(session, result.events, received_at=now)
    answers: dict[int, ItemResult] = {
        index: ItemResult(index, item.status, item.event_id, item.reason)
        for index, item in zip(produced, report.items, strict=True)
    }
    for index, reason in failed.items():
        answers[index] = ItemResult(index, ItemStatus.REJECTED, None, reason)
    return IngestReport(tuple(answers[i] for i in range(len(items))))


def _parser(
    session: Session, format_: str, received_at: datetime
) -> Callable[[bytes], AdapterResult]:
    if format_ == "unified":
        return lambda p: parse_unified_json(p, received_at=received_at)
    if format_ == "fsu":
        zones = {loc.id: loc.timezone for loc in location_repo.all_locations(session)}
        return lambda p: parse_fsu(
            p, airport_timezones=zones, reference_time=received_at, received_at=received_at
        )
    if format_ == "one_record":
        return lambda p: parse_one_record(p, received_at=received_at)
    if format_ == "dcsa":
        return lambda p: parse_dcsa_tnt(p, received_at=received_at)
    if format_ == "rail_csv":
        return lambda p: parse_rail_csv(p, received_at=received_at)
    if format_ == "gps":
        stops = planned_stops(session)
        return lambda p: parse_road_gps(p, stops=stops, received_at=received_at)
    raise DomainError(f"unknown feed format {format_!r}; use one of: {', '.join(FORMATS)}")


def ingest_raw(
    session: Session,
    format_: str,
    payload: bytes,
    *,
    source: str | None = None,
    received_at: datetime | None = None,
) -> IngestReport:
    """Keep the payload as received, parse it with its format's adapter, and ingest the events."""
    now = received_at or datetime.now(UTC)
    result = _parser(session, format_, now)(payload)
    report = ingest_feed(
        session, result, source=source or format_, format_=format_, payload=payload, received_at=now
    )
    if result.positions:
        fixes = [(p.vehicle_id, p.time, p.lat, p.lon, p.speed_kmh) for p in result.positions]
        positions.add_new(session, fixes, source=source or format_, received_at=now)
        tracking_refresh.mark_vehicles(session, {p.vehicle_id for p in result.positions})
    return report


def planned_stops(session: Session) -> list[PlannedStop]:
    """Every booked truck's stops in planned order: the geofences GPS arrivals are derived from."""
    coordinates = {loc.id: (loc.lat, loc.lon) for loc in location_repo.all_locations(session)}
    stops: list[PlannedStop] = []
    seen: dict[str, set[tuple[str, datetime]]] = {}
    for leg in booked_legs.truck_legs(session):
        assert leg.vehicle_id is not None
        seen.setdefault(leg.vehicle_id, set()).update(
            ((leg.from_location, leg.planned_depart), (leg.to_location, leg.planned_arrive))
        )
    for vehicle_id, visits in sorted(seen.items()):
        ordered = sorted(visits, key=lambda v: (v[1], v[0]))
        for order, (location, _) in enumerate(ordered):
            lat, lon = coordinates[location]
            stops.append(PlannedStop(vehicle_id, location, lat, lon, order))
    return stops
