"""Liveness (`/health`) and readiness (`/ready`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.dependencies import SessionDep
from api.schemas.auth import HealthOut, ReadyOut
from logistics.services import readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(session: SessionDep) -> dict[str, str]:
    """Report that the API is up and the database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": session.get_bind().dialect.name}


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "Not ready: see the failing check"}},
)
def ready(request: Request) -> JSONResponse:
    """Ready to serve: the database answers, its migrations are at head and (procrastinate
    engine) the job engine's tables exist; 503 naming the failed check otherwise."""
    factory = request.app.state.session_factory
    uses_engine = request.app.state.job_engine == "procrastinate"
    answer = readiness.check(factory.kw["bind"], job_engine_schema=uses_engine)
    body = ReadyOut(
        status="ready" if answer.ready else "not ready",
        database=answer.database,
        migrations=answer.migrations,
        job_engine=answer.job_engine,
    )
    return JSONResponse(body.model_dump(), status_code=200 if answer.ready else 503)
