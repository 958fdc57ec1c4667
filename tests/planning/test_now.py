"""The planner books nothing before now; the checker refuses the past and forecast-missed links."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import EmissionFactor, Plan, Scenario, ShipmentPlanStatus
from logistics.planning.as_of import whole_minute
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MID_WEEK = datetime.fromisoformat("2026-12-02T12:00:30+08:00")


@pytest.fixture(scope="module")
def factors() -> list[EmissionFactor]:
    """The emission factors of the fixtures."""
    return read_emission_factors(FIXTURES / "emission_factors.csv")


@pytest.fixture(scope="module")
def reference() -> Scenario:
    """The reference scenario."""
    return read_bundle(FIXTURES / "zhengzhou")


@pytest.fixture(scope="module")
def mid_week(reference: Scenario, factors: list[EmissionFactor]) -> Plan:
    """The reference scenario planned at noon on its third day, when many services have left."""
    return plan(
        reference,
        options=PlanOptions(time_limit_s=20, workers=2, seed=1, now=MID_WEEK),
        factors=factors,
    )


def test_no_leg_or_truck_leaves_before_now(reference: Scenario, mid_week: Plan) -> None:
    """Every service leg's cutoff, truck leg and truck route start is at or after now, and the
    checker given now finds nothing."""
    assert check_plan(reference, mid_week, now=MID_WEEK) == []
    planned = [sp for sp in mid_week.shipments if sp.status is ShipmentPlanStatus.PLANNED]
    assert planned, "shipments ready later in the week are planned"
    for sp in planned:
        for leg in sp.legs:
            if leg.service_id:
                assert reference.service_by_id[leg.service_id].cutoff >= MID_WEEK, sp.shipment_id
            assert leg.depart >= MID_WEEK, sp.shipment_id
    for route in mid_week.vehicles:
        assert route.stops[0].depart is not None and route.stops[0].depart >= MID_WEEK
    assert mid_week.solver is not None and mid_week.solver.now == whole_minute(MID_WEEK)


def test_shipments_past_every_departure_are_unplanned_with_a_reason(
    reference: Scenario, mid_week: Plan
) -> None:
    """A shipment whose every service has closed is listed unplanned, with a reason."""
    closed = [sp for sp in mid_week.shipments if sp.status is ShipmentPlanStatus.UNPLANNED]
    assert closed, "some early-week shipments can no longer make any departure"
    assert all(sp.reason is not None and sp.detail for sp in closed)


def test_the_checker_flags_a_plan_that_books_the_past(
    reference: Scenario, factors: list[EmissionFactor]
) -> None:
    """A plan made without a clock, checked at mid-week, books the past: the checker says so for
    the services, the truck legs and the truck routes concerned."""
    offline = plan(
        read_bundle(FIXTURES / "bundles" / "minimal"),
        options=PlanOptions(time_limit_s=5, workers=1),
    )
    scenario = read_bundle(FIXTURES / "bundles" / "minimal")
    assert check_plan(scenario, offline) == []
    at = datetime.fromisoformat("2026-11-29T21:00:00+08:00")  # after CV9751-20261130's cutoff
    found = check_plan(scenario, offline, now=at)
    assert found and {v.code for v in found} == {"books_the_past"}
    subjects = {v.subject.split()[0] for v in found}
    assert subjects == {"shipment", "vehicle"}
    assert any("CV9751-20261130" in v.message for v in found)


def test_the_checker_flags_a_connection_the_forecast_misses(
    factors: list[EmissionFactor],
) -> None:
    """A freighter forecast 10 h late: the plan's truck leg after it would leave before the cargo
    is there; the checker names the missed connection, per service and per shipment leg."""
    scenario = read_bundle(FIXTURES / "bundles" / "evening-rush")
    offline = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1), factors=factors)
    assert check_plan(scenario, offline) == []
    flight = "CV9751-20261130"
    late = scenario.service_by_id[flight].arrival + timedelta(hours=10)
    on_it = [sp for sp in offline.shipments if any(g.service_id == flight for g in sp.legs)]
    assert on_it
    found = check_plan(scenario, offline, forecasts={flight: late})
    assert {v.code for v in found} == {"missed_connection"}
    assert {v.subject for v in found} == {f"shipment {sp.shipment_id}" for sp in on_it}
    n = next(i for i, g in enumerate(on_it[0].legs) if g.service_id == flight)
    per_leg = check_plan(scenario, offline, forecasts={(on_it[0].shipment_id, n): late})
    assert [v.subject for v in per_leg] == [f"shipment {on_it[0].shipment_id}"]


def test_the_planner_never_offers_a_connection_the_forecast_misses(
    factors: list[EmissionFactor],
) -> None:
    """Planned with that forecast, the plan passes the checker given the same forecast: a truck
    after the late freighter leaves only once the cargo is there and handled."""
    scenario = read_bundle(FIXTURES / "bundles" / "evening-rush")
    flight = "CV9751-20261130"
    late = scenario.service_by_id[flight].arrival + timedelta(hours=10)
    result = plan(
        scenario,
        options=PlanOptions(time_limit_s=5, workers=1, forecasts={flight: late}),
        factors=factors,
    )
    assert check_plan(scenario, result, forecasts={flight: late}) == []
    planned = [sp for sp in result.shipments if sp.status is ShipmentPlanStatus.PLANNED]
    assert planned
    handling = timedelta(minutes=scenario.location_by_id["LUX"].handling_minutes)
    for sp in planned:
        for a, b in zip(sp.legs, sp.legs[1:], strict=False):
            if a.service_id == flight:
                assert b.depart >= late + handling
    for sp in result.shipments:
        assert sp.status is ShipmentPlanStatus.PLANNED or sp.detail
