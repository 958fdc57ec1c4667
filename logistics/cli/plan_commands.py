"""`logistics plan` and `logistics check-plan`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from logistics import clock
from logistics.bundles.plan_json import read_plan_json, write_plan_json
from logistics.bundles.reader import read_bundle
from logistics.cli.output import fail, info
from logistics.errors import DomainError, LogisticsError
from logistics.planning.objectives import PRESETS
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.services.recommend import recommend

BundleArg = Annotated[
    Path, typer.Argument(exists=True, file_okay=False, help="Scenario bundle folder")
]


NowOption = Annotated[
    str | None,
    typer.Option(
        help="Book nothing before this time: an ISO 8601 time with offset, or 'clock' for the "
        "platform's clock (LOGISTICS_NOW when set, else the system clock). Default: no clock "
        "(offline planning of a bundle)",
    ),
]


def _now(value: str | None) -> datetime | None:
    """The --now option as an aware time (None when not given)."""
    if value is None:
        return None
    if value == "clock":
        return clock.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(
            f"--now {value!r} is not an ISO 8601 time; give e.g. 2026-11-29T20:00:00+08:00 "
            "or 'clock'"
        ) from None
    if parsed.tzinfo is None:
        raise DomainError(f"--now {value!r} has no UTC offset; add one, e.g. +08:00")
    return parsed


def _forecasts(path: Path | None) -> dict[str | tuple[str, int], datetime]:
    """A forecasts file: a JSON object of service id, or SHIPMENT#LEG (leg index from 0), to an
    ISO 8601 forecast arrival time with offset."""
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError(f"{path}: not a readable JSON file ({exc})") from None
    if not isinstance(raw, dict):
        raise DomainError(f"{path}: expected a JSON object of id -> forecast arrival time")
    out: dict[str | tuple[str, int], datetime] = {}
    for key, value in raw.items():
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            raise DomainError(f"{path}: {key}: {value!r} is not an ISO 8601 time") from None
        if when.tzinfo is None:
            raise DomainError(f"{path}: {key}: {value!r} has no UTC offset")
        sid, sep, leg = key.partition("#")
        if sep and not leg.isdigit():
            raise DomainError(f"{path}: {key}: the leg after '#' must be an index from 0")
        out[(sid, int(leg)) if sep else key] = when
    return out


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
    now: NowOption = None,
) -> None:
    """Recommend a plan for a bundle, check it, and write the plan JSON."""
    try:
        at = _now(now)
        scenario = read_bundle(bundle)
        result = recommend(
            scenario,
            options=PlanOptions(
                objective=objective,
                time_limit_s=time_limit,
                seed=seed,
                workers=workers,
                lateness_price=lateness_price,
                now=at,
            ),
            progress=_progress,
        )
        write_plan_json(result.plan, out)
    except LogisticsError as exc:
        raise fail(exc) from exc
    k, violations = result.kpis, result.violations
    typer.echo(
        f"wrote {out}: {k.planned}/{k.shipments} planned, {k.on_time} on time, "
        f"{k.planned - k.on_time} late ({k.late_hours_total:,.1f} shipment-hours), "
        f"cost {k.cost:,.0f}, "
        f"CO2e {k.co2_kg / 1000:,.1f} t, {k.trucks_used} trucks, {k.truck_km:,.0f} truck km"
    )
    if violations:
        for v in violations:
            typer.echo(f"  {v}", err=True)
        raise typer.Exit(code=2)


def check(
    bundle: BundleArg,
    plan_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="PLAN.json")],
    now: NowOption = None,
    forecasts: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="JSON object: service id, or SHIPMENT#LEG (leg index from 0), to its forecast "
            "arrival time; a connection missed from that arrival is a violation",
        ),
    ] = None,
) -> None:
    """Verify a plan against the timing, capacity, requirement and cost rules; list violations."""
    try:
        at = _now(now)
        expected = _forecasts(forecasts)
        scenario = read_bundle(bundle)
        violations = check_plan(scenario, read_plan_json(plan_file), now=at, forecasts=expected)
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
