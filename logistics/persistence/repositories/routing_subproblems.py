"""Routing subproblems (a plan job's child jobs) as seen by monitoring: how many wait, are being
solved, were handed back. (The coordinator and the child jobs read and write the table with their
own SQL, in `logistics.workers.routing_child(ren)`: claims are single statements there.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select, text
from sqlalchemy.orm import Session

from logistics.persistence.tables import RoutingSubproblemRow

# Running under a child job whose worker is dead by procrastinate's facts (the coordinator's
# hand-back test, routing_children.DEAD_CLAIMS, over every batch): the job no longer runs, has
# no worker, or its worker's heartbeat is older than the stalled threshold.
_DEAD_CLAIMS = text(
    """
SELECT count(*)
  FROM routing_subproblems s
  LEFT JOIN procrastinate_jobs j ON j.id = s.engine_job_id
  LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
 WHERE s.status = 'running' AND s.engine_job_id IS NOT NULL
   AND (j.id IS NULL OR j.status <> 'doing' OR j.worker_id IS NULL
        OR w.last_heartbeat < now() - make_interval(secs => :stalled))
"""
)


@dataclass(frozen=True, slots=True)
class RoutingChildCounts:
    """The subproblems kept (the last day's): waiting to be claimed (`queued`), being solved
    (`running`), and those handed back at least once after their claimant stopped (`handbacks`:
    the hand-backs summed), split by where they stand now."""

    waiting: int
    in_flight: int
    handed_back: int
    handbacks: int
    handed_back_waiting: int
    handed_back_in_flight: int
    handed_back_answered: int
    handed_back_expired: int


def counts(session: Session) -> RoutingChildCounts:
    """The counts above, in one query."""
    row = RoutingSubproblemRow
    back = row.handbacks > 0

    def n(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    result = session.execute(
        select(
            n(row.status == "queued"),
            n(row.status == "running"),
            n(back),
            func.coalesce(func.sum(row.handbacks), 0),
            n(back & (row.status == "queued")),
            n(back & (row.status == "running")),
            n(back & (row.status == "done")),
            n(back & (row.status == "expired")),
        )
    ).one()
    return RoutingChildCounts(*(int(value) for value in result))


def dead_claims(session: Session, stalled_seconds: float) -> int:
    """Subproblems being solved under a child job whose worker stopped (PostgreSQL with
    procrastinate's tables only): their coordinator hands them back, or they time out."""
    return int(session.scalar(_DEAD_CLAIMS, {"stalled": stalled_seconds}) or 0)
