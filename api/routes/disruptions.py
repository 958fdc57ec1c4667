"""Disruptions: report one, list them, resolve one, and request its recovery plan."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.dependencies import CoordinatorDep, ReporterDep, SessionDep
from api.idempotency import IdempotencyKey, create_once
from api.schemas.disruptions import DisruptionIn, DisruptionList, DisruptionOut, RecoveryRequest
from api.schemas.params import DisruptionIdPath
from api.schemas.plans import RecoveryQueued
from logistics import clock
from logistics.domain import Disruption
from logistics.errors import Conflict
from logistics.services import disruptions, plan_jobs

router = APIRouter(tags=["disruptions"])


@router.post("/disruptions", status_code=status.HTTP_201_CREATED, response_model=DisruptionOut)
def report_disruption(
    body: DisruptionIn,
    session: SessionDep,
    principal: ReporterDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Report a disruption: the shipments booked on what it touches are refreshed at once; those
    it breaks show a DISRUPTED exception, need a replan, and webhook subscribers hear of it.
    A repeat with the same Idempotency-Key gets the first answer and reports nothing more."""

    def report(s: Session) -> dict[str, Any]:
        d = Disruption(
            id=disruptions.new_id(),
            reported_at=clock.now(),
            source=principal.role.value,
            **body.model_dump(),
        )
        outcome = disruptions.report(s, d, reported_by=principal.key_id)
        out = DisruptionOut.of(d, booked=list(outcome.booked), needing=list(outcome.needing_replan))
        return out.model_dump(mode="json")

    return create_once(
        session,
        principal,
        idempotency_key,
        ("POST /v1/disruptions", body),
        report,
        lambda out: {"Location": f"/v1/disruptions/{out['id']}"},
    )


@router.get("/disruptions")
def list_disruptions(session: SessionDep, principal: CoordinatorDep) -> DisruptionList:
    """The newest disruptions, resolved or not."""
    found = disruptions.recent(session)
    return DisruptionList(items=[DisruptionOut.of(d, resolved_at=at) for d, at in found])


@router.get("/disruptions/{disruption_id}")
def get_disruption(
    disruption_id: DisruptionIdPath, session: SessionDep, principal: CoordinatorDep
) -> DisruptionOut:
    """One disruption with the shipments booked on what it touches and those needing a replan."""
    d, resolved_at = disruptions.one(session, disruption_id)
    return DisruptionOut.of(
        d,
        resolved_at=resolved_at,
        booked=sorted(disruptions.booked_on(session, d)),
        needing=disruptions.needing_replan(session, disruption_id),
    )


@router.post("/disruptions/{disruption_id}/resolve")
def resolve_disruption(
    disruption_id: DisruptionIdPath, session: SessionDep, principal: CoordinatorDep
) -> DisruptionOut:
    """Close a disruption: plans and tracking stop applying it."""
    d, resolved_at = disruptions.resolve(session, disruption_id)
    session.commit()
    return DisruptionOut.of(d, resolved_at=resolved_at)


@router.post(
    "/disruptions/{disruption_id}/recovery",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RecoveryQueued,
)
def request_recovery(
    disruption_id: DisruptionIdPath,
    body: RecoveryRequest,
    request: Request,
    session: SessionDep,
    principal: CoordinatorDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Queue a recovery plan for the shipments the disruption left needing a replan: everyone
    else keeps their booking; read the proposal's difference at GET /v1/plans/{id}/diff and
    accept it with POST /v1/plans/{id}/accept.
    A repeat with the same Idempotency-Key gets the first answer and queues nothing more."""

    def queue(s: Session) -> dict[str, Any]:
        ids = disruptions.needing_replan(s, disruption_id)
        if not ids:
            raise Conflict(f"disruption {disruption_id} leaves no shipment needing a replan")
        row = plan_jobs.create_job(
            s,
            principal,
            objective=body.objective,
            time_limit_s=body.time_limit_s,
            seed=body.seed,
            shipment_ids=ids,
        )
        return {"id": row.id, "status": row.status, "shipment_ids": ids}

    # The key is bound to this disruption's route (another disruption under it is a 409), and
    # the job is committed before the runner hears of it: the worker reads it from the database.
    return create_once(
        session,
        principal,
        idempotency_key,
        (f"POST /v1/disruptions/{disruption_id}/recovery", body),
        queue,
        lambda out: {"Location": f"/v1/plans/{out['id']}"},
        status_code=status.HTTP_202_ACCEPTED,
        then=lambda out: request.app.state.plan_runner.submit(out["id"]),
    )
