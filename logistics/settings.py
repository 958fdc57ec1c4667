"""Settings from the environment (prefix LOGISTICS_), read once through `get_settings()`."""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

N = TypeVar("N", int, float)


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as LOGISTICS_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="LOGISTICS_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./logistics.db",
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://user@host/db",
    )
    host: str = Field(default="127.0.0.1", description="Address `logistics serve` binds to")
    port: int = Field(default=8000, description="Port `logistics serve` listens on")
    workers: int = Field(default=2, description="Planning worker processes started by the app")
    plan_job_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A running plan job whose worker has not beaten its heartbeat for this long "
        "is taken as stopped (failed visibly); a live worker beats every quarter of it",
    )
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Largest request body the API reads; a bigger one is answered 413",
    )
    max_batch_events: int = Field(
        default=10_000, ge=1, description="Most events one POST /v1/events may carry (413 above)"
    )
    max_header_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="Largest request line plus headers `logistics serve` reads (431 above)",
    )
    job_engine: Literal["auto", "embedded", "procrastinate"] = Field(
        default="auto",
        description="Who runs plan jobs: `embedded` (a process pool inside each API server), "
        "`procrastinate` (PostgreSQL only: API servers defer, `logistics worker` processes run), "
        "`auto` (default: embedded on SQLite, procrastinate on PostgreSQL)",
    )
    worker_stalled_seconds: float = Field(
        default=30.0,
        ge=3,
        description="A `logistics worker` beats every third of this; a worker silent for this "
        "long is stalled and its jobs are retried by the other workers' sweep",
    )
    plan_job_max_attempts: int = Field(
        default=3,
        ge=1,
        description="Runs of a plan job on the procrastinate engine (a killed worker's or a "
        "crashed solver's job is retried) before it is failed visibly",
    )
    routing_child_jobs: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Routing subproblems of a plan job as child jobs on the `routing` queue, "
        "solved by any worker: `auto` (default: when the job engine is procrastinate and at "
        "least one `logistics worker` takes the routing queue), `on`, `off` (solve locally)",
    )
    routing_coordinator_lanes: int | None = Field(
        default=None,
        ge=0,
        description="Subproblems a plan job with routing child jobs solves itself at a time, "
        "beside the routing workers (default: LOGISTICS_WORKERS; 0: only the routing workers)",
    )
    routing_solver_memory_mb: int = Field(
        default=1024,
        ge=0,
        description="A routing solver process whose resident memory is above this many MB "
        "after a solve is retired and replaced by a fresh one; each also limits its address "
        "space to twice this (at least 256 MB): a solve that hits that limit ends like a "
        "timed-out solve (0: no cap, no limit)",
    )
    routing_max_handbacks: int = Field(
        default=2,
        description="Times one routing subproblem (a child job) is handed back to the other "
        "workers after the worker that took it stopped (0: never; it then times out at the "
        "deadline)",
    )
    routing_handback_min_left_seconds: float = Field(
        default=5.0,
        description="A routing subproblem whose worker stopped is handed back only while at "
        "least this many seconds of its deadline remain (else it times out at the deadline)",
    )
    fixtures_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "fixtures",
        description="Folder with the reference scenario and emission factors",
    )
    tracking_refresh_seconds: float = Field(
        default=2.0, gt=0, description="How often stale tracking projections are recomputed"
    )
    tracking_sweep_seconds: float = Field(
        default=60.0, gt=0, description="How often every undelivered shipment is re-examined"
    )
    tracking_intake_quiet_seconds: float = Field(
        default=0.5,
        ge=0,
        description="Embedded engine: the API server's refresher starts a batch only once no "
        "ingestion request has run in this process for this long (0: never waits), so intake "
        "keeps the one SQLite writer's lock during a burst",
    )
    tracking_max_defer_seconds: float = Field(
        default=10.0,
        ge=0,
        description="Embedded engine: the longest the refresher waits for ingestion to pause "
        "before it refreshes one batch anyway (projections lag a burst by about this much "
        "per batch)",
    )
    webhook_poll_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Fallback: how often webhook senders look for due deliveries even when not "
        "woken (queuing a delivery wakes them on commit; a retry's due time too)",
    )
    webhook_retry_base_seconds: float = Field(
        default=10.0, gt=0, description="Wait after the first failed delivery; doubles each time"
    )
    webhook_retry_cap_seconds: float = Field(
        default=3600.0, gt=0, description="Longest wait between two delivery attempts"
    )
    webhook_max_attempts: int = Field(
        default=12, ge=1, description="Attempts before a delivery is given up as failed"
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="HTTP timeout of one delivery attempt"
    )
    webhook_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A claimed delivery is leased for this long: if its sender dies mid-attempt, "
        "another sends it once the lease is over (longer than LOGISTICS_WEBHOOK_TIMEOUT_SECONDS)",
    )
    webhook_allow_http: bool = Field(
        default=False,
        description="Also accept http:// webhook URLs (default: https only)",
    )
    webhook_allow_hosts: str = Field(
        default="",
        description="Comma-separated addresses or CIDR blocks webhooks may reach although they "
        "are not public (loopback, private...), e.g. `127.0.0.1,10.1.0.0/16`; default: none",
    )
    db_lock_timeout_seconds: float = Field(
        default=5.0,
        ge=0,
        description="PostgreSQL lock_timeout: longest wait for a row or table lock (0: none)",
    )
    db_statement_timeout_seconds: float = Field(
        default=120.0,
        ge=0,
        description="PostgreSQL statement_timeout: longest run of one SQL statement (0: none)",
    )
    db_retry_attempts: int = Field(
        default=4,
        ge=1,
        description="Runs of a transaction that met a deadlock or serialization failure (40P01, "
        "40001) or a busy SQLite database, before the request answers 503",
    )
    idempotency_claim_seconds: float = Field(
        default=300.0,
        gt=0,
        description="After this long, an Idempotency-Key still in progress (its request died) "
        "may be claimed by a retry",
    )
    now: datetime | None = Field(
        default=None,
        description="Freeze tracking's clock at this ISO 8601 time with offset (replays, tests); "
        "unset: the system clock",
    )

    @field_validator("webhook_allow_hosts")
    @classmethod
    def _networks(cls, value: str) -> str:
        for entry in value.replace(",", " ").split():
            try:
                ipaddress.ip_network(entry.strip("[]"), strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"LOGISTICS_WEBHOOK_ALLOW_HOSTS: {entry!r} is not an IP address or CIDR block"
                ) from exc
        return value

    @field_validator("routing_max_handbacks", mode="before")
    @classmethod
    def _handbacks(cls, value: object) -> int:
        return _number(
            value,
            int,
            "LOGISTICS_ROUTING_MAX_HANDBACKS",
            minimum=0,
            fix="a whole number of hand-backs per routing subproblem, 0 or more (default 2; "
            "0: never hand back)",
        )

    @field_validator("routing_handback_min_left_seconds", mode="before")
    @classmethod
    def _handback_left(cls, value: object) -> float:
        return _number(
            value,
            float,
            "LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS",
            minimum=0,
            above=True,
            fix="seconds of a routing subproblem's deadline that must remain to hand it back, "
            "more than 0 (default 5)",
        )

    @model_validator(mode="after")
    def _lease_outlasts_attempt(self) -> Settings:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError(
                f"LOGISTICS_WEBHOOK_LEASE_SECONDS ({self.webhook_lease_seconds:g}) must be longer "
                f"than LOGISTICS_WEBHOOK_TIMEOUT_SECONDS ({self.webhook_timeout_seconds:g}), or a "
                "slow attempt would be sent again while it is still running"
            )
        return self

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("LOGISTICS_NOW needs a UTC offset, e.g. 2026-11-29T14:00:00+00:00")
        return value


def _number(
    value: object, kind: type[N], name: str, *, minimum: N, fix: str, above: bool = False
) -> N:
    """`value` (from the environment or code) as a finite `kind` of at least `minimum` (more
    than it if `above`); else a ValueError saying which setting, what was given, what to set."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        number = kind(value.strip() if isinstance(value, str) else value)
        if (kind is int and isinstance(value, float) and value != number) or not math.isfinite(
            number
        ):
            raise ValueError
    except (ValueError, OverflowError):
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name}={value!r} is not {what}: set it to {fix}") from None
    if number < minimum or (above and number == minimum):
        raise ValueError(f"{name}={value!r} is out of range: set it to {fix}")
    return number


def job_engine(settings: Settings, url: str | None = None) -> Literal["embedded", "procrastinate"]:
    """The engine that runs plan jobs: `auto` follows LOGISTICS_DATABASE_URL; an explicit
    `procrastinate` needs the database in use (`url`, default that setting) to be PostgreSQL."""
    postgres = settings.database_url.startswith("postgresql")
    if settings.job_engine == "procrastinate" and not (url or settings.database_url).startswith(
        "postgresql"
    ):
        raise ValueError(
            "LOGISTICS_JOB_ENGINE=procrastinate needs a PostgreSQL LOGISTICS_DATABASE_URL; "
            "use `embedded` (or leave it `auto`) on SQLite"
        )
    if settings.job_engine == "auto":
        return "procrastinate" if postgres else "embedded"
    return settings.job_engine


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; clear with `get_settings.cache_clear()` in tests)."""
    return Settings()
