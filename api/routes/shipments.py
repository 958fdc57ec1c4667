"""Shipments: list and get (shipper-scoped), and create one or a batch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from api.dependencies import CoordinatorDep, ReaderDep, SessionDep
from api.schemas.common import Page
from api.schemas.master_data import ShipmentIn, ShipmentOut, ShipmentsCreated
from api.schemas.params import ID_LENGTH, IdPath, IdQuery, Offset, TimeQuery
from api.schemas.share_views import ReferencesOut
from api.schemas.shipment_changes import (
    CancelIn,
    ShipmentChanged,
    ShipmentChangeOut,
    ShipmentPatch,
)
from logistics.services import master_data, shipment_changes, shipment_intake, shipment_references

router = APIRouter(tags=["shipments"])

# One shipment or a list; the discriminator keeps a bad item's errors to its own shape.
ShipmentsBody = Annotated[
    Annotated[ShipmentIn, Tag("shipment")] | Annotated[list[ShipmentIn], Tag("shipments")],
    Discriminator(lambda value: "shipments" if isinstance(value, list) else "shipment"),
]


@router.get("/shipments", response_model=Page[ShipmentOut])
def list_shipments(
    session: SessionDep,
    principal: ReaderDep,
    shipper: Annotated[str | None, Query(max_length=ID_LENGTH, description="Shipper id")] = None,
    origin: IdQuery = None,
    destination: IdQuery = None,
    ready_from: TimeQuery = None,
    ready_to: TimeQuery = None,
    due_from: TimeQuery = None,
    due_to: TimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[ShipmentOut]:
    """List shipments; a shipper key sees only its own."""
    page = master_data.list_shipments(
        session,
        principal,
        shipper=shipper,
        origin=origin,
        destination=destination,
        ready_from=ready_from,
        ready_to=ready_to,
        due_from=due_from,
        due_to=due_to,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[ShipmentOut.of(x) for x in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/shipments/{shipment_id}", response_model=ShipmentOut)
def get_shipment(shipment_id: IdPath, session: SessionDep, principal: ReaderDep) -> ShipmentOut:
    """One shipment; another shipper's shipment answers 404 like a missing one."""
    return ShipmentOut.of(master_data.get_shipment(session, principal, shipment_id))


@router.post("/shipments", response_model=ShipmentsCreated, status_code=status.HTTP_201_CREATED)
def create_shipments(
    body: ShipmentsBody, session: SessionDep, principal: CoordinatorDep
) -> ShipmentsCreated:
    """Create one shipment or a batch, validated like shipments.csv rows; all or nothing."""
    rows = [item.as_row() for item in (body if isinstance(body, list) else [body])]
    result = shipment_intake.submit_shipment_rows(session, rows)
    return ShipmentsCreated(created=result.created, unchanged=result.unchanged, ids=result.ids)


class ReferenceIn(BaseModel):
    """A feed reference to link: `awb` (e.g. 160-12345675), `container`, `booking`,
    `transport_document`, `logistics_object` (a ONE Record IRI) or a GS1 `sscc` / `grai` / `giai` /
    `sgtin` (digits, EPC URN or GS1 Digital Link)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=32, examples=["awb"])
    value: str = Field(min_length=1, max_length=512, examples=["160-12345675"])


@router.post(
    "/shipments/{shipment_id}/references",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferencesOut,
)
def link_reference(
    shipment_id: IdPath, body: ReferenceIn, session: SessionDep, principal: CoordinatorDep
) -> dict[str, Any]:
    """Link a waybill, container, booking, ONE Record object or GS1 key so feeds naming it reach it."""
    value = shipment_references.link(session, principal, shipment_id, body.kind, body.value)
    return {
        "shipment_id": shipment_id,
        "references": [
            {"kind": k, "value": v}
            for k, v in shipment_references.references_of(session, shipment_id)
        ],
        "linked": {"kind": body.kind, "value": value},
    }


@router.get("/shipments/{shipment_id}/references", response_model=ReferencesOut)
def list_references(
    shipment_id: IdPath, session: SessionDep, principal: ReaderDep
) -> dict[str, Any]:
    """The references linked to a shipment the caller may see."""
    master_data.get_shipment(session, principal, shipment_id)
    return {
        "shipment_id": shipment_id,
        "references": [
            {"kind": k, "value": v}
            for k, v in shipment_references.references_of(session, shipment_id)
        ],
    }


def _changed(result: shipment_changes.ChangeResult, *, cancelled: bool) -> ShipmentChanged:
    change = result.change
    if cancelled:
        note = (
            "its booked legs were released; no later plan includes it"
            if result.booked
            else "no later plan includes it"
        )
    elif change is None:
        note = "nothing differed from the stored shipment; nothing was recorded"
    elif result.booked:
        note = (
            "it is booked on legs planned for the old values: send it to a replan "
            '(POST /v1/plans with {"shipment_ids": [...]}) to fit them'
        )
    else:
        note = "the next plan uses the new values"
    return ShipmentChanged(
        shipment=ShipmentOut.of(result.shipment),
        changed=change is not None,
        cancelled=cancelled,
        change=ShipmentChangeOut(**shipment_changes.change_document(change)) if change else None,
        note=note,
    )


@router.patch("/shipments/{shipment_id}", response_model=ShipmentChanged)
def amend_shipment(
    shipment_id: IdPath, body: ShipmentPatch, session: SessionDep, principal: CoordinatorDep
) -> ShipmentChanged:
    """Amend a shipment (any of its fields but id and shipper), validated like a CSV row.

    409 if it was cancelled or delivered, or if the origin or ready_at would change once it is
    under way. The change is recorded (who, when, before and after).
    """
    result = shipment_changes.amend_shipment(
        session,
        shipment_id,
        body.changes(),
        changed_by=principal.key_id,
        channel="api",
        reason=body.reason,
    )
    return _changed(result, cancelled=False)


@router.post("/shipments/{shipment_id}/cancel", response_model=ShipmentChanged)
def cancel_shipment(
    shipment_id: IdPath, body: CancelIn, session: SessionDep, principal: CoordinatorDep
) -> ShipmentChanged:
    """Cancel a shipment with a reason: its booked legs are released; no later plan includes it.

    409 if it was already cancelled or is delivered.
    """
    result = shipment_changes.cancel_shipment(
        session, shipment_id, reason=body.reason, changed_by=principal.key_id, channel="api"
    )
    return _changed(result, cancelled=True)


@router.get("/shipments/{shipment_id}/changes", response_model=list[ShipmentChangeOut])
def list_changes(
    shipment_id: IdPath, session: SessionDep, principal: ReaderDep
) -> list[ShipmentChangeOut]:
    """The shipment's recorded amendments and cancellation, oldest first."""
    master_data.get_shipment(session, principal, shipment_id)
    return [
        ShipmentChangeOut(**shipment_changes.change_document(row))
        for row in shipment_changes.history(session, shipment_id)
    ]
