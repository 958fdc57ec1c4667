"""Linking feed references (waybills, containers, bookings, ONE Record objects, GS1 keys) to shipments."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.orm import Session

from logistics.domain import Principal
from logistics.errors import Conflict, DomainError
from logistics.persistence.repositories import shipment_references as repo
from logistics.services.master_data import get_shipment
from logistics.tracking import identifiers
from logistics.tracking.identifiers import GS1_KINDS

KINDS = (
    "awb",
    "container",
    "booking",
    "transport_document",
    "logistics_object",
    *GS1_KINDS,
)
"""awb (air waybill), container, booking and transport_document (DCSA), logistics_object (a ONE
Record logistics object IRI: Shipment, Waybill, Piece, ...), and the GS1 sscc, grai, giai, sgtin
(EPCIS: handling units, returnable and individual assets, serialised items)."""
_AWB = re.compile(r"^\d{3}-?\d{8}$")
_IRI = re.compile(r"^https?://[^\s/]+/\S*$")
MAX_VALUE_LENGTH = 512


def normalise(kind: str, value: str) -> str:
    """Canonical spelling: AWBs as `160-12345675`, GS1 keys as digits, IRIs as given."""
    value = value.strip()
    if len(value) > MAX_VALUE_LENGTH:
        raise DomainError(f"{kind} reference is longer than {MAX_VALUE_LENGTH} characters")
    if kind == "logistics_object":
        if not _IRI.match(value):
            raise DomainError(
                f"logistics object {value!r} must be an http(s) IRI, "
                "e.g. https://1r.example.com/logistics-objects/8a76ed85"
            )
        return value.rstrip("/")
    if kind in GS1_KINDS:
        try:
            return identifiers.canonical(kind, value)
        except ValueError as exc:
            raise DomainError(f"{kind}: {exc}") from exc
    value = value.replace(" ", "").upper()
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
    # A concurrent request may link the same reference between the look and the insert: the
    # insert then keeps its link and answers the shipment it names.
    linked = (
        existing.shipment_id
        if existing is not None
        else repo.add(session, shipment_id, kind, value)
    )
    if linked != shipment_id:
        raise Conflict(
            f"{kind} {value} is already linked to another shipment",
            [f"{kind} {value}: linked to {linked}"],
        )
    return value


def references_of(session: Session, shipment_id: str) -> list[tuple[str, str]]:
    """(kind, value) of every reference linked to the shipment."""
    return [(r.kind, r.value) for r in repo.for_shipment(session, shipment_id)]


def lookup(session: Session) -> Callable[[str, str], str | None]:
    """A subject lookup for the adapters: the shipment a (kind, value) is linked to, cached.

    Kind `event` answers the shipment of a stored event with that id (a retraction that names
    only the event it retracts is about the same shipment).
    """
    cache: dict[tuple[str, str], str | None] = {}

    def find(kind: str, value: str) -> str | None:
        if kind == "event":  # a bare retraction: about the shipment of the event it retracts
            if ("event", value) not in cache:
                cache[("event", value)] = repo.shipment_of_event(session, value)
            return cache[("event", value)]
        if kind not in KINDS:
            return None
        try:
            key = (kind, normalise(kind, value))
        except DomainError:
            return None
        if key not in cache:
            row = repo.get(session, *key)
            cache[key] = row.shipment_id if row is not None else None
        return cache[key]

    return find


def handling_units(session: Session) -> Callable[[str], frozenset[str]]:
    """The SSCCs linked to a shipment (canonical digits), cached: what EPCIS partials count."""
    cache: dict[str, frozenset[str]] = {}

    def units(shipment_id: str) -> frozenset[str]:
        if shipment_id not in cache:
            rows = repo.for_shipment(session, shipment_id)
            cache[shipment_id] = frozenset(r.value for r in rows if r.kind == "sscc")
        return cache[shipment_id]

    return units
