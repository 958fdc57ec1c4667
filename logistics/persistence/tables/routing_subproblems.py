"""Routing subproblems a plan job hands to other workers (child jobs), and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class RoutingSubproblemRow(Base):
    """One subproblem of a batch: the task (JSON), who claimed it, its solution (JSON) once done."""

    __tablename__ = "routing_subproblems"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(40), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, expired
    deadline: Mapped[float] = mapped_column(Float)  # wall clock (epoch seconds)
    task: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    solve_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)  # current claim
    engine_job_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # its child job
    handbacks: Mapped[int] = mapped_column(Integer, server_default="0")  # claimant died, re-queued
