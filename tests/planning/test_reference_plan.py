"""The reference scenario (fixtures/zhengzhou): a clean plan that plans everything plannable."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, ShipmentPlanStatus
from logistics.planning.costing import factor_table, service_leg_cost
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.plannable import Plannable, plannable

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def reference() -> tuple[Scenario, Plan, Plannable]:
    """The reference scenario, the planner's plan for it, and what can be planned at all."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    factors = read_emission_factors(FIXTURES / "emission_factors.csv")
    result = plan(
        scenario, options=PlanOptions(time_limit_s=60, workers=2, seed=1), factors=factors
    )
    net = Network(scenario, factor_table(factors))
    return scenario, result, plannable(scenario, net, time_limit_s=30, seed=1)


def test_reference_plan_is_checked_clean(reference: tuple[Scenario, Plan, Plannable]) -> None:
    """Zero checker violations, every shipment listed once, services within kg and m3."""
    scenario, result, _ = reference
    assert check_plan(scenario, result) == []
    assert sorted(sp.shipment_id for sp in result.shipments) == sorted(scenario.shipment_by_id)
    loads: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for sp in result.shipments:
        sh = scenario.shipment_by_id[sp.shipment_id]
        for leg in sp.legs:
            if leg.service_id:
                loads[leg.service_id][0] += sh.weight_kg
                loads[leg.service_id][1] += sh.volume_m3
    assert loads, "the plan uses scheduled services"
    for sid, (kg, m3) in loads.items():
        svc = scenario.service_by_id[sid]
        assert kg <= svc.capacity_kg + 1e-6 and m3 <= svc.capacity_m3 + 1e-6, sid


def test_reference_plan_cost_is_the_recomputed_cost(
    reference: tuple[Scenario, Plan, Plannable],
) -> None:
    """Plan cost = service legs (cost per chargeable kg) + truck routes (fixed, km, hours)."""
    scenario, result, _ = reference
    service = sum(
        service_leg_cost(
            scenario.service_by_id[leg.service_id],
            scenario.shipment_by_id[sp.shipment_id].weight_kg,
            scenario.shipment_by_id[sp.shipment_id].volume_m3,
        )
        for sp in result.shipments
        for leg in sp.legs
        if leg.service_id
    )
    trucks = 0.0
    for route in result.vehicles:
        v = scenario.vehicle_by_id[route.vehicle_id]
        places = [stop.location for stop in route.stops]
        km = sum(scenario.road_distance_km(a, b) for a, b in pairwise(places))
        start, end = route.stops[0].depart, route.stops[-1].arrive
        assert start is not None and end is not None
        hours = (end - start).total_seconds() / 3600
        assert route.distance_km == pytest.approx(km, abs=0.1)
        assert route.cost == pytest.approx(
            v.fixed_cost + v.cost_per_km * km + v.cost_per_hour * hours, abs=0.5
        )
        trucks += route.cost
    assert result.vehicles, "the plan uses trucks"
    assert result.kpis is not None
    assert result.kpis.cost == pytest.approx(service + trucks, abs=1.0)


def test_every_shipment_with_a_feasible_itinerary_is_planned(
    reference: tuple[Scenario, Plan, Plannable],
) -> None:
    """As many shipments are planned as CP-SAT proves the services can take at all; each one left
    out has no feasible itinerary, for the reason the itinerary search gives."""
    scenario, result, bound = reference
    planned = {sp.shipment_id for sp in result.shipments if sp.status is ShipmentPlanStatus.PLANNED}
    assert bound.best == bound.bound  # the bound is proven, and reached by some assignment
    assert planned <= set(bound.itineraries)
    assert len(planned) == bound.bound
    assert bound.bound == bound.feasible  # on the reference, capacity leaves nobody out
    for sp in result.shipments:
        if sp.status is ShipmentPlanStatus.UNPLANNED:
            assert sp.shipment_id not in bound.itineraries
            assert sp.reason == bound.reasons[sp.shipment_id]
    assert len(planned) + len(bound.reasons) == len(scenario.shipments)
