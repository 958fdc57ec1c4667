"""`logistics demo`: the embedded database, the reference scenario, demo keys, and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.plan_json import write_plan_json
from logistics.bundles.reader import read_bundle
from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.cli.serve import run_server
from logistics.domain import Role
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.planning.multimodal import plan as make_plan
from logistics.planning.plan_checker import check_plan
from logistics.services.api_keys import create_api_key
from logistics.services.demo_replay import replay
from logistics.services.import_scenario import import_scenario
from logistics.services.plan_acceptance import accept_plan
from logistics.settings import get_settings

DEMO_ROLES = (Role.COORDINATOR, Role.SHIPPER, Role.ANALYST, Role.FEED, Role.ADMIN)


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
        scenario = read_bundle(bundle)
        with session_scope(factory) as session:
            report = import_scenario(session, scenario)
        info(report.summary())
        info(f"planning {len(scenario.shipments)} shipments (up to {time_limit:.0f} s) ...")
        factors = read_emission_factors(settings.fixtures_dir / "emission_factors.csv")
        plan = make_plan(
            scenario,
            time_limit_s=time_limit,
            factors=factors,
            progress=lambda stage, fraction, message: info(
                f"  [{fraction * 100:5.1f}%] {stage}: {message}"
            ),
        )
        violations = check_plan(scenario, plan)
        write_plan_json(plan, Path("demo-plan.json"))
        with session_scope(factory) as session:
            booked = accept_plan(session, plan)
        k = plan.kpis
        typer.echo(
            f"Plan {plan.plan_id} accepted: {booked}/{k['shipments']} shipments booked, {k['on_time']} on time, "
            f"cost {k['cost']:,.0f} CNY, CO2e {k['co2_kg'] / 1000:,.1f} t, {k['trucks_used']} trucks, "
            f"{len(violations)} checker violation(s); written to demo-plan.json"
        )
        info("replaying a simulated stream of tracking feeds for the accepted plan ...")
        replayed = replay(factory, say=typer.echo)
        demo_shipper = sorted({s.shipper for s in scenario.shipments})[0]
        keys: list[tuple[Role, str, str | None]] = []
        with session_scope(factory) as session:
            for role in DEMO_ROLES:
                shipper = demo_shipper if role is Role.SHIPPER else None
                secret, _ = create_api_key(
                    session, role=role, shipper_id=shipper, name=f"demo-{role.value}"
                )
                keys.append((role, secret, shipper))
    except LogisticsError as exc:
        raise fail(exc) from exc

    bind_host, bind_port = host or settings.host, port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    typer.echo("\nDemo API keys (shown once; new ones are made on every run):")
    for role, secret, shipper in keys:
        scope = f" (shipper {shipper})" if shipper else ""
        typer.echo(f"  {role.value:<12}{secret}{scope}")
    coordinator_key = keys[0][1]
    typer.echo(f"\nAPI:       {base}/v1   (OpenAPI docs: {base}/docs)")
    auth = f'-H "Authorization: Bearer {coordinator_key}"'
    typer.echo(f'Try:       curl {auth} "{base}/v1/shipments?limit=5"')
    typer.echo(f'           curl {auth} "{base}/v1/exceptions"')
    typer.echo(f'           curl {auth} "{base}/v1/needs-replan"')
    if replayed.featured:
        typer.echo(f'           curl {auth} "{base}/v1/shipments/{replayed.featured}/tracking"')
    secrets_by_role = {role: secret for role, secret, _ in keys}
    featured = f"shipment={replayed.featured}&" if replayed.featured else ""
    pages = [
        (f"tracking, shipper {demo_shipper}", f"/track?key={secrets_by_role[Role.SHIPPER]}"),
        ("tracking, coordinator", f"/track?{featured}key={coordinator_key}"),
        ("plan board, coordinator", f"/plans?key={coordinator_key}"),
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
