"""A shipment's route places for the tracking page map, and the public (share link) view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.schemas.share_views import (
    PublicCurrentOut,
    PublicEtaBasisOut,
    PublicMilestoneOut,
    PublicPlaceOut,
    PublicStatusBasisOut,
    PublicTrackingOut,
    ReferenceOut,
    ShipmentSummaryOut,
)
from logistics.domain import Location, Milestone
from logistics.services.share_links import (
    CurrentPlace,
    RoutePlace,
    RouteView,
    eta_basis,
    eta_unknown_reason,
    status_basis,
)
from logistics.services.tracking_queries import ShipmentSummary

CITY_DECIMALS = 1  # about 11 km: places in the public view are shown at city level
PUBLIC_MILESTONES_EXCLUDED = frozenset({Milestone.EXCEPTION, Milestone.INFORMATIONAL})


def _local(value: datetime | None, zone: str | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).isoformat() if zone else value.isoformat()


def _place(loc: Location, role: str) -> dict[str, Any]:
    return {
        "id": loc.id,
        "name": loc.name,
        "kind": loc.kind.value,
        "role": role,
        "lat": loc.lat,
        "lon": loc.lon,
        "timezone": loc.timezone,
    }


def _places(places: tuple[RoutePlace, ...]) -> list[dict[str, Any]]:
    return [_place(p.location, p.role) for p in places]


def _current(current: CurrentPlace | None) -> dict[str, Any] | None:
    if current is None:
        return None
    loc = current.location
    out = _place(loc, "current")
    out["time"] = _local(current.time, loc.timezone)
    if current.lat is not None and current.lon is not None:
        out["lat"], out["lon"], out["near"] = current.lat, current.lon, loc.id
    return out


def route_out(route: RouteView) -> dict[str, Any]:
    """Places of a shipment's route and its current position, for the tracking page's map."""
    return {
        "shipment_id": route.tracking.shipment.id,
        "places": _places(route.places),
        "current": _current(route.current),
    }


def _public_place(loc: Location, role: str) -> PublicPlaceOut:
    return PublicPlaceOut(
        name=loc.name,
        role=role,
        lat=round(loc.lat, CITY_DECIMALS),
        lon=round(loc.lon, CITY_DECIMALS),
    )


def _public_current(current: CurrentPlace | None) -> PublicCurrentOut | None:
    if current is None:
        return None
    loc = current.location
    return PublicCurrentOut(
        **_public_place(loc, "current").model_dump(), time=_local(current.time, loc.timezone)
    )


def summary_out(summary: ShipmentSummary, places: dict[str, Location]) -> ShipmentSummaryOut:
    """A consignment in the list: due, ETA and delivery in the destination's local time."""
    s, state = summary.shipment, summary.state
    origin, destination = places.get(s.origin), places.get(s.destination)
    zone = destination.timezone if destination else None
    eta = state.eta if state else None
    delivered = state.delivered_at if state else None
    arrival = delivered or eta
    return ShipmentSummaryOut(
        id=s.id,
        shipper=s.shipper,
        origin=s.origin,
        origin_name=origin.name if origin else None,
        destination=s.destination,
        destination_name=destination.name if destination else None,
        pieces=s.pieces,
        weight_kg=s.weight_kg,
        due_at=_local(s.due_at, zone),
        status=state.status if state else None,
        eta=_local(eta, zone),
        delivered_at=_local(delivered, zone),
        minutes_late=int((arrival - s.due_at).total_seconds() // 60) if arrival else None,
        needs_replan=bool(state and state.needs_replan),
        open_exceptions=list(summary.open_reasons),
        last_event_at_utc=(
            state.last_event_at.astimezone(UTC).isoformat()
            if state and state.last_event_at
            else None
        ),
    )


def _public_status_basis(route: RouteView, zones: dict[str, str]) -> PublicStatusBasisOut | None:
    basis = status_basis(route)
    if basis is None:
        return None
    e = basis.event
    return PublicStatusBasisOut(
        milestone=e.milestone.value,
        time=_local(e.event_time, zones.get(e.location or "")),
        place=route.names.get(e.location or ""),
        source=basis.source,
        evidence=basis.evidence.value,
        detail=basis.detail,
    )


def _public_eta_basis(route: RouteView, zone: str | None) -> PublicEtaBasisOut | None:
    basis = eta_basis(route)
    if basis is None:
        return None
    return PublicEtaBasisOut(
        kind=basis.kind,
        detail=basis.detail,
        source=basis.source,
        reported_at=_local(basis.reported_at, zone),
    )


def public_out(
    route: RouteView,
    zones: dict[str, str],
    references: list[tuple[str, str]] | None = None,
    status_pieces: str | None = None,
) -> PublicTrackingOut:
    """The public view, built only from its explicit model: milestones in local time, status
    (with `status_pieces`, the part of the pieces it is about), ETA against due and city-level
    places (no ids but the shipment's, no coordinates finer)."""
    view = route.tracking
    s = view.shipment
    names = route.names
    eta = view.forecast.eta
    delivered = view.projection.delivered_at
    arrival = delivered or eta
    dest_zone = zones.get(s.destination)
    milestones = [
        PublicMilestoneOut(
            milestone=t.event.milestone.value,
            time=_local(t.event.event_time, zones.get(t.event.location or "")),
            place=route.names.get(t.event.location or ""),
            mode=t.event.mode.value if t.event.mode else None,
        )
        for t in view.projection.timeline
        if t.event.milestone not in PUBLIC_MILESTONES_EXCLUDED
    ]
    status = view.projection.status
    return PublicTrackingOut(
        shipment_id=s.id,
        status=status.value if status else None,
        due_at=_local(s.due_at, dest_zone),
        eta=_local(eta, dest_zone),
        delivered_at=_local(delivered, dest_zone),
        on_time=(arrival <= s.due_at) if arrival else None,
        origin=names.get(s.origin),
        destination=names.get(s.destination),
        places=[_public_place(p.location, p.role) for p in route.places],
        current=_public_current(route.current),
        milestones=milestones,
        pieces=s.pieces,
        references=[ReferenceOut(kind=k, value=v) for k, v in references or []],
        last_event_at=milestones[-1].time if milestones else None,
        eta_unknown_reason=eta_unknown_reason(route),
        status_basis=_public_status_basis(route, zones),
        status_pieces=status_pieces,
        eta_basis=_public_eta_basis(route, dest_zone),
        as_of=view.as_of.isoformat(),
    )
