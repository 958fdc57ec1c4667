"""Plan ids, and recording a plan made outside the job queue (the demo's) as a finished job."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics.persistence.repositories import plan_jobs as repo
from logistics.persistence.repositories.plan_jobs import PlanJob


def new_plan_id() -> str:
    """A fresh plan id, `plan_` and 16 hex digits: the one format of API and demo plans."""
    return "plan_" + uuid.uuid4().hex[:16]


def record_finished_plan(
    session: Session,
    document: dict[str, Any],
    *,
    requested_by: str,
    time_limit_s: float,
    seed: int,
    message: str,
    accepted: bool,
) -> PlanJob:
    """Store a plan document made in-process as a done (and maybe accepted) job, so the API and
    the plan board show it like any requested plan."""
    now = datetime.now(UTC)
    job = PlanJob(
        id=document["plan_id"],
        status="done",
        objective=document.get("objective", "balanced"),
        time_limit_s=time_limit_s,
        seed=seed,
        shipment_ids=None,
        requested_by=requested_by[:32],
        progress=1.0,
        message=message,
        created_at=now,
        started_at=now,
        finished_at=now,
        accepted_at=now if accepted else None,
        result=json.dumps(document),
    )
    repo.add(session, job)
    return job
