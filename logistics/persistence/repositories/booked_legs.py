"""The booked legs of accepted plans: what tracking follows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from logistics.domain import Mode
from logistics.persistence.tables import BookedLegRow


def replace_for_shipment(
    session: Session, shipment_id: str, plan_id: str, legs: Sequence[BookedLegRow]
) -> None:
    """Make `legs` the shipment's active itinerary."""
    session.execute(delete(BookedLegRow).where(BookedLegRow.shipment_id == shipment_id))
    for leg in legs:
        leg.shipment_id, leg.plan_id = shipment_id, plan_id
    session.add_all(legs)
    session.flush()


def for_shipment(session: Session, shipment_id: str) -> list[BookedLegRow]:
    """The shipment's booked legs in order."""
    query = (
        select(BookedLegRow)
        .where(BookedLegRow.shipment_id == shipment_id)
        .order_by(BookedLegRow.leg_index)
    )
    return list(session.scalars(query))


def mode_of(row: BookedLegRow) -> Mode:
    """The leg's mode."""
    return Mode(row.mode)
