"""Who the caller is, as `GET /v1/me` answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MeOut(BaseModel):
    """The calling key: its id, role, shipper (shipper keys only) and the pages its role opens."""

    key_id: str
    role: str = Field(description="coordinator | shipper | analyst | feed | admin")
    shipper_id: str | None
    pages: list[str] = Field(description="Web pages the role may open: track, plans, reports")


class HealthOut(BaseModel):
    """Liveness and the database dialect."""

    status: str = Field(examples=["ok"])
    database: str = Field(examples=["postgresql"])


class ReadyOut(BaseModel):
    """Readiness: each check's answer (`ok`, `not used`, or what is wrong and how to fix it)."""

    status: str = Field(examples=["ready"], description="`ready` or `not ready`")
    database: str = Field(examples=["ok"])
    migrations: str = Field(examples=["ok"])
    job_engine: str = Field(examples=["ok"], description="`not used` on the embedded engine")
