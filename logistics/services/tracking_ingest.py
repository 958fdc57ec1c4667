"""Ingest tracking events: per item accepted, duplicate or rejected; raw payloads kept."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain.tracking import Milestone
from logistics.persistence.repositories import tracking_events as repo
from logistics.services import disruptions, tracking_refresh
from logistics.tracking.hashing import content_hash
from logistics.tracking.results import AdapterResult, SourceEvent


class ItemStatus(StrEnum):
    """What happened to one submitted event."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    INFORMATIONAL = "informational"  # stored, on the timeline, but no cargo milestone
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The answer for one item of a batch."""

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


def _subject_problem(event: SourceEvent, known: dict[str, set[str]]) -> str | None:
    e = event.event
    if not event.subject_resolved:
        kind, _, value = (e.shipment_id or "").partition(":")
        return f"{kind} {value} is not linked to any shipment (link it to the shipment first)"
    if e.shipment_id and e.shipment_id not in known["shipments"]:
        return f"unknown shipment {e.shipment_id!r}"
    if not e.shipment_id and e.service_id and e.service_id not in known["services"]:
        return f"unknown service {e.service_id!r}"
    if (
        not e.shipment_id
        and not e.service_id
        and e.vehicle_id
        and e.vehicle_id not in known["vehicles"]
    ):
        return f"unknown vehicle {e.vehicle_id!r}"
    return None


def _known_subjects(session: Session, events: Sequence[SourceEvent]) -> dict[str, set[str]]:
    shipment_ids = {e.event.shipment_id for e in events if e.event.shipment_id}
    service_ids = {e.event.service_id for e in events if e.event.service_id}
    vehicle_ids = {e.event.vehicle_id for e in events if e.event.vehicle_id}
    shipments, services, vehicles = repo.known_subjects(
        session, shipment_ids=shipment_ids, service_ids=service_ids, vehicle_ids=vehicle_ids
    )
    return {"shipments": shipments, "services": services, "vehicles": vehicles}


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
    known = _known_subjects(session, events)
    prepared: list[tuple[int, SourceEvent, str]] = []
    results: dict[int, ItemResult] = {}
    for index, item in enumerate(events):
        problem = _subject_problem(item, known)
        if problem:
            results[index] = ItemResult(
                index,
                ItemStatus.REJECTED,
                item.event.event_id,
                problem,
                item.event.raw_ref or "",
                "unlinked_reference" if not item.subject_resolved else "unknown_subject",
            )
            continue
        if item.event.received_at is None:
            event = replace(item.event, received_at=now)
            item = SourceEvent(event, item.references, item.details, item.subject_resolved)
        prepared.append((index, item, content_hash(item.event, item.references)))
    stored_pairs, stored_hashes = repo.existing_keys(
        session,
        {(i.event.source, i.event.event_id) for _, i, _ in prepared},
        {h for _, _, h in prepared},
    )
    rows = []
    fresh: list[tuple[int, SourceEvent]] = []
    for index, item, digest in prepared:
        pair = (item.event.source, item.event.event_id)
        if pair in stored_pairs or digest in stored_hashes:
            results[index] = ItemResult(
                index, ItemStatus.DUPLICATE, item.event.event_id, record=item.event.raw_ref or ""
            )
            continue
        stored_pairs.add(pair)
        stored_hashes.add(digest)
        rows.append(repo.to_values(item.event, digest, dict(item.references), raw_id))
        fresh.append((index, item))
    inserted = repo.add_new(session, rows)
    accepted = []
    for index, item in fresh:  # a concurrent request may have stored the same event first
        if (item.event.source, item.event.event_id) not in inserted:
            results[index] = ItemResult(index, ItemStatus.DUPLICATE, item.event.event_id)
            continue
        status = (
            ItemStatus.INFORMATIONAL
            if item.event.milestone is Milestone.INFORMATIONAL
            else ItemStatus.ACCEPTED
        )
        results[index] = ItemResult(
            index, status, item.event.event_id, record=item.event.raw_ref or ""
        )
        accepted.append(item.event)
    tracking_refresh.mark_events(session, accepted)
    disruptions.from_events(session, accepted)  # a feed's cancelled service is a disruption
    return IngestReport(tuple(results[i] for i in range(len(events))))


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
