"""`logistics serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from logistics.cli.database import open_database
from logistics.cli.http_protocol import uvicorn_limits
from logistics.settings import get_settings


def run_server(host: str, port: int) -> None:
    """Serve the API (the app factory reads LOGISTICS_DATABASE_URL) until interrupted.

    Request heads over LOGISTICS_MAX_HEADER_BYTES are answered 431 (problem+json).
    """
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        **uvicorn_limits(get_settings().max_header_bytes),
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LOGISTICS_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LOGISTICS_PORT)")] = None,
) -> None:
    """Migrate the database and serve the HTTP API (OpenAPI docs at /docs)."""
    settings = get_settings()
    open_database(settings.database_url)
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"serving on http://{bind_host}:{bind_port}  (API docs: /docs)", err=True)
    run_server(bind_host, bind_port)


def register(app: typer.Typer) -> None:
    """Attach `serve` to the CLI."""
    app.command("serve")(serve)
