"""Small reads the tracking API needs: pollers and time zones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from logistics.domain import TrackingEvent
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories import tracking_events as event_repo


def location_zones(session: Session) -> dict[str, str]:
    """Time zone of every location, for local times."""
    return {loc.id: loc.timezone for loc in location_repo.all_locations(session)}


def destination_zones(session: Session, shipment_ids: list[str]) -> dict[str, str]:
    """Time zone of each shipment's destination, for its due time."""
    shipments = shipment_repo.by_ids(session, shipment_ids)
    places = location_repo.by_ids(session, {s.destination for s in shipments.values()})
    return {
        sid: places[s.destination].timezone
        for sid, s in shipments.items()
        if s.destination in places
    }


def events_after(
    session: Session, *, after_seq: int, updated_since: datetime | None, limit: int
) -> tuple[list[tuple[int, TrackingEvent]], dict[str, str]]:
    """One page of stored events after a cursor, and the location time zones."""
    page = event_repo.page_after(
        session, after_seq=after_seq, updated_since=updated_since, limit=limit
    )
    return page, location_zones(session)
