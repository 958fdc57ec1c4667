"""Disruption-to-recovery benchmark: a week of shipments booked and moving, then a freighter
cancelled; how long until a recovery proposal is ready, and what it changes.

    python benchmarks/recovery.py [--shipments 1000] [--seed 1] [--plan-time-limit 60]
                                  [--recovery-time-limit 30] [--database-url URL]

Steps, all through the product's services on a real database (a temporary SQLite file unless
`--database-url` names an empty one):

1. generate the scenario, import it, plan it at the start of the week and accept the plan;
2. move the clock two days on and report every booked movement that was due to leave or arrive
   by then as having done so on time (flights, trains and trucks), then refresh tracking;
3. cancel the air service departing after now with the most shipments booked on it
   (`disruptions.report`, which refreshes the shipments booked on it at once);
4. plan the recovery of the shipments it left needing a replan, timed from the report to the
   proposal being ready and checked;
5. read the difference, accept it, and count: bookings changed among unaffected shipments
   (target 0), affected shipments rebooked on time, rebooked late and unrecoverable (with a
   reason), and the shipments still needing a replan afterwards that the recovery had planned
   (a feasible alternative left unused; target 0).

Results go to stdout as JSON lines and to benchmarks/results/recovery/ with the date.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _set_clock(when: datetime) -> None:
    from logistics.settings import get_settings

    os.environ["LOGISTICS_NOW"] = when.isoformat()
    get_settings.cache_clear()


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shipments", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan-time-limit", type=float, default=60.0)
    parser.add_argument("--recovery-time-limit", type=float, default=30.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from logistics.domain import Disruption, DisruptionKind, Principal, Role
    from logistics.persistence.database import make_engine, make_session_factory, session_scope
    from logistics.persistence.migrate import upgrade_to_head
    from logistics.persistence.repositories import booked_legs, tracking_state
    from logistics.scenarios.generator import generate_scenario
    from logistics.services import disruptions, plan_jobs, tracking_refresh
    from logistics.services.feed_ingest import ingest_unified_batch
    from logistics.services.import_scenario import import_scenario
    from logistics.services.plan_diff import diff_against_bookings
    from logistics.workers import plan_run

    folder = tempfile.mkdtemp(prefix="recovery-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    coordinator = Principal(key_id="benchmark", role=Role.COORDINATOR)
    scenario = generate_scenario(shipments=args.shipments, seed=args.seed)
    start = min(s.ready_at for s in scenario.shipments).astimezone(UTC) - timedelta(hours=1)
    _set_clock(start)
    with session_scope(factory) as session:
        import_scenario(session, scenario)
        job = plan_jobs.create_job(
            session,
            coordinator,
            objective="balanced",
            time_limit_s=args.plan_time_limit,
            seed=0,
            shipment_ids=None,
        )
        first_id = job.id
    _say(f"planning {args.shipments} shipments at {start.isoformat()}")
    assert plan_run.run_job(url, first_id) == "done"
    with session_scope(factory) as session:
        booked = plan_jobs.accept_job(session, first_id)
    _say(f"accepted: {booked} shipments booked")

    now = start + timedelta(days=2)
    _set_clock(now)
    with session_scope(factory) as session:
        legs = booked_legs.all_legs(session)
        seen: set[tuple[str, str, str]] = set()
        events = []
        for leg in legs:
            subject = (
                {"service_id": leg.service_id} if leg.service_id else {"vehicle_id": leg.vehicle_id}
            )
            for milestone, place, when in (
                ("DEPARTED", leg.from_location, leg.planned_depart),
                ("ARRIVED", leg.to_location, leg.planned_arrive),
            ):
                key = (str(subject), milestone, place)
                if when > now or key in seen:
                    continue
                seen.add(key)
                events.append(
                    {
                        "event_id": f"sim-{len(events)}",
                        "source": "benchmark",
                        "milestone": milestone,
                        "time_type": "ACTUAL",
                        "event_time": when.isoformat(),
                        "location": place,
                        **subject,
                    }
                )
        for i in range(0, len(events), 1000):
            ingest_unified_batch(session, events[i : i + 1000])
        _say(f"{len(events)} movement events up to {now.isoformat()}; refreshing tracking")
        tracking_refresh.refresh(session)
        on_service = Counter(
            leg.service_id for leg in legs if leg.service_id and leg.planned_depart > now
        )
        services = {s.id: s for s in scenario.services}
        air = [sid for sid, _ in on_service.most_common() if services[sid].mode.value == "air"]
        flight = air[0]
        before = {
            sid: [(r.leg_index, r.service_id, r.vehicle_id, r.planned_depart) for r in rows]
            for sid, rows in _bookings(session, booked_legs).items()
        }
    _say(f"cancelling {flight} ({on_service[flight]} shipments booked)")
    began = time.monotonic()
    with session_scope(factory) as session:
        outcome = disruptions.report(
            session,
            Disruption(
                id="bench-cancel",
                kind=DisruptionKind.SERVICE_CANCELLED,
                reported_at=now,
                service_id=flight,
            ),
            reported_by=None,
        )
        affected = list(outcome.needing_replan)
        job = plan_jobs.create_job(
            session,
            coordinator,
            objective="balanced",
            time_limit_s=args.recovery_time_limit,
            seed=0,
            shipment_ids=affected,
        )
        recovery_id = job.id
    marked_s = time.monotonic() - began
    assert plan_run.run_job(url, recovery_id) == "done"
    ready_s = time.monotonic() - began
    with session_scope(factory) as session:
        document = json.loads(plan_jobs.get_job(session, recovery_id).result or "{}")
        changes = diff_against_bookings(session, recovery_id)
        plan_jobs.accept_job(session, recovery_id)
    with session_scope(factory) as session:
        tracking_refresh.refresh(session)
        after = {
            sid: [(r.leg_index, r.service_id, r.vehicle_id, r.planned_depart) for r in rows]
            for sid, rows in _bookings(session, booked_legs).items()
        }
        page = tracking_state.needing_replan(session, shippers=None, limit=100_000, offset=0)
        still = {r.shipment_id for r in page.items}
    unaffected_changed = sum(
        1 for sid in before if sid not in set(affected) and after.get(sid) != before[sid]
    )
    by_id = {s["id"]: s for s in document["shipments"]}
    on_time = sum(1 for s in by_id.values() if s["status"] == "planned" and s["on_time"])
    late = sum(1 for s in by_id.values() if s["status"] == "planned" and not s["on_time"])
    unrecoverable = [s for s in by_id.values() if s["status"] != "planned"]
    planned_but_still = sorted(
        sid for sid in still & set(affected) if by_id.get(sid, {}).get("status") == "planned"
    )
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{os.cpu_count()} cores",
        "shipments": args.shipments,
        "booked": booked,
        "movement_events": len(events),
        "cancelled": flight,
        "booked_on_it": on_service[flight],
        "needing_replan": len(affected),
        "marked_s": round(marked_s, 2),
        "proposal_ready_s": round(ready_s, 2),
        "recovery_time_limit_s": args.recovery_time_limit,
        "violations": len(document.get("check", {}).get("violations", [])),
        "changes": dict(Counter(c.change for c in changes)),
        "rebooked_on_time": on_time,
        "rebooked_late": late,
        "unrecoverable": len(unrecoverable),
        "unrecoverable_reasons": dict(Counter(s.get("reason") for s in unrecoverable)),
        "unaffected_bookings_changed": unaffected_changed,
        "still_needing_replan_after_accept": len(still),
        "still_needing_but_planned_in_recovery": planned_but_still,
    }
    print(json.dumps(result))
    out = ROOT / "benchmarks" / "results" / "recovery" / f"{result['date']}-{args.shipments}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    engine.dispose()


def _bookings(session, booked_legs):  # type: ignore[no-untyped-def]
    rows: dict[str, list] = {}  # type: ignore[type-arg]
    for r in booked_legs.all_legs(session):
        rows.setdefault(r.shipment_id, []).append(r)
    return rows


if __name__ == "__main__":
    main()
