"""Amending and cancelling stored shipments, each change recorded with who, when, before and after.

Rules (the API answers 409 Conflict for each): a cancelled shipment cannot be amended or cancelled
again; a delivered one cannot be amended or cancelled; once a shipment is under way (its tracked
status is past BOOKED) its origin and ready_at can no longer change. An amendment is validated
exactly like a shipments.csv row. Cancelling drops the shipment's booked legs (their room on
services and trucks is free again) and keeps it out of every later plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics.bundles.reader import parse_shipment_rows
from logistics.domain import Shipment
from logistics.domain.validation import format_tags
from logistics.errors import Conflict, DomainError, NotFound, ValidationFailed
from logistics.persistence.repositories import booked_legs, shipment_changes, tracking_state
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.shipment_changes import ShipmentChange
from logistics.persistence.repositories.tracking_state import ShipmentState

AMENDABLE = (
    "origin",
    "destination",
    "weight_kg",
    "volume_m3",
    "pieces",
    "ready_at",
    "due_at",
    "requirements",
)
FIXED_ONCE_UNDER_WAY = ("origin", "ready_at")
API_LOCATION_HINT = "it is not a stored location; add it first with POST /v1/locations"


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """A shipment after a change, and the recorded change (None when nothing differed)."""

    shipment: Shipment
    change: ShipmentChange | None
    booked: bool  # it had booked legs: for an amendment, a replan brings them up to date


def as_row(shipment: Shipment) -> dict[str, Any]:
    """The shipment as a shipments.csv row (JSON-friendly values)."""
    out: dict[str, Any] = {}
    for f in fields(shipment):
        value = getattr(shipment, f.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = format_tags(value)
        out[f.name] = value
    return out


def _stored(session: Session, shipment_id: str) -> Shipment:
    found = shipment_repo.get(session, shipment_id)
    if found is None:
        raise NotFound(f"no shipment {shipment_id!r}")
    return found


def _tracked(session: Session, shipment_id: str) -> ShipmentState | None:
    """The shipment's tracking state, brought up to date with the events stored so far."""
    # imported here: tracking_refresh reaches master_data, which imports this module's importer
    from logistics.services import tracking_refresh

    state = tracking_state.get(session, shipment_id)
    if state is not None and state.stale:
        tracking_refresh.refresh(session, shipment_ids=[shipment_id])
        state = tracking_state.get(session, shipment_id)
    return state


def check_changeable(session: Session, shipment_id: str, action: str) -> None:
    """Refuse (Conflict) changing a cancelled or delivered shipment."""
    cancelled = shipment_changes.cancellation(session, shipment_id)
    if cancelled is not None:
        raise Conflict(
            f"shipment {shipment_id} was cancelled at {cancelled.changed_at.isoformat()}; "
            f"it cannot be {action}"
        )
    state = _tracked(session, shipment_id)
    if state is not None and state.delivered_at is not None:
        raise Conflict(
            f"shipment {shipment_id} was delivered at {state.delivered_at.isoformat()}; "
            f"it cannot be {action}"
        )


def _under_way(session: Session, shipment_id: str) -> str | None:
    state = _tracked(session, shipment_id)
    if state is None or state.status in (None, "BOOKED"):
        return None
    return state.status


def validate_amendment(
    session: Session,
    stored: Shipment,
    changes: Mapping[str, object],
    *,
    source: str = "body",
    line: int = 1,
    location_hint: str = API_LOCATION_HINT,
) -> Shipment:
    """The shipment with `changes` applied, validated like a shipments.csv row."""
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise DomainError(
            f"cannot amend {', '.join(unknown)}; amendable fields: {', '.join(AMENDABLE)}"
        )
    row = {**as_row(stored), **{k: v for k, v in changes.items()}}
    if isinstance(row["requirements"], list | tuple):
        row["requirements"] = ";".join(str(t) for t in row["requirements"])
    parsed, problems = parse_shipment_rows(
        [row],
        known_locations=location_repo.all_ids(session),
        source=source,
        first_line=line,
        location_hint=location_hint,
    )
    if problems:
        raise ValidationFailed(problems, summary=f"amendment of {stored.id} refused")
    return parsed[0]


def _differing(before: Shipment, after: Shipment) -> list[str]:
    return [f.name for f in fields(before) if getattr(before, f.name) != getattr(after, f.name)]


def amendment_conflict(session: Session, stored: Shipment, amended: Shipment) -> str | None:
    """Why storing `amended` over `stored` breaks a rule (module doc), or None."""
    changed = _differing(stored, amended)
    if not changed:
        return None
    try:
        check_changeable(session, stored.id, "amended")
    except Conflict as exc:
        return str(exc)
    status = _under_way(session, stored.id)
    fixed = [name for name in changed if name in FIXED_ONCE_UNDER_WAY]
    if status is not None and fixed:
        return (
            f"shipment {stored.id} is under way (status {status}); "
            f"{' and '.join(fixed)} can no longer change"
        )
    return None


def apply_amendment(
    session: Session,
    stored: Shipment,
    amended: Shipment,
    *,
    changed_by: str,
    channel: str,
    reason: str = "",
) -> ChangeResult:
    """Store `amended` over `stored` (rules checked) and record the change; nothing if equal."""
    booked = bool(booked_legs.for_shipment(session, stored.id))
    changed = _differing(stored, amended)
    if not changed:
        return ChangeResult(stored, None, booked)
    refused = amendment_conflict(session, stored, amended)
    if refused is not None:
        raise Conflict(refused)
    before, after = as_row(stored), as_row(amended)
    shipment_repo.update(session, amended)
    change = shipment_changes.add(
        session,
        shipment_id=stored.id,
        kind="amended",
        changed_by=changed_by,
        channel=channel,
        changed_at=datetime.now(UTC),
        reason=reason,
        before=json.dumps({k: before[k] for k in changed}),
        after=json.dumps({k: after[k] for k in changed}),
    )
    if tracking_state.get(session, stored.id) is not None:
        tracking_state.mark_stale(session, [stored.id])  # due, ETA and exceptions follow
    return ChangeResult(amended, change, booked)


def amend_shipment(
    session: Session,
    shipment_id: str,
    changes: Mapping[str, object],
    *,
    changed_by: str,
    channel: str = "api",
    reason: str = "",
) -> ChangeResult:
    """Amend some fields of a stored shipment (validated as a row; rules in the module doc)."""
    shipment_repo.hold(session, shipment_id)  # a concurrent change or cancellation waits
    stored = _stored(session, shipment_id)
    check_changeable(session, shipment_id, "amended")
    amended = validate_amendment(session, stored, changes)
    return apply_amendment(
        session, stored, amended, changed_by=changed_by, channel=channel, reason=reason
    )


def cancel_shipment(
    session: Session, shipment_id: str, *, reason: str, changed_by: str, channel: str = "api"
) -> ChangeResult:
    """Cancel a shipment: its booked legs are dropped and no later plan includes it."""
    if not reason.strip():
        raise DomainError("a cancellation needs a reason (e.g. 'order withdrawn by the shipper')")
    shipment_repo.hold(session, shipment_id)  # concurrent cancellations: one is recorded
    stored = _stored(session, shipment_id)
    check_changeable(session, shipment_id, "cancelled")
    legs = booked_legs.for_shipment(session, shipment_id)
    change = shipment_changes.add(
        session,
        shipment_id=shipment_id,
        kind=shipment_changes.CANCELLED,
        changed_by=changed_by,
        channel=channel,
        changed_at=datetime.now(UTC),
        reason=reason.strip(),
        before=json.dumps(
            {"booked_legs": len(legs), "plan_ids": sorted({x.plan_id for x in legs})}
        ),
        after=json.dumps({"booked_legs": 0}),
    )
    if legs:
        booked_legs.replace_for_shipment(session, shipment_id, "", [])
    if tracking_state.get(session, shipment_id) is not None:
        tracking_state.mark_stale(session, [shipment_id])
    return ChangeResult(stored, change, bool(legs))


def history(session: Session, shipment_id: str) -> list[ShipmentChange]:
    """The shipment's recorded changes, oldest first."""
    _stored(session, shipment_id)
    return shipment_changes.for_shipment(session, shipment_id)


def change_document(row: ShipmentChange) -> dict[str, Any]:
    """A recorded change as JSON."""
    return {
        "id": row.id,
        "shipment_id": row.shipment_id,
        "kind": row.kind,
        "changed_by": row.changed_by,
        "channel": row.channel,
        "changed_at": row.changed_at.isoformat(),
        "reason": row.reason,
        "before": json.loads(row.before),
        "after": json.loads(row.after),
    }
