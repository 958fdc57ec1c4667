"""Runs plan jobs in a local pool of worker processes (the OR-Tools routing solver holds the GIL)."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.services import plan_jobs


class PlanRunner:
    """A process pool that runs queued plan jobs; jobs left queued by a restart are resubmitted."""

    def __init__(self, session_factory: sessionmaker[Session], workers: int) -> None:
        bind = session_factory.kw["bind"]
        self.database_url = bind.url.render_as_string(hide_password=False)
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
        self.futures.append(self.pool.submit(plan_jobs.run_job, self.database_url, job_id))

    def stop(self) -> None:
        """Stop the pool (running jobs are recovered as failed on the next start)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
