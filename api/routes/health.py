"""Liveness and database readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.dependencies import SessionDep
from api.schemas.auth import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(session: SessionDep) -> dict[str, str]:
    """Report that the API is up and the database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": session.get_bind().dialect.name}
