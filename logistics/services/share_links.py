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

from logistics.domain import Location, Milestone, Mode, Principal, Role, TrackingEvent
from logistics.domain.geo import great_circle_km
from logistics.errors import NotFound, PermissionDenied
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import share_links as repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.share_links import ShareLink
from logistics.services.master_data import get_shipment
from logistics.services.tracking_view import ShipmentTracking, load_tracking
from logistics.tracking.disruption_rules import SOURCE as DISRUPTION_SOURCE
from logistics.tracking.eta import Basis
from logistics.tracking.evidence import Evidence
from logistics.tracking.timeline import TimelineEntry

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


@dataclass(frozen=True, slots=True)
class StatusBasis:
    """The event the status rests on, where it came from, and how it counts for the shipment."""

    event: TrackingEvent
    source: str  # the reporting feed's name, or "disruption notice"
    evidence: Evidence  # own report, or its movement's (confirmed on it, or inferred)
    detail: str  # plain words, without times or ids


@dataclass(frozen=True, slots=True)
class EtaBasis:
    """What the ETA is: the schedule, a reported estimate, an actual arrival, or computed."""

    kind: str  # planned | carrier_estimate | actual | computed
    detail: str  # plain words, without times or ids
    source: str | None = None  # the feed of a reported estimate
    reported_at: datetime | None = None  # when that estimate was received


_MOVEMENT = {Mode.AIR: "flight", Mode.RAIL: "train", Mode.ROAD: "truck"}


def _source_name(event: TrackingEvent) -> str:
    return "disruption notice" if event.source == DISRUPTION_SOURCE else event.source


def _leg_mode(view: ShipmentTracking, leg_index: int | None, fallback: Mode | None) -> str:
    mode = next((leg.mode for leg in view.legs if leg.leg_index == leg_index), fallback)
    return _MOVEMENT.get(mode, "movement") if mode is not None else "movement"


def create_share_link(
    session: Session, principal: Principal, shipment_id: str, *, now: datetime | None = None
) -> ShareLink:
    """A link to the shipment's public view (the shipment's shipper or a coordinator); reused."""
    if principal.role not in SHARING_ROLES:
        raise PermissionDenied(f"role {principal.role.value} may not share tracking links")
    shipment = get_shipment(session, principal, shipment_id)
    shipment_repo.hold(session, shipment.id)  # concurrent requests: one link, not one each
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


def _status_entry(view: ShipmentTracking) -> TimelineEntry | None:
    wanted = view.projection.status_event_id
    if wanted is None:
        return None
    entries = (*view.projection.timeline, *view.projection.exceptions)
    return next((t for t in entries if t.event.event_id == wanted), None)


def status_basis(route: RouteView) -> StatusBasis | None:
    """The event behind the status (None before any): its source, and whether it is the
    shipment's own report or its flight's, train's or truck's (confirmed on it, or inferred)."""
    view = route.tracking
    entry = _status_entry(view)
    if entry is None:
        return None
    e = entry.event
    movement = _leg_mode(view, entry.leg_index, e.mode)
    if e.shipment_id == view.shipment.id:
        level = Evidence.OWN
        detail = "reported for this consignment itself"
    else:
        found = view.evidence.get(entry.leg_index) if entry.leg_index is not None else None
        # its own report on that leg, or a booking or manifest tying it to the movement
        level = Evidence.INFERRED if found in (None, Evidence.INFERRED) else Evidence.CONFIRMED
        detail = (
            f"reported for its {movement}, which the consignment is confirmed on"
            if level is Evidence.CONFIRMED
            else f"inferred from its {movement}: the consignment is booked on it, "
            "but has not been reported on it itself"
        )
    return StatusBasis(e, _source_name(e), level, detail)


def _estimate_of(view: ShipmentTracking, leg_index: int, when: datetime) -> TrackingEvent | None:
    arrivals = (Milestone.ARRIVED, Milestone.DELIVERED)
    return next(
        (
            t.event
            for t in view.projection.open_estimates
            if t.leg_index == leg_index
            and t.event.milestone in arrivals
            and t.event.event_time == when
        ),
        None,
    )


def eta_basis(route: RouteView) -> EtaBasis | None:
    """What the ETA rests on (None when there is none, or the shipment is delivered)."""
    view = route.tracking
    forecast = view.forecast
    if view.projection.delivered_at is not None or forecast.eta is None or not forecast.legs:
        return None
    last = forecast.legs[-1]
    leg = next((g for g in view.legs if g.leg_index == last.leg_index), None)
    movement = _leg_mode(view, last.leg_index, None)
    place = route.names.get(leg.to_location, "its destination") if leg else "its destination"
    if last.arrive_basis is Basis.PLANNED:
        return EtaBasis(
            "planned",
            f"the booked schedule of its last leg ({movement}); no report has shifted it so far",
        )
    if last.arrive_basis is Basis.ACTUAL:
        return EtaBasis("actual", f"the {movement} of its last leg has arrived at {place}")
    if last.arrive_basis is Basis.ESTIMATED:
        estimate = _estimate_of(view, last.leg_index, last.arrive)
        source = _source_name(estimate) if estimate else None
        return EtaBasis(
            "carrier_estimate",
            f"the estimated arrival reported for the {movement} of its last leg",
            source,
            estimate.received_at if estimate else None,
        )
    if last.arrive_basis is Basis.OVERDUE:
        return EtaBasis(
            "computed",
            f"the {movement} of its last leg is overdue at {place} with no arrival reported "
            "yet, so it is expected now at the earliest",
        )
    # propagated: the newest reported time of an earlier leg, plus the planned durations after it
    reported = [
        (f.leg_index, "actual", "arrival" if f.arrive_basis is Basis.ACTUAL else "departure")
        for f in forecast.legs
        if Basis.ACTUAL in (f.depart_basis, f.arrive_basis)
    ] + [
        (f.leg_index, "estimated", "arrival" if f.arrive_basis is Basis.ESTIMATED else "departure")
        for f in forecast.legs
        if Basis.ESTIMATED in (f.depart_basis, f.arrive_basis)
    ]
    if not reported:
        return EtaBasis(
            "computed", "from the booked schedule and the times to hand it on between legs"
        )
    index, kind, which = max(reported)
    return EtaBasis(
        "computed",
        f"from the {kind} {which} of its {_leg_mode(view, index, None)} "
        "plus the planned travel and handling times after it",
    )
