"""`logistics plan` and `logistics check-plan`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.plan_json import read_plan_json, write_plan_json
from logistics.bundles.reader import read_bundle
from logistics.cli.output import fail, info
from logistics.errors import LogisticsError
from logistics.planning.multimodal import plan as make_plan
from logistics.planning.objectives import PRESETS
from logistics.planning.plan_checker import check_plan
from logistics.settings import get_settings

BundleArg = Annotated[
    Path, typer.Argument(exists=True, file_okay=False, help="Scenario bundle folder")
]


def _progress(stage: str, fraction: float, message: str) -> None:
    info(f"[{fraction * 100:5.1f}%] {stage}: {message}")


def plan(
    bundle: BundleArg,
    out: Annotated[Path, typer.Option(help="Where to write the plan JSON")] = Path("plan.json"),
    time_limit: Annotated[float, typer.Option(help="Seconds the planner may use")] = 60.0,
    objective: Annotated[str, typer.Option(help=f"One of: {', '.join(PRESETS)}")] = "balanced",
    seed: Annotated[int, typer.Option(help="Random seed (same input and seed, same plan)")] = 0,
    workers: Annotated[int, typer.Option(help="Worker processes for truck routing")] = 2,
    lateness_price: Annotated[
        float | None,
        typer.Option(
            help="CNY per shipment-hour late: let lateness trade against the objective's own "
            "measure at this price (default: on time first, never late to save money)",
            min=0.0,
        ),
    ] = None,
) -> None:
    """Recommend a plan for a bundle, check it, and write the plan JSON."""
    try:
        scenario = read_bundle(bundle)
        factors = read_emission_factors(get_settings().fixtures_dir / "emission_factors.csv")
        result = make_plan(
            scenario,
            objective=objective,
            time_limit_s=time_limit,
            seed=seed,
            factors=factors,
            workers=workers,
            progress=_progress,
            lateness_price=lateness_price,
        )
        violations = check_plan(scenario, result)
        write_plan_json(result, out)
    except LogisticsError as exc:
        raise fail(exc) from exc
    k = result.kpis
    typer.echo(
        f"wrote {out}: {k['planned']}/{k['shipments']} planned, {k['on_time']} on time, cost {k['cost']:,.0f}, "
        f"CO2e {k['co2_kg'] / 1000:,.1f} t, {k['trucks_used']} trucks, {k['truck_km']:,.0f} truck km"
    )
    if violations:
        for v in violations:
            typer.echo(f"  {v}", err=True)
        raise typer.Exit(code=2)


def check(
    bundle: BundleArg,
    plan_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="PLAN.json")],
) -> None:
    """Verify a plan against the timing, capacity, requirement and cost rules; list violations."""
    try:
        scenario = read_bundle(bundle)
        violations = check_plan(scenario, read_plan_json(plan_file))
    except LogisticsError as exc:
        raise fail(exc) from exc
    for v in violations:
        typer.echo(str(v))
    typer.echo(f"{len(violations)} violation(s)", err=True)
    if violations:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Attach the plan commands."""
    app.command("plan")(plan)
    app.command("check-plan")(check)
