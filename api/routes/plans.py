"""Plan jobs: request (202), follow progress, read the plan document, accept it into bookings."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.dependencies import CoordinatorDep, SessionDep
from api.idempotency import IdempotencyKey, create_once
from api.schemas.disruptions import PlanDiffOut, ShipmentChangeOut
from api.schemas.params import ID_LENGTH, INT32_MAX, JobIdPath
from api.schemas.plans import PlanAccepted, PlanJobOut, PlanList
from logistics.services import plan_diff as plan_diff_service
from logistics.services import plan_jobs

router = APIRouter(tags=["plans"])


class PlanRequest(BaseModel):
    """What to plan."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    objective: str = Field(
        default="balanced", max_length=16, description="cheapest | fastest | greenest | balanced"
    )
    time_limit_s: float = Field(
        default=60.0, gt=0, le=3600, description="Seconds the planner may use"
    )
    seed: int = Field(default=0, ge=0, le=INT32_MAX)
    shipment_ids: list[Annotated[str, Field(min_length=1, max_length=ID_LENGTH)]] | None = Field(
        default=None, max_length=100_000, description="Shipments to plan (default: all)"
    )


def job_out(row: plan_jobs.PlanJob, *, with_result: bool) -> dict[str, Any]:
    """A job as JSON; the plan document is included once done."""
    out: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "progress": row.progress,
        "message": row.message,
        "objective": row.objective,
        "time_limit_s": row.time_limit_s,
        "seed": row.seed,
        "created_at": row.created_at.isoformat(),
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "accepted_at": row.accepted_at.isoformat() if row.accepted_at else None,
    }
    if with_result and row.result:
        out["plan"] = json.loads(row.result)
    return out


@router.post("/plans", status_code=status.HTTP_202_ACCEPTED, response_model=PlanJobOut)
def request_plan(
    body: PlanRequest,
    request: Request,
    session: SessionDep,
    principal: CoordinatorDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Queue a plan; it runs in a worker process (never in the API's threads). Poll GET /v1/plans/{id}.
    A repeat with the same Idempotency-Key gets the first answer and queues nothing more."""

    def queue(s: Session) -> dict[str, Any]:
        row = plan_jobs.create_job(
            s,
            principal,
            objective=body.objective,
            time_limit_s=body.time_limit_s,
            seed=body.seed,
            shipment_ids=body.shipment_ids,
        )
        return job_out(row, with_result=False)

    # The job is committed before the runner hears of it: the worker reads it from the database.
    return create_once(
        session,
        principal,
        idempotency_key,
        ("POST /v1/plans", body),
        queue,
        lambda out: {"Location": f"/v1/plans/{out['id']}"},
        status_code=status.HTTP_202_ACCEPTED,
        then=lambda out: request.app.state.plan_runner.submit(out["id"]),
    )


@router.get("/plans", response_model=PlanList)
def list_plans(session: SessionDep, principal: CoordinatorDep) -> dict[str, Any]:
    """The newest plan jobs (without their documents)."""
    return {"items": [job_out(r, with_result=False) for r in plan_jobs.list_jobs(session)]}


@router.get("/plans/{plan_id}", response_model=PlanJobOut)
def get_plan(plan_id: JobIdPath, session: SessionDep, principal: CoordinatorDep) -> dict[str, Any]:
    """Status and progress; when done, the plan document (DESIGN 3.4) with its checker result."""
    return job_out(plan_jobs.get_job(session, plan_id), with_result=True)


@router.post("/plans/{plan_id}/accept", response_model=PlanAccepted)
def accept(plan_id: JobIdPath, session: SessionDep, principal: CoordinatorDep) -> dict[str, Any]:
    """Book the plan: each planned shipment's legs become the itinerary tracking follows."""
    booked = plan_jobs.accept_job(session, plan_id)
    return {"id": plan_id, "booked_shipments": booked}


@router.get("/plans/{plan_id}/diff")
def plan_diff(
    plan_id: JobIdPath,
    session: SessionDep,
    principal: CoordinatorDep,
    against: Annotated[
        str | None,
        Query(max_length=64, description="Another plan's id (default: the accepted bookings)"),
    ] = None,
) -> PlanDiffOut:
    """What accepting the plan would change, shipment by shipment: old and new itinerary, ETA and
    cost change, and why (against the accepted bookings, or against another plan)."""
    changes = (
        plan_diff_service.diff_plans(session, against, plan_id)
        if against
        else plan_diff_service.diff_against_bookings(session, plan_id)
    )
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.change] = counts.get(c.change, 0) + 1
    return PlanDiffOut(
        plan_id=plan_id,
        against=against or "bookings",
        counts=counts,
        shipments=[ShipmentChangeOut.of(c) for c in changes],
    )
