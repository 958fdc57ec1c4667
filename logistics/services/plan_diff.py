"""What a plan changes against the accepted bookings (or against another plan), shipment by
shipment: old and new itinerary, ETA and cost change, and why."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics.errors import Conflict
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import plan_jobs as job_repo
from logistics.persistence.repositories.booked_legs import BookedLeg

UNCHANGED, REBOOKED, NEWLY_BOOKED, UNPLANNED = "unchanged", "rebooked", "newly_booked", "unplanned"
LegKey = tuple[str, str, str | None, str | None, str, str]


@dataclass(frozen=True, slots=True)
class ShipmentChange:
    """One shipment's change: `change` is unchanged, rebooked, newly_booked or unplanned."""

    shipment_id: str
    change: str
    old_legs: tuple[dict[str, Any], ...]
    new_legs: tuple[dict[str, Any], ...]
    old_eta: datetime | None
    new_eta: datetime | None
    old_cost: float | None
    new_cost: float | None
    reason: str

    @property
    def eta_change_minutes(self) -> int | None:
        """New ETA minus old, in minutes (negative: earlier)."""
        if self.old_eta is None or self.new_eta is None:
            return None
        return int((self.new_eta - self.old_eta).total_seconds() // 60)

    @property
    def cost_change(self) -> float | None:
        """New cost minus old."""
        if self.old_cost is None or self.new_cost is None:
            return None
        return round(self.new_cost - self.old_cost, 2)


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def leg_key(leg: dict[str, Any]) -> LegKey:
    """What makes two legs the same booking: places, movement, and times (as instants)."""
    depart, arrive = _instant(leg["depart"]), _instant(leg["arrive"])
    assert depart is not None and arrive is not None
    return (
        leg["from"],
        leg["to"],
        leg.get("service_id"),
        leg.get("vehicle_id"),
        depart.astimezone(UTC).isoformat(),
        arrive.astimezone(UTC).isoformat(),
    )


def booked_leg_document(row: BookedLeg) -> dict[str, Any]:
    """A booked leg in the plan document's leg shape."""
    return {
        "mode": row.mode.value,
        "from": row.from_location,
        "to": row.to_location,
        "service_id": row.service_id,
        "vehicle_id": row.vehicle_id,
        "depart": row.planned_depart.isoformat(),
        "arrive": row.planned_arrive.isoformat(),
        "plan_id": row.plan_id,
    }


def full_itinerary(
    booked: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], origin: str
) -> list[dict[str, Any]]:
    """The itinerary accepting `new` would leave: booked legs up to where a plan made onward from
    legs under way starts, then the new legs (as plan acceptance books them)."""
    if not new or new[0]["from"] == origin:
        return list(new)
    start = new[0]["from"]
    end = next((i for i, leg in enumerate(booked) if leg["to"] == start), None)
    return [*(booked[: end + 1] if end is not None else []), *new]


def same_itinerary(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> bool:
    """Whether two itineraries book the same legs."""
    return [leg_key(x) for x in a] == [leg_key(x) for x in b]


def _document(session: Session, plan_id: str) -> dict[str, Any]:
    row = job_repo.get(session, plan_id)
    if row is None or row.result is None:
        status = row.status if row is not None else "unknown"
        raise Conflict(f"plan {plan_id} is {status}; only a done plan has a difference to show")
    document: dict[str, Any] = json.loads(row.result)
    return document


def _costs(session: Session, plan_ids: set[str]) -> dict[tuple[str, str], float]:
    costs: dict[tuple[str, str], float] = {}
    for pid in plan_ids:
        row = job_repo.get(session, pid)
        if row is None or row.result is None:
            continue
        for s in json.loads(row.result).get("shipments", []):
            if s.get("cost") is not None:
                costs[pid, s["id"]] = float(s["cost"])
    return costs


def _why(session: Session, shipment_id: str, entry: dict[str, Any], change: str) -> str:
    if change == UNPLANNED:
        return str(entry.get("detail") or entry.get("reason") or "no feasible itinerary")
    if change == UNCHANGED:
        return "its booking still works"
    if change == NEWLY_BOOKED:
        return "not booked before"
    opened = [r.detail for r in tracking_state.open_for(session, shipment_id) if r.detail]
    return "; ".join(opened) if opened else "the plan found a better itinerary"


def diff_against_bookings(session: Session, plan_id: str) -> list[ShipmentChange]:
    """Every shipment of the plan against what is booked for it now."""
    document = _document(session, plan_id)
    changes: list[ShipmentChange] = []
    rows_by_shipment = {
        s["id"]: booked_legs.for_shipment(session, s["id"]) for s in document["shipments"]
    }
    costs = _costs(session, {r.plan_id for rows in rows_by_shipment.values() for r in rows})
    for entry in document["shipments"]:
        sid = entry["id"]
        rows = rows_by_shipment[sid]
        old = [booked_leg_document(r) for r in rows]
        state = tracking_state.get(session, sid)
        old_eta = state.eta if state is not None and state.eta else None
        if old_eta is None and rows:
            old_eta = rows[-1].planned_arrive
        old_cost = costs.get((rows[0].plan_id, sid)) if rows else None
        if entry["status"] != "planned":
            change, new = UNPLANNED, []
        else:
            origin = rows[0].from_location if rows else entry["legs"][0]["from"]
            new = full_itinerary(old, entry["legs"], origin)
            if not rows:
                change = NEWLY_BOOKED
            else:
                change = UNCHANGED if same_itinerary(old, new) else REBOOKED
        changes.append(
            ShipmentChange(
                sid,
                change,
                tuple(old),
                tuple(new),
                old_eta,
                _instant(entry.get("delivered_at")),
                old_cost,
                float(entry["cost"]) if entry.get("cost") is not None else None,
                _why(session, sid, entry, change),
            )
        )
    return changes


def diff_plans(session: Session, old_id: str, new_id: str) -> list[ShipmentChange]:
    """Every shipment of the new plan against the old plan's itinerary for it."""
    old_doc, new_doc = _document(session, old_id), _document(session, new_id)
    before = {s["id"]: s for s in old_doc["shipments"]}
    changes: list[ShipmentChange] = []
    for entry in new_doc["shipments"]:
        prior = before.get(entry["id"], {})
        old, new = list(prior.get("legs", [])), list(entry.get("legs", []))
        if entry["status"] != "planned":
            change = UNPLANNED
        elif not old:
            change = NEWLY_BOOKED
        else:
            change = UNCHANGED if same_itinerary(old, new) else REBOOKED
        changes.append(
            ShipmentChange(
                entry["id"],
                change,
                tuple(old),
                tuple(new),
                _instant(prior.get("delivered_at")),
                _instant(entry.get("delivered_at")),
                float(prior["cost"]) if prior.get("cost") is not None else None,
                float(entry["cost"]) if entry.get("cost") is not None else None,
                str(entry.get("detail") or entry.get("reason") or "")
                if change == UNPLANNED
                else "",
            )
        )
    return changes
