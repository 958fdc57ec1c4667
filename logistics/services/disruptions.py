"""Disruptions as first-class input: report one (API, or derived from a feed's event), find the
shipments whose bookings it breaks, and bring their tracking up to date at once, so they show the
DISRUPTED exception, need a replan, and webhook subscribers hear of it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain import Disruption, DisruptionKind, Milestone, TimeType, TrackingEvent
from logistics.errors import NotFound
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import disruptions as repo
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import services as service_repo
from logistics.persistence.repositories import vehicles as vehicle_repo
from logistics.persistence.repositories.disruptions import StoredDisruption
from logistics.services import tracking_refresh


@dataclass(frozen=True, slots=True)
class DisruptionOutcome:
    """A stored disruption, whether it is new, the shipments booked on what it touches, and those
    of them that now need a replan."""

    disruption: Disruption
    created: bool
    booked: tuple[str, ...]
    needing_replan: tuple[str, ...]


def new_id() -> str:
    """A fresh disruption id."""
    return "dis_" + uuid.uuid4().hex[:16]


def _require_known(session: Session, d: Disruption) -> None:
    if d.service_id and d.service_id not in service_repo.by_ids(session, [d.service_id]):
        raise NotFound(f"no service {d.service_id!r}; service_id must name a stored service")
    if d.vehicle_id and d.vehicle_id not in vehicle_repo.by_ids(session, [d.vehicle_id]):
        raise NotFound(f"no truck shift {d.vehicle_id!r}; vehicle_id must name a stored shift")
    if d.location and d.location not in location_repo.by_ids(session, [d.location]):
        raise NotFound(f"no location {d.location!r}; location must name a stored location")


def booked_on(session: Session, d: Disruption) -> set[str]:
    """The shipments with a booked leg on what the disruption touches."""
    if d.kind is DisruptionKind.HUB_CLOSED and d.location:
        return booked_legs.shipments_at(session, d.location)
    return booked_legs.shipments_on(
        session,
        service_ids=[d.service_id] if d.service_id else [],
        vehicle_ids=[d.vehicle_id] if d.vehicle_id else [],
    )


def report(session: Session, d: Disruption, *, reported_by: str | None) -> DisruptionOutcome:
    """Store the disruption (once per id) and refresh the tracking of every shipment booked on
    what it touches. The caller owns the transaction."""
    _require_known(session, d)
    created = repo.add(session, d, reported_by=reported_by)
    booked = sorted(booked_on(session, d))
    if booked:
        tracking_state.mark_stale(session, booked)
        tracking_refresh.refresh(session, shipment_ids=booked)
    needing = [
        sid
        for sid in booked
        if (state := tracking_state.get(session, sid)) is not None and state.needs_replan
    ]
    return DisruptionOutcome(d, created, tuple(booked), tuple(needing))


def _event_disruption_id(event: TrackingEvent) -> str:
    digest = hashlib.sha256(f"{event.source}\x00{event.event_id}".encode()).hexdigest()[:24]
    return f"dis_feed_{digest}"


def from_events(session: Session, events: Iterable[TrackingEvent]) -> list[Disruption]:
    """Disruptions a feed states itself: an ACTUAL CANCELLED event about a service (not about one
    shipment) cancels that service. Stored once per event; its shipments are refreshed."""
    stored: list[Disruption] = []
    for e in events:
        if e.milestone is not Milestone.CANCELLED or e.time_type is not TimeType.ACTUAL:
            continue
        if not e.service_id or e.shipment_id:
            continue
        if e.service_id not in service_repo.by_ids(session, [e.service_id]):
            continue
        d = Disruption(
            id=_event_disruption_id(e),
            kind=DisruptionKind.SERVICE_CANCELLED,
            reported_at=e.received_at or clock.now(),
            source=e.source[:64],
            service_id=e.service_id,
            note=f"from {e.source} event {e.event_id}",
        )
        if repo.add(session, d, reported_by=None):
            stored.append(d)
    if stored:  # new disruptions are rare: their shipments are brought up to date at once
        affected = sorted(set().union(*(booked_on(session, d) for d in stored)))
        tracking_state.mark_stale(session, affected)
        tracking_refresh.refresh(session, shipment_ids=affected)
    return stored


def get(session: Session, disruption_id: str) -> StoredDisruption:
    """A disruption (with when it was resolved) or NotFound."""
    found = repo.get(session, disruption_id)
    if found is None:
        raise NotFound(f"no disruption {disruption_id!r}")
    return found


def needing_replan(session: Session, disruption_id: str) -> list[str]:
    """The shipments booked on what the disruption touches that need a replan now."""
    d = get(session, disruption_id).disruption
    return [
        sid
        for sid in sorted(booked_on(session, d))
        if (state := tracking_state.get(session, sid)) is not None and state.needs_replan
    ]


def resolve(session: Session, disruption_id: str) -> tuple[Disruption, datetime | None]:
    """Close a disruption (the service flies after all, the hub reopened): plans and tracking
    stop applying it."""
    found = get(session, disruption_id)
    if found.resolved_at is None:
        repo.resolve(session, disruption_id, clock.now())
        booked = sorted(booked_on(session, found.disruption))
        if booked:
            tracking_state.mark_stale(session, booked)
            tracking_refresh.refresh(session, shipment_ids=booked)
        found = get(session, disruption_id)
    return found.disruption, found.resolved_at


def recent(session: Session) -> list[tuple[Disruption, datetime | None]]:
    """The newest disruptions with when each was resolved (None: still applies)."""
    return [(s.disruption, s.resolved_at) for s in repo.recent(session)]


def one(session: Session, disruption_id: str) -> tuple[Disruption, datetime | None]:
    """A disruption and when it was resolved, or NotFound."""
    found = get(session, disruption_id)
    return found.disruption, found.resolved_at
