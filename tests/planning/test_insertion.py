"""Repair by insertion: a leg goes into a driven route only where every window, load and shift
end still holds, and the plan with it passes the checker."""

from __future__ import annotations

from logistics.domain import Scenario, SolverInfo
from logistics.planning.constructed import Construction, construct
from logistics.planning.costing import factor_table
from logistics.planning.insertion import best_insertion, insert_legs
from logistics.planning.network import Network
from logistics.planning.plan_assembly import assemble_plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.safety_net import dedicated
from logistics.planning.truck_legs import TruckLeg, itinerary_refs, truck_legs
from logistics.planning.truck_stage import Routed
from logistics.scenarios.fuzzer import SHAPES, fuzz_scenario, with_size


def _scenario() -> Scenario:
    shape = next(s for s in SHAPES if s.name == "sixty-shift-depots")
    return fuzz_scenario(with_size(shape, 20), 1)


def _routed(scenario: Scenario, built: Construction, sids: list[str]) -> list[Routed]:
    return [
        dedicated(scenario, scenario.shipment_by_id[sid], built.chosen[sid], route)
        for sid in sids
        for route in built.routes[sid]
    ]


def _direct(scenario: Scenario, built: Construction) -> list[str]:
    return sorted(sid for sid, it in built.chosen.items() if len(it.segments) == 1)


def _pair(scenario: Scenario, built: Construction) -> tuple[str, str, TruckLeg]:
    """Two directly trucked shipments a and b, b's leg fitting into a's dedicated route."""
    direct = _direct(scenario, built)
    for a in direct:
        legs = {leg.request_id: leg for leg in truck_legs(scenario, {a: built.chosen[a]})}
        for b in direct:
            if a == b:
                continue
            (leg_b,) = truck_legs(scenario, {b: built.chosen[b]})
            route_a = built.routes[a][0]
            if best_insertion(scenario, route_a, leg_b, {**legs, leg_b.request_id: leg_b}):
                return a, b, leg_b
    raise AssertionError("two of the fuzzed shipments can share a truck")


def test_a_leg_goes_into_a_route_with_room_and_the_plan_is_clean() -> None:
    """Some direct leg fits into another shipment's dedicated route: inserted there (no new
    shift), both shipments on one truck, the plan checker-clean and both on time."""
    scenario = _scenario()
    built = construct(scenario)
    net = Network(scenario, factor_table(()))
    a, b, leg_b = _pair(scenario, built)
    legs: list[TruckLeg] = truck_legs(scenario, {a: built.chosen[a], b: built.chosen[b]})
    routed, inserted = insert_legs(scenario, net, _routed(scenario, built, [a]), [leg_b], legs)
    assert inserted == {b}
    routes = [route for r in routed for route in r.solution.routes]
    assert [route.vehicle_id for route in routes] == [built.routes[a][0].vehicle_id]
    chosen = {a: built.chosen[a], b: built.chosen[b]}
    plan = assemble_plan(
        scenario,
        net,
        {sid: [it] for sid, it in chosen.items()},
        chosen,
        [r.solution for r in routed],
        {},
        itinerary_refs(chosen),
        plan_id="inserted",
        objective="balanced",
        solver=SolverInfo(),
    )
    assert check_plan(scenario, plan) == []
    mine = {sp.shipment_id: sp for sp in plan.shipments if sp.shipment_id in (a, b)}
    assert all(sp.delivered_at is not None and sp.delivered_at <= sp.due_at for sp in mine.values())


def test_a_leg_that_fits_no_window_is_not_inserted() -> None:
    """A leg due before any driven route can reach it stays out; the routes are unchanged."""
    scenario = _scenario()
    built = construct(scenario)
    net = Network(scenario, factor_table(()))
    direct = _direct(scenario, built)
    a, b = direct[0], direct[-1]
    (leg_b,) = truck_legs(scenario, {b: built.chosen[b]})
    impossible = TruckLeg(
        leg_b.shipment,
        leg_b.leg_index,
        leg_b.from_location,
        leg_b.to_location,
        leg_b.earliest,
        leg_b.earliest,  # dropped the moment it is picked up: no drive fits
    )
    before = _routed(scenario, built, [a])
    legs = [*truck_legs(scenario, {a: built.chosen[a]}), impossible]
    routed, inserted = insert_legs(scenario, net, before, [impossible], legs)
    assert inserted == set()
    assert [r.solution for r in routed] == [r.solution for r in before]


def test_a_shipment_goes_in_whole_or_not_at_all() -> None:
    """Of a shipment's two new legs, the first fits (alone it goes in) and the second cannot:
    neither is inserted."""
    scenario = _scenario()
    built = construct(scenario)
    net = Network(scenario, factor_table(()))
    a, _, leg_b = _pair(scenario, built)
    never = TruckLeg(
        leg_b.shipment,
        2,
        leg_b.to_location,
        leg_b.from_location,
        leg_b.earliest,
        leg_b.earliest,  # no drive fits
    )
    before = _routed(scenario, built, [a])
    own = truck_legs(scenario, {a: built.chosen[a]})
    _, inserted = insert_legs(scenario, net, before, [leg_b], [*own, leg_b])
    assert inserted == {leg_b.shipment.id}
    routed, inserted = insert_legs(scenario, net, before, [leg_b, never], [*own, leg_b, never])
    assert inserted == set()
    assert [r.solution for r in routed] == [r.solution for r in before]
