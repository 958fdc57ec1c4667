"""Test set-up shared by service and API tests: book minimal-bundle shipments on known legs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from logistics.domain import Mode
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories.booked_legs import BookedLeg

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOOKED: dict[str, Any] = json.loads((FIXTURES / "tracking" / "booked_minimal.json").read_text())


def fixture_legs(
    shipment_id: str, legs: list[dict[str, Any]] | None = None, shift: timedelta = timedelta(0)
) -> list[BookedLeg]:
    """The shipment's booked legs: the fixture's (or `legs`, a part of them), `shift` later."""
    return [
        BookedLeg(
            shipment_id=shipment_id,
            leg_index=i,
            plan_id="",
            mode=Mode(leg["mode"]),
            from_location=leg["from_location"],
            to_location=leg["to_location"],
            planned_depart=datetime.fromisoformat(leg["planned_depart"]) + shift,
            planned_arrive=datetime.fromisoformat(leg["planned_arrive"]) + shift,
            service_id=leg.get("service_id"),
            vehicle_id=leg.get("vehicle_id"),
        )
        for i, leg in enumerate(BOOKED["legs"] if legs is None else legs)
    ]


def book_minimal(session: Session) -> None:
    """Book the fixture's shipments on the fixture's legs, as accepting a plan would."""
    for shipment_id in BOOKED["shipments"]:
        rows = fixture_legs(shipment_id)
        booked_legs.replace_for_shipment(session, shipment_id, "plan-test", rows)
    tracking_state.mark_stale(session, BOOKED["shipments"])
