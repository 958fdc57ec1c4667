"""The multimodal planner's plans pass the product's checker; the checker catches broken plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.plan_json import plan_from_document, plan_to_document
from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, ShipmentPlanStatus
from logistics.planning.costing import chargeable_kg, co2_kg, service_leg_cost
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def minimal() -> Scenario:
    """The minimal bundle."""
    return read_bundle(FIXTURES / "bundles" / "minimal")


@pytest.fixture(scope="module")
def minimal_plan(minimal: Scenario) -> Plan:
    """A plan for the minimal bundle."""
    factors = read_emission_factors(FIXTURES / "emission_factors.csv")
    return plan(minimal, options=PlanOptions(time_limit_s=5, workers=1), factors=factors)


def test_chargeable_weight_and_leg_cost(minimal: Scenario) -> None:
    """Air charges max(kg, m3 x 166.67); the leg cost is cost_per_kg x chargeable kg."""
    from logistics.domain import Mode

    assert chargeable_kg(Mode.AIR, 100, 1.0) == pytest.approx(166.67)
    assert chargeable_kg(Mode.RAIL, 500, 1.0) == 500
    flight = minimal.service_by_id["CV9751-20261130"]
    assert service_leg_cost(flight, 420, 2.5) == pytest.approx(26 * 420)


def test_emission_worked_check() -> None:
    """1 t over CGO-LUX (8,266 + 95 km) at 610 g/tkm is about 5.1 t CO2e."""
    assert co2_kg(8266 + 95, 1000, 610) == pytest.approx(5100, rel=0.01)


def test_plan_for_minimal_bundle_is_checked_clean(minimal: Scenario, minimal_plan: Plan) -> None:
    """Every shipment appears once, all are planned on time, and the checker finds nothing."""
    assert check_plan(minimal, minimal_plan) == []
    assert {p.shipment_id for p in minimal_plan.shipments} == set(minimal.shipment_by_id)
    assert all(p.status is ShipmentPlanStatus.PLANNED for p in minimal_plan.shipments)
    assert minimal_plan.kpis is not None and minimal_plan.kpis.planned == 5
    dg = next(p for p in minimal_plan.shipments if p.shipment_id == "SH00004")
    dg_trucks = {leg.vehicle_id for leg in dg.legs if leg.vehicle_id}
    assert all("dg" in minimal.vehicle_by_id[v].capabilities for v in dg_trucks)


def test_plan_document_round_trips(minimal_plan: Plan) -> None:
    """plan -> JSON document -> plan gives the same plan."""
    doc = plan_to_document(minimal_plan)
    assert plan_from_document(doc) == minimal_plan
    assert {
        "plan_id",
        "status",
        "objective",
        "shipments",
        "vehicles",
        "services",
        "kpis",
        "solver",
    } <= set(doc)


def _break(p: Plan, **changes: object) -> Plan:
    return replace(p, **changes)  # type: ignore[arg-type]


def test_checker_catches_a_missed_cutoff(minimal: Scenario, minimal_plan: Plan) -> None:
    """Moving a truck drop after the flight cutoff is reported for that shipment."""
    sp = next(p for p in minimal_plan.shipments if p.legs[0].vehicle_id)
    late_leg = replace(sp.legs[0], arrive=sp.legs[0].arrive + timedelta(hours=12))
    broken = replace(sp, legs=(late_leg, *sp.legs[1:]))
    shipments = tuple(
        broken if p.shipment_id == sp.shipment_id else p for p in minimal_plan.shipments
    )
    found = check_plan(minimal, _break(minimal_plan, shipments=shipments))
    assert any(
        v.subject == f"shipment {sp.shipment_id}"
        and v.code in ("truck_leg_mismatch", "missed_cutoff")
        for v in found
    )


def test_checker_catches_a_dropped_shipment_and_wrong_costs(
    minimal: Scenario, minimal_plan: Plan
) -> None:
    """A shipment left out and a wrong truck cost are both reported with their subject."""
    route = minimal_plan.vehicles[0]
    found = check_plan(
        minimal,
        _break(
            minimal_plan,
            shipments=minimal_plan.shipments[1:],
            vehicles=(replace(route, cost=route.cost + 100), *minimal_plan.vehicles[1:]),
        ),
    )
    codes = {(v.code, v.subject) for v in found}
    assert ("missing_shipment", f"shipment {minimal_plan.shipments[0].shipment_id}") in codes
    assert ("truck_cost", f"vehicle {route.vehicle_id}") in codes


def test_checker_catches_over_capacity_and_too_fast_trucks(
    minimal: Scenario, minimal_plan: Plan
) -> None:
    """A truck whose stops are squeezed together or that is overloaded is reported."""
    route = minimal_plan.vehicles[0]
    stops = list(route.stops)
    second = stops[2]
    assert second.arrive is not None and second.depart is not None
    stops[2] = replace(
        second, arrive=stops[1].depart, depart=stops[1].depart + (second.depart - second.arrive)
    )
    small = replace(minimal.vehicle_by_id[route.vehicle_id], capacity_kg=100.0)
    tiny = Scenario(
        minimal.locations,
        minimal.services,
        tuple(small if v.id == small.id else v for v in minimal.vehicles),
        minimal.shipments,
        minimal.road_links,
    )
    found = check_plan(
        tiny,
        _break(
            minimal_plan, vehicles=(replace(route, stops=tuple(stops)), *minimal_plan.vehicles[1:])
        ),
    )
    codes = {v.code for v in found if v.subject == f"vehicle {route.vehicle_id}"}
    assert {"too_fast", "over_capacity"} <= codes


def test_a_leg_no_truck_can_serve_goes_back_to_the_assignment() -> None:
    """Evening rush: one van can take only one of two shipments to CGO before the cutoff. The
    routing sends the other back to Stage A, which moves it to the next night's freighter, so
    both are planned, each on its own flight, and the checker finds nothing."""
    scenario = read_bundle(FIXTURES / "bundles" / "evening-rush")
    factors = read_emission_factors(FIXTURES / "emission_factors.csv")
    result = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1), factors=factors)
    assert check_plan(scenario, result) == []
    assert all(p.status is ShipmentPlanStatus.PLANNED for p in result.shipments)
    flights = sorted(leg.service_id for p in result.shipments for leg in p.legs if leg.service_id)
    assert flights == ["CV9751-20261130", "CV9753-20261201"]
    assert result.solver is not None and result.solver.iterations == 2


def test_without_a_repair_round_the_rushed_shipment_is_unplanned_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a single round and the safety net left out, the second shipment is left out as
    no_vehicle, and no truck carries it."""
    import logistics.planning.plan_rounds as plan_rounds
    from logistics.planning.safety_net import Rescue

    monkeypatch.setattr(plan_rounds, "MAX_ROUNDS", 1)
    monkeypatch.setattr(
        plan_rounds,
        "rescue",
        lambda scenario, chosen, routed, *a, **k: Rescue(chosen, routed, [], []),
    )
    scenario = read_bundle(FIXTURES / "bundles" / "evening-rush")
    result = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1))
    assert check_plan(scenario, result) == []
    unplanned = [p for p in result.shipments if p.status is ShipmentPlanStatus.UNPLANNED]
    assert [p.reason.value for p in unplanned] == ["no_vehicle"]  # type: ignore[union-attr]
    gone = unplanned[0].shipment_id
    assert all(gone not in s.pickup + s.dropoff for v in result.vehicles for s in v.stops)


def test_without_a_repair_round_the_safety_net_plans_the_rushed_shipment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a single round, the safety net gives the second shipment a dedicated trip on a van
    the routes leave free (the next day's) to the next night's freighter: both planned, clean."""
    import logistics.planning.plan_rounds as plan_rounds

    monkeypatch.setattr(plan_rounds, "MAX_ROUNDS", 1)
    scenario = read_bundle(FIXTURES / "bundles" / "evening-rush")
    result = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1))
    assert check_plan(scenario, result) == []
    assert all(p.status is ShipmentPlanStatus.PLANNED for p in result.shipments)
    assert result.solver is not None and result.solver.safety_net is not None
    (rescued,) = result.solver.safety_net["planned"]
    sp = next(p for p in result.shipments if p.shipment_id == rescued)
    assert [leg.service_id for leg in sp.legs if leg.service_id] == ["CV9753-20261201"]
    # the earlier flight it lost is explained by its binding fact: the van could not serve it
    assert sp.alternative is not None and "CV9751-20261130" in sp.alternative.description
    assert "no truck shift could serve its truck legs" in sp.alternative.reason
