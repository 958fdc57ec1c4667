"""Putting the plan together: legs per shipment, truck routes, service loads, costs, CO2, KPIs."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from logistics.domain import (
    Alternative,
    Change,
    Leg,
    Mode,
    Plan,
    Scenario,
    ServiceLoad,
    ShipmentPlan,
    ShipmentPlanStatus,
    SolverInfo,
    UnplannedReason,
    VehicleRoute,
    VehicleStop,
)
from logistics.planning.binding_facts import (
    ServiceBook,
    blocked,
    kept_or_changed,
    lateness,
    rejection,
)
from logistics.planning.costing import (
    co2_kg,
    service_distance_km,
    service_factor_id,
    service_leg_cost,
    vehicle_factor_id,
)
from logistics.planning.itinerary import Itinerary
from logistics.planning.network import Network
from logistics.planning.objectives import Objective, objective_named
from logistics.planning.plan_kpis import plan_kpis
from logistics.planning.routing import Route, RoutingSolution
from logistics.planning.truck_legs import RequestMap, TruckLegRef, shipments_of


def _request_positions(routes: Sequence[Route]) -> dict[str, tuple[Route, int, int]]:
    """request id -> (route, index of pickup stop, index of drop stop)."""
    pick: dict[str, tuple[Route, int]] = {}
    out: dict[str, tuple[Route, int, int]] = {}
    for route in routes:
        for i, stop in enumerate(route.stops):
            for rid in stop.pickups:
                pick[rid] = (route, i)
            for rid in stop.drops:
                r, p = pick[rid]
                out[rid] = (r, p, i)
    return out


@dataclass(frozen=True, slots=True)
class Context:
    """What the plan's explanations need: the preset, what was tried, and the incumbents."""

    preset: Objective = field(default_factory=lambda: objective_named("balanced"))
    forbidden: Mapping[str, set[tuple[str, ...]]] = field(default_factory=dict)
    incumbent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unusable: Mapping[str, str] = field(default_factory=dict)  # why an incumbent is not offered
    status: str = ""  # the service assignment's CP-SAT status
    change_penalty: float | None = None


def assemble_plan(
    scenario: Scenario,
    net: Network,
    options: Mapping[str, Sequence[Itinerary]],
    chosen: Mapping[str, Itinerary],
    solutions: Sequence[RoutingSolution],
    reasons: Mapping[str, tuple[UnplannedReason, str]],
    requests: RequestMap,
    *,
    plan_id: str,
    objective: str,
    solver: SolverInfo,
    context: Context | None = None,
) -> Plan:
    """Build the plan document's domain value from the stage results."""
    ctx = context or Context(preset=objective_named(objective))
    routes = [r for s in solutions for r in s.routes]
    dropped = {requests[d.request_id].shipment_id: d for s in solutions for d in s.dropped}
    positions = _request_positions(routes)
    vehicles = scenario.vehicle_by_id
    # Split each truck's cost over its shipments by tonne-km carried.
    tkm: dict[str, dict[str, float]] = defaultdict(dict)
    leg_km: dict[str, float] = {}
    for rid, (route, p, d) in positions.items():
        stops = route.stops
        km = sum(
            scenario.road_distance_km(stops[i].location_id, stops[i + 1].location_id)
            for i in range(p, d)
        )
        leg_km[rid] = km
        sid = requests[rid].shipment_id
        tkm[route.vehicle_id][rid] = max(1e-6, km * scenario.shipment_by_id[sid].weight_kg)
    route_cost = {r.vehicle_id: r.cost for r in routes}
    book = ServiceBook(scenario)
    for sid, it in chosen.items():
        if sid not in dropped:
            for seg in it.segments:
                if seg.service is not None:
                    book.book(seg.service.id, scenario.shipment_by_id[sid])
    changes = kept_or_changed(
        options,
        {sid: it for sid, it in chosen.items() if sid not in dropped},
        ctx.incumbent,
        ctx.unusable,
        ctx.preset,
        ctx.change_penalty,
    )
    plans: list[ShipmentPlan] = []
    loads: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for sh in scenario.shipments:
        found = chosen.get(sh.id)
        if found is None or sh.id in dropped:
            reason, detail = reasons.get(
                sh.id, (UnplannedReason.CAPACITY, "every feasible itinerary is full")
            )
            if sh.id in dropped:
                reason, detail = (
                    UnplannedReason.NO_VEHICLE,
                    f"no truck could serve a leg: {dropped[sh.id].detail}",
                )
            elif found is None and sh.id in options and sh.id not in reasons:
                reason, detail = (
                    UnplannedReason.CAPACITY,
                    "no itinerary fits: "
                    + blocked(sh, options[sh.id], book, ctx.forbidden.get(sh.id, ()), ctx.status),
                )
            change, why = changes.get(sh.id, (None, ""))
            plans.append(
                ShipmentPlan(
                    sh.id,
                    ShipmentPlanStatus.UNPLANNED,
                    sh.due_at,
                    reason=reason,
                    detail=detail,
                    change=Change(change) if change else None,
                    change_reason=why,
                )
            )
            continue
        it = found
        legs: list[Leg] = []
        for i, seg in enumerate(it.segments):
            if seg.service is None:
                rid = TruckLegRef(sh.id, i).request_id
                route, p, d = positions[rid]
                share = tkm[route.vehicle_id][rid] / sum(tkm[route.vehicle_id].values())
                v = vehicles[route.vehicle_id]
                factor = net.factors.get(vehicle_factor_id(v), 0.0)
                depart, arrive = route.stops[p].depart, route.stops[d].arrive
                assert depart is not None and arrive is not None
                legs.append(
                    Leg(
                        Mode.ROAD,
                        seg.from_location,
                        seg.to_location,
                        depart,
                        arrive,
                        vehicle_id=v.id,
                        cost=round(route_cost[v.id] * share, 2),
                        co2_kg=round(co2_kg(leg_km[rid], sh.weight_kg, factor), 3),
                        distance_km=round(leg_km[rid], 2),
                    )
                )
            else:
                svc = seg.service
                km = service_distance_km(scenario, svc)
                factor = net.factors.get(service_factor_id(scenario, svc), 0.0)
                legs.append(
                    Leg(
                        svc.mode,
                        svc.origin,
                        svc.destination,
                        svc.departure,
                        svc.arrival,
                        service_id=svc.id,
                        cost=round(service_leg_cost(svc, sh.weight_kg, sh.volume_m3), 2),
                        co2_kg=round(co2_kg(km, sh.weight_kg, factor), 3),
                        distance_km=round(km, 1),
                    )
                )
                loads[svc.id][0] += sh.weight_kg
                loads[svc.id][1] += sh.volume_m3
        delivered: datetime = legs[-1].arrive
        alternative = _alternative(it, options.get(sh.id, ()))
        if alternative is not None:
            other = next(o for o in options[sh.id] if o.key != it.key)
            fact = rejection(
                sh,
                it,
                other,
                preset=ctx.preset,
                book=book,
                forbidden=ctx.forbidden.get(sh.id, ()),
                incumbent=ctx.incumbent.get(sh.id),
                status=ctx.status,
            )
            alternative = replace(alternative, reason=fact)
        change, why = changes.get(sh.id, (None, ""))
        late_why = (
            lateness(
                sh,
                it,
                options.get(sh.id, ()),
                preset=ctx.preset,
                book=book,
                forbidden=ctx.forbidden.get(sh.id, ()),
                incumbent=ctx.incumbent.get(sh.id),
                status=ctx.status,
            )
            if delivered > sh.due_at
            else ""
        )
        plans.append(
            ShipmentPlan(
                sh.id,
                ShipmentPlanStatus.PLANNED,
                sh.due_at,
                tuple(legs),
                delivered,
                round(sum(leg.cost for leg in legs), 2),
                round(sum(leg.co2_kg for leg in legs), 3),
                detail=late_why,
                alternative=alternative,
                change=Change(change) if change else None,
                change_reason=why,
            )
        )
    vehicle_routes = tuple(_vehicle_route(r, scenario, requests) for r in routes)
    service_loads = tuple(
        ServiceLoad(
            sid,
            round(kg, 3),
            round(m3, 3),
            round(
                max(
                    kg / scenario.service_by_id[sid].capacity_kg,
                    m3 / scenario.service_by_id[sid].capacity_m3,
                ),
                4,
            ),
        )
        for sid, (kg, m3) in sorted(loads.items())
    )
    kpis = plan_kpis(scenario, plans, vehicle_routes, service_loads)
    return Plan(plan_id, objective, tuple(plans), vehicle_routes, service_loads, kpis, solver)


def _vehicle_route(route: Route, scenario: Scenario, requests: RequestMap) -> VehicleRoute:
    stops = tuple(
        VehicleStop(
            s.location_id,
            s.arrive,
            s.depart,
            tuple(sorted(shipments_of(requests, s.pickups))),
            tuple(sorted(shipments_of(requests, s.drops))),
        )
        for s in route.stops
    )
    km = sum(
        scenario.road_distance_km(a.location, b.location) for a, b in itertools.pairwise(stops)
    )
    return VehicleRoute(route.vehicle_id, stops, round(km, 3), round(route.cost, 2))


def _alternative(chosen: Itinerary, options: Sequence[Itinerary]) -> Alternative | None:
    for other in options:
        if other.key != chosen.key:
            return Alternative(
                other.describe(),
                round(other.cost - chosen.cost, 2),
                round((other.delivered_at - chosen.delivered_at).total_seconds() / 60, 1),
                round(other.co2_kg - chosen.co2_kg, 3),
            )
    return None
