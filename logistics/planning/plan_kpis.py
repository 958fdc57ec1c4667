"""Plan KPIs (REFERENCE-NETWORK 1.3) that are cheap to derive from a plan."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from logistics.domain import (
    PlanKpis,
    Scenario,
    ServiceLoad,
    ShipmentPlan,
    ShipmentPlanStatus,
    VehicleRoute,
)
from logistics.domain.freight import chargeable_kg


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def plan_kpis(
    scenario: Scenario,
    plans: Sequence[ShipmentPlan],
    routes: Sequence[VehicleRoute],
    loads: Sequence[ServiceLoad],
) -> PlanKpis:
    """Counts, cost, on-time, lateness, lead time, CO2 by mode, mode split, trucks and loads."""
    planned = [p for p in plans if p.status is ShipmentPlanStatus.PLANNED]
    truck_cost = sum(r.cost for r in routes)
    service_cost = sum(leg.cost for p in planned for leg in p.legs if leg.service_id)
    cost = service_cost + truck_cost
    chargeable = sum(
        chargeable_kg(
            max((leg.mode for leg in p.legs), key=lambda m: m.value),
            scenario.shipment_by_id[p.shipment_id].weight_kg,
            scenario.shipment_by_id[p.shipment_id].volume_m3,
        )
        for p in planned
    )
    co2_by_mode: dict[str, float] = defaultdict(float)
    tkm_by_mode: dict[str, float] = defaultdict(float)
    for p in planned:
        tonnes = scenario.shipment_by_id[p.shipment_id].weight_kg / 1000
        for leg in p.legs:
            co2_by_mode[leg.mode.value] += leg.co2_kg
            tkm_by_mode[leg.mode.value] += leg.distance_km * tonnes
    lead_h = [
        (p.delivered_at - scenario.shipment_by_id[p.shipment_id].ready_at).total_seconds() / 3600
        for p in planned
        if p.delivered_at
    ]
    late = [p.late_minutes / 60 for p in planned if p.late_minutes > 0]
    changes = Counter(p.change.value for p in plans if p.change is not None)
    return PlanKpis(
        shipments=len(plans),
        planned=len(planned),
        unplanned=len(plans) - len(planned),
        unplanned_by_reason=dict(Counter(p.reason.value for p in plans if p.reason is not None)),
        on_time=sum(1 for p in planned if p.on_time),
        on_time_share=round(sum(1 for p in planned if p.on_time) / len(planned), 4)
        if planned
        else 0.0,
        late_hours_total=round(sum(late), 2),
        late_hours_avg=round(sum(late) / len(late), 2) if late else 0.0,
        cost=round(cost, 2),
        service_cost=round(service_cost, 2),
        truck_cost=round(truck_cost, 2),
        cost_per_chargeable_kg=round(cost / chargeable, 3) if chargeable else 0.0,
        co2_kg=round(sum(co2_by_mode.values()), 2),
        co2_kg_by_mode={m: round(v, 2) for m, v in sorted(co2_by_mode.items())},
        tkm_by_mode={m: round(v, 1) for m, v in sorted(tkm_by_mode.items())},
        lead_time_h_avg=round(sum(lead_h) / len(lead_h), 2) if lead_h else 0.0,
        lead_time_h_p95=round(_percentile(lead_h, 0.95), 2),
        trucks_used=len(routes),
        truck_km=round(sum(r.distance_km for r in routes), 1),
        transshipments_avg=round(sum(len(p.legs) - 1 for p in planned) / len(planned), 2)
        if planned
        else 0.0,
        service_load_factor_avg=round(sum(s.utilization for s in loads) / len(loads), 4)
        if loads
        else 0.0,
        # against the incumbents (accepted itineraries) the plan was given: kept / changed / dropped
        against_incumbent=dict(sorted(changes.items())) if changes else None,
    )
