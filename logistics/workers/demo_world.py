"""The demo as one consistent world: one simulated clock for the replay, the server and the
reports; every booked movement before that clock reported as it ran; then a disruption played
through to an accepted recovery."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.domain import Disruption, DisruptionKind, Principal, Role
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import services as service_repo
from logistics.services import disruptions, plan_jobs, tracking_refresh
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.services.plan_diff import diff_against_bookings
from logistics.workers import plan_run

DEMO = Principal(key_id="demo", role=Role.COORDINATOR)


def report_movements_until(
    factory: sessionmaker[Session],
    until: datetime,
    *,
    skip: set[str],
    say: Callable[[str], None],
) -> int:
    """Report every booked flight, train and truck that was due to leave or arrive by `until` as
    having done so on time (movement events), except the movements in `skip` (those the replay
    reports itself); then bring tracking up to date. Returns the number of events sent."""
    with session_scope(factory) as session:
        seen: set[tuple[str, str, str]] = set()
        events: list[dict[str, object]] = []
        for leg in booked_legs.all_legs(session):
            movement = leg.service_id or leg.vehicle_id or ""
            if not movement or movement in skip:
                continue
            subject = "service_id" if leg.service_id else "vehicle_id"
            for milestone, place, when in (
                ("DEPARTED", leg.from_location, leg.planned_depart),
                ("ARRIVED", leg.to_location, leg.planned_arrive),
            ):
                if when > until or (movement, milestone, place) in seen:
                    continue
                seen.add((movement, milestone, place))
                events.append(
                    {
                        "event_id": f"demo-{movement}-{milestone}-{place}",
                        "source": "demo-ops",
                        "milestone": milestone,
                        "time_type": "ACTUAL",
                        "event_time": when.isoformat(),
                        "location": place,
                        subject: movement,
                    }
                )
        for start in range(0, len(events), 1000):
            ingest_unified_batch(session, events[start : start + 1000], received_at=until)
        refreshed = tracking_refresh.refresh(session, now=until)
    say(
        f"  {len(events)} movement reports up to {until:%Y-%m-%d %H:%M} UTC for the other bookings; "
        f"{refreshed.opened} exception(s) opened"
    )
    return len(events)


@dataclass(frozen=True, slots=True)
class DisruptionPlay:
    """What the demo's disruption did."""

    service_id: str | None
    needing_replan: tuple[str, ...]
    recovery_plan_id: str | None
    changes: dict[str, int]


def play_cancelled_freighter(
    factory: sessionmaker[Session],
    database_url: str,
    now: datetime,
    *,
    time_limit_s: float,
    say: Callable[[str], None],
) -> DisruptionPlay:
    """Cancel the freighter leaving after `now` with the most shipments booked, plan the
    recovery, show its difference, and accept it."""
    with session_scope(factory) as session:
        booked = Counter(
            leg.service_id
            for leg in booked_legs.all_legs(session)
            if leg.service_id and leg.mode == "air" and leg.planned_depart > now
        )
        if not booked:
            say("  no freighter with bookings leaves after now: nothing to disrupt")
            return DisruptionPlay(None, (), None, {})
        flight = booked.most_common(1)[0][0]
        service = service_repo.by_ids(session, [flight])[flight]
        outcome = disruptions.report(
            session,
            Disruption(
                id=disruptions.new_id(),
                kind=DisruptionKind.SERVICE_CANCELLED,
                reported_at=now,
                source="demo-ops",
                service_id=flight,
                note=f"demo: {service.carrier} cancels the freighter",
            ),
            reported_by=None,
        )
    needing = outcome.needing_replan
    say(
        f"  flight {flight} cancelled: {len(outcome.booked)} shipment(s) booked on it, "
        f"{len(needing)} need a replan"
    )
    if not needing:
        return DisruptionPlay(flight, (), None, {})
    with session_scope(factory) as session:
        job = plan_jobs.create_job(
            session,
            DEMO,
            objective="balanced",
            time_limit_s=time_limit_s,
            seed=0,
            shipment_ids=list(needing),
        )
        job_id = job.id
    plan_run.run_job(database_url, job_id)
    with session_scope(factory) as session:
        message = plan_jobs.get_job(session, job_id).message
        changes = diff_against_bookings(session, job_id)
        counts = dict(Counter(c.change for c in changes))
        for c in changes[:5]:
            eta = f"{c.eta_change_minutes:+d} min" if c.eta_change_minutes is not None else "n/a"
            say(f"    {c.shipment_id}: {c.change}, ETA {eta}; {c.reason}")
        plan_jobs.accept_job(session, job_id)
        tracking_refresh.refresh(session, shipment_ids=list(needing), now=now)
    say(f"  recovery {job_id} ({message}) accepted: {counts}")
    return DisruptionPlay(flight, tuple(needing), job_id, counts)
