"""Share links: a shipment's public tracking view behind an unguessable token, and route places.

The public view holds only what a consignee may see without a key: milestones, status, ETA
against due, and places at city level (a location's name; a GPS fix becomes the nearest known
location). It never carries the shipper, vehicle or service ids, costs or raw coordinates.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from logistics.domain import Location, Principal, Role
from logistics.domain.geo import great_circle_km
from logistics.errors import NotFound, PermissionDenied
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import share_links as repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.share_links import ShareLink
from logistics.services.master_data import get_shipment
from logistics.services.tracking_view import ShipmentTracking, load_tracking

TOKEN_BYTES = 24
SHARING_ROLES = frozenset({Role.SHIPPER, Role.COORDINATOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class RoutePlace:
    """A place of a shipment's route: origin, a hub between legs, or destination."""

    location: Location
    role: str  # origin | hub | destination


@dataclass(frozen=True, slots=True)
class CurrentPlace:
    """Where the shipment is now: a known location, with the GPS fix when there is one."""

    location: Location
    time: datetime
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class RouteView:
    """The tracking view with the route's places and the current place resolved."""

    tracking: ShipmentTracking
    places: tuple[RoutePlace, ...]
    current: CurrentPlace | None
    names: dict[str, str]  # location id -> name, for the route and the timeline's places


def create_share_link(
    session: Session, principal: Principal, shipment_id: str, *, now: datetime | None = None
) -> ShareLink:
    """A link to the shipment's public view (the shipment's shipper or a coordinator); reused."""
    if principal.role not in SHARING_ROLES:
        raise PermissionDenied(f"role {principal.role.value} may not share tracking links")
    shipment = get_shipment(session, principal, shipment_id)
    existing = repo.active_for(session, shipment.id, principal.key_id)
    if existing is not None:
        return existing
    link = ShareLink(
        token=secrets.token_urlsafe(TOKEN_BYTES),
        shipment_id=shipment.id,
        created_by=principal.key_id,
        created_at=now or datetime.now(UTC),
    )
    repo.add(session, link)
    return link


def revoke_share_link(
    session: Session, principal: Principal, token: str, *, now: datetime | None = None
) -> None:
    """Revoke a link: its creator, a coordinator or an admin (others: not found)."""
    row = repo.get(session, token)
    allowed = row is not None and (
        row.created_by == principal.key_id or principal.role in (Role.COORDINATOR, Role.ADMIN)
    )
    if row is None or not allowed or row.revoked_at is not None:
        raise NotFound("no such share link")
    repo.revoke(session, row.token, now or datetime.now(UTC))


def nearest_location(locations: list[Location], lat: float, lon: float) -> Location | None:
    """The known location closest to a point (great circle)."""
    return min(locations, key=lambda loc: great_circle_km(lat, lon, loc.lat, loc.lon), default=None)


def _places(session: Session, view: ShipmentTracking) -> tuple[RoutePlace, ...]:
    s = view.shipment
    ids = [s.origin] + [leg.to_location for leg in view.legs[:-1]] + [s.destination]
    known = location_repo.by_ids(session, ids)
    places: list[RoutePlace] = []
    for index, loc_id in enumerate(ids):
        role = "origin" if index == 0 else "destination" if index == len(ids) - 1 else "hub"
        if loc_id in known and all(p.location.id != loc_id for p in places):
            places.append(RoutePlace(known[loc_id], role))
    return tuple(places)


def _current(session: Session, view: ShipmentTracking) -> CurrentPlace | None:
    position = view.last_position
    if position is None:
        return None
    if position.location:
        loc = location_repo.get(session, position.location)
        return CurrentPlace(loc, position.time) if loc else None
    if position.lat is None or position.lon is None:
        return None
    near = nearest_location(location_repo.all_locations(session), position.lat, position.lon)
    return CurrentPlace(near, position.time, position.lat, position.lon) if near else None


def _route(session: Session, view: ShipmentTracking) -> RouteView:
    places = _places(session, view)
    ids = {e.event.location for e in view.projection.timeline if e.event.location}
    names = {loc.id: loc.name for loc in location_repo.by_ids(session, ids).values()}
    names.update({p.location.id: p.location.name for p in places})
    return RouteView(view, places, _current(session, view), names)


def route_view(
    session: Session, principal: Principal, shipment_id: str, *, now: datetime | None = None
) -> RouteView:
    """The tracking of a shipment the principal may see, with its route's places (404 otherwise)."""
    return _route(
        session, load_tracking(session, get_shipment(session, principal, shipment_id), now=now)
    )


def public_view(session: Session, token: str, *, now: datetime | None = None) -> RouteView:
    """The shipment behind an active share link (404 for an unknown or revoked token)."""
    row = repo.get(session, token)
    shipment = shipment_repo.get(session, row.shipment_id) if row is not None else None
    if row is None or row.revoked_at is not None or shipment is None:
        raise NotFound("this tracking link is unknown or no longer shared")
    return _route(session, load_tracking(session, shipment, now=now))


def eta_unknown_reason(route: RouteView) -> str | None:
    """Why there is no ETA, in plain words (None when there is one, or it is delivered)."""
    view = route.tracking
    if view.projection.delivered_at is not None or view.forecast.eta is not None:
        return None
    if not view.legs:
        return "it is not booked on a flight, train or truck yet; the ETA follows the booking"
    missed = view.forecast.missed
    if missed is not None:
        hub = route.names.get(missed.hub, missed.hub)
        return (
            f"it will miss its planned connection at {hub}; "
            "a new ETA follows when it is rebooked onto a later departure"
        )
    return "no estimate can be made from the tracking received so far"
