"""Routing memory benchmark: the largest truck subproblems of a large plan, solved through the
planner's real executor, with the solver processes' peak RSS and PSS.

    python benchmarks/routing_memory.py [--shipments 20000] [--seed 1] [--count 8]
        [--time-limit 20] [--workers 2] [--legs-cache PATH]

It generates the scenario as `benchmarks/planner.py` does (`generate_scenario`, same seed), takes
every shipment's best itinerary (`itinerary_search.search`, k=1, `balanced`: the legs the
assignment would start from, ignoring service capacities), splits their truck legs into
subproblems with this checkout's `truck_waves.subproblems` and solves the `--count` largest (by
shifts x requests, the size of the OR-Tools model) with `LocalExecutor` (the watchdog pool the
planner uses, `--workers` at a time, each with `--time-limit` seconds).

A sampler thread reads /proc/PID/smaps_rollup of every routing solver process (children of this
process running `logistics.planning.routing.worker`) every 0.2 s: RSS (resident pages) and PSS
(a page shared by n processes counts 1/n in each, so PSS adds up). It prints the peak of each,
per process and summed, how many solver processes ran and how many the memory cap retired,
and what the solves served. The legs are the expensive part (the itinerary search takes minutes
at 20,000): `--legs-cache` keeps them in a pickle, so a run of another checkout (the code before
a change, `PYTHONPATH=/that/checkout`) splits and solves the same legs.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from logistics.domain import Scenario
from logistics.planning import truck_waves
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.routing import RoutingOptions, watchdog
from logistics.planning.routing.executor import LocalExecutor, RoutingTask
from logistics.planning.truck_legs import TruckLeg, truck_legs
from logistics.planning.truck_stage import routing_problem
from logistics.planning.truck_waves import Subproblem, subproblems
from logistics.scenarios.generator import generate_scenario

sys.path.insert(0, str(Path(__file__).resolve().parent))

from planner_workers import rss_pss

WORKER = b"logistics.planning.routing.worker"


def _solver_pids() -> list[int]:
    """The routing solver processes this process started (from /proc)."""
    found = []
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                if WORKER in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(int(pid))
            except OSError:
                continue
    return found


@dataclass
class SolverMemory:
    """Peak RSS and PSS of the routing solver processes, each and summed (bytes)."""

    every_s: float = 0.2
    rss: dict[int, int] = field(default_factory=dict)
    pss: dict[int, int] = field(default_factory=dict)
    sum_rss: int = 0
    sum_pss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        sizes = {pid: rss_pss(pid) for pid in _solver_pids()}
        for pid, (rss, pss) in sizes.items():
            self.rss[pid] = max(self.rss.get(pid, 0), rss)
            self.pss[pid] = max(self.pss.get(pid, 0), pss)
        self.sum_rss = max(self.sum_rss, sum(r for r, _ in sizes.values()))
        self.sum_pss = max(self.sum_pss, sum(p for _, p in sizes.values()))

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def __enter__(self) -> SolverMemory:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def legs_of(shipments: int, seed: int, cache: Path | None) -> list[TruckLeg]:
    """The truck legs of every shipment's best itinerary (from `cache` if it has them)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            legs: list[TruckLeg] = pickle.load(f)
        return legs
    scenario = generate_scenario(shipments=shipments, seed=seed)
    net = Network(scenario, {})
    preset = objective_named("balanced")
    best = {}
    for sh in scenario.shipments:
        found = search(net, sh, preset, k=1)[0]
        if found:
            best[sh.id] = found[0]
    legs = truck_legs(scenario, best)
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(legs, f)
    return legs


def _commit() -> str:
    """The commit of the checkout whose planner is imported."""
    import logistics

    root = Path(logistics.__file__).resolve().parents[1]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return f"not a git checkout ({root})"
    return f"{out.stdout.strip()} ({root})"


def main() -> None:
    """Split, solve the largest subproblems, print the solver processes' memory."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=8, help="largest subproblems solved")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per subproblem")
    parser.add_argument("--workers", type=int, default=2, help="solver processes at a time")
    parser.add_argument("--legs-cache", type=Path, default=None)
    parser.add_argument(
        "--searched",
        type=int,
        default=None,
        help="only the legs of the first N shipments (a plan whose itinerary search ran out of "
        "time: fewer legs per wave, so more shifts per subproblem before the bound)",
    )
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        help="instead: the N largest subproblems whose wave offers more shifts than the bound, "
        "each solved twice, with its bounded shifts and with all the wave's shifts (the same "
        "requests), to compare what they serve and cost",
    )
    args = parser.parse_args()

    searched = "" if args.searched is None else f", legs of the first {args.searched}"
    print(f"== routing memory: {args.shipments} shipments, seed {args.seed}{searched}")
    print(f"  code                 {_commit()}")
    cap = os.environ.get("LOGISTICS_ROUTING_SOLVER_MEMORY_MB", "unset (the code's default)")
    print(f"  memory cap (MB)      {cap}")
    print(f"  load average         {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    scenario = generate_scenario(shipments=args.shipments, seed=args.seed)
    legs = legs_of(args.shipments, args.seed, args.legs_cache)
    if args.searched is not None:
        first = {sh.id for sh in scenario.shipments[: args.searched]}
        legs = [leg for leg in legs if leg.shipment.id in first]
    splitting = time.monotonic()
    net = Network(scenario, {})
    subs = subproblems(scenario, net, legs)
    print(
        f"  split                {len(legs):,} truck legs into {len(subs)} subproblems "
        f"(split {time.monotonic() - splitting:.1f} s); shifts offered in all "
        f"{sum(len(s.vehicles) for s in subs):,} of {len(scenario.vehicles):,}"
    )
    if args.compare:
        compare(scenario, net, legs, subs, args)
        return
    largest = sorted(subs, key=lambda s: (-len(s.vehicles) * len(s.legs), -len(s.legs)))
    largest = largest[: args.count]
    problems = [routing_problem(scenario, s.depots, s.legs, s.vehicles) for s in largest]
    for p in problems:
        print(f"    {len(p.requests):4d} requests x {len(p.vehicles):5d} shifts")
    deadline = time.time() + args.time_limit * 1.6 * len(problems) / args.workers + 30
    tasks = [
        RoutingTask(p, RoutingOptions(time_limit_s=args.time_limit, seed=args.seed), deadline)
        for p in problems
    ]
    watchdog.prestart(args.workers)
    solving = time.monotonic()
    with SolverMemory() as memory:
        solutions = LocalExecutor().solve(tasks, args.workers)
        watchdog.shutdown()
    seconds = time.monotonic() - solving
    served = sum(len(p.requests) - len(s.dropped) for p, s in zip(problems, solutions, strict=True))
    cost = sum(s.total_cost for s in solutions)
    mb = 2**20
    print(
        f"  solved               {len(problems)} subproblems in {seconds:.0f} s, {args.workers} at a time"
    )
    print(
        f"  served               {served:,} of {sum(len(p.requests) for p in problems):,} "
        f"requests, cost {cost:,.0f}; statuses {sorted(s.stats.status for s in solutions)}"
    )
    print(
        f"  solver processes     {len(memory.rss)} ran, {len(getattr(watchdog, 'RETIRED', ()))} retired above the cap"
    )
    print(
        f"  peak per process     RSS {max(memory.rss.values(), default=0) / mb:,.0f} MB, "
        f"PSS {max(memory.pss.values(), default=0) / mb:,.0f} MB"
    )
    print(
        f"  peak summed          RSS {memory.sum_rss / mb:,.0f} MB, "
        f"PSS {memory.sum_pss / mb:,.0f} MB (solver processes only)"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  this process         peak RSS {own:,.0f} MB (scenario, legs, models)", flush=True)


def compare(
    scenario: Scenario,
    net: Network,
    legs: list[TruckLeg],
    subs: list[Subproblem],
    args: argparse.Namespace,
) -> None:
    """Bounded shifts against the whole wave's, on the same requests."""
    bound = truck_waves.MAX_VEHICLES
    truck_waves.MAX_VEHICLES = 10**9  # (each chunk offered its whole share of the wave)
    try:
        whole = {_requests(s): s for s in subproblems(scenario, net, legs)}
    finally:
        truck_waves.MAX_VEHICLES = bound
    pairs = [
        (s, whole[_requests(s)])
        for s in sorted(subs, key=lambda s: -len(s.legs))
        if _requests(s) in whole and len(whole[_requests(s)].vehicles) > len(s.vehicles)
    ][: args.compare]
    problems = [
        routing_problem(scenario, s.depots, s.legs, s.vehicles) for pair in pairs for s in pair
    ]
    deadline = time.time() + args.time_limit * 1.6 * len(problems) / args.workers + 30
    options = RoutingOptions(time_limit_s=args.time_limit, seed=args.seed)
    solutions = LocalExecutor().solve(
        [RoutingTask(p, options, deadline) for p in problems], args.workers
    )
    print("  requests  shifts  served  cost (bounded, then the whole wave)")
    for p, s in zip(problems, solutions, strict=True):
        served = len(p.requests) - len(s.dropped)
        print(f"  {len(p.requests):8d} {len(p.vehicles):7d} {served:7d}  {s.total_cost:10,.0f}")
    print(f"  load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _requests(sub: Subproblem) -> frozenset[str]:
    return frozenset(leg.request_id for leg in sub.legs)


if __name__ == "__main__":
    main()
