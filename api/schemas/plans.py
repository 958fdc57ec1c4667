"""Plan jobs as the API shows them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PlanJobOut(BaseModel):
    """A plan job: status and progress; `plan` is the plan document once the job is done."""

    id: str
    status: str = Field(description="queued | running | done | failed")
    progress: float
    message: str
    objective: str
    time_limit_s: float
    seed: int
    created_at: str = Field(description="ISO 8601 (UTC)")
    started_at: str | None
    finished_at: str | None
    accepted_at: str | None
    plan: dict[str, Any] | None = Field(
        default=None,
        description="The plan document (DESIGN 3.4) with `check.violations`; "
        "only on GET /v1/plans/{id} once done",
    )


class PlanList(BaseModel):
    """The newest plan jobs, without their documents."""

    items: list[PlanJobOut]


class PlanAccepted(BaseModel):
    """What accepting a plan booked."""

    id: str
    booked_shipments: int


class RecoveryQueued(BaseModel):
    """A queued recovery plan: the job id and the shipments it replans."""

    id: str
    status: str
    shipment_ids: list[str]
