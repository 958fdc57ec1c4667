"""Recommend a plan: plan a scenario with the given options, check it, and say what came out.

The one sequence `logistics plan`, `logistics demo` and a plan job share; each of them gets its
scenario its own way (a bundle, the demo week, the database with its disruptions and bookings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.plan_json import plan_to_document
from logistics.domain import EmissionFactor, Plan, PlanKpis, Scenario
from logistics.planning.multimodal import plan as make_plan
from logistics.planning.plan_checker import Forecasts, Violation, check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.settings import get_settings

Progress = Callable[[str, float, str], None]


def _quiet(stage: str, fraction: float, message: str) -> None:
    """Default progress callback: say nothing."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A recommended plan, the scenario it was made for, and what the plan checker found."""

    scenario: Scenario
    plan: Plan
    violations: tuple[Violation, ...]

    @property
    def kpis(self) -> PlanKpis:
        """The plan's KPIs (all zero if it carries none)."""
        return self.plan.kpis or PlanKpis()

    @property
    def summary(self) -> str:
        """`N of M shipments planned`."""
        return f"{self.kpis.planned} of {len(self.scenario.shipments)} shipments planned"

    def document(self) -> dict[str, Any]:
        """The plan document (DESIGN 3.4) with the checker's findings under `check.violations`."""
        out = plan_to_document(self.plan)
        out["check"] = {"violations": [str(v) for v in self.violations]}
        return out


def default_factors() -> Sequence[EmissionFactor]:
    """The emission factors the product ships (fixtures/emission_factors.csv of the settings)."""
    return read_emission_factors(get_settings().fixtures_dir / "emission_factors.csv")


def recommend(
    scenario: Scenario,
    *,
    options: PlanOptions,
    factors: Sequence[EmissionFactor] | None = None,
    progress: Progress = _quiet,
) -> Recommendation:
    """Plan `scenario` with `options` (emission factors: the shipped ones unless given) and
    check the plan at the options' now, against their forecasts."""
    chosen = default_factors() if factors is None else factors
    plan = make_plan(scenario, options=options, factors=chosen, progress=progress)
    forecasts: Forecasts = {sid: at for sid, at in options.forecasts.items()}
    violations = check_plan(scenario, plan, now=options.now, forecasts=forecasts)
    return Recommendation(scenario, plan, tuple(violations))
