"""The multimodal planner: Stage A (itineraries, CP-SAT) and Stage B (truck routing), coupled."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import partial

from logistics.domain import (
    EmissionFactor,
    Plan,
    PlanKpis,
    Scenario,
    Shipment,
    SolverInfo,
    UnplannedReason,
)
from logistics.planning.as_of import as_of, whole_minute
from logistics.planning.binding_facts import shifts_taken
from logistics.planning.constructed import construct
from logistics.planning.costing import factor_table
from logistics.planning.deadline import Deadline
from logistics.planning.incumbent import rebuild
from logistics.planning.insertion import insert_legs
from logistics.planning.itinerary import Itinerary
from logistics.planning.itinerary_search import rank, score_itinerary, search
from logistics.planning.network import Network
from logistics.planning.plan_assembly import Context, assemble_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.routing import watchdog
from logistics.planning.safety_net import rescue
from logistics.planning.service_assignment import Preferences, assign, fill_remaining
from logistics.planning.truck_legs import (
    RequestMap,
    itinerary_refs,
    request_map,
    shipments_of,
)
from logistics.planning.truck_stage import (
    Routed,
    TruckLeg,
    release,
    route_trucks,
    spare_vehicles,
    strip,
    truck_legs,
    without,
)

Progress = Callable[[str, float, str], None]
MAX_ROUNDS = 4
FIRST_ROUTING_SHARE = 0.8  # of the time left when the first routing starts
MIN_REPAIR_S = 2.0  # a repair round's budget when the first rounds used up the time limit
MIN_ROUND_S = 1.0  # no repair round starts with less time than this before the deadline
REMOVE_S = 2.0  # re-optimising routes a shipment left unplanned comes off
WIDE_K = 40  # itineraries per shipment when the best few are all on full services
CONSTRUCT_SHARE = 0.05  # of the time limit, at most, for the constructed safety net
INSERT_SHARE = 0.25  # of a repair round's budget, at most, for inserting into driven routes


def _quiet(stage: str, fraction: float, message: str) -> None:
    """Default progress callback: say nothing."""


def _dropped(routed: Sequence[Routed], requests: RequestMap) -> set[str]:
    """The shipments with a truck leg some subproblem could not serve."""
    return shipments_of(requests, (d.request_id for r in routed for d in r.solution.dropped))


def _timed_out(routed: Sequence[Routed], requests: RequestMap) -> set[str]:
    """The shipments with a truck leg a routing search stopped at its deadline had not served."""
    return shipments_of(
        requests,
        (d.request_id for r in routed for d in r.solution.dropped if d.reason == "timeout"),
    )


NOT_ROUTED = "its truck legs were not routed before the time limit"


def _insert_stop(clock: Deadline, by: float) -> bool:
    """Whether inserting into driven routes must stop: its share of the round is used up, or
    no repair round would fit before the reserve any more."""
    return time.monotonic() > by or not clock.room(MIN_ROUND_S)


def _settle(
    routed: list[Routed],
    lost: set[str],
    legs: Sequence[TruckLeg],
    chosen: dict[str, Itinerary],
    reasons: dict[str, tuple[UnplannedReason, str]],
    requests: RequestMap,
) -> list[Routed]:
    """Unplan every shipment with a leg no route serves (or on a route that had to come off,
    `lost`) and take its legs off the routes, until every route serves whole shipments."""
    while True:
        timed_out = _timed_out(routed, requests)
        lost_shipments = shipments_of(requests, lost)
        off = _dropped(routed, requests) | lost_shipments
        off &= set(chosen)
        if not off:
            return routed
        for sid in off:
            chosen.pop(sid)
            reasons[sid] = (
                (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                if sid in timed_out or sid in lost_shipments
                else (
                    UnplannedReason.NO_VEHICLE,
                    "no truck shift could serve its truck legs in time",
                )
            )
        routed, lost = strip(routed, {leg.request_id for leg in legs if leg.shipment.id in off})


def plan(
    scenario: Scenario,
    *,
    options: PlanOptions,
    factors: Sequence[EmissionFactor] = (),
    progress: Progress = _quiet,
) -> Plan:
    """Recommend a plan: which service each shipment takes and how trucks collect and deliver it.

    Every preset plans as many shipments as it can, then as many on time as it can, then the
    least lateness, and only then minimises its own measure (objectives.py). `lateness_price`
    (currency units per shipment-hour late) lets lateness trade against that measure instead.

    `now`: nothing is booked before it (no service whose cutoff has passed, no truck leaving
    earlier; a shipment not yet ready plans from its ready time). None plans offline, without a
    clock. `forecasts` (service id -> forecast arrival, from tracking): connections after such a
    service are planned from its forecast, so a connection the forecast misses is never offered.

    `incumbent` (shipment id -> its accepted itinerary: service ids and `truck:FROM>TO`, see
    incumbent.py) and `change_penalty`: keeping a shipment's incumbent ranks below on time and
    above the preset's measure (None), or costs `change_penalty` currency units per changed
    shipment against the measure. An incumbent whose connection is missed (by `now` or the
    forecasts) is never offered. Each shipment with an incumbent is marked kept, changed or
    dropped, with the reason. (All of these are fields of `options`, see plan_options.py.)
    """
    objective, time_limit_s, seed = options.objective, options.time_limit_s, options.seed
    workers, lateness_price, now = options.workers, options.lateness_price, options.now
    change_penalty, plan_id = options.change_penalty, options.plan_id
    started = time.monotonic()
    clock = Deadline(time_limit_s, started)  # plan() returns by time_limit_s + deadline.grace_s
    watchdog.prestart(workers)  # routing workers start while the itineraries are searched
    preset = options.preset
    incumbent_keys = {sid: tuple(key) for sid, key in options.incumbent.items()}
    prefs = Preferences(preset.on_time_first, incumbent_keys, change_penalty)
    table = factor_table(factors)
    if now is not None:
        now = whole_minute(now)
        scenario = as_of(scenario, now)
    forecasts = dict(options.forecasts)
    net = Network(scenario, table, now=now, forecasts=forecasts)
    # The safety net, built first from the scenario alone (greedy, no solver): dedicated trips
    # for what the routing leaves unplanned or late (safety_net.py).
    built = construct(
        scenario,
        now=now,
        forecasts=forecasts,
        stop=lambda: clock.elapsed() > CONSTRUCT_SHARE * time_limit_s,
    )
    forbidden: dict[str, set[tuple[str, ...]]] = {}
    reasons: dict[str, tuple[UnplannedReason, str]] = {}
    offered: dict[str, list[Itinerary]] = {}  # each shipment's itineraries to choose from
    chosen: dict[str, Itinerary] = {}
    capacities = {s.id: (s.capacity_kg, s.capacity_m3) for s in scenario.services}

    def left() -> float:
        return time_limit_s - (time.monotonic() - started)

    unusable: dict[str, str] = {}  # shipment -> why its incumbent cannot be offered

    def itineraries(sh: Shipment, k: int) -> tuple[list[Itinerary], UnplannedReason, str]:
        banned = frozenset(forbidden.get(sh.id, ()))
        found, reason, detail = search(net, sh, preset, k=k, forbidden=banned)
        key = incumbent_keys.get(sh.id)
        if key is not None and key not in banned and all(it.key != key for it in found):
            kept, why = rebuild(net, sh, key, preset)
            if kept is None:
                unusable[sh.id] = why
            else:
                found = sorted([*found, kept], key=lambda it: rank(preset, it))
        return found, reason, detail

    def assign_services(
        previous: dict[str, Itinerary] | None = None, share: float = 1.0
    ) -> tuple[dict[str, Itinerary], str]:
        remaining = max(1.0, left())
        return assign(
            scenario.shipments,
            offered,
            capacities,
            # more shipments, more time: 20 s plus 1 s per 100 shipments, at most 15 % of what
            # is left (the assignment runs twice a round when shipments are crowded out)
            time_limit_s=min(
                share * max(2.0, min(remaining * 0.15, 20.0 + len(offered) / 100)),
                max(0.2, clock.left() * 0.1),  # within the deadline (CP-SAT may take 3x)
            ),
            seed=seed,
            previous=previous,
            preferences=prefs,
        )

    # Round 1: every shipment's itineraries, the service assignment, every truck leg routed.
    progress("itineraries", 0.05, "searching itineraries")
    for n, sh in enumerate(scenario.shipments):
        if not clock.searching():
            reasons[sh.id] = (
                UnplannedReason.TIME_LIMIT,
                "its itineraries were not searched before the time limit",
            )
            continue
        found, reason, detail = itineraries(sh, k=5)
        if found:
            offered[sh.id] = found
        else:
            reasons[sh.id] = (reason, detail)
        if n % 200 == 0:
            progress(
                "itineraries",
                0.05 + 0.2 * n / max(1, len(scenario.shipments)),
                f"{n} of {len(scenario.shipments)} shipments searched",
            )
    progress("assignment", 0.3, f"assigning {len(offered)} shipments to services (CP-SAT)")
    chosen, status = assign_services(share=0.5)
    crowded = [sh for sh in scenario.shipments if sh.id in offered and sh.id not in chosen]
    if crowded:
        # Services are full on every option kept so far: widen those shipments' choice.
        progress("assignment", 0.4, f"{len(crowded)} shipment(s) crowded out; widening")
        for sh in crowded:
            if clock.searching():
                offered[sh.id] = itineraries(sh, k=WIDE_K)[0]
        chosen, status = assign_services(chosen, share=0.5)
        chosen = fill_remaining(scenario.shipments, offered, capacities, chosen)
    legs = truck_legs(scenario, chosen, now=now, forecasts=forecasts)
    requests = request_map(legs)  # every leg handed to routing, over all rounds
    progress("routing", 0.5, f"routing {len(legs)} truck legs")
    routed = route_trucks(
        scenario,
        net,
        legs,
        # most of the budget: later rounds only repair what this one could not serve
        time_limit_s=max(0.5, min(left() * FIRST_ROUTING_SHARE, left() - clock.reserve())),
        seed=seed,
        workers=workers,
        deadline=clock.stage_stop(),
    )
    # Later rounds repair: a shipment whose truck leg no shift could serve gets another
    # itinerary (that one forbidden) in the room the others leave on the services; every other
    # shipment keeps its itinerary and its routes, the new legs go to the shifts still free.
    rounds = 1
    while dropped := _dropped(routed, requests):
        old_legs = {leg.request_id for leg in legs if leg.shipment.id in dropped}
        dropped_ids = {d.request_id for r in routed for d in r.solution.dropped}
        routes_now = [route for r in routed for route in r.solution.routes]
        facts = {
            leg.shipment.id: shifts_taken(scenario, net, leg, routes_now, requests)
            for leg in legs
            if leg.request_id in dropped_ids
        }
        timed_out = _timed_out(routed, requests)
        if rounds >= MAX_ROUNDS or not clock.room(MIN_ROUND_S):
            # Out of rounds (or time): those shipments stay unplanned and come off the routes,
            # so no truck carries a shipment the plan does not move.
            for sid in dropped:
                reasons[sid] = (
                    (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                    if sid in timed_out
                    else (
                        UnplannedReason.NO_VEHICLE,
                        f"no truck shift could serve its truck legs in time ({facts[sid]})",
                    )
                )
                gone = chosen.pop(sid)
                if sid not in timed_out:  # tried by the routing: the binding fact if it is shown
                    forbidden.setdefault(sid, set()).add(gone.key)
            progress("routing", 0.9, f"{len(dropped)} shipment(s) left unplanned")
            if clock.room(REMOVE_S):
                routed = without(
                    routed,
                    old_legs,
                    time_limit_s=REMOVE_S,
                    seed=seed,
                    workers=workers,
                    deadline=clock.stage_stop(),
                )
            else:
                routed, lost = strip(routed, old_legs)
                routed = _settle(routed, lost, legs, chosen, reasons, requests)
            break
        rounds += 1
        progress("routing", 0.6, f"round {rounds}: {len(dropped)} shipment(s) sent back to Stage A")
        for sid in sorted(dropped):
            if sid in timed_out:
                # not routed for want of time, not for want of a truck: its itinerary stays
                # allowed and it may take it again below
                chosen.pop(sid)
                reasons[sid] = (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                continue
            forbidden.setdefault(sid, set()).add(chosen.pop(sid).key)
            if not clock.searching():
                found = [it for it in offered.get(sid, []) if it.key not in forbidden[sid]]
            else:
                found = itineraries(scenario.shipment_by_id[sid], k=WIDE_K)[0]
            if found:
                offered[sid] = found
            else:
                offered.pop(sid, None)
            # what it is left with unless another itinerary fits below
            tried = len(forbidden[sid])
            reasons[sid] = (
                UnplannedReason.NO_VEHICLE,
                f"no truck shift could serve the truck legs of {tried} itinerar"
                f"{'y' if tried == 1 else 'ies'} in time"
                + f" (last: {facts[sid]})"
                + ("; its other feasible itineraries are on full services" if found else ""),
            )
        before = set(chosen)
        chosen = fill_remaining(scenario.shipments, offered, capacities, chosen)
        added = {sid: it for sid, it in chosen.items() if sid not in before}
        # half of what is left (a few seconds at least: a repair round is small)
        budget = min(max(MIN_REPAIR_S, left() * 0.5), left() - clock.reserve())
        routed = without(
            routed,
            old_legs,
            time_limit_s=budget * 0.3,
            seed=seed,
            workers=workers,
            deadline=clock.stage_stop(),
        )
        new_legs = truck_legs(scenario, added, now=now, forecasts=forecasts)
        requests.update(request_map(new_legs))
        legs = [leg for leg in legs if leg.request_id not in old_legs] + new_legs
        for sid in added:
            reasons.pop(sid, None)
        # first into the routes already driven where they have room, then the free shifts
        routed, inserted = insert_legs(
            scenario,
            net,
            routed,
            new_legs,
            legs,
            stop=partial(_insert_stop, clock, time.monotonic() + INSERT_SHARE * budget),
        )
        rest = [leg for leg in new_legs if leg.shipment.id not in inserted]
        progress(
            "routing",
            0.7,
            f"{len(inserted)} repaired shipment(s) inserted into driven routes; routing "
            f"{len(rest)} new truck legs on the free shifts",
        )
        spare = spare_vehicles(scenario, routed)
        routed = release(routed, {v.id for v in spare})
        routed += route_trucks(
            scenario,
            net,
            rest,
            time_limit_s=budget * 0.7,
            seed=seed,
            workers=workers,
            vehicles=spare,
            deadline=clock.stage_stop(),
        )
    # A search stopped at the deadline may have left legs unserved after the last round too:
    # those shipments come off the routes without another solve.
    routed = _settle(routed, set(), legs, chosen, reasons, requests)
    net_result = rescue(
        scenario,
        chosen,
        routed,
        built,
        late_too=preset.on_time_first,
        net=net,
        now=now,
        forecasts=forecasts,
        stop=lambda: clock.left() < clock.reserve() / 2,
    )
    routed = net_result.routed
    requests.update(itinerary_refs(net_result.chosen))  # the dedicated trips' legs
    for sid in net_result.planned + net_result.on_time:
        sh = scenario.shipment_by_id[sid]
        it = score_itinerary(net, sh, net_result.chosen[sid].segments, preset)
        late = chosen.get(sid)
        if late is not None and late.key != it.key:
            # its routes delivered it late: the routing could not serve it in time
            forbidden.setdefault(sid, set()).add(late.key)
        chosen[sid] = it
        offered[sid] = [it, *(o for o in offered.get(sid, []) if o.key != it.key)]
        reasons.pop(sid, None)
    if net_result.planned or net_result.on_time:
        progress(
            "routing",
            0.92,
            f"safety net: {len(net_result.planned)} shipment(s) planned and "
            f"{len(net_result.on_time)} made on time on dedicated trucks",
        )
    solutions = [r.solution for r in routed]
    progress("assembling", 0.95, "building the plan document")
    digest = hashlib.sha256(
        repr((sorted(sh.id for sh in scenario.shipments), objective, seed)).encode()
    ).hexdigest()
    result = assemble_plan(
        scenario,
        net,
        offered,
        chosen,
        solutions,
        reasons,
        requests,
        plan_id=plan_id or f"plan-{digest[:12]}",
        objective=objective,
        context=Context(
            preset, forbidden, incumbent_keys, unusable, status.lower(), change_penalty
        ),
        solver=SolverInfo(
            time_s=round(time.monotonic() - started, 2),
            seed=seed,
            iterations=rounds,
            safety_net={"planned": net_result.planned, "on_time": net_result.on_time},
            status=status.lower(),
            time_limit_s=time_limit_s,
            lateness_price=lateness_price,
            now=now,
        ),
    )
    progress(
        "done",
        1.0,
        f"{(result.kpis or PlanKpis()).planned} of {len(scenario.shipments)} shipments planned",
    )
    return result
