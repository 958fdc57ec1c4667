"""`logistics worker`: run plan jobs from the procrastinate queue (PostgreSQL only); `--status`:
what to monitor (on SQLite too)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from pydantic import ValidationError

from logistics.cli.database import open_database
from logistics.settings import Settings, get_settings


def worker(
    queues: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated queues to take jobs from (default: plans,webhooks,tracking; "
            "`routing`: the routing subproblems of plan jobs, see LOGISTICS_ROUTING_CHILD_JOBS)"
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(min=1, help="Solves run at once (each one child process)")
    ] = 1,
    status: Annotated[
        bool,
        typer.Option(
            "--status",
            help="Print queue depth, workers (stalled ones flagged), plan jobs without a "
            "heartbeat, the webhook outbox's age and wake-up listeners, routing child jobs "
            "(waiting / in flight / handed back) and routing workers, then exit (on SQLite: "
            "plan jobs and the outbox)",
        ),
    ] = False,
) -> None:
    """Migrate the database and run background jobs until SIGTERM (running jobs finish first)."""
    from logistics.workers.worker import KNOWN_QUEUES, QUEUES, run_worker

    settings = _settings()
    names = tuple(q.strip() for q in (queues or "").split(",") if q.strip()) or QUEUES
    unknown = sorted(set(names) - set(KNOWN_QUEUES))
    if unknown:
        typer.echo(
            f"unknown queue(s) {', '.join(unknown)}: use some of {', '.join(KNOWN_QUEUES)}",
            err=True,
        )
        raise typer.Exit(2)
    if status:  # (on SQLite too: its plan jobs and webhook outbox)
        from logistics.workers.status import status_lines

        open_database(settings.database_url)
        for line in status_lines(settings.database_url):
            typer.echo(line)
        return
    if not settings.database_url.startswith("postgresql"):
        typer.echo(
            "logistics worker needs PostgreSQL (LOGISTICS_DATABASE_URL=postgresql+psycopg://...); "
            "on SQLite, `logistics serve` runs plan jobs itself",
            err=True,
        )
        raise typer.Exit(2)
    open_database(settings.database_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    typer.echo(f"worker: queues {', '.join(names)}, concurrency {concurrency}", err=True)
    asyncio.run(run_worker(names, concurrency))


def _settings() -> Settings:
    """The settings, or exit 2 naming each bad LOGISTICS_ variable (not a traceback)."""
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not message.startswith("LOGISTICS_"):
                field = ".".join(str(part) for part in error["loc"])
                message = f"LOGISTICS_{field.upper()}={error.get('input')!r}: {message}"
            typer.echo(f"configuration: {message}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Attach `worker` to the CLI."""
    app.command("worker")(worker)
