"""`logistics serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from logistics.cli.database import open_database
from logistics.cli.http_protocol import uvicorn_limits
from logistics.settings import get_settings, job_engine

EMBEDDED_ONE_PROCESS = (
    "--workers {workers}: the embedded job engine (SQLite, or LOGISTICS_JOB_ENGINE=embedded) "
    "runs plan jobs, webhook delivery and tracking refresh inside the server process, so it "
    "serves from one process only; for more server processes use PostgreSQL with the "
    "procrastinate job engine and `logistics worker` processes"
)
"""Why `--workers` above 1 is refused on the embedded engine."""


def run_server(host: str, port: int, workers: int = 1) -> None:
    """Serve the API (the app factory reads LOGISTICS_DATABASE_URL) until interrupted.

    With `workers` > 1, uvicorn starts that many server processes on the one socket (each
    builds its own app, engine and connection pool) and restarts one that dies.
    Request heads over LOGISTICS_MAX_HEADER_BYTES are answered 431 (problem+json).
    """
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        **uvicorn_limits(get_settings().max_header_bytes),
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LOGISTICS_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LOGISTICS_PORT)")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="HTTP server processes on the one port (uvicorn workers); more than 1 only "
            "on the procrastinate job engine (PostgreSQL)",
        ),
    ] = 1,
) -> None:
    """Migrate the database and serve the HTTP API (OpenAPI docs at /docs)."""
    settings = get_settings()
    if workers > 1 and job_engine(settings) == "embedded":
        # each process would run its own plan pool, webhook sender and refresher
        typer.echo(EMBEDDED_ONE_PROCESS.format(workers=workers), err=True)
        raise typer.Exit(2)
    open_database(settings.database_url)
    bind_host, bind_port = host or settings.host, port or settings.port
    processes = f", {workers} processes" if workers > 1 else ""
    typer.echo(f"serving on http://{bind_host}:{bind_port}{processes}  (API docs: /docs)", err=True)
    run_server(bind_host, bind_port, workers)


def register(app: typer.Typer) -> None:
    """Attach `serve` to the CLI."""
    app.command("serve")(serve)
