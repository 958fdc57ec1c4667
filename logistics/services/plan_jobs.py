"""Plan jobs: requested over the API, run in worker processes, state kept in the database."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

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
from logistics.settings import get_settings

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


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
        id="plan_" + uuid.uuid4().hex[:16],
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


def recover_jobs(session: Session) -> list[str]:
    """After a restart: jobs that were running fail visibly; queued ones stay queued to be resubmitted."""
    now = datetime.now(UTC)
    for row in repo.with_status(session, (RUNNING,)):
        row.status, row.finished_at = FAILED, now
        row.message = "the server stopped while this plan was running; request it again"
    session.flush()
    return [row.id for row in repo.with_status(session, (QUEUED,))]


def _update(factory_url: str, job_id: str, **fields: object) -> None:
    factory = make_session_factory(make_engine(factory_url))
    with session_scope(factory) as session:
        row = repo.get(session, job_id)
        if row is not None:
            for key, value in fields.items():
                setattr(row, key, value)


def run_job(database_url: str, job_id: str) -> str:
    """Worker-process entry point: plan, check, store the document; failures are recorded, never lost."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        with session_scope(factory) as session:
            row = get_job(session, job_id)
            if row.status != QUEUED:
                return row.status
            row.status, row.started_at, row.message = (
                RUNNING,
                datetime.now(UTC),
                "loading the scenario",
            )
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
                _update(
                    database_url, job_id, progress=round(fraction, 3), message=f"{stage}: {message}"
                )

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
