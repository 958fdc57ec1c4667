"""Planner benchmark: time, peak memory, checker violations, and the value of consolidation.

    python benchmarks/planner.py [--sizes reference,1000] [--time-limit SECONDS] [--seed N]

For each size (the reference bundle, or a generated one with N shipments) it plans, checks the
plan, and compares the plan's truck cost with a naive baseline that sends one dedicated truck per
truck leg (the cheapest suitable truck type: fixed cost + depot -> pickup -> drop -> depot km and
hours), at the same legs and so the same service level.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario, ShipmentPlanStatus
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.scenarios.generator import generate_scenario

ROOT = Path(__file__).resolve().parents[1]


def dedicated_truck_cost(scenario: Scenario, result_plan) -> float:  # type: ignore[no-untyped-def]
    """Cost if every truck leg of the plan had its own truck trip (no consolidation)."""
    total = 0.0
    for sp in result_plan.shipments:
        if sp.status is not ShipmentPlanStatus.PLANNED:
            continue
        sh = scenario.shipment_by_id[sp.shipment_id]
        for leg in sp.legs:
            if leg.vehicle_id is None:
                continue
            depot = scenario.vehicle_by_id[leg.vehicle_id].depot
            best = float("inf")
            for v in scenario.vehicles:
                if (
                    v.depot != depot
                    or v.capacity_kg < sh.weight_kg
                    or v.capacity_m3 < sh.volume_m3
                    or not sh.fits(v.capabilities)
                ):
                    continue
                km = (
                    scenario.road_distance_km(depot, leg.from_location)
                    + scenario.road_distance_km(leg.from_location, leg.to_location)
                    + scenario.road_distance_km(leg.to_location, depot)
                )
                hours = (
                    km / v.speed_kmh
                    + 2 * scenario.location_by_id[leg.from_location].service_minutes / 60
                )
                best = min(best, v.fixed_cost + v.cost_per_km * km + v.cost_per_hour * hours)
            total += best
    return total


def main() -> None:
    """Run and print one line per size."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="reference,1000")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    factors = read_emission_factors(ROOT / "fixtures" / "emission_factors.csv")
    print(
        f"{'size':>10}{'planned':>9}{'on time':>9}{'sec':>8}{'violations':>11}{'truck cost':>12}{'dedicated':>12}{'saving':>8}"
    )
    for size in args.sizes.split(","):
        scenario = (
            read_bundle(ROOT / "fixtures" / "zhengzhou")
            if size == "reference"
            else generate_scenario(shipments=int(size), seed=args.seed)
        )
        started = time.monotonic()
        result = plan(scenario, time_limit_s=args.time_limit, factors=factors, workers=2)
        seconds = time.monotonic() - started
        violations = check_plan(scenario, result)
        truck = float(result.kpis["truck_cost"])
        naive = dedicated_truck_cost(scenario, result)
        print(
            f"{size:>10}{result.kpis['planned']:>9}{result.kpis['on_time']:>9}{seconds:>8.1f}{len(violations):>11}"
            f"{truck:>12,.0f}{naive:>12,.0f}{(1 - truck / naive) * 100 if naive else 0:>7.1f}%",
            flush=True,
        )
    peak_mb = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    print(f"peak resident memory of one process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
