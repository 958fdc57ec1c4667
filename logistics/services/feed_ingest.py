"""Feeds in: unified JSON batches item by item, and raw payloads through their format's adapter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain import Location
from logistics.persistence.repositories import booked_legs, positions
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import services as service_repo
from logistics.services import place_lookup, shipment_references, tracking_refresh
from logistics.services.tracking_ingest import (
    IngestReport,
    ItemResult,
    ItemStatus,
    ingest_feed,
    ingest_flat,
)
from logistics.tracking.adapters.registry import FeedContext, FeedFormat, feed_spec
from logistics.tracking.adapters.road_gps import PlannedStop
from logistics.tracking.adapters.unified_json import parse_unified_flat


def ingest_unified_batch(
    session: Session, items: Sequence[Mapping[str, Any]], *, received_at: datetime | None = None
) -> IngestReport:
    """Ingest a batch of unified events; every item gets its own accepted/duplicate/rejected answer.

    One pass: each item's values are checked, hashed and stored as they are (no event object);
    an item refused by the adapter answers `rejected` with its record (`index N`) and reason.
    """
    now = received_at or clock.now()
    produced, refused = parse_unified_flat(items, received_at=now)
    report = ingest_flat(
        session, [e for _, e in produced], indices=[index for index, _ in produced]
    )
    answers: list[ItemResult | None] = [None] * len(items)
    for item in report:  # a batch item's answer names no record (it is the item itself)
        answers[item.index] = replace(item, record="") if item.record else item
    for message in refused:
        assert message.index is not None  # the unified adapter numbers every record
        answers[message.index] = ItemResult(
            message.index,
            ItemStatus.REJECTED,
            None,
            message.reason,
            message.record,
            message.code or "invalid_record",
        )
    return IngestReport(tuple(a for a in answers if a is not None))


def ingest_raw(
    session: Session,
    format_: str,
    payload: bytes,
    *,
    source: str | None = None,
    received_at: datetime | None = None,
    options: Mapping[str, Any] | None = None,
) -> IngestReport:
    """Keep the payload as received, parse it with its format's adapter, and ingest the events.

    `options` are further adapter keywords the caller knows, e.g. ONE Record's
    `logistics_object` (the object the events were posted to).

    References in the payload (AWB, container, booking) are resolved to shipments while parsing,
    through the links in storage.
    """
    spec = feed_spec(format_)
    now = received_at or clock.now()
    ours = location_repo.all_locations(session)
    context = FeedContext(
        received_at=now,
        reference_time=now,
        source=source,
        subjects=shipment_references.lookup(session),
        stops=planned_stops(session) if spec.needs_stops else (),
        location_timezones={loc.id: loc.timezone for loc in ours},
        options=_options(session, spec.format, options, ours),
    )
    result = spec.parse(payload, context)
    name = source or spec.format.value
    report = ingest_feed(
        session, result, source=name, format_=spec.format.value, payload=payload, received_at=now
    )
    if result.positions:
        fixes = [(p.vehicle_id, p.time, p.lat, p.lon, p.speed_kmh) for p in result.positions]
        positions.add_new(session, fixes, source=name, received_at=now)
        tracking_refresh.mark_vehicles(session, {p.vehicle_id for p in result.positions})
    return report


_PLACED = frozenset(
    {FeedFormat.ONE_RECORD, FeedFormat.DCSA, FeedFormat.EPCIS, FeedFormat.FSU, FeedFormat.XFSU}
)
"""Formats whose place codes (UN/LOCODE, IATA station, GLN, coordinates) are mapped onto our
locations while parsing."""


def _options(
    session: Session,
    format_: FeedFormat,
    given: Mapping[str, Any] | None,
    ours: Sequence[Location],
) -> dict[str, Any]:
    options = dict(given or {})
    if format_ in _PLACED:
        options.setdefault("locations", place_lookup.lookup_over(ours))
    if format_ is FeedFormat.EPCIS:
        options.setdefault("handling_units", shipment_references.handling_units(session))
    if format_ is FeedFormat.ONE_RECORD:  # a flight we do not run is no subject of ours
        options.setdefault("services", _known_services(session))
    return options


def _known_services(session: Session) -> Callable[[str], bool]:
    """Whether a service id is one of ours (looked up once per id)."""
    known: dict[str, bool] = {}

    def ours(service_id: str) -> bool:
        if service_id not in known:
            known[service_id] = service_repo.get(session, service_id) is not None
        return known[service_id]

    return ours


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
