"""An independent checker for routing solutions, written for the tests (shares no engine code)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from logistics.planning.routing import RoutingProblem, RoutingSolution


def violations(problem: RoutingProblem, solution: RoutingSolution) -> list[str]:
    """Every broken rule of every route: depots, shifts, stop times, windows, pairing, loads, costs."""
    out: list[str] = []
    requests = {r.id: r for r in problem.requests}
    vehicles = {v.id: v for v in problem.vehicles}
    served: list[str] = []
    for route in solution.routes:
        v = vehicles[route.vehicle_id]
        stops = route.stops
        durations = problem.duration_min[v.profile]
        if stops[0].node != v.start_node or stops[-1].node != v.end_node:
            out.append(f"{v.id}: does not start and end at its depot")
        if stops[0].depart is None or stops[0].depart < v.shift_start:
            out.append(f"{v.id}: leaves before its shift")
        if stops[-1].arrive is None or stops[-1].arrive > v.shift_end:
            out.append(f"{v.id}: returns after its shift")
        onboard: dict[str, str] = {}
        kg = sum(
            requests[r].weight_kg for s in stops for r in s.drops if requests[r].pickup is None
        )
        m3 = sum(
            requests[r].volume_m3 for s in stops for r in s.drops if requests[r].pickup is None
        )
        distance = 0
        for prev, stop in itertools.pairwise(stops):
            assert prev.depart is not None and stop.arrive is not None
            travel = durations[prev.node][stop.node]
            distance += problem.distance_m[prev.node][stop.node]
            if stop.arrive < prev.depart + timedelta(minutes=travel):
                out.append(f"{v.id}: arrives at {stop.location_id} faster than the travel time")
            service = timedelta(minutes=problem.nodes[stop.node].service_minutes)
            if stop.depart is not None and stop.depart < stop.arrive + service:
                out.append(f"{v.id}: leaves {stop.location_id} before its service time")
            for rid in stop.pickups:
                req = requests[rid]
                if not req.requirements <= v.capabilities:
                    out.append(f"{v.id}: carries {rid} without {sorted(req.requirements)}")
                assert req.pickup is not None and stop.depart is not None
                if req.pickup.node != stop.node or stop.depart < req.pickup.earliest + service:
                    out.append(f"{rid}: picked up at the wrong place or before it is ready")
                if stop.arrive > req.pickup.latest:
                    out.append(f"{rid}: pickup after its window")
                onboard[rid] = v.id
                kg += req.weight_kg
                m3 += req.volume_m3
            for rid in stop.drops:
                req = requests[rid]
                assert req.delivery is not None
                if req.pickup is not None and onboard.pop(rid, None) != v.id:
                    out.append(f"{rid}: dropped before it was picked up on this truck")
                if req.delivery.node != stop.node or stop.arrive > req.delivery.latest:
                    out.append(f"{rid}: delivered at the wrong place or after its window")
                if stop.depart is not None and stop.depart < req.delivery.earliest + service:
                    out.append(f"{rid}: delivered before its window opens")
                kg -= req.weight_kg
                m3 -= req.volume_m3
                served.append(rid)
            if kg > v.capacity_kg + 1e-6 or m3 > v.capacity_m3 + 1e-6:
                out.append(f"{v.id}: over capacity after {stop.location_id}")
            if abs(kg - stop.load_kg) > 1e-6 or abs(m3 - stop.load_m3) > 1e-6:
                out.append(f"{v.id}: reported load at {stop.location_id} is wrong")
        if onboard:
            out.append(f"{v.id}: ends with cargo still on board: {sorted(onboard)}")
        assert stops[0].depart is not None and stops[-1].arrive is not None
        hours = (stops[-1].arrive - stops[0].depart).total_seconds() / 3600
        cost = v.fixed_cost + v.cost_per_km * distance / 1000 + v.cost_per_hour * hours
        if abs(cost - route.cost) > 0.01 or distance != route.distance_m:
            out.append(f"{v.id}: cost or distance does not recompute ({route.cost} vs {cost:.2f})")
    dropped = {d.request_id for d in solution.dropped}
    for rid in requests:
        if (rid in served) == (rid in dropped):
            out.append(f"{rid}: must be either served once or dropped")
    if len(served) != len(set(served)):
        out.append("a request is served twice")
    return out
