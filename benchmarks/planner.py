"""Planner benchmark: time, peak memory, checker violations, and the value of optimisation.

    python benchmarks/planner.py [--sizes reference,1000,5000] [--time-limit SECONDS] [--seed N]
        [--bound-limit SECONDS] [--routing-workers N [--worker-concurrency C] [--postgres URL]]

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

Progress lines go to stderr, results to stdout. Time limits are budgets: the planner splits the
time among its stages and returns by the limit plus max(5 s, 5 %). The wall time line splits it
by stage (from the progress reports). Peak memory is given twice: the largest resident set of
this process or of any one worker process, and the peaks of the summed resident sets (RSS) and
of the summed proportional set sizes (PSS, from /proc/PID/smaps_rollup: a page shared by n
processes counts 1/n in each, so the sum counts it once; summed RSS overstates) of this process,
the routing workers and all their descendants (sampled every 0.5 s).

With `--routing-workers N` the routing subproblems are child jobs (see README, "One plan across
workers") solved by N `logistics worker --queues routing --concurrency C` processes on a
temporary database of the PostgreSQL server `--postgres`, this process solving none itself; it
then prints the child jobs' count, solve times (per worker), queue waits, how busy the routing
lanes were, and an estimate of what more lanes (another machine's worker) would buy.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import EmissionFactor, Plan, PlanKpis, Scenario, Shipment, ShipmentPlanStatus
from logistics.planning.costing import factor_table, service_leg_cost
from logistics.planning.itinerary import Itinerary
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.plannable import plannable
from logistics.scenarios.generator import generate_scenario
from logistics.workers.routing_children import child_jobs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from planner_workers import ChildTimes, TreeMemory, child_times, routing_workers

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


STAGES: dict[str, float] = {}  # stage -> when it was first reported (monotonic)


def progress(stage: str, fraction: float, message: str) -> None:
    """Planner progress on stderr, with the time of day; each stage's start kept."""
    STAGES.setdefault(stage, time.monotonic())
    print(f"  [{time.strftime('%H:%M:%S')}] {stage}: {message}", file=sys.stderr, flush=True)


def _stage_seconds(started: float, ended: float) -> str:
    """Seconds of each reported stage, in order."""
    marks = [*sorted(STAGES.items(), key=lambda kv: kv[1]), ("end", ended)]
    parts = [f"{a} {b_at - a_at:.0f}" for (a, a_at), (_, b_at) in itertools.pairwise(marks)]
    first = marks[0][1] - started if marks else 0.0
    return f"start {first:.0f}, " + ", ".join(parts)


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
    parser.add_argument(
        "--routing-workers",
        type=int,
        default=0,
        help="solve the routing subproblems as child jobs on N `logistics worker --queues "
        "routing` processes (a temporary database on --postgres); 0: this machine's pool",
    )
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("LOGISTICS_TEST_POSTGRES_URL", ""),
        help="PostgreSQL server URL for --routing-workers (default: LOGISTICS_TEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--bound-limit",
        type=float,
        default=120.0,
        help="CP-SAT seconds for the plannable bound (0: skip the bound and the baselines)",
    )
    args = parser.parse_args()
    # a SIGTERM stops the routing workers and drops the temporary database (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    factors = read_emission_factors(ROOT / "fixtures" / "emission_factors.csv")
    for size in args.sizes.split(","):
        if args.routing_workers:
            if not args.postgres:
                parser.error("--routing-workers needs --postgres (or LOGISTICS_TEST_POSTGRES_URL)")
            with routing_workers(args.postgres, args.routing_workers, args.worker_concurrency) as (
                url,
                pids,
            ):
                with child_jobs(url, own_lanes=0) as executor:
                    run_size(args, factors, size, [os.getpid(), *pids])
                times = child_times(url, executor.batches)
            report_children(times, args.routing_workers * args.worker_concurrency)
        else:
            run_size(args, factors, size, [os.getpid()])


def report_children(times: ChildTimes, lanes: int) -> None:
    """The child jobs' figures, and what more workers would buy (an estimate)."""
    routing = _routing_wall()
    print(
        f"  routing child jobs   {times.count} ({times.answered} answered); solve time "
        f"{times.solve_s:,.0f} s in all, longest {times.longest_s:.1f} s, mean wait for a "
        f"worker {times.mean_wait_s:.1f} s"
    )
    for who, seconds in sorted(times.by_claimant.items()):
        print(f"    {who:28s} {seconds:8,.0f} s")
    if routing > 0 and times.solve_s > 0:
        busy = times.solve_s / (routing * lanes)
        print(
            f"  routing stages wall  {routing:,.0f} s over {lanes} lane(s): lanes busy "
            f"{100 * busy:.0f} % of it"
        )
        for extra in (1, 2, 4):
            print(
                f"  estimate +{extra} lane(s): the same searches in about "
                f"{times.solve_s / ((lanes + extra) * busy):,.0f} s of routing, or each search "
                f"{(lanes + extra) / lanes:.1f}x as long in the same budget"
            )


def _routing_wall() -> float:
    """Seconds from the first routing report to assembling (the routing rounds)."""
    if "routing" not in STAGES or "assembling" not in STAGES:
        return 0.0
    return STAGES["assembling"] - STAGES["routing"]


def run_size(
    args: argparse.Namespace, factors: Sequence[EmissionFactor], size: str, roots: list[int]
) -> None:
    """Plan one size and print its block."""
    STAGES.clear()
    scenario = (
        read_bundle(ROOT / "fixtures" / "zhengzhou")
        if size == "reference"
        else generate_scenario(shipments=int(size), seed=args.seed)
    )
    n = len(scenario.shipments)
    limit = args.time_limit or max(60.0, 60.0 * n / 500)
    started = time.monotonic()
    with TreeMemory(roots) as memory:
        result = plan(
            scenario,
            options=PlanOptions(time_limit_s=limit, workers=2, seed=args.seed),
            factors=factors,
            progress=progress,
        )
    seconds = time.monotonic() - started
    stages = _stage_seconds(started, started + seconds)
    checked = time.monotonic()
    violations = check_plan(scenario, result)
    checker_s = time.monotonic() - checked
    k = result.kpis or PlanKpis()
    if args.bound_limit <= 0:
        print(f"== {size}: {n} shipments, time limit {limit:.0f} s, seed {args.seed}")
        print(f"  wall time            {seconds:10.1f} s  ({stages}; checker {checker_s:.1f} s)")
        print(f"  checker violations   {len(violations):10d}")
        print(f"  planned / on time    {k.planned} / {k.on_time}")
        print(f"  unplanned by reason  {dict(k.unplanned_by_reason)}")
        print(
            f"  peak memory, all processes {memory.peak / 2**20:10,.0f} MB summed RSS, "
            f"{memory.peak_pss / 2**20:,.0f} MB summed PSS",
            flush=True,
        )
        return
    net = Network(scenario, factor_table(factors))
    bound = plannable(scenario, net, time_limit_s=args.bound_limit, seed=args.seed)
    truck, service = k.truck_cost, k.service_cost
    dedicated = dedicated_truck_cost(scenario, result)
    e_planned, e_on_time, e_service, e_truck = earliest_service_baseline(
        scenario, net, bound.itineraries
    )
    reasons: dict[str, int] = defaultdict(int, k.unplanned_by_reason)
    print(f"== {size}: {n} shipments, time limit {limit:.0f} s, seed {args.seed}")
    print(f"  wall time            {seconds:10.1f} s  ({stages}; checker {checker_s:.1f} s)")
    print(f"  checker violations   {len(violations):10d}")
    for v in violations[:10]:
        print(f"    {v}")
    print(
        f"  feasible / bound / planned {bound.feasible:6d} / {bound.bound} / {k.planned} "
        f"(on time {k.on_time}; best count found for the bound {bound.best})"
    )
    print(f"  planned of the bound {100 * k.planned / max(1, bound.bound):10.1f} %")
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
    print(f"  peak memory so far   {_peak_mb():10,.0f} MB (largest one process)")
    print(
        f"  peak memory, all processes {memory.peak / 2**20:10,.0f} MB summed RSS, "
        f"{memory.peak_pss / 2**20:,.0f} MB summed PSS (shared pages once)",
        flush=True,
    )


if __name__ == "__main__":
    main()
