"""Fuzz benchmark: the planner on scenarios the generator never makes, against a known solution.

    python benchmarks/fuzz.py [--shapes all|NAME,...] [--sizes 5,20,100,500,2000] [--seeds 1,2,3]
                              [--time-limit S] [--out FILE] [--keep-failures]

For each shape of `logistics.scenarios.fuzzer.SHAPES`, size and seed: the fuzzed scenario, the
solution built by construction (`logistics.planning.constructed`: dedicated direct trucks, else
the first service with room and dedicated first- and last-mile trucks; checked by the product's
checker), the proven bound on plannable shipments (`logistics.planning.plannable`: over the
itineraries the search enumerates plus the constructed one; a plan of others may exceed it), the
planner's plan (balanced objective), timed and checked. Per shape it reports deadline overruns
(returned after time limit + max(5 s, 5 %); target 0), checker violations (target 0), planned
against the bound, on time against the constructed solution (target: at least as many, per
run), and cost against it (target <= 0.9x; also per planned shipment, since the two plans may
plan different numbers). Per-run rows go to `--out` (tab-separated), the table to stdout.
`--keep-failures` writes every scenario that overran, broke the checker, raised or delivered
fewer on time than the constructed solution as a bundle `fixtures/scenarios/fuzz/SHAPE-SIZE-sSEED`
(exit status 1 for any of those). Time limit: `--time-limit`, else 10 s below 100
shipments and 0.1 s per shipment above.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from logistics.bundles.writer import write_bundle
from logistics.domain import Scenario
from logistics.planning.constructed import (
    construct,
    constructed_plan,
    on_time,
    planned,
    total_cost,
)
from logistics.planning.costing import factor_table
from logistics.planning.deadline import grace_s
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.plannable import plannable
from logistics.scenarios.fuzzer import SHAPES, fuzz_scenario, with_size

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Run:
    """One scenario's measurements."""

    shape: str
    size: int
    seed: int
    limit_s: float
    elapsed_s: float
    overrun: bool
    violations: int
    error: str
    planned: int
    bound: int
    on_time: int
    cost: float
    built_planned: int
    built_on_time: int
    built_cost: float
    built_violations: int


def _limit(size: int, given: float | None) -> float:
    return given if given is not None else max(10.0, 0.1 * size)


def measure(shape_name: str, size: int, seed: int, limit: float) -> tuple[Run, Scenario]:
    """Fuzz, construct, bound, plan and check one scenario."""
    shape = with_size(next(s for s in SHAPES if s.name == shape_name), size)
    scenario = fuzz_scenario(shape, seed)
    built = constructed_plan(scenario)
    built_violations = len(check_plan(scenario, built))
    bound = plannable(
        scenario,
        Network(scenario, factor_table(())),
        time_limit_s=10.0,
        extra=construct(scenario).chosen,
    ).bound
    error = ""
    started = time.monotonic()
    try:
        result = plan(scenario, options=PlanOptions(time_limit_s=limit, seed=seed))
    except Exception:
        elapsed = time.monotonic() - started
        error = traceback.format_exc().strip().splitlines()[-1]
        run = Run(
            shape_name, size, seed, limit, elapsed, elapsed > limit + grace_s(limit), 0, error,
            0, bound, 0, 0.0, planned(built), on_time(built), total_cost(built), built_violations,
        )  # fmt: skip
        return run, scenario
    elapsed = time.monotonic() - started
    run = Run(
        shape_name,
        size,
        seed,
        limit,
        round(elapsed, 2),
        elapsed > limit + grace_s(limit),
        len(check_plan(scenario, result)),
        error,
        planned(result),
        bound,
        on_time(result),
        total_cost(result),
        planned(built),
        on_time(built),
        total_cost(built),
        built_violations,
    )
    return run, scenario


def broke(run: Run) -> bool:
    """Whether the run found a defect: an overrun, a violation, a crash, or fewer shipments on
    time than the constructed solution."""
    return (
        run.overrun
        or run.violations > 0
        or bool(run.error)
        or run.built_violations > 0
        or run.on_time < run.built_on_time
    )


def table(runs: list[Run]) -> str:
    """The per-shape summary as a Markdown table."""
    lines = [
        "| shape | runs | overruns | violations | planned / bound | on time / constructed "
        "| runs on time >= constructed | cost / constructed | cost per planned / constructed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(r.shape for r in runs):
        mine = [r for r in runs if r.shape == name]
        ratios = [r.cost / r.built_cost for r in mine if r.built_cost > 0 and r.planned]
        per = [
            (r.cost / r.planned) / (r.built_cost / r.built_planned)
            for r in mine
            if r.planned and r.built_planned and r.built_cost > 0
        ]
        crashed = sum(bool(r.error) for r in mine)
        cells = [
            name,
            str(len(mine)),
            str(sum(r.overrun for r in mine)),
            str(sum(r.violations for r in mine)) + (f" + {crashed} crashed" if crashed else ""),
            f"{sum(r.planned for r in mine)} / {sum(r.bound for r in mine)}",
            f"{sum(r.on_time for r in mine)} / {sum(r.built_on_time for r in mine)}",
            f"{sum(r.on_time >= r.built_on_time for r in mine)} of {len(mine)}",
            f"{statistics.median(ratios):.2f}x" if ratios else "-",
            f"{statistics.median(per):.2f}x" if per else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 if any run overran, broke the checker, crashed or missed the
    constructed solution's on-time count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="all")
    parser.add_argument("--sizes", default="5,20,100,500,2000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep-failures", action="store_true")
    args = parser.parse_args(argv)
    names = [s.name for s in SHAPES] if args.shapes == "all" else args.shapes.split(",")
    unknown = set(names) - {s.name for s in SHAPES}
    if unknown:
        parser.error(f"unknown shape(s) {sorted(unknown)}; known: {[s.name for s in SHAPES]}")
    sizes = [int(x) for x in args.sizes.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    runs: list[Run] = []
    header = "\t".join(Run.__dataclass_fields__)
    rows = [header]
    for name in names:
        for size in sizes:
            for seed in seeds:
                run, scenario = measure(name, size, seed, _limit(size, args.time_limit))
                runs.append(run)
                row = "\t".join(str(getattr(run, f)) for f in Run.__dataclass_fields__)
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
                if broke(run) and args.keep_failures:
                    target = ROOT / "fixtures" / "scenarios" / "fuzz" / f"{name}-{size}-s{seed}"
                    write_bundle(scenario, target)
                    print(f"kept {target}", file=sys.stderr, flush=True)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(rows) + "\n")
    print(table(runs))
    return 1 if any(broke(r) for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
