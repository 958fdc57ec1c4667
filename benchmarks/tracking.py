"""Tracking benchmark: ingestion throughput and tracking-view latency with a large event store.

    python benchmarks/tracking.py [--database sqlite|postgres] [--postgres-admin-url URL]
                                  [--events N] [--http-events N] [--stored N]

1. Imports a generated bundle (1,000 shipments) into a fresh database.
2. Service layer: ingests `--events` unified events (10 milestones per shipment, shipment-level)
   through `feed_ingest.ingest_unified_batch` in batches of 500, one transaction per batch —
   parsing, validation, duplicate checks, storage and marking projections stale included.
3. HTTP: starts `logistics serve` in its own process on this database and posts `--http-events`
   more events to `POST /v1/events` in batches of 500 from one client.
4. Latency: bulk-loads synthetic shipments and events until `--stored` events are stored (10
   per shipment), then times `GET /v1/shipments/{id}/tracking` for 300 random shipments over HTTP
   and prints p50 / p95 / max.

Results go to stdout; README records them with the machine and date.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, text

from logistics.domain import Role
from logistics.persistence.database import (
    make_engine,
    make_session_factory,
    session_scope,
    temporary_postgres_database,
)
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.tables import EventRow, ShipmentRow
from logistics.scenarios.generator import generate_scenario
from logistics.services.api_keys import create_api_key
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.services.import_scenario import import_scenario

MILESTONES = (
    "BOOKED",
    "PICKED_UP",
    "RECEIVED",
    "LOADED",
    "DEPARTED",
    "ARRIVED",
    "UNLOADED",
    "AVAILABLE_FOR_PICKUP",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
)
BATCH = 500


@contextmanager
def fresh_database(kind: str, admin_url: str | None) -> Iterator[str]:
    """A URL to an empty database (a SQLite file, or a new PostgreSQL database)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    assert admin_url, "--postgres-admin-url is required for --database postgres"
    with temporary_postgres_database(admin_url, "logistics_bench") as url:
        yield url


def events_for(shipments: list[tuple[str, datetime]], count: int, tag: str) -> list[dict[str, Any]]:
    """`count` unified events, ten milestones per shipment in time order."""
    out: list[dict[str, Any]] = []
    for n in range(count):
        sid, ready = shipments[(n // len(MILESTONES)) % len(shipments)]
        step = n % len(MILESTONES)
        out.append(
            {
                "event_id": f"{tag}-{n}",
                "source": f"bench-{tag}",
                "milestone": MILESTONES[step],
                "time_type": "ACTUAL",
                "event_time": (
                    ready
                    + timedelta(hours=3 * step, minutes=n // (len(MILESTONES) * len(shipments)))
                ).isoformat(),
                "shipment_id": sid,
                "location": "CGO",
            }
        )
    return out


def free_port() -> int:
    """A free loopback port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_process(
    url: str, refresh_seconds: float | None = None, workers: int = 1
) -> Iterator[tuple[str, int]]:
    """`logistics serve [--workers N]` in its own process on the database; yields its base URL
    and pid (with N > 1 the supervisor's: the server processes are its children)."""
    port = free_port()
    env = dict(
        os.environ, LOGISTICS_DATABASE_URL=url, LOGISTICS_PORT=str(port), LOGISTICS_WORKERS="1"
    )
    if refresh_seconds is not None:
        env["LOGISTICS_TRACKING_REFRESH_SECONDS"] = str(refresh_seconds)
    process = subprocess.Popen(
        [sys.executable, "-m", "logistics", "serve", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the API server did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def served(url: str) -> Iterator[str]:
    """`logistics serve` in its own process on the database; yields the base URL."""
    with serve_process(url) as (base, _pid):
        yield base


def bulk_history(url: str, stored: int, start: datetime) -> int:
    """Insert synthetic shipments and events (Core, executemany) until `stored` events exist."""
    engine = make_engine(url)
    with engine.begin() as conn:
        total = conn.execute(text("SELECT count(*) FROM tracking_events")).scalar() or 0
        missing = max(0, stored - int(total))
        shipments = missing // len(MILESTONES)
        rows = []
        for i in range(shipments):
            ready = start + timedelta(minutes=i % 10_000)
            rows.append(
                {
                    "id": f"BULK{i:07d}",
                    "shipper": f"SHP-BULK-{i % 50}",
                    "origin": "CGO",
                    "destination": "LUX",
                    "weight_kg": 100.0,
                    "volume_m3": 1.0,
                    "pieces": 1,
                    "ready_at": ready,
                    "due_at": ready + timedelta(days=5),
                    "ready_at_offset_min": 480,
                    "due_at_offset_min": 480,
                    "requirements": "",
                }
            )
            if len(rows) == 20_000:
                conn.execute(insert(ShipmentRow), rows)
                rows = []
        if rows:
            conn.execute(insert(ShipmentRow), rows)
    received = datetime.now(UTC)
    for first in range(0, shipments, 10_000):
        batch = []
        for i in range(first, min(shipments, first + 10_000)):
            ready = start + timedelta(minutes=i % 10_000)
            for step, milestone in enumerate(MILESTONES):
                when = ready + timedelta(hours=3 * step)
                batch.append(
                    {
                        "event_id": f"BULK-{i}-{step}",
                        "source": "bulk",
                        "content_key": uuid.uuid4().bytes,
                        "shipment_id": f"BULK{i:07d}",
                        "milestone": milestone,
                        "time_type": "ACTUAL",
                        "event_time": when,
                        "event_offset_min": 0,
                        "received_at": received,
                        "location": "CGO",
                        "inferred": False,
                        "references": "{}",
                    }
                )
        with engine.begin() as conn:
            conn.execute(insert(EventRow), batch)
        print(
            f"  loaded {min(shipments, first + 10_000) * len(MILESTONES):,} events", file=sys.stderr
        )
    engine.dispose()
    return shipments


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-admin-url", default=os.environ.get("LOGISTICS_TEST_POSTGRES_URL")
    )
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--http-events", type=int, default=30_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    args = parser.parse_args()
    with fresh_database(args.database, args.postgres_admin_url) as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        scenario = generate_scenario(shipments=1000, seed=1)
        with session_scope(factory) as session:
            import_scenario(session, scenario)
            feed_key, _ = create_api_key(session, role=Role.FEED, name="bench-feed")
            reader_key, _ = create_api_key(session, role=Role.COORDINATOR, name="bench-reader")
        shipments = [(s.id, s.ready_at) for s in scenario.shipments]
        print(f"== {args.database}: {len(shipments)} shipments imported")

        events = events_for(shipments, args.events, "svc")
        started = time.perf_counter()
        for first in range(0, len(events), BATCH):
            with session_scope(factory) as session:
                report = ingest_unified_batch(session, events[first : first + BATCH])
                assert report.items[0].status.value == "accepted", report.items[0]
        seconds = time.perf_counter() - started
        print(
            f"  service layer: {len(events):,} events in {seconds:.1f} s = {len(events) / seconds:,.0f} events/s"
        )
        engine.dispose()

        with served(url) as base:
            events = events_for(shipments, args.http_events, "http")
            bodies = [
                json.dumps(events[i : i + BATCH]).encode() for i in range(0, len(events), BATCH)
            ]
            headers = {"Authorization": f"Bearer {feed_key}", "Content-Type": "application/json"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                started = time.perf_counter()
                for body in bodies:
                    answer = client.post("/v1/events", content=body)
                    assert answer.status_code == 200 and answer.json()["accepted"] == BATCH, (
                        answer.text[:300]
                    )
                seconds = time.perf_counter() - started
            print(
                f"  POST /v1/events: {len(events):,} events in batches of {BATCH} in {seconds:.1f} s = "
                f"{len(events) / seconds:,.0f} events/s"
            )

        start = min(ready for _, ready in shipments)
        bulk = bulk_history(url, args.stored, start)
        with served(url) as base:
            rnd = random.Random(1)
            ids = [f"BULK{rnd.randrange(bulk):07d}" for _ in range(300)] if bulk else []
            ids += [sid for sid, _ in rnd.sample(shipments, 50)]
            timings = []
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {reader_key}"}, timeout=60
            ) as client:
                client.get(f"/v1/shipments/{ids[0]}/tracking")  # warm up
                for sid in ids:
                    t0 = time.perf_counter()
                    response = client.get(f"/v1/shipments/{sid}/tracking")
                    timings.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, response.text[:300]
            timings.sort()
            p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
            engine = make_engine(url)
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM tracking_events")).scalar()
            engine.dispose()
            print(
                f"  GET /v1/shipments/{{id}}/tracking with {stored:,} events stored: "
                f"p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, max {timings[-1]:.1f} ms ({len(timings)} requests)"
            )


if __name__ == "__main__":
    main()
