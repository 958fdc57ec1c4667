"""Planner benchmark: time, peak memory, checker violations, and the value of optimisation.

    python benchmarks/planner.py [--sizes reference,1000,5000] [--time-limit SECONDS] [--seed N]

For each size (the reference bundle, or a bundle generated with N shipments) it plans with the
`balanced` objective, checks the plan with the product's checker, counts the shipments that have
at least one feasible itinerary, computes an upper bound on how many of them can be planned at
once (`logistics.planning.plannable`: every itinerary the search finds, and the largest number of
shipments CP-SAT proves fit the service capacities together, ignoring cost and truck
competition), and compares the plan with two naive baselines computed here:

- dedicated: the plan's own itineraries, but one dedicated truck trip per truck leg (the cheapest
  suitable truck of the leg's depot: fixed cost + depot -> pickup -> drop -> depot km and hours),
  so the same service level with no consolidation;
- earliest: shipments in order of ready time each take the feasible itinerary whose first
  scheduled service departs earliest (direct trucks only where no service itinerary exists) while
  the services still have room, each truck leg a dedicated trip.

Progress lines go to stderr, results to stdout. Time limits are budgets: the planner splits the time among its stages, so the wall time is the
budget plus itinerary search and assembly. Peak memory is the largest resident set of this process
and of any one worker process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, Shipment, ShipmentPlanStatus
from logistics.planning.costing import factor_table, service_leg_cost
from logistics.planning.itinerary_search import Itinerary, Network
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plannable import plannable
from logistics.scenarios.generator import generate_scenario

ROOT = Path(__file__).resolve().parents[1]


def dedicated_trip_cost(
    scenario: Scenario, depots: set[str], sh: Shipment, a: str, b: str
) -> float:
    """The cheapest dedicated trip depot -> a -> b -> depot by a suitable truck of `depots`."""
    best = float("inf")
    for v in scenario.vehicles:
        if (
            v.depot not in depots
            or v.capacity_kg < sh.weight_kg
            or v.capacity_m3 < sh.volume_m3
            or not sh.fits(v.capabilities)
        ):
            continue
        km = (
            scenario.road_distance_km(v.depot, a)
            + scenario.road_distance_km(a, b)
            + scenario.road_distance_km(b, v.depot)
        )
        hours = km / v.speed_kmh + 2 * scenario.location_by_id[a].service_minutes / 60
        best = min(best, v.fixed_cost + v.cost_per_km * km + v.cost_per_hour * hours)
    return best


def dedicated_truck_cost(scenario: Scenario, result: Plan) -> float:
    """Truck cost if every truck leg of the plan had its own truck trip (no consolidation)."""
    total = 0.0
    for sp in result.shipments:
        if sp.status is not ShipmentPlanStatus.PLANNED:
            continue
        sh = scenario.shipment_by_id[sp.shipment_id]
        for leg in sp.legs:
            if leg.vehicle_id is not None:
                depot = scenario.vehicle_by_id[leg.vehicle_id].depot
                total += dedicated_trip_cost(
                    scenario, {depot}, sh, leg.from_location, leg.to_location
                )
    return total


def _first_departure(it: Itinerary) -> tuple[int, float]:
    services = [s.service for s in it.segments if s.service is not None]
    if not services:
        return (1, it.delivered_at.timestamp())
    return (0, services[0].departure.timestamp())


def earliest_service_baseline(
    scenario: Scenario, net: Network, itineraries: dict[str, list[Itinerary]]
) -> tuple[int, int, float, float]:
    """(planned, on time, service cost, truck cost) of the earliest-feasible-service baseline."""
    left_kg: dict[str, float] = {s.id: s.capacity_kg for s in scenario.services}
    left_m3: dict[str, float] = {s.id: s.capacity_m3 for s in scenario.services}
    planned = on_time = 0
    service_cost = truck_cost = 0.0
    for sh in sorted(scenario.shipments, key=lambda s: (s.ready_at, s.id)):
        for it in sorted(itineraries.get(sh.id, ()), key=_first_departure):
            services = [s.service for s in it.segments if s.service is not None]
            if any(left_kg[s.id] < sh.weight_kg or left_m3[s.id] < sh.volume_m3 for s in services):
                continue
            for s in services:
                left_kg[s.id] -= sh.weight_kg
                left_m3[s.id] -= sh.volume_m3
                service_cost += service_leg_cost(s, sh.weight_kg, sh.volume_m3)
            for seg in it.segments:
                if seg.service is None:
                    depots = set(net.depots_near(seg.from_location))
                    truck_cost += dedicated_trip_cost(
                        scenario, depots, sh, seg.from_location, seg.to_location
                    )
            planned += 1
            on_time += it.delivered_at <= sh.due_at
            break
    return planned, on_time, service_cost, truck_cost


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, child) / 1024


def progress(stage: str, fraction: float, message: str) -> None:
    """Planner progress on stderr, with the time of day."""
    print(f"  [{time.strftime('%H:%M:%S')}] {stage}: {message}", file=sys.stderr, flush=True)


def main() -> None:
    """Run and print one block per size."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="reference,1000")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="default: 60 s per 500 shipments, at least 60 s",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    factors = read_emission_factors(ROOT / "fixtures" / "emission_factors.csv")
    for size in args.sizes.split(","):
        scenario = (
            read_bundle(ROOT / "fixtures" / "zhengzhou")
            if size == "reference"
            else generate_scenario(shipments=int(size), seed=args.seed)
        )
        n = len(scenario.shipments)
        limit = args.time_limit or max(60.0, 60.0 * n / 500)
        started = time.monotonic()
        result = plan(
            scenario,
            time_limit_s=limit,
            factors=factors,
            workers=2,
            seed=args.seed,
            progress=progress,
        )
        seconds = time.monotonic() - started
        violations = check_plan(scenario, result)
        net = Network(scenario, factor_table(factors))
        bound = plannable(scenario, net, time_limit_s=120.0, seed=args.seed)
        k = result.kpis
        truck, service = float(k["truck_cost"]), float(k["service_cost"])
        dedicated = dedicated_truck_cost(scenario, result)
        e_planned, e_on_time, e_service, e_truck = earliest_service_baseline(
            scenario, net, bound.itineraries
        )
        reasons: dict[str, int] = defaultdict(int, k["unplanned_by_reason"])
        print(f"== {size}: {n} shipments, time limit {limit:.0f} s, seed {args.seed}")
        print(f"  wall time            {seconds:10.1f} s")
        print(f"  checker violations   {len(violations):10d}")
        for v in violations[:10]:
            print(f"    {v}")
        print(
            f"  feasible / bound / planned {bound.feasible:6d} / {bound.bound} / {k['planned']} "
            f"(on time {k['on_time']}; best count found for the bound {bound.best})"
        )
        print(f"  planned of the bound {100 * k['planned'] / max(1, bound.bound):10.1f} %")
        print(f"  unplanned by reason  {dict(reasons)}")
        print(
            f"  plan cost            {truck + service:14,.0f}  (trucks {truck:,.0f}, services {service:,.0f})"
        )
        print(
            f"  dedicated trucks     {service + dedicated:14,.0f}  (trucks {dedicated:,.0f}: "
            f"consolidation saves {(1 - truck / dedicated) * 100 if dedicated else 0:.1f} % of truck cost)"
        )
        print(
            f"  earliest service     {e_service + e_truck:14,.0f}  (trucks {e_truck:,.0f}, services {e_service:,.0f}; "
            f"planned {e_planned}, on time {e_on_time}; plan saves "
            f"{(1 - (truck + service) / (e_service + e_truck)) * 100 if e_truck + e_service else 0:.1f} %)"
        )
        print(f"  peak memory so far   {_peak_mb():10,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
