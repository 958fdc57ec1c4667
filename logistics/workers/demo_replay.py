"""The demo's tracking replay: a simulated day of feeds for the accepted plan, batch by batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import services as service_repo
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.services import tracking_refresh
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.services.tracking_ingest import ItemStatus
from logistics.services.tracking_view import load_tracking, planned_leg
from logistics.tracking.legs import PlannedLeg
from logistics.tracking.simulation import Stream, simulate_stream


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    """What the replay sent and what it opened."""

    shipments: tuple[str, ...]
    featured: str | None
    delayed_service: str | None
    accepted: int
    duplicates: int
    exceptions_opened: int
    clock: datetime | None = None  # the simulated clock after the last batch
    movements: frozenset[str] = frozenset()  # the flights, trains and trucks the stream reports


def _stream(session: Session, seed: int) -> Stream:
    itineraries: dict[str, list[PlannedLeg]] = defaultdict(list)
    for r in booked_legs.all_legs(session):
        itineraries[r.shipment_id].append(planned_leg(r))
    service_ids = {
        leg.service_id for legs in itineraries.values() for leg in legs if leg.service_id
    }
    cutoffs = {s.id: s.cutoff_minutes for s in service_repo.by_ids(session, service_ids).values()}
    return simulate_stream(itineraries, cutoffs=cutoffs, seed=seed)


def replay(
    factory: sessionmaker[Session],
    *,
    say: Callable[[str], None],
    seed: int = 7,
    until: datetime | None = None,
) -> ReplaySummary:
    """Send the simulated stream batch by batch, refreshing projections at the simulated clock;
    batches after `until` (the demo world's now) are held back: they have not happened yet."""
    with session_scope(factory) as session:
        stream = _stream(session, seed)
    if not stream.shipments:
        say("no booked shipments: accept a plan first")
        return ReplaySummary((), None, None, 0, 0, 0)
    featured = stream.broken_shipments[0] if stream.broken_shipments else stream.shipments[0]
    say(
        f"replaying feeds for {len(stream.shipments)} shipments ({', '.join(stream.shipments)}); "
        f"flight {stream.delayed_service or '-'} will be late; following {featured}"
    )
    accepted = duplicates = opened = 0
    sent = [b for b in stream.batches if until is None or b.clock <= until]
    if len(sent) < len(stream.batches):
        say(f"  {len(stream.batches) - len(sent)} later batch(es) held back: after the demo's now")
    for n, batch in enumerate(sent, 1):
        with session_scope(factory) as session:
            report = ingest_unified_batch(session, list(batch.events), received_at=batch.clock)
            refreshed = tracking_refresh.refresh(session, now=batch.clock)
            shipment = shipment_repo.get(session, featured)
            assert shipment is not None
            view = load_tracking(session, shipment, now=batch.clock)
        accepted += report.count(ItemStatus.ACCEPTED)
        duplicates += report.count(ItemStatus.DUPLICATE)
        opened += refreshed.opened
        status = view.projection.status.value if view.projection.status else "-"
        eta = view.forecast.eta.isoformat() if view.forecast.eta else "unknown (needs a replan)"
        problems = ", ".join(e.reason.value for e in view.exceptions) or "none"
        say(
            f"  batch {n} ({batch.clock:%Y-%m-%d %H:%M} UTC): {report.count(ItemStatus.ACCEPTED)} accepted, "
            f"{report.count(ItemStatus.DUPLICATE)} duplicate; {refreshed.opened} exception(s) opened, "
            f"{refreshed.closed} closed | {featured}: {status}, ETA {eta}, exceptions: {problems}"
        )
    movements = frozenset(
        str(e.get("service_id") or e.get("vehicle_id"))
        for batch in sent
        for e in batch.events
        if e.get("service_id") or e.get("vehicle_id")
    )
    return ReplaySummary(
        stream.shipments,
        featured,
        stream.delayed_service,
        accepted,
        duplicates,
        opened,
        sent[-1].clock if sent else None,
        movements,
    )
