"""The report fixture history (fixtures/reports): read as plain rows, and loaded into a database."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.persistence.base import offset_of
from logistics.persistence.tables import BookedLegRow, EventRow, ExceptionRow, ShipmentStateRow
from logistics.services.import_scenario import import_scenario

HISTORY = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
FACTORS = HISTORY.parent / "emission_factors.csv"
AS_OF = datetime.fromisoformat("2026-12-20T00:00:00+00:00")


def rows(name: str) -> list[dict[str, str]]:
    """The rows of fixtures/reports/NAME.csv as dicts of text."""
    with (HISTORY / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _legs() -> list[BookedLegRow]:
    return [
        BookedLegRow(
            shipment_id=r["shipment_id"],
            leg_index=int(r["leg_index"]),
            plan_id=r["plan_id"],
            mode=r["mode"],
            from_location=r["from_location"],
            to_location=r["to_location"],
            planned_depart=_time(r["planned_depart"]),
            planned_arrive=_time(r["planned_arrive"]),
            service_id=r["service_id"] or None,
            vehicle_id=r["vehicle_id"] or None,
        )
        for r in rows("booked_legs")
    ]


def _events() -> list[EventRow]:
    out = []
    for r in rows("events"):
        at = datetime.fromisoformat(r["event_time"])
        out.append(
            EventRow(
                event_id=r["event_id"],
                source=r["source"],
                content_key=hashlib.sha256(repr(sorted(r.items())).encode()).digest()[:16],
                shipment_id=r["shipment_id"] or None,
                service_id=r["service_id"] or None,
                vehicle_id=r["vehicle_id"] or None,
                milestone=r["milestone"],
                time_type=r["time_type"],
                event_time=at,
                event_offset_min=offset_of(at),
                received_at=datetime.fromisoformat(r["received_at"]),
                location=r["location"] or None,
                mode=r["mode"] or None,
                retracts=r["retracts"] or None,
            )
        )
    return out


def _states(due: dict[str, datetime]) -> list[ShipmentStateRow]:
    return [
        ShipmentStateRow(
            shipment_id=r["shipment_id"],
            stale=False,
            status=r["status"],
            due_at=due[r["shipment_id"]],
            delivered_at=_time(r["delivered_at"]),
        )
        for r in rows("tracking_state")
    ]


def _exceptions() -> list[ExceptionRow]:
    return [
        ExceptionRow(
            shipment_id=r["shipment_id"],
            key=r["key"],
            reason=r["reason"],
            origin=r["origin"],
            leg_index=int(r["leg_index"]) if r["leg_index"] else None,
            location=r["location"] or None,
            mode=r["mode"] or None,
            opened_at=_time(r["opened_at"]),
            closed_at=_time(r["closed_at"]),
        )
        for r in rows("exceptions")
    ]


def load_history(session: Session) -> None:
    """Import the bundle and insert the booked legs, events, tracking state and exceptions."""
    scenario = read_bundle(HISTORY)
    import_scenario(session, scenario)
    session.add_all(_legs())
    session.add_all(_events())
    session.flush()
    session.add_all(_states({s.id: s.due_at for s in scenario.shipments}))
    session.add_all(_exceptions())
    session.flush()
