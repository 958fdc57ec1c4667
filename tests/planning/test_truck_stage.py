"""Stage B: truck legs routed per subproblem; requests taken out of routed subproblems; the
shifts left free for a repair round."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.routing import RoutingOptions, solve
from logistics.planning.truck_stage import (
    Routed,
    TruckLeg,
    route_trucks,
    spare_vehicles,
    truck_legs,
    without,
)
from tests.planning.routing.problems import load_pdp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def minimal() -> Scenario:
    """The minimal bundle."""
    return read_bundle(FIXTURES / "bundles" / "minimal")


@pytest.fixture(scope="module")
def legs(minimal: Scenario) -> list[TruckLeg]:
    """The truck legs of every minimal shipment's best itinerary."""
    net = Network(minimal, {})
    preset = objective_named("balanced")
    best = {sh.id: search(net, sh, preset, k=1)[0][0] for sh in minimal.shipments}
    return truck_legs(minimal, best)


@pytest.fixture(scope="module")
def routed(minimal: Scenario, legs: list[TruckLeg]) -> list[Routed]:
    """The legs routed over every shift of the minimal bundle."""
    return route_trucks(minimal, Network(minimal, {}), legs, time_limit_s=2, seed=0, workers=1)


def _carried(routed: list[Routed]) -> list[str]:
    return [
        rid for r in routed for route in r.solution.routes for s in route.stops for rid in s.pickups
    ]


def test_every_leg_is_routed_once(legs: list[TruckLeg], routed: list[Routed]) -> None:
    """Each truck leg is a request of exactly one subproblem and is carried once."""
    requests = [q.id for r in routed if r.problem for q in r.problem.requests]
    assert sorted(requests) == sorted(leg.request_id for leg in legs)
    assert sorted(_carried(routed)) == sorted(requests)
    assert all(not r.solution.dropped for r in routed)


def test_without_takes_requests_off_the_routes(routed: list[Routed]) -> None:
    """A carried request taken out: no route carries it, no problem asks for it, every other
    request is still carried, and the subproblem was re-solved from its own routes."""
    gone = _carried(routed)[0]
    after = without(routed, {gone}, time_limit_s=1, seed=0, workers=1)
    assert gone not in _carried(after)
    assert gone not in {q.id for r in after if r.problem for q in r.problem.requests}
    assert sorted(_carried(after)) == sorted(rid for rid in _carried(routed) if rid != gone)
    touched = next(r for r in after if r.problem and r.solution.stats.strategy == "gls+warm_start")
    before = next(
        r
        for r in routed
        if r.problem
        and {q.id for q in r.problem.requests} - {gone} == {q.id for q in touched.problem.requests}  # type: ignore[union-attr]
    )
    # the warm start is the old routes less one request, so the result is no dearer
    assert touched.solution.total_cost <= before.solution.total_cost + 1e-6


def test_without_leaves_untouched_subproblems_as_they_are(routed: list[Routed]) -> None:
    """Subproblems that never had the request keep their solution objects unchanged."""
    gone = _carried(routed)[0]
    after = without(routed, {gone}, time_limit_s=1, seed=0, workers=1)
    untouched = [r for r in routed if gone not in {q.id for q in r.problem.requests}]  # type: ignore[union-attr]
    assert all(r in after for r in untouched)
    assert without(routed, {"no-such-request"}, time_limit_s=1, seed=0, workers=1) == routed


def test_spare_vehicles_are_the_shifts_no_route_drives(
    minimal: Scenario, legs: list[TruckLeg], routed: list[Routed]
) -> None:
    """The free shifts exclude every used one, and routing over them uses only them."""
    used = {route.vehicle_id for r in routed for route in r.solution.routes}
    spare = spare_vehicles(minimal, routed)
    assert used and {v.id for v in spare} == {v.id for v in minimal.vehicles} - used
    again = route_trucks(
        minimal, Network(minimal, {}), legs, time_limit_s=1, seed=0, workers=1, vehicles=spare
    )
    assert {route.vehicle_id for r in again for route in r.solution.routes} <= {v.id for v in spare}
    # every leg is either carried by a free shift or dropped with a reason
    dropped = {d.request_id for r in again for d in r.solution.dropped}
    assert set(_carried(again)) | dropped == {leg.request_id for leg in legs}
    assert all(d.reason for r in again for d in r.solution.dropped)


def test_a_warm_start_unloads_before_it_loads_at_a_shared_stop() -> None:
    """At the hub the truck drops A and picks up B at one stop, with room for only one of them:
    taking C out re-solves warm from the routes (drops before pickups there), not from scratch."""
    problem = load_pdp("hub_relay.json")
    first = solve(problem, options=RoutingOptions(time_limit_s=1))
    assert not first.dropped
    hub = next(s for route in first.routes for s in route.stops if s.location_id == "H")
    assert hub.drops == ("A",) and hub.pickups == ("B",)
    after = without([Routed(problem, first)], {"C"}, time_limit_s=1, seed=0, workers=1)
    assert after[0].solution.stats.strategy == "gls+warm_start"
    assert sorted(_carried(after)) == ["A", "B"]


def test_a_stopped_resolve_falls_back_on_the_routes_it_started_from() -> None:
    """A re-solve killed before any snapshot keeps the solution it started from, not nothing."""
    from logistics.planning.routing.executor import RoutingTask

    problem = load_pdp("small_pdp.json")
    options = RoutingOptions(time_limit_s=1, search="gls")
    before = solve(problem, options=options)
    assert RoutingTask(problem, options, 0.0, before).stopped(None) is before
    lost = RoutingTask(problem, options, 0.0).stopped(None)
    assert {d.reason for d in lost.dropped} == {"timeout"}
