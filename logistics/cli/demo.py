"""`logistics demo`: the embedded database, the reference scenario, demo keys, and the API."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.plan_json import write_plan_json
from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.cli.serve import run_server
from logistics.domain import PlanKpis, Role
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.settings import get_settings
from logistics.workers.demo_setup import issue_demo_keys, prepare_demo_data


def _simulated_clock(now: datetime) -> None:
    """The demo world's one clock: ingestion, tracking, planning, reports and the server it
    starts all read LOGISTICS_NOW, so the replay, the pages and the reports agree."""
    os.environ["LOGISTICS_NOW"] = now.isoformat()
    get_settings.cache_clear()


def demo(
    serve: Annotated[bool, typer.Option(help="Serve the API after preparing the data")] = True,
    host: Annotated[str | None, typer.Option(help="Bind address (LOGISTICS_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LOGISTICS_PORT)")] = None,
    time_limit: Annotated[
        float, typer.Option(help="Seconds for planning the reference week")
    ] = 30.0,
) -> None:
    """Create the embedded database, import the Zhengzhou reference scenario, print demo keys, serve."""
    settings = get_settings()
    bundle = settings.fixtures_dir / "zhengzhou"
    try:
        info(f"database: {settings.database_url}")
        factory = open_database(settings.database_url)
        info(f"importing the reference scenario from {bundle} ...")
        data = prepare_demo_data(
            factory,
            bundle,
            settings.fixtures_dir / "emission_factors.csv",
            time_limit_s=time_limit,
            progress=lambda stage, fraction, message: info(
                f"  [{fraction * 100:5.1f}%] {stage}: {message}"
            ),
            say=info,
            set_clock=_simulated_clock,
        )
        plan, k = data.plan, data.plan.kpis or PlanKpis()
        write_plan_json(plan, Path("demo-plan.json"))
        typer.echo(
            f"Plan {plan.plan_id} accepted: {data.booked}/{k.shipments} shipments booked, "
            f"{k.on_time} on time, cost {k.cost:,.0f} CNY, CO2e {k.co2_kg / 1000:,.1f} t, "
            f"{k.trucks_used} trucks, {data.violations} checker violation(s); "
            "written to demo-plan.json"
        )
        replayed = data.replayed
        demo_shipper = sorted({s.shipper for s in data.scenario.shipments})[0]
        with session_scope(factory) as session:
            keys, revoked = issue_demo_keys(session, demo_shipper)
    except LogisticsError as exc:
        raise fail(exc) from exc

    bind_host, bind_port = host or settings.host, port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    again = f"; the {revoked} key(s) of earlier demo runs were revoked" if revoked else ""
    typer.echo(f"\nDemo API keys (shown once; named 'logistics demo: ROLE'{again}):")
    for key in keys:
        scope = f" (shipper {key.shipper})" if key.shipper else ""
        typer.echo(f"  {key.role.value:<12}{key.secret}{scope}")
    secrets_by_role = {key.role: key.secret for key in keys}
    coordinator_key = secrets_by_role[Role.COORDINATOR]
    typer.echo(
        f"\nSimulated clock: {data.clock.isoformat()} (LOGISTICS_NOW): the server, tracking, "
        "plans and reports all run at this time, so the replayed week reads as happening now"
    )
    if data.disruption.recovery_plan_id:
        typer.echo(
            f"Disruption:      {data.disruption.service_id} cancelled; recovery "
            f"{data.disruption.recovery_plan_id} accepted ({data.disruption.changes})"
        )
    typer.echo(f"\nAPI:       {base}/v1   (OpenAPI docs: {base}/docs)")
    auth = f'-H "Authorization: Bearer {coordinator_key}"'
    typer.echo(f'Try:       curl {auth} "{base}/v1/shipments?limit=5"')
    typer.echo(f'           curl {auth} "{base}/v1/plans/{plan.plan_id}"')
    typer.echo(f'           curl {auth} "{base}/v1/exceptions"')
    typer.echo(f'           curl {auth} "{base}/v1/needs-replan"')
    if replayed.featured:
        typer.echo(f'           curl {auth} "{base}/v1/shipments/{replayed.featured}/tracking"')
    featured = f"shipment={replayed.featured}&" if replayed.featured else ""
    pages = [
        (f"tracking, shipper {demo_shipper}", f"/track?key={secrets_by_role[Role.SHIPPER]}"),
        ("tracking, coordinator", f"/track?{featured}key={coordinator_key}"),
        ("plan board, coordinator", f"/plans?plan={plan.plan_id}&key={coordinator_key}"),
        ("disruptions, coordinator", f"/disruptions?key={coordinator_key}"),
        ("reports, analyst", f"/reports?key={secrets_by_role[Role.ANALYST]}"),
    ]
    typer.echo(f"\nWeb pages (each link signs in with that role's key; sign-in page: {base}/):")
    for label, path in pages:
        typer.echo(f"  {label + ':':<28}{base}{path}")
    if serve:
        typer.echo(f"\nServing on {base} — press Ctrl+C to stop.")
        run_server(bind_host, bind_port)


def register(app: typer.Typer) -> None:
    """Attach `demo` to the CLI."""
    app.command("demo")(demo)
