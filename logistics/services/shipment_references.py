"""Linking feed references (air waybill, container, booking) to shipments, and resolving them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from logistics.domain import Principal
from logistics.errors import Conflict, DomainError
from logistics.persistence.repositories import shipment_references as repo
from logistics.services.master_data import get_shipment
from logistics.tracking.results import SourceEvent

KINDS = ("awb", "container", "booking")
_AWB = re.compile(r"^\d{3}-?\d{8}$")


def normalise(kind: str, value: str) -> str:
    """Canonical spelling: AWBs as `160-12345675`, containers and bookings upper case."""
    value = value.strip().replace(" ", "").upper()
    if kind == "awb":
        if not _AWB.match(value):
            raise DomainError(f"air waybill {value!r} must be 3 + 8 digits, e.g. 160-12345675")
        digits = value.replace("-", "")
        return f"{digits[:3]}-{digits[3:]}"
    return value


def link(session: Session, principal: Principal, shipment_id: str, kind: str, value: str) -> str:
    """Link a reference to a shipment the principal may see; return its canonical spelling."""
    if kind not in KINDS:
        raise DomainError(f"unknown reference kind {kind!r}; use one of: {', '.join(KINDS)}")
    get_shipment(session, principal, shipment_id)
    value = normalise(kind, value)
    existing = repo.get(session, kind, value)
    if existing is not None:
        if existing.shipment_id != shipment_id:
            raise Conflict(
                f"{kind} {value} is already linked to another shipment",
                [f"{kind} {value}: linked to {existing.shipment_id}"],
            )
        return value
    repo.add(session, shipment_id, kind, value)
    return value


def references_of(session: Session, shipment_id: str) -> list[tuple[str, str]]:
    """(kind, value) of every reference linked to the shipment."""
    return [(r.kind, r.value) for r in repo.for_shipment(session, shipment_id)]


def _placeholder(event: SourceEvent) -> tuple[str, str] | None:
    kind, _, value = (event.event.shipment_id or "").partition(":")
    if kind not in KINDS or not value:
        return None
    try:
        return kind, normalise(kind, value)
    except DomainError:
        return None


def resolve_events(session: Session, events: Sequence[SourceEvent]) -> list[SourceEvent]:
    """Replace `<kind>:<value>` placeholders of unresolved events by the linked shipment ids."""
    wanted = {p for e in events if not e.subject_resolved and (p := _placeholder(e))}
    if not wanted:
        return list(events)
    linked = repo.resolve(session, wanted)
    out = []
    for e in events:
        key = None if e.subject_resolved else _placeholder(e)
        out.append(e.with_shipment(linked[key]) if key in linked else e)
    return out
