"""plan(...) returns by its time limit plus max(5 s, 5 %), with a checked plan that accounts for
every shipment (the product's contract, measured with generous limits; not a speed target)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, ShipmentPlanStatus
from logistics.planning.deadline import Deadline, grace_s
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.routing import RoutingOptions, RoutingProblem, solve
from logistics.planning.truck_stage import Routed, strip
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import load_pdp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _accounted(scenario: Scenario, result: Plan) -> None:
    """Every shipment once, planned with legs or unplanned with a reason; checker-clean."""
    assert sorted(sp.shipment_id for sp in result.shipments) == sorted(
        sh.id for sh in scenario.shipments
    )
    for sp in result.shipments:
        if sp.status is ShipmentPlanStatus.PLANNED:
            assert sp.legs
        else:
            assert sp.reason is not None and sp.detail
    assert check_plan(scenario, result) == []


def test_grace_is_five_seconds_or_five_percent() -> None:
    """The contract's margin: the larger of 5 s and 5 % of the limit."""
    assert grace_s(1) == 5.0
    assert grace_s(100) == 5.0
    assert grace_s(600) == pytest.approx(30.0)


def test_deadline_keeps_a_reserve_for_assembling() -> None:
    """A stage stops before the limit by the reserve; nothing is left past the limit."""
    clock = Deadline(10.0, time.monotonic() - 4.0)
    assert 5.9 < clock.left() <= 6.0
    assert clock.room(1.0) and not clock.room(6.0)
    assert clock.stage_stop() <= time.time() + clock.left() - clock.reserve() + 0.01
    assert not Deadline(10.0, time.monotonic() - 20.0).searching()


def test_routing_leaves_the_safety_net_a_share_of_large_limits() -> None:
    """At 1,500 s the routing stops 60 s earlier than assembling alone needs (the safety net
    places thousands of dedicated trips at 20,000 shipments); assembling keeps its own part."""
    clock = Deadline(1500.0)
    assert clock.assembling() == pytest.approx(31.0)
    assert clock.reserve() == pytest.approx(91.0)
    assert clock.stage_stop() <= time.time() + clock.left() - 91.0 + 0.01


@pytest.mark.parametrize("bundle", ["minimal", "evening-rush", "on-time-first"])
def test_small_bundles_return_within_the_contract(bundle: str) -> None:
    """A 1 s limit on the small bundles: back within 1 s + grace, every shipment accounted for."""
    scenario = read_bundle(FIXTURES / "bundles" / bundle)
    started = time.monotonic()
    result = plan(scenario, options=PlanOptions(time_limit_s=1.0))
    assert time.monotonic() - started <= 1.0 + grace_s(1.0)
    _accounted(scenario, result)


@pytest.mark.parametrize("limit", [2.0, 8.0])
def test_reference_with_a_tiny_limit_returns_within_the_contract(limit: float) -> None:
    """The 180-shipment reference at 2 s and 8 s (far below what it needs): back within the
    contract; what was not searched or routed in time is unplanned with a reason."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    started = time.monotonic()
    result = plan(scenario, options=PlanOptions(time_limit_s=limit))
    assert time.monotonic() - started <= limit + grace_s(limit)
    _accounted(scenario, result)


def _without(problem: RoutingProblem, gone: set[str]) -> RoutingProblem:
    from dataclasses import replace

    return replace(problem, requests=tuple(r for r in problem.requests if r.id not in gone))


def test_strip_takes_requests_off_without_breaking_a_route() -> None:
    """Each request taken off a solved problem in turn: the other routes stay checker-clean."""
    problem = load_pdp("small_pdp.json")
    solution = solve(problem, options=RoutingOptions(time_limit_s=1, search="gls"))
    assert violations(problem, solution) == []
    for request in problem.requests:
        (kept,), lost = strip([Routed(problem, solution)], {request.id})
        assert kept.problem is not None
        assert request.id not in {r.id for r in kept.problem.requests}
        assert violations(_without(problem, lost | {request.id}), kept.solution) == []
        carried = {rid for route in kept.solution.routes for s in route.stops for rid in s.pickups}
        assert carried == {r.id for r in kept.problem.requests} - {
            d.request_id for d in kept.solution.dropped
        }
