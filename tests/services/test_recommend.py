"""The recommend use case: plan with the options, check at their now and forecasts, summarise."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from logistics.bundles.plan_json import plan_from_document
from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.services.recommend import Recommendation, recommend

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The minimal bundle."""
    return read_bundle(MINIMAL)


@pytest.fixture(scope="module")
def now(scenario: Scenario) -> datetime:
    """An hour before the first shipment is ready."""
    return min(sh.ready_at for sh in scenario.shipments) - timedelta(hours=1)


@pytest.fixture(scope="module")
def recommended(scenario: Scenario, now: datetime) -> Recommendation:
    """The minimal bundle recommended at `now` with the shipped emission factors."""
    seen: list[str] = []
    out = recommend(
        scenario,
        options=PlanOptions(time_limit_s=10, workers=1, now=now, plan_id="plan_recommend"),
        progress=lambda stage, fraction, message: seen.append(stage),
    )
    assert seen[0] == "itineraries" and seen[-1] == "done"  # progress reaches the caller
    return out


def test_the_plan_is_checked_at_the_options_now(
    scenario: Scenario, now: datetime, recommended: Recommendation
) -> None:
    """The violations are the plan checker's at the options' now: none for the planner's plan."""
    assert recommended.violations == tuple(check_plan(scenario, recommended.plan, now=now)) == ()
    assert recommended.plan.plan_id == "plan_recommend"
    assert recommended.plan.solver is not None and recommended.plan.solver.now == now


def test_the_shipped_emission_factors_are_used_by_default(recommended: Recommendation) -> None:
    """Without factors given, the plan's CO2e comes from fixtures/emission_factors.csv."""
    assert recommended.kpis.planned > 0 and recommended.kpis.co2_kg > 0


def test_the_document_carries_the_check_and_reads_back(recommended: Recommendation) -> None:
    """The stored document is the plan plus `check.violations`, JSON all the way."""
    document = json.loads(json.dumps(recommended.document()))
    assert document["check"] == {"violations": []}
    assert plan_from_document(document) == recommended.plan
    assert recommended.summary == (
        f"{recommended.kpis.planned} of {len(recommended.scenario.shipments)} shipments planned"
    )


def test_a_forecast_in_the_options_is_checked_against(scenario: Scenario) -> None:
    """A service forecast to land 3 days late: the plan avoids what it breaks, and the check
    is made against the same forecast (no violation the planner was not told about)."""
    svc = min(scenario.services, key=lambda s: s.departure)
    late = {svc.id: svc.arrival + timedelta(days=3)}
    out = recommend(scenario, options=PlanOptions(time_limit_s=10, workers=1, forecasts=late))
    assert out.violations == tuple(check_plan(scenario, out.plan, forecasts=dict(late))) == ()
