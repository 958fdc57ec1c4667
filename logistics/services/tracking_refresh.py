"""Keep the stored projections (state, ETA, exceptions) in step with the events.

Ingestion only marks the shipments an event touches as stale (cheap); `refresh` recomputes stale
shipments from their events, opens and closes exceptions, and emits the notices subscribers get.
`sweep` re-examines every undelivered shipment for the time-based rules (dwell, lost tracking);
`rebuild` recomputes every booked shipment from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain import Notice, NoticeKind, TrackingEvent
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.persistence.repositories.tracking_state import (
    NewException,
    ShipmentState,
    StoredException,
)
from logistics.services import webhooks
from logistics.services.tracking_inputs import load_inputs
from logistics.services.tracking_view import ShipmentTracking, compute_tracking
from logistics.tracking.exception_rules import ExceptionRules, OpenException, needs_replan

ETA_NOTICE_MINUTES = 15  # smaller ETA moves are not worth a notification
CHUNK = 200  # shipments loaded, computed and flushed together
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one refresh did."""

    refreshed: int
    opened: int
    closed: int
    notices: tuple[Notice, ...]


def mark_events(session: Session, events: Iterable[TrackingEvent]) -> int:
    """Mark the shipments the events touch as stale (one set-based statement); return how many."""
    events = list(events)
    if not events:
        return 0
    return tracking_state.mark_touched(
        session,
        shipment_ids={e.shipment_id for e in events if e.shipment_id},
        service_ids={e.service_id for e in events if not e.shipment_id and e.service_id},
        vehicle_ids={e.vehicle_id for e in events if not e.shipment_id and e.vehicle_id},
    )


def mark_vehicles(session: Session, vehicle_ids: Collection[str]) -> int:
    """Mark the shipments booked on vehicles (new positions) as stale."""
    return tracking_state.mark_touched(session, vehicle_ids=vehicle_ids)


def _new_exception(shipment_id: str, e: OpenException) -> NewException:
    return NewException(
        shipment_id=shipment_id,
        key=e.key,
        reason=e.reason.value,
        origin=e.origin,
        leg_index=e.leg_index,
        location=e.location,
        mode=e.mode.value if e.mode else None,
        detail=e.detail,
        opened_at=e.since,
    )


def exception_document(row: StoredException) -> dict[str, Any]:
    """A stored exception as JSON (the API's items and the webhook notices share it)."""
    return {
        "id": row.id,
        "shipment_id": row.shipment_id,
        "reason": row.reason,
        "origin": row.origin,
        "leg_index": row.leg_index,
        "location": row.location,
        "mode": row.mode,
        "detail": row.detail,
        "opened_at": row.opened_at.isoformat(),
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }


def state_basis(state: ShipmentState) -> str:
    """The stored state a refresh computes its notices from (see `Notice.basis`)."""
    return "|".join(
        str(value)
        for value in (
            state.status,
            state.eta.isoformat() if state.eta else None,
            state.last_event_at.isoformat() if state.last_event_at else None,
            state.refreshed_at.isoformat() if state.refreshed_at else None,
            state.needs_replan,
        )
    )


_Pending = Callable[[], Notice]
"""A notice built once the chunk is written (an opened exception's document carries its id)."""


@dataclass(slots=True)
class _Writes:
    """What a chunk's refresh stores, written together once every shipment is computed."""

    states: list[ShipmentState] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    opened: list[NewException] = field(default_factory=list)
    stored: dict[int, StoredException] = field(default_factory=dict)  # by index in `opened`

    def opened_document(self, index: int) -> dict[str, Any]:
        """The document of the `index`-th opened exception (once written)."""
        return exception_document(self.stored[index])

    def write(self, session: Session, now: datetime) -> None:
        """Close, open and save (the opened exceptions get their ids); flushed."""
        tracking_state.close(session, self.closed, now)
        self.stored = dict(enumerate(tracking_state.add_exceptions(session, self.opened)))
        tracking_state.save_states(session, self.states)
        session.flush()


def _apply(
    writes: _Writes,
    view: ShipmentTracking,
    now: datetime,
    state: ShipmentState,
    open_rows: Sequence[StoredException],
) -> list[_Pending]:
    s = view.shipment
    pending: list[_Pending] = []
    basis = state_basis(state)

    def notice(kind: NoticeKind, data: Callable[[], dict[str, Any]]) -> None:
        def build() -> Notice:
            body = data()
            return Notice(
                kind,
                s.id,
                s.shipper,
                now,
                milestone=str(body["milestone"]) if "milestone" in body else None,
                exception_reason=str(body["reason"]) if "reason" in body else None,
                data={"shipment_id": s.id, **body},
                basis=basis,
            )

        pending.append(build)

    status = view.projection.status.value if view.projection.status else None
    if status != state.status and status is not None:
        previous = state.status
        notice(NoticeKind.MILESTONE, lambda: {"milestone": status, "previous": previous})
    eta = view.forecast.eta
    if (eta is None) != (state.eta is None) or (
        eta is not None
        and state.eta is not None
        and abs((eta - state.eta).total_seconds()) >= ETA_NOTICE_MINUTES * 60
    ):
        body = {
            "eta": eta.isoformat() if eta else None,
            "previous_eta": state.eta.isoformat() if state.eta else None,
            "due_at": s.due_at.isoformat(),
        }
        notice(NoticeKind.ETA_CHANGED, lambda: body)
    stored = {row.key: row for row in open_rows}
    current = {e.key: e for e in view.exceptions}
    gone = [replace(row, closed_at=now) for key, row in stored.items() if key not in current]
    writes.closed += [row.id for row in gone]
    for row in gone:
        notice(NoticeKind.EXCEPTION_CLOSED, partial(exception_document, row))
    for key, e in current.items():
        if key not in stored:
            index = len(writes.opened)
            writes.opened.append(_new_exception(s.id, e))
            # written with the chunk; the notice reads its id afterwards
            notice(NoticeKind.EXCEPTION_OPENED, partial(writes.opened_document, index))
    timeline = view.projection.timeline
    writes.states.append(
        replace(
            state,
            status=status,
            eta=eta,
            due_at=s.due_at,
            delivered_at=view.projection.delivered_at,
            needs_replan=needs_replan(view.exceptions),
            last_event_at=timeline[-1].event.event_time if timeline else None,
            refreshed_at=now,
            stale=False,
        )
    )
    return pending


def _states(session: Session, ids: Sequence[str]) -> dict[str, ShipmentState]:
    states = tracking_state.states_of(session, ids)
    missing = [sid for sid in ids if sid not in states]
    if missing:  # a shipment asked for by id that no writer marked yet
        tracking_state.mark_stale(session, missing)
        states.update(tracking_state.states_of(session, missing))
    return states


def refresh(
    session: Session,
    *,
    now: datetime | None = None,
    shipment_ids: Sequence[str] | None = None,
    limit: int | None = None,
    rules: ExceptionRules | None = None,
    progress: Progress | None = None,
    skip_locked: bool = False,
) -> RefreshReport:
    """Recompute the given (default: stale) shipments and store state, ETA and exceptions.

    Their state rows are locked first, in id order; with `skip_locked` (the background
    refresher) stale rows another transaction holds are left to it (PostgreSQL SKIP LOCKED).
    Set-based: per chunk of 200 shipments, their inputs, state rows and open exceptions are
    read with one query each, and the changes are written together (executemany).
    The caller owns the transaction: this flushes, it never commits.
    """
    now = now or clock.now()
    if shipment_ids is None:  # claim: stale rows locked in id order
        ids = tracking_state.claim_stale(session, limit, skip_locked=skip_locked)
    else:  # the same order as every other writer of state rows, so none deadlocks
        ids = sorted(set(shipment_ids))
        tracking_state.lock_in_order(session, ids)
    notices: list[Notice] = []
    opened = closed = 0
    for done, start in enumerate(range(0, len(ids), CHUNK)):
        found = shipment_repo.by_ids(session, ids[start : start + CHUNK])
        chunk = [sid for sid in ids[start : start + CHUNK] if sid in found]
        inputs = load_inputs(session, chunk)
        states = _states(session, chunk)
        open_rows = tracking_state.open_for_many(session, chunk)
        pending: list[_Pending] = []
        writes = _Writes()
        for sid in chunk:
            view = compute_tracking(found[sid], inputs[sid], now=now, rules=rules)
            pending += _apply(writes, view, now, states[sid], open_rows.get(sid, ()))
        writes.write(session, now)
        new = [build() for build in pending]
        opened += sum(1 for n in new if n.kind is NoticeKind.EXCEPTION_OPENED)
        closed += sum(1 for n in new if n.kind is NoticeKind.EXCEPTION_CLOSED)
        notices += new
        if progress:
            progress(min(len(ids), (done + 1) * CHUNK), len(ids))
    _notify(session, notices)
    return RefreshReport(len(ids), opened, closed, tuple(notices))


def _notify(session: Session, notices: Sequence[Notice]) -> None:
    """Hand the notices to the webhook outbox (matched against the subscriptions)."""
    if notices:
        webhooks.enqueue(session, notices)


def undelivered_ids(session: Session) -> list[str]:
    """The shipments a sweep re-examines: tracked and not delivered yet, in id order."""
    return tracking_state.undelivered_ids(session)


def sweep(
    session: Session, *, now: datetime | None = None, rules: ExceptionRules | None = None
) -> RefreshReport:
    """Re-examine every undelivered tracked shipment (time-based rules move without events)."""
    ids = tracking_state.undelivered_ids(session)
    return refresh(session, now=now, shipment_ids=ids, rules=rules)


def rebuild(
    session: Session,
    *,
    now: datetime | None = None,
    rules: ExceptionRules | None = None,
    progress: Progress | None = None,
) -> RefreshReport:
    """Recompute every booked shipment (and every shipment with events) from its events."""
    ids = sorted(
        set(booked_legs.booked_shipment_ids(session)) | event_repo.subject_shipment_ids(session)
    )
    tracking_state.mark_stale(session, ids)
    return refresh(session, now=now, shipment_ids=ids, rules=rules, progress=progress)
