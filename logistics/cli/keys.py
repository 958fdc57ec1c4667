"""`logistics keys create|list|revoke`: API keys (stored hashed, shown once)."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics.cli.database import open_database
from logistics.cli.output import fail
from logistics.domain import Role
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.services.api_keys import create_api_key, list_api_keys, revoke_api_key

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)

DatabaseOpt = Annotated[
    str | None, typer.Option(help="Database URL (default: LOGISTICS_DATABASE_URL)")
]


@app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="coordinator | shipper | analyst | feed | admin")],
    shipper: Annotated[
        str | None, typer.Option(help="Shipper id the key may see (required for role shipper)")
    ] = None,
    name: Annotated[str, typer.Option(help="A label to recognise the key by")] = "",
    database_url: DatabaseOpt = None,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    try:
        factory = open_database(database_url)
        with session_scope(factory) as session:
            secret, principal = create_api_key(session, role=role, shipper_id=shipper, name=name)
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(secret)
    scope = f" for shipper {principal.shipper_id}" if principal.shipper_id else ""
    typer.echo(
        f"created {principal.role.value} key {principal.key_id}{scope}; "
        "store it now, it cannot be shown again",
        err=True,
    )


@app.command("list")
def list_(database_url: DatabaseOpt = None) -> None:
    """List keys (id, role, shipper, name, revoked) without their secrets."""
    factory = open_database(database_url)
    with session_scope(factory) as session:
        for key in list_api_keys(session):
            typer.echo(
                f"{key.id}\t{key.role}\t{key.shipper_id or '-'}\t{key.name or '-'}\t"
                f"{'revoked' if key.revoked_at else 'active'}"
            )


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`")],
    database_url: DatabaseOpt = None,
) -> None:
    """Revoke a key; requests with it are refused from then on."""
    try:
        factory = open_database(database_url)
        with session_scope(factory) as session:
            revoke_api_key(session, key_id)
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(f"revoked {key_id}")
