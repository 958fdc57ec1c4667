"""Small reads the tracking API needs: pollers, time zones, and the list of consignments with
their stored tracking state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from logistics.domain import Location, Principal, Shipment, TrackingEvent
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.persistence.repositories import tracking_state
from logistics.persistence.repositories.page import Page
from logistics.persistence.repositories.tracking_state import ShipmentState
from logistics.services import tracking_refresh
from logistics.services.master_data import list_shipments


@dataclass(frozen=True, slots=True)
class ShipmentSummary:
    """A consignment in a list: master data, its stored tracking state, open exception reasons."""

    shipment: Shipment
    state: ShipmentState | None
    open_reasons: tuple[str, ...]


def shipment_summaries(
    session: Session, principal: Principal, *, limit: int, offset: int, refresh_first: bool = True
) -> tuple[Page[ShipmentSummary], dict[str, Location]]:
    """One page of the consignments the principal may see (a shipper: its own), and their places;
    with `refresh_first`, stale projections are refreshed first, so the list agrees with each
    consignment's view (without, the workers' refresh keeps them current)."""
    if refresh_first:
        tracking_refresh.refresh(session)
    page = list_shipments(session, principal, limit=limit, offset=offset)
    ids = [s.id for s in page.items]
    states = tracking_state.states_of(session, ids)
    reasons = tracking_state.open_reasons(session, ids)
    items = [ShipmentSummary(s, states.get(s.id), tuple(reasons.get(s.id, ()))) for s in page.items]
    places = location_repo.by_ids(
        session, {s.origin for s in page.items} | {s.destination for s in page.items}
    )
    return Page(items, page.total, page.limit, page.offset), places


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
