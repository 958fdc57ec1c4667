"""Runs one plan job (the transaction-owning entry point of a solve): claim it, beat its
heartbeat, plan, check, store the document; failures are recorded, never lost."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import disruptions as disruption_repo
from logistics.persistence.repositories import plan_jobs as repo
from logistics.persistence.repositories.scenario import load_scenario
from logistics.planning.commitments import Committed
from logistics.planning.disruptions import apply_disruptions
from logistics.planning.incumbent import TRUCK
from logistics.planning.plan_options import PlanOptions
from logistics.services.plan_commitments import plan_around_bookings
from logistics.services.plan_jobs import DONE, FAILED, LEASED, RUNNING, SKIPPED, get_job
from logistics.services.recommend import recommend
from logistics.settings import get_settings


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


def _update(factory: sessionmaker[Session], job_id: str, *, progress: float, message: str) -> None:
    with session_scope(factory) as session:
        repo.report_progress(
            session, job_id, progress=progress, message=message, now=datetime.now(UTC)
        )


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
            asked = (row.objective, row.time_limit_s, row.seed)
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
        delayed = {d.service_id: d.new_arrival for d in known if d.service_id and d.new_arrival}
        last = [0.0]

        def progress(stage: str, fraction: float, message: str) -> None:
            if time.monotonic() - last[0] >= 1.0 or fraction >= 1.0:
                last[0] = time.monotonic()
                _update(factory, job_id, progress=round(fraction, 3), message=f"{stage}: {message}")

        recommended = recommend(
            scenario,
            options=PlanOptions(
                objective=asked[0],
                time_limit_s=asked[1],
                seed=asked[2],
                plan_id=job_id,
                now=now,
                forecasts=delayed,  # planned from, and checked against
                incumbent=incumbent,  # a booking that still works is kept (below on time)
            ),
            progress=progress,
        )
        with session_scope(factory) as session:
            get_job(session, job_id)
            repo.finish(
                session,
                job_id,
                status=DONE,
                finished_at=datetime.now(UTC),
                progress=1.0,
                message="; ".join(
                    (
                        recommended.summary,
                        *fitted.notes,
                        *([f"{len(known)} disruption(s) applied"] if known else []),
                    )
                ),
                result=json.dumps(recommended.document()),
            )
        return DONE
    except Exception as exc:  # a failed plan must be visible, whatever went wrong
        with session_scope(factory) as session:
            get_job(session, job_id)
            repo.finish(
                session,
                job_id,
                status=FAILED,
                finished_at=datetime.now(UTC),
                message=f"planning failed: {exc}",
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
