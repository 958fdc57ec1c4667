"""Plan jobs: requested over the API, run in worker processes, state kept in the database."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from logistics import clock
from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.plan_json import plan_from_document, plan_to_document
from logistics.domain import Principal
from logistics.errors import Conflict, NotFound
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import disruptions as disruption_repo
from logistics.persistence.repositories import plan_jobs as repo
from logistics.persistence.repositories.scenario import load_scenario
from logistics.persistence.tables import PlanJobRow
from logistics.planning.commitments import Committed
from logistics.planning.disruptions import apply_disruptions
from logistics.planning.incumbent import TRUCK
from logistics.planning.multimodal import plan as make_plan
from logistics.planning.objectives import objective_named
from logistics.planning.plan_checker import check_plan
from logistics.services.plan_acceptance import accept_plan
from logistics.services.plan_commitments import plan_around_bookings
from logistics.services.plan_records import new_plan_id
from logistics.settings import get_settings

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
SKIPPED = "skipped"  # run_job's answer when another worker claimed the job first
LEASED = "leased"  # run_job's answer (take_over) when a live worker still beats the job


def create_job(
    session: Session,
    principal: Principal,
    *,
    objective: str,
    time_limit_s: float,
    seed: int,
    shipment_ids: Sequence[str] | None,
) -> PlanJobRow:
    """Record a plan request (queued); the caller commits, then hands the id to a worker."""
    objective_named(objective)
    row = PlanJobRow(
        id=new_plan_id(),
        status=QUEUED,
        objective=objective,
        time_limit_s=time_limit_s,
        seed=seed,
        shipment_ids=json.dumps(list(shipment_ids)) if shipment_ids is not None else None,
        requested_by=principal.key_id,
        progress=0.0,
        message="queued",
        created_at=clock.now(),  # the request time: the plan's now
    )
    repo.add(session, row)
    return row


def get_job(session: Session, job_id: str) -> PlanJobRow:
    """A job or NotFound."""
    row = repo.get(session, job_id)
    if row is None:
        raise NotFound(f"no plan {job_id!r}")
    return row


def list_jobs(session: Session, limit: int = 50) -> list[PlanJobRow]:
    """The newest plan jobs."""
    return repo.recent(session, limit)


def recover_jobs(session: Session, *, lease_s: float | None = None) -> list[str]:
    """At a start: running jobs whose worker has stopped beating for longer than the lease fail
    visibly (another server's live jobs are left alone); queued ones are returned to be
    submitted (a claim makes sure exactly one worker runs each)."""
    lease = lease_s if lease_s is not None else get_settings().plan_job_lease_seconds
    now = datetime.now(UTC)
    for row in repo.stalled(session, now - timedelta(seconds=lease)):
        row.status, row.finished_at = FAILED, now
        row.message = (
            f"the worker running this plan stopped (no heartbeat for {lease:g} s); request it again"
        )
    session.flush()
    return [row.id for row in repo.with_status(session, (QUEUED,))]


class _Heartbeat(threading.Thread):
    """Beats a running job's heartbeat from the worker while it plans (real time, not the
    frozen clock: leases are about processes)."""

    def __init__(self, factory: sessionmaker[Session], job_id: str, every_s: float) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.factory, self.job_id, self.every_s = factory, job_id, every_s
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            try:
                with session_scope(self.factory) as session:
                    repo.beat(session, self.job_id, datetime.now(UTC))
            except Exception:  # a missed beat is retried; the lease allows three more
                continue

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _update(factory: sessionmaker[Session], job_id: str, **fields: object) -> None:
    with session_scope(factory) as session:
        row = repo.get(session, job_id)
        if row is not None:
            for key, value in fields.items():
                setattr(row, key, value)
            row.heartbeat_at = datetime.now(UTC)


def fail_job(session: Session, job_id: str, message: str) -> bool:
    """Fail a queued job, or a running one whose heartbeat is older than the lease, visibly;
    False if it had finished or a live worker still beats it."""
    row = repo.get(session, job_id)
    if row is None or row.status not in (QUEUED, RUNNING):
        return False
    lease = timedelta(seconds=get_settings().plan_job_lease_seconds)
    beat = row.heartbeat_at
    if beat is not None and beat.tzinfo is None:
        beat = beat.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    if row.status == RUNNING and beat is not None and beat > datetime.now(UTC) - lease:
        return False
    row.status, row.finished_at, row.message = FAILED, datetime.now(UTC), message
    session.flush()
    return True


def run_job(database_url: str, job_id: str, *, take_over: bool = False) -> str:
    """Worker-process entry point: plan, check, store the document; failures are recorded, never lost.
    With `take_over` (a job engine's retry), a running job whose heartbeat is older than the lease
    (its worker died) is claimed again instead of skipped; a live one answers LEASED."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=get_settings().plan_job_lease_seconds) if take_over else None
    with session_scope(factory) as session:
        if not repo.claim(session, job_id, now, stale_before=stale):
            row = repo.get(session, job_id)
            engine.dispose()
            if take_over and row is not None and row.status == RUNNING:
                return LEASED  # its worker still beats: the engine retries after the lease
            return SKIPPED  # another worker has it, or it is no longer queued
    heartbeat = _Heartbeat(factory, job_id, get_settings().plan_job_lease_seconds / 4)
    heartbeat.start()
    try:
        with session_scope(factory) as session:
            row = get_job(session, job_id)
            ids = json.loads(row.shipment_ids) if row.shipment_ids else None
            options = (row.objective, row.time_limit_s, row.seed)
            now = row.created_at  # the request's now (the clock of the process that took it)
        with session_scope(factory) as session:
            # known disruptions first (cancelled, delayed or cut services, lost shifts, closed
            # hubs), then around what earlier accepted plans booked: their room, their trucks,
            # legs under way (by the evidence rule)
            known = disruption_repo.active(session)
            world = apply_disruptions(load_scenario(session, shipment_ids=ids), known)
            fitted = plan_around_bookings(session, world)
            incumbent = _incumbents(session, fitted)
        scenario = fitted.scenario
        delayed: dict[str | tuple[str, int], datetime] = {
            d.service_id: d.new_arrival for d in known if d.service_id and d.new_arrival
        }
        factors = read_emission_factors(get_settings().fixtures_dir / "emission_factors.csv")
        last = [0.0]

        def progress(stage: str, fraction: float, message: str) -> None:
            if time.monotonic() - last[0] >= 1.0 or fraction >= 1.0:
                last[0] = time.monotonic()
                _update(factory, job_id, progress=round(fraction, 3), message=f"{stage}: {message}")

        plan = make_plan(
            scenario,
            objective=options[0],
            time_limit_s=options[1],
            seed=options[2],
            factors=factors,
            progress=progress,
            plan_id=job_id,
            now=now,
            forecasts={k: v for k, v in delayed.items() if isinstance(k, str)},
            incumbent=incumbent,  # a booking that still works is kept (below on time)
        )
        violations = check_plan(scenario, plan, now=now, forecasts=delayed)
        document = plan_to_document(plan)
        document["check"] = {"violations": [str(v) for v in violations]}
        with session_scope(factory) as session:
            row = get_job(session, job_id)
            row.status, row.progress, row.finished_at = DONE, 1.0, datetime.now(UTC)
            row.message = "; ".join(
                (
                    f"{plan.kpis.get('planned', 0)} of {len(scenario.shipments)} shipments planned",
                    *fitted.notes,
                    *([f"{len(known)} disruption(s) applied"] if known else []),
                )
            )
            row.result = json.dumps(document)
        return DONE
    except Exception as exc:  # a failed plan must be visible, whatever went wrong
        with session_scope(factory) as session:
            row = get_job(session, job_id)
            row.status, row.finished_at, row.message = (
                FAILED,
                datetime.now(UTC),
                f"planning failed: {exc}",
            )
        return FAILED
    finally:
        heartbeat.stop()
        engine.dispose()


def _incumbents(session: Session, fitted: Committed) -> dict[str, tuple[str, ...]]:
    """Each planned shipment's booked itinerary from where it is planned (after the legs kept
    under way), in the planner's incumbent form (service ids and `truck:FROM>TO`)."""
    out: dict[str, tuple[str, ...]] = {}
    for sh in fitted.scenario.shipments:
        rows = booked_legs.for_shipment(session, sh.id)[fitted.kept_legs.get(sh.id, 0) :]
        if rows and rows[0].from_location == sh.origin:
            out[sh.id] = tuple(
                r.service_id or f"{TRUCK}{r.from_location}>{r.to_location}" for r in rows
            )
    return out


def accept_job(session: Session, job_id: str) -> int:
    """Turn a finished plan into bookings; return the number of shipments booked."""
    row = get_job(session, job_id)
    if row.status != DONE or row.result is None:
        raise Conflict(f"plan {job_id} is {row.status}; only a done plan can be accepted")
    booked = accept_plan(session, plan_from_document(json.loads(row.result)))
    row.accepted_at = datetime.now(UTC)
    session.flush()
    return booked
