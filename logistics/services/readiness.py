"""Readiness: can this process serve (database reachable, schema at head, job engine present)?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from logistics.persistence.migrate import current_revision, head_revision


@dataclass(frozen=True, slots=True)
class Readiness:
    """Each check's answer (`ok` or what is wrong) and whether all passed."""

    database: str
    migrations: str
    job_engine: str

    @property
    def ready(self) -> bool:
        """True when every check answered `ok` (or does not apply)."""
        return all(
            v in ("ok", "not used") for v in (self.database, self.migrations, self.job_engine)
        )


def check(engine: Engine, *, job_engine_schema: bool) -> Readiness:
    """Check the database answers, its migrations are at this code's head and (on the
    procrastinate engine) the engine's tables exist; never raises."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            has_jobs = (
                conn.execute(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar()
                if job_engine_schema
                else None
            )
    except Exception as exc:  # any failure to reach the database means not ready
        reason = f"unreachable: {type(exc).__name__}"
        return Readiness(reason, "unknown", "unknown" if job_engine_schema else "not used")
    at, head = current_revision(engine), head_revision()
    migrations = "ok" if at == head else f"at {at or 'none'}, code expects {head}: migrate first"
    if not job_engine_schema:
        job = "not used"
    else:
        job = "ok" if has_jobs else "procrastinate schema missing: start a worker or server"
    return Readiness("ok", migrations, job)
