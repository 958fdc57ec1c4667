"""Ingestion benchmark: events/s through the service layer and `POST /v1/events`, and refresh cost.

    python benchmarks/ingestion.py [--database sqlite|postgres|both] [--postgres-admin-url URL]
                                   [--events N] [--http-events N] [--batch N] [--clients N]
                                   [--streams N] [--server-workers N]

Per database (a fresh SQLite file, or a temporary PostgreSQL database dropped afterwards):

1. Imports a generated bundle (1,000 shipments) and books every shipment on two legs (a truck
   leg on a vehicle, then a scheduled service), as accepting a plan would, so that stale marking
   and refresh see the booked movements.
2. Service layer: `feed_ingest.ingest_unified_batch` over `--events` unified events (ten
   milestones per shipment, shipment-level) in batches of `--batch`, one transaction per batch:
   parsing, validation, duplicate checks, storage and marking the touched shipments stale.
3. The same first batches sent again: every item answered `duplicate` (duplicate detection).
   With `--streams N` (N > 1), `--events` more events are then ingested by N processes at
   once, each its own share in batches of `--batch` on its own connection: the aggregate
   rate, each stream's, and their CPU (the processes and their PostgreSQL backends).
4. Refresh: `tracking_refresh.refresh` of every stale shipment in transactions of 200 shipments
   (a worker's refresh batch), with the SQL statements it issued per shipment.
5. HTTP: `logistics serve` in its own process on the database (on the embedded engine its
   background refresher runs meanwhile, every `--server-refresh-seconds`; on PostgreSQL with the
   procrastinate engine refresh is a worker's job and no worker runs), `--http-events` more events
   posted to `POST /v1/events` in batches of `--batch` by
   `--clients` concurrent clients; with `--server-workers N`, to `logistics serve --workers N`
   (PostgreSQL), the CPU of all its processes counted. On SQLite the server's refresher waits
   for ingestion to pause (LOGISTICS_TRACKING_INTAKE_QUIET_SECONDS): how many shipments were
   stale when the POSTs ended, and how long it then took to refresh them, are printed too.

Each line gives wall-clock events/s and, because the machine these figures come from is shared,
the CPU seconds spent on them: this process, the API server process and the PostgreSQL backends
serving them (read from /proc; the database server must run on this machine), as events per
CPU-second, which depends much less on what else the machine runs.

Results go to stdout; README records them with the machine and date.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from procfs import children_of
from sqlalchemy import Engine, event
from tracking import events_for, fresh_database, serve_process

from logistics.domain import Mode, Role
from logistics.domain.scenario import Scenario
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories.booked_legs import BookedLeg
from logistics.scenarios.generator import generate_scenario
from logistics.services import tracking_refresh
from logistics.services.api_keys import create_api_key
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.services.import_scenario import import_scenario


@contextmanager
def counted(engine: Engine) -> Iterator[list[int]]:
    """Count the SQL statements the engine executes inside the block (executemany counts once)."""
    box = [0]

    def count(*_: Any) -> None:
        box[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield box
    finally:
        event.remove(engine, "before_cursor_execute", count)


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system, all threads) the process has used; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds of this process and of other processes (server, database backends)."""

    def __init__(self) -> None:
        self.pids: dict[int, float] = {}
        self.own = 0.0

    def start(self, pids: set[int]) -> None:
        """Begin counting; `pids` are the other processes to include."""
        self.own = time.process_time()
        self.pids = {pid: cpu_of(pid) for pid in pids}

    def add(self, pid: int) -> None:
        """Include a process that appeared while counting (from its current use)."""
        self.pids.setdefault(pid, cpu_of(pid))

    def stop(self) -> float:
        """CPU seconds used since start by this process and the others."""
        others = sum(max(0.0, cpu_of(pid) - at) for pid, at in self.pids.items())
        return time.process_time() - self.own + others


def backend_pids(url: str) -> set[int]:
    """Process ids of the PostgreSQL backends connected to the database (none for SQLite)."""
    if url.startswith("sqlite"):
        return set()
    engine = make_engine(url)
    with engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).scalars()
        found = set(pids)
    engine.dispose()
    return found


def track_backends(engine: Engine, meter: CpuMeter) -> None:
    """Count the CPU of every PostgreSQL backend the engine connects to."""
    if engine.dialect.name != "postgresql":
        return

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        meter.add(dbapi_connection.info.backend_pid)

    event.listen(engine, "connect", on_connect)


def book_all(session: Any, scenario: Scenario) -> None:
    """Book every shipment on a truck leg to a service's origin, then on that service."""
    services = [s for s in scenario.services]
    vehicles = [v.id for v in scenario.vehicles]
    for n, shipment in enumerate(scenario.shipments):
        service = services[n % len(services)]
        depart = service.departure - timedelta(hours=6)
        legs = [
            BookedLeg(
                shipment_id=shipment.id,
                leg_index=0,
                plan_id="",
                mode=Mode.ROAD,
                from_location=shipment.origin,
                to_location=service.origin,
                planned_depart=depart,
                planned_arrive=depart + timedelta(hours=2),
                vehicle_id=vehicles[n % len(vehicles)],
            ),
            BookedLeg(
                shipment_id=shipment.id,
                leg_index=1,
                plan_id="",
                mode=service.mode,
                from_location=service.origin,
                to_location=service.destination,
                planned_depart=service.departure,
                planned_arrive=service.arrival,
                service_id=service.id,
            ),
        ]
        booked_legs.replace_for_shipment(session, shipment.id, "plan-bench", legs)
    tracking_state.mark_stale(session, [s.id for s in scenario.shipments])


def rate(count: int, seconds: float, cpu: float) -> str:
    """`N events in S s = R events/s (C CPU s = E events per CPU-second)`."""
    return (
        f"{count:,} events in {seconds:.1f} s = {count / seconds:,.0f} events/s "
        f"({cpu:.1f} CPU s = {count / cpu:,.0f} events per CPU-second)"
    )


def _stream(url: str, batches: list[list[dict[str, Any]]], ready: Any, go: Any, done: Any) -> None:
    """One ingesting process: its own engine and connection, its batches in order, one
    transaction each; reports (its backend pid or 0, CPU seconds, wall seconds) on `ready`."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with engine.connect() as conn:  # the pooled connection every batch then reuses
        backend = (
            conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            if engine.dialect.name == "postgresql"
            else 0
        )
    ready.put(backend)
    go.wait()
    cpu, started = time.process_time(), time.perf_counter()
    for batch in batches:
        with session_scope(factory) as session:
            report = ingest_unified_batch(session, batch)
            assert report.items[0].status.value == "accepted", report.items[0]
    ready.put((time.process_time() - cpu, time.perf_counter() - started))
    done.wait()  # the backend stays until its CPU time has been read
    engine.dispose()


def parallel(url: str, shipments: list[tuple[str, datetime]], args: argparse.Namespace) -> None:
    """`--streams` processes ingesting distinct events at once: aggregate and per-stream rates."""
    context = multiprocessing.get_context("spawn")
    ready, go, done = context.Queue(), context.Event(), context.Event()
    per_stream = args.events // args.streams
    processes = []
    for c in range(args.streams):
        events = events_for(shipments, per_stream, f"par{c}")
        batches = [events[i : i + args.batch] for i in range(0, len(events), args.batch)]
        process = context.Process(target=_stream, args=(url, batches, ready, go, done))
        process.start()
        processes.append(process)
    backends = {ready.get(timeout=300) for _ in processes} - {0}
    meter = CpuMeter()
    meter.start(backends)
    started = time.perf_counter()
    go.set()
    own = [ready.get(timeout=600) for _ in processes]
    seconds = time.perf_counter() - started
    others = meter.stop() - (time.process_time() - meter.own)  # the backends' CPU only
    done.set()
    for process in processes:
        process.join()
    total = per_stream * args.streams
    cpu = sum(c for c, _ in own) + others
    slowest = max(w for _, w in own)
    print(
        f"  service layer, {args.streams} concurrent streams of {per_stream:,} events "
        f"(batches of {args.batch}): {rate(total, seconds, cpu)}; per stream "
        f"{per_stream / slowest:,.0f}-{per_stream / min(w for _, w in own):,.0f} events/s"
    )


def run(kind: str, admin_url: str | None, args: argparse.Namespace) -> None:
    """All measurements on one fresh database."""
    with fresh_database(kind, admin_url) as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        scenario = generate_scenario(shipments=1000, seed=1)
        with session_scope(factory) as session:
            import_scenario(session, scenario)
            book_all(session, scenario)
            feed_key, _ = create_api_key(session, role=Role.FEED, name="bench-feed")
        with session_scope(factory) as session:
            tracking_refresh.refresh(session)
        shipments = [(s.id, s.ready_at) for s in scenario.shipments]
        print(f"== {kind}: {len(shipments)} shipments imported and booked (2 legs each)")

        meter = CpuMeter()
        track_backends(engine, meter)
        events = events_for(shipments, args.events, "svc")
        batches = [events[i : i + args.batch] for i in range(0, len(events), args.batch)]
        with counted(engine) as statements:
            meter.start(backend_pids(url))
            started = time.perf_counter()
            for batch in batches:
                with session_scope(factory) as session:
                    report = ingest_unified_batch(session, batch)
                    assert report.items[0].status.value == "accepted", report.items[0]
            seconds = time.perf_counter() - started
            cpu = meter.stop()
        print(
            f"  service layer, batches of {args.batch}: {rate(len(events), seconds, cpu)}; "
            f"{statements[0] / len(batches):.1f} statements per batch"
        )

        again = batches[: max(1, len(batches) // 5)]
        meter.start(backend_pids(url))
        started = time.perf_counter()
        for batch in again:
            with session_scope(factory) as session:
                report = ingest_unified_batch(session, batch)
                assert all(i.status.value == "duplicate" for i in report.items), report.items[0]
        seconds = time.perf_counter() - started
        cpu = meter.stop()
        print(f"  service layer, all duplicates: {rate(sum(map(len, again)), seconds, cpu)}")

        if args.streams > 1:
            parallel(url, shipments, args)

        with session_scope(factory) as session:
            stale = len(tracking_state.stale_ids(session))
        with counted(engine) as statements:
            meter.start(backend_pids(url))
            started = time.perf_counter()
            refreshed = 0
            while True:
                with session_scope(factory) as session:
                    done = tracking_refresh.refresh(session, limit=200).refreshed
                refreshed += done
                if done < 200:
                    break
            seconds = time.perf_counter() - started
            cpu = meter.stop()
        print(
            f"  refresh of {stale:,} stale shipments in batches of 200: {seconds:.2f} s = "
            f"{refreshed / seconds:,.0f} shipments/s ({cpu:.1f} CPU s), "
            f"{statements[0] / max(1, refreshed):.2f} statements per shipment"
        )
        engine.dispose()
        if args.no_http:
            return
        with serve_process(url, args.server_refresh_seconds, args.server_workers) as (
            base,
            server_pid,
        ):
            events = events_for(shipments, args.http_events, "http")
            bodies = [
                json.dumps(events[i : i + args.batch]).encode()
                for i in range(0, len(events), args.batch)
            ]
            headers = {"Authorization": f"Bearer {feed_key}", "Content-Type": "application/json"}
            failures: list[str] = []

            def client_run(share: list[bytes]) -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                    for body in share:
                        answer = client.post("/v1/events", content=body)
                        if answer.status_code != 200 or answer.json()["rejected"]:
                            failures.append(answer.text[:300])

            shares = [bodies[c :: args.clients] for c in range(args.clients)]
            threads = [threading.Thread(target=client_run, args=(s,)) for s in shares]
            for _ in range(5):  # fresh connections reach every server process, each connects
                for _ in range(2 * args.server_workers):
                    with httpx.Client(base_url=base, headers=headers) as warm:
                        assert warm.post("/v1/events", content=b"[]").status_code == 200
            servers = {server_pid} | set(children_of(server_pid))
            meter.start(servers | backend_pids(url))
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            for pid in backend_pids(url) - set(meter.pids):  # connected during the run
                meter.pids[pid] = 0.0
            cpu = meter.stop()
            assert not failures, failures[0]
            processes = (
                f", {args.server_workers} server processes" if args.server_workers > 1 else ""
            )
            print(
                f"  POST /v1/events, batches of {args.batch}, {args.clients} client(s){processes}: "
                f"{rate(len(events), seconds, cpu)} (CPU: client, server and its backends)"
            )
            if kind == "sqlite":  # the embedded refresher gave way to the burst: catching up
                print(catch_up(url))


def catch_up(url: str, bound_s: float = 300.0) -> str:
    """How many shipments were stale when the POSTs ended, and how long the server's embedded
    refresher took to refresh them all (polled every 0.2 s, at most `bound_s`)."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with session_scope(factory) as session:
            at_end = len(tracking_state.stale_ids(session))
        left = at_end
        while left and time.perf_counter() - started < bound_s:
            time.sleep(0.2)
            with session_scope(factory) as session:
                left = len(tracking_state.stale_ids(session))
    finally:
        engine.dispose()
    waited = time.perf_counter() - started
    if left:
        return f"  projections: {at_end:,} shipments stale at the end, {left:,} still after {waited:.0f} s"
    return (
        f"  projections: {at_end:,} shipments stale when the POSTs ended (the refresher gave way "
        f"to them), all refreshed {waited:.1f} s later"
    )


def main() -> None:
    """Run the measurements on each database asked for and print them."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-admin-url", default=os.environ.get("LOGISTICS_TEST_POSTGRES_URL")
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--http-events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument(
        "--streams",
        type=int,
        default=1,
        help="also ingest --events more events in this many concurrent processes (service "
        "layer), each with its own connection",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    parser.add_argument(
        "--server-workers",
        type=int,
        default=1,
        help="`logistics serve --workers N` (PostgreSQL only): N server processes",
    )
    parser.add_argument(
        "--server-refresh-seconds",
        type=float,
        help="LOGISTICS_TRACKING_REFRESH_SECONDS of the server (default: its own, 2 s); a large "
        "value measures ingestion without the embedded engine's refresher competing",
    )
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        run(kind, args.postgres_admin_url, args)


if __name__ == "__main__":
    main()
