"""Ingestion cost per event and phase through the service layer (profiling aid for README).

    python benchmarks/ingestion_phases.py [--database sqlite|postgres] [--events N] [--batch N]
                                          [--profile FILE]

Sets up the database as `ingestion.py` does (1,000 shipments booked on two legs), then ingests
`--events` unified events with `feed_ingest.ingest_unified_batch` in batches of `--batch`, one
transaction each, timing each phase with `time.perf_counter_ns` (wrapping the functions that do
it) and printing µs per event, wall-clock and this process's CPU (the PostgreSQL backend's is
not in it): the single pass (parse, check, hash, column values), the subject
check, the insert (which tells duplicates too), the stale marking, the commit, and the rest. With
`--profile`, cProfile stats of the same run are written to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ingestion import book_all
from tracking import events_for, fresh_database

from logistics.domain.scenario import Scenario
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.repositories import tracking_events, tracking_state
from logistics.scenarios.generator import generate_scenario
from logistics.services import feed_ingest, tracking_ingest, tracking_refresh
from logistics.services.import_scenario import import_scenario

SPENT: dict[str, int] = defaultdict(int)
"""Wall-clock ns per phase."""
CPU: dict[str, int] = defaultdict(int)
"""This process's CPU ns per phase (what the load of other processes changes least)."""


def timed(owner: Any, name: str, phase: str) -> None:
    """Replace `owner.name` by a wrapper adding its time to SPENT[phase]."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter_ns(), time.process_time_ns()
        try:
            return inner(*args, **kwargs)
        finally:
            SPENT[phase] += time.perf_counter_ns() - started
            CPU[phase] += time.process_time_ns() - cpu

    setattr(owner, name, wrapper)


def main() -> None:
    """Time the phases on a fresh database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-admin-url", default=os.environ.get("LOGISTICS_TEST_POSTGRES_URL")
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--profile")
    args = parser.parse_args()
    with fresh_database(args.database, args.postgres_admin_url) as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        scenario: Scenario = generate_scenario(shipments=1000, seed=1)
        with session_scope(factory) as session:
            import_scenario(session, scenario)
            book_all(session, scenario)
        with session_scope(factory) as session:
            tracking_refresh.refresh(session)
        shipments = [(s.id, s.ready_at) for s in scenario.shipments]
        events = events_for(shipments, args.events, "svc")
        batches = [events[i : i + args.batch] for i in range(0, len(events), args.batch)]
        timed(feed_ingest, "parse_unified_flat", "single pass (parse, check, hash, columns)")
        timed(tracking_events, "known_subjects", "subject check (SQL)")
        timed(tracking_events, "add_new", "insert, duplicates told (SQL, with conversions)")
        timed(tracking_state, "mark_touched", "stale marking (SQL)")
        profiler = cProfile.Profile() if args.profile else None
        total = commit = total_cpu = commit_cpu = 0
        for batch in batches:
            started, cpu = time.perf_counter_ns(), time.process_time_ns()
            if profiler:
                profiler.enable()
            with session_scope(factory) as session:
                feed_ingest.ingest_unified_batch(session, batch)
                before_commit = time.perf_counter_ns()
                before_commit_cpu = time.process_time_ns()
            ended, ended_cpu = time.perf_counter_ns(), time.process_time_ns()
            if profiler:
                profiler.disable()
            commit += ended - before_commit
            total += ended - started
            commit_cpu += ended_cpu - before_commit_cpu
            total_cpu += ended_cpu - cpu
        assert tracking_ingest  # the service the phases belong to
        SPENT["commit (and session close)"] = commit
        CPU["commit (and session close)"] = commit_cpu
        rest = "rest (service code, session, answers)"
        SPENT[rest] = total - sum(SPENT.values())
        CPU[rest] = total_cpu - sum(CPU.values())
        SPENT["total"], CPU["total"] = total, total_cpu
        count = len(events)
        print(f"== {args.database}: {count:,} events in batches of {args.batch}")
        print(f"  {'phase':45s} {'wall µs/event':>14s} {'CPU µs/event (this process)':>28s}")
        for phase, ns in SPENT.items():
            print(f"  {phase:45s} {ns / count / 1000:14.2f} {CPU[phase] / count / 1000:28.2f}")
        print(f"  wall rate {count / total * 1e9:,.0f} events/s")
        if profiler and args.profile:
            profiler.dump_stats(args.profile)
        engine.dispose()


if __name__ == "__main__":
    main()
