"""Runs plan jobs: a local pool of worker processes (embedded engine, SQLite's default; the OR-Tools
routing solver holds the GIL), or deferral to `logistics worker` processes (procrastinate)."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.services import plan_jobs
from logistics.settings import Settings, job_engine
from logistics.workers import plan_run


class JobRunner(Protocol):
    """What the routes need: hand over a committed job id."""

    def start(self) -> None:
        """Get ready to take jobs."""

    def submit(self, job_id: str) -> None:
        """Have a committed job run."""

    def stop(self) -> None:
        """Stop taking jobs."""


def _url(session_factory: sessionmaker[Session]) -> str:
    return str(session_factory.kw["bind"].url.render_as_string(hide_password=False))


class PlanRunner:
    """A process pool that runs queued plan jobs; jobs left queued by a restart are resubmitted."""

    def __init__(self, session_factory: sessionmaker[Session], workers: int) -> None:
        self.database_url = _url(session_factory)
        self.session_factory = session_factory
        self.workers = max(1, workers)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[str]] = []

    def start(self) -> None:
        """Start the pool; fail jobs a crash left running, resubmit queued ones."""
        self.pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        with session_scope(self.session_factory) as session:
            queued = plan_jobs.recover_jobs(session)
        for job_id in queued:
            self.submit(job_id)

    def submit(self, job_id: str) -> None:
        """Hand a committed job to a worker process."""
        assert self.pool is not None, "PlanRunner.start() was not called"
        self.futures.append(self.pool.submit(plan_run.run_job, self.database_url, job_id))

    def stop(self) -> None:
        """Stop the pool (running jobs are recovered as failed on the next start)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class DeferringRunner:
    """Defers plan jobs to the procrastinate queue; `logistics worker` processes run them (this
    server never solves, and never touches running jobs: the workers' stalled sweep does)."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        from logistics.workers.engine import make_app

        self.database_url = _url(session_factory)
        self.app = make_app(self.database_url, asynchronous=False)

    def start(self) -> None:
        """Apply procrastinate's schema if missing and open the connection pool."""
        from logistics.workers.engine import apply_schema

        apply_schema(self.database_url)
        self.app.open()

    def submit(self, job_id: str) -> None:
        """Defer the committed job (once per job id: a queueing lock)."""
        from logistics.workers.worker import defer_plan_job

        defer_plan_job(self.app, job_id)

    def stop(self) -> None:
        """Close the pool."""
        self.app.close()


def make_runner(session_factory: sessionmaker[Session], settings: Settings) -> JobRunner:
    """The runner LOGISTICS_JOB_ENGINE asks for (auto: embedded on SQLite, procrastinate on
    PostgreSQL)."""
    if job_engine(settings, _url(session_factory)) == "procrastinate":
        return DeferringRunner(session_factory)
    return PlanRunner(session_factory, settings.workers)
