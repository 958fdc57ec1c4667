"""The safety net: dedicated trips for what the routing leaves unplanned or late, only on shifts
and service room the plan leaves free, never re-timing another shipment."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, SolverInfo
from logistics.planning.constructed import construct, on_time, planned
from logistics.planning.costing import factor_table
from logistics.planning.itinerary import Itinerary
from logistics.planning.network import Network
from logistics.planning.plan_assembly import assemble_plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.routing import Route
from logistics.planning.safety_net import Rescue, dedicated, delivered, rescue
from logistics.planning.truck_legs import itinerary_refs
from logistics.scenarios.fuzzer import SHAPES, fuzz_scenario, with_size

BUNDLE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "scenarios"
    / "fuzz"
    / "loose-windows-light-5-s1"
)


def _assembled(scenario: Scenario, result: Rescue) -> Plan:
    return assemble_plan(
        scenario,
        Network(scenario, factor_table(())),
        {sid: [it] for sid, it in result.chosen.items()},
        result.chosen,
        [r.solution for r in result.routed],
        {},
        itinerary_refs(result.chosen),
        plan_id="rescued",
        objective="balanced",
        solver=SolverInfo(),
    )


def _late_trip(scenario: Scenario, sid: str) -> tuple[Itinerary, Route]:
    """A direct trip for `sid` picking it up 10 minutes before it is due: planned, but late."""
    sh = scenario.shipment_by_id[sid]
    later = replace(
        sh, ready_at=sh.due_at - timedelta(minutes=10), due_at=sh.due_at + timedelta(days=3)
    )
    relaxed = replace(
        scenario, shipments=tuple(later if s.id == sid else s for s in scenario.shipments)
    )
    built = construct(relaxed, shipments=[later])
    assert sid in built.chosen, "the fixture has a shift then"
    (route,) = built.routes[sid]
    return built.chosen[sid], route


def test_from_nothing_it_plans_what_the_constructed_solution_plans() -> None:
    """With no routes at all (say, every routing search stopped), the plan gets the constructed
    trips: as many planned and on time as the constructed solution, checker-clean."""
    scenario = read_bundle(BUNDLE)
    built = construct(scenario)
    result = rescue(scenario, {}, [], built)
    assert sorted(result.planned) == sorted(built.chosen)
    plan = _assembled(scenario, result)
    assert check_plan(scenario, plan) == []
    assert on_time(plan) == planned(plan) == len(built.chosen)


def test_a_late_shipment_moves_to_a_free_dedicated_trip_on_time() -> None:
    """FZ00004 on a shift that starts after its due time is late; the safety net moves it to the
    constructed trip (on time) and its late route comes off."""
    scenario = read_bundle(BUNDLE)
    late_it, late_route = _late_trip(scenario, "FZ00004")
    sh = scenario.shipment_by_id["FZ00004"]
    routed = [dedicated(scenario, sh, late_it, late_route)]
    assert delivered({"FZ00004": late_it}, routed)["FZ00004"] > sh.due_at
    result = rescue(scenario, {"FZ00004": late_it}, routed, construct(scenario))
    assert result.on_time == ["FZ00004"]
    assert delivered(result.chosen, result.routed)["FZ00004"] <= sh.due_at
    vehicles = [route.vehicle_id for r in result.routed for route in r.solution.routes]
    assert late_route.vehicle_id not in vehicles
    assert len(vehicles) == len(set(vehicles))
    assert check_plan(scenario, _assembled(scenario, result)) == []


def test_with_a_lateness_price_a_late_shipment_stays() -> None:
    """late_too=False (a lateness price trades lateness against cost): only unplanned ones move."""
    scenario = read_bundle(BUNDLE)
    late_it, late_route = _late_trip(scenario, "FZ00004")
    sh = scenario.shipment_by_id["FZ00004"]
    routed = [dedicated(scenario, sh, late_it, late_route)]
    result = rescue(scenario, {"FZ00004": late_it}, routed, construct(scenario), late_too=False)
    assert result.on_time == []
    assert result.chosen["FZ00004"] is late_it
    assert "FZ00004" not in result.planned and len(result.planned) == 4


def test_a_shift_the_plan_drives_is_never_taken() -> None:
    """The shift of a shipment's constructed trip carries another shipment in the plan: the
    safety net never gives that shift a second route (it plans the shipment on another free
    shift, or not at all)."""
    scenario = fuzz_scenario(
        with_size(next(s for s in SHAPES if s.name == "sixty-shift-depots"), 20), 1
    )
    built = construct(scenario)
    for sid, routes in built.routes.items():
        shift = scenario.vehicle_by_id[routes[0].vehicle_id]
        others = [sh for sh in scenario.shipments if sh.id != sid]
        mine = next(
            (
                c
                for sh in others
                if (c := construct(scenario, shipments=[sh], vehicles=[shift])).chosen
            ),
            None,
        )
        if mine is not None:
            break
    assert mine is not None, "some other shipment fits a constructed trip's shift"
    ((other, it),) = mine.chosen.items()
    routed = [
        dedicated(scenario, scenario.shipment_by_id[other], it, r) for r in mine.routes[other]
    ]
    result = rescue(scenario, {other: it}, routed, built)
    vehicles = [route.vehicle_id for r in result.routed for route in r.solution.routes]
    assert len(vehicles) == len(set(vehicles))
    assert vehicles.count(shift.id) == 1
    assert result.chosen[other] is it
    assert check_plan(scenario, _assembled(scenario, result)) == []


def test_with_no_free_shift_the_constructed_legs_go_into_a_driven_route_with_room() -> None:
    """One shift per depot: another shipment's route drives the shift of a shipment's
    constructed trip and no other shift can take it, but the route has room: the safety net
    inserts the constructed legs into it; the plan is checker-clean and both are on time."""
    scenario = fuzz_scenario(
        with_size(next(s for s in SHAPES if s.name == "one-shift-depots"), 60), 1
    )
    built = construct(scenario)
    net = Network(scenario, factor_table(()))
    found = None
    for sid, routes in built.routes.items():
        if len(routes) != 1:
            continue
        shift = scenario.vehicle_by_id[routes[0].vehicle_id]
        for sh in scenario.shipments:
            if sh.id == sid or sh.id in built.chosen:
                continue
            mine = construct(scenario, shipments=[sh], vehicles=[shift])
            if not mine.chosen:
                continue
            routed = [dedicated(scenario, sh, mine.chosen[sh.id], r) for r in mine.routes[sh.id]]
            result = rescue(scenario, {sh.id: mine.chosen[sh.id]}, routed, built, net=net)
            if sid in result.planned:
                found = (sid, sh.id, shift.id, result)
                break
        if found:
            break
    assert found is not None, "some constructed shipment fits another's route on its shift"
    sid, other, shift_id, result = found
    vehicles = [route.vehicle_id for r in result.routed for route in r.solution.routes]
    assert len(vehicles) == len(set(vehicles))
    (route,) = [
        route for r in result.routed for route in r.solution.routes if route.vehicle_id == shift_id
    ]
    carried = {rid.split("#")[0] for stop in route.stops for rid in stop.pickups}
    assert {sid, other} <= carried
    plan = _assembled(scenario, result)
    assert check_plan(scenario, plan) == []
    on_time_ids = {
        sp.shipment_id
        for sp in plan.shipments
        if sp.delivered_at is not None and sp.delivered_at <= sp.due_at
    }
    assert {sid, other} <= on_time_ids
