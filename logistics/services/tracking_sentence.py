"""The plain status sentence of a shipment's tracking (see logistics.tracking.status_sentence)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Milestone
from logistics.persistence.repositories import event_references, tracking_state
from logistics.services.tracking_view import ShipmentTracking
from logistics.tracking.status_sentence import pieces_moved, pieces_phrase, status_sentence

RECOVERED = (ExceptionReason.DISRUPTED.value, ExceptionReason.MISSED_CONNECTION.value)


def _pieces(session: Session, view: ShipmentTracking) -> str | None:
    """`5 of 10` while the events of the status milestone moved only part of the pieces."""
    status = view.projection.status
    if status is None or status is Milestone.EXCEPTION:
        return None
    wanted = Milestone.DELIVERED if view.projection.delivered_at is not None else status
    events = [t.event for t in view.projection.timeline if t.event.milestone is wanted]
    keys = [(e.source, e.event_id) for e in events]
    stored = event_references.references_of(session, keys) if keys else {}
    return pieces_moved(
        [
            (e.location, e.event_time.astimezone(UTC).isoformat(), stored.get(key, {}))
            for e, key in zip(events, keys, strict=True)
        ]
    )


def status_pieces(session: Session, view: ShipmentTracking) -> str | None:
    """`5 of 10 pieces` while the status rests on events about part of the pieces, worded as in
    the status sentence (the public share page shows it too); None when about all of them.
    The tracking view gets it from `sentence_for`, with its sentence."""
    return pieces_phrase(_pieces(session, view))


class StatusSentence(NamedTuple):
    """A tracking view's sentence and `pieces`, the part of the pieces its status is about
    (`5 of 10 pieces`, as the sentence words it; None when about all of them)."""

    text: str
    pieces: str | None


def sentence_for(
    session: Session,
    view: ShipmentTracking,
    fmt: Callable[[datetime, str | None], str],
    zones: Mapping[str, str],
) -> StatusSentence:
    """The sentence for a tracking view, with the part of the pieces it names (for the /track
    page's status line); `fmt(time, zone)` writes a time as people read it."""
    moved = _pieces(session, view)
    s = view.shipment
    closed = tracking_state.closed_for(session, s.id, RECOVERED)
    # rebooked around it: closed while the shipment was not yet delivered
    recovered = [r.detail for r in closed if view.projection.delivered_at is None]
    travelled = view.on_legs
    ahead = [leg for leg in view.legs if leg.leg_index not in travelled]
    services = [leg.service_id for leg in ahead if leg.service_id]
    trucks = [leg.vehicle_id for leg in ahead if leg.vehicle_id]
    zone = zones.get(s.destination)
    text = status_sentence(
        pieces=moved,
        status=view.projection.status,
        delivered_at=view.projection.delivered_at,
        eta=view.forecast.eta,
        due_at=s.due_at,
        open_reasons=[(e.reason, e.detail) for e in view.exceptions],
        recovered_from=recovered,
        movements=services or trucks,
        fmt_eta=lambda t: fmt(t, zone),
        fmt_due=lambda t: fmt(t, zone),
    )
    return StatusSentence(text, pieces_phrase(moved))
