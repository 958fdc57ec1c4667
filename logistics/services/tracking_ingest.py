"""Ingest tracking events: per item accepted, duplicate or rejected; raw payloads kept."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain.tracking import Milestone
from logistics.persistence.repositories import tracking_events as repo
from logistics.persistence.repositories import tracking_state
from logistics.services import disruptions
from logistics.tracking.flat import FlatEvent, flatten, to_event
from logistics.tracking.results import AdapterResult, SourceEvent


class ItemStatus(StrEnum):
    """What happened to one submitted event."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    INFORMATIONAL = "informational"  # stored, on the timeline, but no cargo milestone
    REJECTED = "rejected"


@dataclass(slots=True)
class ItemResult:
    """The answer for one item of a batch. Not frozen: a batch makes one per item, and a frozen
    dataclass is built in over twice the time (each field set through object.__setattr__);
    nothing changes an answer once made (a changed copy is made with `replace`)."""

    index: int
    status: ItemStatus
    event_id: str | None = None
    reason: str = ""
    record: str = ""  # where in a raw payload (`line 7`, `index 3`), when it came from one
    code: str = ""  # why a record was refused, for programs


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Per-item results, plus the adapter's messages for records that gave no event."""

    items: tuple[ItemResult, ...]
    messages: tuple[str, ...] = ()

    def count(self, status: ItemStatus) -> int:
        """How many items ended with `status`."""
        return sum(1 for item in self.items if item.status is status)


def _subject_problem(
    e: FlatEvent, shipments: set[str], services: set[str], vehicles: set[str]
) -> str | None:
    if not e.subject_resolved:
        kind, _, value = (e.shipment_id or "").partition(":")
        return f"{kind} {value} is not linked to any shipment (link it to the shipment first)"
    if e.shipment_id:
        return None if e.shipment_id in shipments else f"unknown shipment {e.shipment_id!r}"
    if e.service_id:
        return None if e.service_id in services else f"unknown service {e.service_id!r}"
    if e.vehicle_id and e.vehicle_id not in vehicles:
        return f"unknown vehicle {e.vehicle_id!r}"
    return None


def ingest_events(
    session: Session,
    events: Sequence[SourceEvent],
    *,
    received_at: datetime | None = None,
    raw_id: int | None = None,
) -> IngestReport:
    """Store new events; acknowledge duplicates (same source and id, or same content) once.

    The caller owns the transaction: this flushes, it never commits.
    """
    now = received_at or clock.now()
    return IngestReport(ingest_flat(session, [flatten(e, now) for e in events], raw_id=raw_id))


def ingest_flat(
    session: Session,
    events: Sequence[FlatEvent],
    *,
    raw_id: int | None = None,
    indices: Sequence[int] | None = None,
) -> tuple[ItemResult, ...]:
    """`ingest_events` of flat values: one answer per event, in their order; each answer's
    index is the event's position, or its entry in `indices` (the item it came from).

    Subjects are checked by id (one query per kind); the events are inserted in one pass of
    their values, the unique constraints on `(source, event_id)` and on the content key telling
    duplicates (of storage, of a concurrent request, of an earlier item in the batch) from new
    events; the shipments the new events touch are marked stale.
    """
    at = range(len(events)) if indices is None else indices
    shipments, services, vehicles = repo.known_subjects(
        session,
        shipment_ids={e.shipment_id for e in events if e.shipment_id},
        service_ids={e.service_id for e in events if e.service_id},
        vehicle_ids={e.vehicle_id for e in events if e.vehicle_id},
    )
    results: list[ItemResult | None] = [None] * len(events)
    prepared: list[tuple[int, FlatEvent]] = []
    for position, e in enumerate(events):
        if e.shipment_id in shipments and e.subject_resolved:  # the common case, checked first
            prepared.append((position, e))
            continue
        problem = _subject_problem(e, shipments, services, vehicles)
        if problem:
            code = "unlinked_reference" if not e.subject_resolved else "unknown_subject"
            results[position] = ItemResult(
                at[position], ItemStatus.REJECTED, e.event_id, problem, e.raw_ref or "", code
            )
        else:
            prepared.append((position, e))
    # The unique constraints decide what is new, row by row in submission order: an event
    # stored before (by anyone, a concurrent request too), or earlier in this batch, under the
    # same source and id or with the same content, is not inserted: a duplicate.
    stored = repo.add_new(session, [e for _, e in prepared], raw_id) if prepared else []
    # None when every event given was stored (each stored row is a distinct event given).
    inserted = None if len(stored) == len(prepared) else set(stored)
    accepted: list[FlatEvent] = []
    for position, e in prepared:
        if inserted is not None:
            key = (e.source, e.event_id, e.content_key)
            if key not in inserted:
                results[position] = ItemResult(
                    at[position], ItemStatus.DUPLICATE, e.event_id, record=e.raw_ref or ""
                )
                continue
            inserted.discard(key)  # the same item again later in the batch is its duplicate
        status = ItemStatus.INFORMATIONAL if e.milestone == _INFORMATIONAL else ItemStatus.ACCEPTED
        results[position] = ItemResult(at[position], status, e.event_id, record=e.raw_ref or "")
        accepted.append(e)
    if accepted:
        tracking_state.mark_touched(
            session,
            shipment_ids={e.shipment_id for e in accepted if e.shipment_id},
            service_ids={e.service_id for e in accepted if not e.shipment_id and e.service_id},
            vehicle_ids={e.vehicle_id for e in accepted if not e.shipment_id and e.vehicle_id},
        )
    cancelled = [  # a feed's cancelled service is a disruption
        to_event(e)
        for e in accepted
        if e.milestone == _CANCELLED and e.service_id and not e.shipment_id
    ]
    disruptions.from_events(session, cancelled)
    return tuple(r for r in results if r is not None)


_INFORMATIONAL = Milestone.INFORMATIONAL.value
_CANCELLED = Milestone.CANCELLED.value


def ingest_feed(
    session: Session,
    result: AdapterResult,
    *,
    source: str,
    format_: str,
    payload: bytes,
    received_at: datetime | None = None,
) -> IngestReport:
    """Keep the raw payload, then ingest what an adapter parsed from it.

    Items answer every event (accepted, duplicate, informational, rejected), then every record
    the adapter refused (rejected, with its record, code and reason); warnings stay messages.
    """
    now = received_at or clock.now()
    raw_id = repo.add_raw(
        session,
        source=source,
        format_=format_,
        received_at=now,
        sha256=hashlib.sha256(payload).hexdigest(),
        payload=payload,
    )
    report = ingest_events(session, result.events, received_at=now, raw_id=raw_id)
    refused = tuple(
        ItemResult(
            len(report.items) + n,
            ItemStatus.REJECTED,
            None,
            m.reason,
            m.record,
            m.code or "invalid_record",
        )
        for n, m in enumerate(result.errors)
    )
    return IngestReport(report.items + refused, tuple(str(m) for m in result.messages))
