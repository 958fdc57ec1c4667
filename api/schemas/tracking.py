"""Tracking at the HTTP edge: ingestion answers and a shipment's tracking view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from logistics.domain import Mode, TrackingEvent
from logistics.services.tracking_ingest import IngestReport, ItemStatus
from logistics.services.tracking_view import ShipmentTracking
from logistics.tracking import places
from logistics.tracking.eta import MissedConnection
from logistics.tracking.evidence import Evidence, basis_text
from logistics.tracking.exception_rules import OpenException, needs_replan
from logistics.tracking.timeline import TimelineEntry


class ItemOut(BaseModel):
    """The answer for one submitted event."""

    index: int
    status: str = Field(description="accepted | duplicate | informational | rejected")
    event_id: str | None = None
    reason: str = ""
    record: str = Field("", description="Where in the payload, e.g. `line 7` or `index 3`")
    code: str = Field("", description="Why a record was refused, for programs (e.g. bad_element)")


class IngestOut(BaseModel):
    """Per-item answers of a batch and totals."""

    accepted: int
    duplicate: int
    informational: int = Field(0, description="Stored and shown, but no cargo milestone")
    rejected: int
    items: list[ItemOut]
    messages: list[str] = Field(default_factory=list, description="Adapter messages per record")

    @staticmethod
    def document(report: IngestReport) -> dict[str, Any]:
        """The answer as JSON-ready data in this model's shape (what `model_dump` would give;
        built directly: validating 1,000 items cost more than storing their events)."""
        return {
            "accepted": report.count(ItemStatus.ACCEPTED),
            "duplicate": report.count(ItemStatus.DUPLICATE),
            "informational": report.count(ItemStatus.INFORMATIONAL),
            "rejected": report.count(ItemStatus.REJECTED),
            "items": [
                {
                    "index": i.index,
                    "status": i.status.value,
                    "event_id": i.event_id,
                    "reason": i.reason,
                    "record": i.record,
                    "code": i.code,
                }
                for i in report.items
            ],
            "messages": list(report.messages),
        }


def _local(value: datetime | None, zone: str | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).isoformat() if zone else value.isoformat()


def local_iso(value: datetime, zone: str | None) -> str:
    """ISO 8601 in the zone's local time with its offset (UTC when the zone is unknown)."""
    return value.astimezone(ZoneInfo(zone) if zone else UTC).isoformat()


def readable_time(value: datetime, zone: str | None) -> str:
    """`2026-12-23 12:23 (+01:00)`: a time in a sentence, local with its offset as the pages show."""
    local = value.astimezone(ZoneInfo(zone)) if zone else value
    offset = local.strftime("%z")
    shown = "UTC" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return f"{local:%Y-%m-%d %H:%M} ({shown})"


def missed_out(missed: MissedConnection, zones: dict[str, str]) -> dict[str, Any]:
    """A missed connection with its times in the hub's local time."""
    zone = zones.get(missed.hub)
    late = int((missed.available_at - missed.latest).total_seconds() // 60)
    detail = (
        f"expected at {missed.hub} {readable_time(missed.available_at, zone)}, {late} min after the "
        f"cutoff {readable_time(missed.latest, zone)} of {missed.service_id or 'the next service'}"
    )
    return {"leg_index": missed.leg_index, "hub": missed.hub, "detail": detail}


def event_out(
    event: TrackingEvent, zones: dict[str, str], seq: int | None = None
) -> dict[str, Any]:
    """An event as JSON, with its time also in the local time of its location."""
    place = None if event.location in zones else places.resolve(event.location)
    zone = zones.get(event.location or "") or (place.timezone if place else None)
    out: dict[str, Any] = {
        "event_id": event.event_id,
        "source": event.source,
        "shipment_id": event.shipment_id,
        "service_id": event.service_id,
        "vehicle_id": event.vehicle_id,
        "milestone": event.milestone.value,
        "time_type": event.time_type.value,
        "event_time": event.event_time.isoformat(),
        "event_time_local": _local(event.event_time, zone),
        "location": event.location,
        "mode": event.mode.value if event.mode else None,
        "reason": event.reason.value if event.reason else None,
        "retracts": event.retracts,
        "source_code": event.source_code,
        "inferred": event.inferred,
        "received_at": event.received_at.isoformat() if event.received_at else None,
    }
    if place is not None:  # a place outside the platform's locations, from the places data
        out["place"] = {
            "code": place.code,
            "name": place.name,
            "timezone": place.timezone,
            "lat": place.lat,
            "lon": place.lon,
        }
    if seq is not None:
        out["seq"] = seq
    return out


def _basis(view: ShipmentTracking, entry: TimelineEntry) -> str:
    """Why this event is on the shipment's timeline: its own report, or its movement's, with the
    evidence rule's level (`logistics.tracking.evidence`)."""
    e = entry.event
    if e.shipment_id == view.shipment.id:
        return "own report"
    level = view.evidence.get(entry.leg_index) if entry.leg_index is not None else None
    movement = e.service_id or e.vehicle_id
    if level is Evidence.CONFIRMED:
        return f"reported for {movement}; the shipment is confirmed on it"
    mode = next((leg.mode for leg in view.legs if leg.leg_index == entry.leg_index), e.mode)
    return basis_text(Evidence.INFERRED, mode, movement) or "inferred"


def tracking_out(view: ShipmentTracking, zones: dict[str, str]) -> dict[str, Any]:
    """The shipment's tracking document: status, legs with planned/estimated/actual, timeline."""
    p = view.projection
    legs: list[dict[str, Any]] = []
    for leg in p.legs:
        dep_zone, arr_zone = zones.get(leg.from_location), zones.get(leg.to_location)
        legs.append(
            {
                "leg_index": leg.leg_index,
                "mode": leg.mode.value,
                "from": leg.from_location,
                "to": leg.to_location,
                "service_id": leg.service_id,
                "vehicle_id": leg.vehicle_id,
                "planned_depart": _local(leg.planned_depart, dep_zone),
                "planned_arrive": _local(leg.planned_arrive, arr_zone),
                "estimated_depart": _local(leg.estimated_depart, dep_zone),
                "estimated_arrive": _local(leg.estimated_arrive, arr_zone),
                "actual_depart": _local(leg.actual_depart, dep_zone),
                "actual_arrive": _local(leg.actual_arrive, arr_zone),
            }
        )
    s = view.shipment
    expected = {leg.leg_index: leg for leg in view.forecast.legs}
    for out in legs:
        forecast = expected.get(out["leg_index"])
        dep_zone, arr_zone = zones.get(out["from"]), zones.get(out["to"])
        out["expected_depart"] = _local(forecast.depart, dep_zone) if forecast else None
        out["expected_arrive"] = _local(forecast.arrive, arr_zone) if forecast else None
        out["expected_basis"] = forecast.arrive_basis.value if forecast else None
        level = view.evidence.get(out["leg_index"])
        out["evidence"] = level.value if level else None
        out["evidence_text"] = basis_text(
            level, Mode(out["mode"]), out["service_id"] or out["vehicle_id"]
        )
    eta = view.forecast.eta
    position = view.last_position
    missed = view.forecast.missed
    return {
        "shipment_id": s.id,
        "shipper": s.shipper,
        "origin": s.origin,
        "destination": s.destination,
        "status": p.status.value if p.status else None,
        "delivered_at": _local(p.delivered_at, zones.get(s.destination)),
        "due_at": _local(s.due_at, zones.get(s.destination)),
        "eta": _local(eta, zones.get(s.destination)),
        "eta_minutes_late": int((eta - s.due_at).total_seconds() // 60) if eta else None,
        "needs_replan": needs_replan(view.exceptions),
        "missed_connection": missed_out(missed, zones) if missed else None,
        "exceptions": [exception_out(e, zones) for e in view.exceptions],
        "last_position": (
            {
                "time": _local(position.time, zones.get(position.location or "")),
                "location": position.location,
                "vehicle_id": position.vehicle_id,
                "lat": position.lat,
                "lon": position.lon,
            }
            if position
            else None
        ),
        "as_of": view.as_of.isoformat(),
        "legs": legs,
        "timeline": [
            event_out(entry.event, zones)
            | {"leg_index": entry.leg_index, "basis": _basis(view, entry)}
            for entry in p.timeline
        ],
        "exception_events": [
            event_out(entry.event, zones) | {"leg_index": entry.leg_index} for entry in p.exceptions
        ],
        "open_estimates": [
            event_out(entry.event, zones) | {"leg_index": entry.leg_index}
            for entry in p.open_estimates
        ],
    }


def exception_out(e: OpenException, zones: dict[str, str]) -> dict[str, Any]:
    """An open exception of a shipment's tracking view."""
    return {
        "reason": e.reason.value,
        "origin": e.origin,
        "since": _local(e.since, zones.get(e.location or "")),
        "detail": e.detail,
        "leg_index": e.leg_index,
        "location": e.location,
        "mode": e.mode.value if e.mode else None,
    }
