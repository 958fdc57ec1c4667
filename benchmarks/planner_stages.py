"""The planner's stages before routing, one at a time: time, optional profile, output digest.

    python benchmarks/planner_stages.py [--size 20000] [--seed 1]
        [--stage construct|search|assign|all] [--profile FILE] [--top N]
        [--bundle fixtures/bundles/NAME] [--first N]

Runs on a scenario generated as `benchmarks/planner.py` does (or a bundle), without a time limit:
- construct: the safety net's construction (`constructed.construct`) over every shipment;
- search: every shipment's best 5 itineraries (`itinerary_search.search`, balanced preset);
- assign: the search, then the service assignment (`service_assignment.assign`) over its
  itineraries, as the first round does (a time limit of 20 s + 1 s per 100 shipments, half of
  it).

Prints each stage's wall time and a digest of its output (SHA-256 of every itinerary's key,
times, cost, CO2 and score, in shipment order), so a speed change can show it gives the same
result. `--profile FILE` writes a cProfile of the selected stage(s) and prints the top entries.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.planning.constructed import Construction, construct
from logistics.planning.costing import factor_table
from logistics.planning.itinerary import Itinerary
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import PRESETS
from logistics.planning.service_assignment import Preferences, assign
from logistics.scenarios.generator import generate_scenario

ROOT = Path(__file__).resolve().parents[1]


def itinerary_text(it: Itinerary) -> str:
    """Everything the later stages read of an itinerary, as text."""
    segs = ";".join(
        f"{s.from_location}>{s.to_location}@{s.depart.isoformat()}/{s.arrive.isoformat()}"
        f":{s.service.id if s.service else '-'}"
        for s in it.segments
    )
    return (
        f"{it.shipment_id}|{segs}|{it.delivered_at.isoformat()}|{it.cost!r}|{it.co2_kg!r}"
        f"|{it.score!r}|{it.late_minutes}"
    )


def digest(lines: list[str]) -> str:
    """SHA-256 of the lines, first 16 hex digits."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def search_all(
    scenario: Scenario, net: Network
) -> tuple[dict[str, list[Itinerary]], dict[str, tuple[object, str]]]:
    """Every shipment's best 5 itineraries under the balanced preset (or why none)."""
    preset = PRESETS["balanced"]
    offered: dict[str, list[Itinerary]] = {}
    reasons: dict[str, tuple[object, str]] = {}
    for sh in scenario.shipments:
        found, reason, detail = search(net, sh, preset, k=5)
        if found:
            offered[sh.id] = found
        else:
            reasons[sh.id] = (reason, detail)
    return offered, reasons


def main() -> None:
    """Parse the arguments and run the stages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", default="")
    parser.add_argument("--stage", default="all", choices=["construct", "search", "assign", "all"])
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--first", type=int, default=0, help="run the stages on the first N shipments only"
    )
    args = parser.parse_args()
    scenario = (
        read_bundle(ROOT / args.bundle)
        if args.bundle
        else generate_scenario(shipments=args.size, seed=args.seed)
    )
    if args.first:
        scenario = replace(scenario, shipments=scenario.shipments[: args.first])
    factors = read_emission_factors(ROOT / "fixtures" / "emission_factors.csv")
    prof = cProfile.Profile() if args.profile else None
    name = args.bundle or f"generated {args.size}, seed {args.seed}"
    print(f"== {name}: {len(scenario.shipments)} shipments", flush=True)

    def timed(stage: str, fn):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        if prof is not None:
            prof.enable()
        out = fn()
        if prof is not None:
            prof.disable()
        print(f"  {stage:12s} {time.monotonic() - started:8.1f} s", flush=True)
        return out

    if args.stage in ("construct", "all"):
        built: Construction = timed("construct", lambda: construct(scenario))
        lines = [itinerary_text(built.chosen[sid]) for sid in sorted(built.chosen)]
        lines += [f"{sid}|{r[0]}|{r[1]}" for sid, r in sorted(built.reasons.items())]
        print(f"    constructed {len(built.chosen)}, digest {digest(lines)}")
    if args.stage in ("search", "assign", "all"):
        net = Network(scenario, factor_table(factors))
        offered, reasons = timed("search", lambda: search_all(scenario, net))
        lines = [itinerary_text(it) for sid in sorted(offered) for it in offered[sid]]
        lines += [f"{sid}|{r[0]}|{r[1]}" for sid, r in sorted(reasons.items())]
        print(
            f"    with itineraries {len(offered)}, "
            f"{sum(len(v) for v in offered.values())} itineraries, digest {digest(lines)}"
        )
        if args.stage in ("assign", "all"):
            capacities = {s.id: (s.capacity_kg, s.capacity_m3) for s in scenario.services}
            limit = 0.5 * (20.0 + len(offered) / 100)
            chosen, status = timed(
                "assign",
                lambda: assign(
                    scenario.shipments,
                    offered,
                    capacities,
                    time_limit_s=limit,
                    seed=args.seed,
                    preferences=Preferences(True),
                ),
            )
            lines = [itinerary_text(chosen[sid]) for sid in sorted(chosen)]
            on_time = sum(1 for it in chosen.values() if it.late_minutes == 0)
            print(
                f"    assigned {len(chosen)} ({on_time} on time), status {status}, "
                f"limit {limit:.1f} s, digest {digest(lines)}"
            )
    if prof is not None:
        prof.dump_stats(args.profile)
        pstats.Stats(args.profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(args.profile, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
