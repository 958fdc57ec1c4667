"""Analyst report benchmark: a generated history of 100,000 shipments and one million events.

    python benchmarks/reports.py --database-url URL [--shipments 100000] [--events 1000000] [--seed 0]
    python benchmarks/reports.py --database-url URL --skip-generate     # time an existing history

It builds the history straight into an empty database with bulk inserts (the reference network
of fixtures/zhengzhou, its services and truck shifts repeated weekly for 13 weeks; shipments
truck -> flight or train -> truck, or road only; booked legs; tracking events at shipment,
service and vehicle level with some retractions; tracking state and exceptions), then computes
each report in a fresh process and prints, per report, the time to compute it, the time to
write it as XLSX, and the peak resident memory of that process.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "fixtures" / "zhengzhou"
WEEKS = 13
CHUNK = 5_000
AS_OF = datetime(2027, 3, 15, tzinfo=UTC)
REASONS = ("DELAY", "MISSED_CONNECTION", "OFFLOADED", "CUSTOMS_INSPECTION", "DWELL_EXCEEDED")


def _region(location: Any) -> str:
    return str(location.timezone).split("/")[0]


def _master_data(session: Session) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Insert locations, road links, and the reference services and shifts repeated weekly."""
    from logistics.bundles.reader import read_bundle
    from logistics.persistence.repositories import locations, road_links, services, vehicles

    scenario = read_bundle(REFERENCE)
    locations.add_all(session, scenario.locations)
    road_links.add_all(session, scenario.road_links)
    week = timedelta(days=7)
    all_services = [
        dataclasses.replace(
            s, id=f"{s.id}-W{k:02d}", departure=s.departure + k * week, arrival=s.arrival + k * week
        )
        for k in range(-WEEKS + 1, 1)
        for s in scenario.services
        if s.mode.value != "road"
    ]
    all_vehicles = [
        dataclasses.replace(
            v,
            id=f"{v.id}-W{k:02d}",
            available_from=v.available_from + k * week,
            available_until=v.available_until + k * week,
        )
        for k in range(-WEEKS + 1, 1)
        for v in scenario.vehicles
    ]
    services.add_all(session, all_services)
    vehicles.add_all(session, all_vehicles)
    session.flush()
    return all_services, all_vehicles, scenario.location_by_id


def _content_key(*parts: object) -> bytes:
    return hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:16]


class Generator:
    """Shipments, legs, events, states and exceptions, chunk by chunk (deterministic per seed)."""

    def __init__(self, services: list[Any], vehicles: list[Any], locs: dict[str, Any], seed: int):
        self.rng = random.Random(seed)
        self.services = services
        self.customers: dict[str, list[str]] = defaultdict(list)
        for loc in locs.values():
            if loc.kind.value == "customer":
                self.customers[_region(loc)].append(loc.id)
        self.shifts: dict[str, list[Any]] = defaultdict(list)
        for v in vehicles:
            self.shifts[_region(locs[v.depot])].append(v)
        self.locs = locs
        self.shippers = [f"SHP-{i:03d}" for i in range(120)]
        self.event_no = 0

    def _truck(self, region: str) -> Any:
        return self.rng.choice(self.shifts[region])

    def _itinerary(self, sid: str) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() < 0.1:
            a, b = rng.sample(self.customers["Asia"], 2)
            t = self._truck("Asia")
            depart = t.available_from + timedelta(hours=rng.uniform(0, 8))
            return [
                self._leg(sid, 0, "road", a, b, depart, depart + timedelta(hours=2), None, t.id)
            ]
        s = rng.choice(self.services)
        legs: list[dict[str, Any]] = []
        start, end = _region(self.locs[s.origin]), _region(self.locs[s.destination])
        if self.customers[start]:
            t = self._truck(start)
            depart = s.departure - timedelta(hours=rng.uniform(8, 30))
            legs.append(
                self._leg(
                    sid,
                    0,
                    "road",
                    rng.choice(self.customers[start]),
                    s.origin,
                    depart,
                    depart + timedelta(hours=rng.uniform(0.5, 3)),
                    None,
                    t.id,
                )
            )
        legs.append(
            self._leg(
                sid,
                len(legs),
                s.mode.value,
                s.origin,
                s.destination,
                s.departure,
                s.arrival,
                s.id,
                None,
            )
        )
        if self.customers[end]:
            t = self._truck(end)
            depart = s.arrival + timedelta(hours=rng.uniform(4, 30))
            legs.append(
                self._leg(
                    sid,
                    len(legs),
                    "road",
                    s.destination,
                    rng.choice(self.customers[end]),
                    depart,
                    depart + timedelta(hours=rng.uniform(0.5, 3)),
                    None,
                    t.id,
                )
            )
        return legs

    @staticmethod
    def _leg(
        sid: str,
        i: int,
        mode: str,
        a: str,
        b: str,
        depart: datetime,
        arrive: datetime,
        service_id: str | None,
        vehicle_id: str | None,
    ) -> dict[str, Any]:
        return dict(
            shipment_id=sid,
            leg_index=i,
            plan_id="BENCH",
            mode=mode,
            from_location=a,
            to_location=b,
            planned_depart=depart,
            planned_arrive=arrive,
            service_id=service_id,
            vehicle_id=vehicle_id,
        )

    def _event(
        self,
        sid: str | None,
        milestone: str,
        at: datetime,
        location: str | None,
        time_type: str = "ACTUAL",
        retracts: str | None = None,
        **subject: Any,
    ) -> dict[str, Any]:
        self.event_no += 1
        eid = f"E{self.event_no:09d}"
        return dict(
            event_id=eid,
            source="bench",
            content_key=_content_key(eid),
            shipment_id=sid,
            service_id=subject.get("service_id"),
            vehicle_id=subject.get("vehicle_id"),
            milestone=milestone,
            time_type=time_type,
            event_time=at,
            event_offset_min=0,
            recorded_at=at,
            received_at=at + timedelta(minutes=2),
            location=location,
            mode=None,
            reason=None,
            retracts=retracts,
            source_code=None,
            raw_message_id=None,
            inferred=False,
            references="{}",
        )

    def _events(
        self, sid: str, legs: list[dict[str, Any]], per_shipment: int
    ) -> list[dict[str, Any]]:
        rng, out = self.rng, []
        jitter = lambda: timedelta(minutes=rng.gauss(20, 60))  # noqa: E731
        first = legs[0]
        out.append(self._event(sid, "BOOKED", first["planned_depart"] - timedelta(days=2), None))
        out.append(
            self._event(
                sid, "PICKED_UP", first["planned_depart"] + jitter(), first["from_location"]
            )
        )
        for leg in legs:
            dep, arr = leg["planned_depart"] + jitter(), leg["planned_arrive"] + jitter()
            out.append(self._event(sid, "DEPARTED", dep, leg["from_location"]))
            out.append(self._event(sid, "ARRIVED", arr, leg["to_location"]))
        last = legs[-1]
        eta = last["planned_arrive"] + timedelta(hours=2)
        out.append(self._event(sid, "ARRIVED", eta, last["to_location"], "ESTIMATED"))
        while len(out) < per_shipment - 1:
            leg = rng.choice(legs)
            out.append(
                self._event(sid, "UNLOADED", leg["planned_arrive"] + jitter(), leg["to_location"])
            )
        if rng.random() < 0.05:
            wrong = out[3]
            out.append(
                self._event(
                    sid,
                    "ARRIVED",
                    wrong["event_time"],
                    wrong["location"],
                    retracts=wrong["event_id"],
                )
            )
        out.append(
            self._event(
                sid, "DELIVERED", legs[-1]["planned_arrive"] + jitter(), legs[-1]["to_location"]
            )
        )
        return out

    def chunk(self, first: int, count: int, per_shipment: int) -> dict[str, list[dict[str, Any]]]:
        """Rows of every table for shipments first .. first + count - 1."""
        rng = self.rng
        tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in range(first, first + count):
            sid = f"B{n:07d}"
            legs = self._itinerary(sid)
            ready = legs[0]["planned_depart"] - timedelta(hours=rng.uniform(2, 24))
            due = legs[-1]["planned_arrive"] + timedelta(hours=rng.gauss(12, 24))
            due = max(due, ready + timedelta(hours=1))
            tables["shipments"].append(
                dict(
                    id=sid,
                    shipper=rng.choice(self.shippers),
                    origin=legs[0]["from_location"],
                    destination=legs[-1]["to_location"],
                    weight_kg=round(rng.lognormvariate(5.5, 1.2), 1),
                    volume_m3=round(rng.uniform(0.1, 12), 2),
                    pieces=rng.randint(1, 40),
                    ready_at=ready,
                    ready_at_offset_min=0,
                    due_at=due,
                    due_at_offset_min=0,
                    requirements="",
                )
            )
            tables["booked_legs"].extend(legs)
            events = self._events(sid, legs, per_shipment)
            tables["tracking_events"].extend(events)
            delivered = events[-1]["event_time"] if rng.random() < 0.85 else None
            tables["shipment_tracking_state"].append(
                dict(
                    shipment_id=sid,
                    stale=False,
                    status="DELIVERED" if delivered else "DEPARTED",
                    eta=None,
                    due_at=due,
                    delivered_at=delivered,
                    needs_replan=False,
                    last_event_at=None,
                    refreshed_at=None,
                )
            )
            if rng.random() < 0.05:
                leg = rng.choice(legs)
                opened = leg["planned_arrive"] + timedelta(hours=rng.uniform(0, 12))
                closed = (
                    opened + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.6 else None
                )
                tables["tracking_exceptions"].append(
                    dict(
                        shipment_id=sid,
                        key=f"{sid}:{leg['leg_index']}",
                        reason=rng.choice(REASONS),
                        origin="derived",
                        leg_index=leg["leg_index"],
                        location=leg["to_location"],
                        mode=leg["mode"],
                        detail="",
                        opened_at=opened,
                        closed_at=closed,
                    )
                )
        return tables


def _movement_events(gen: Generator) -> list[dict[str, Any]]:
    out = []
    for s in gen.services:
        out.append(
            gen._event(
                None, "DEPARTED", s.departure + timedelta(minutes=15), s.origin, service_id=s.id
            )
        )
        out.append(
            gen._event(
                None, "ARRIVED", s.arrival + timedelta(minutes=25), s.destination, service_id=s.id
            )
        )
    return out


def generate(url: str, shipments: int, events: int, seed: int) -> None:
    """Fill an empty database with the history."""
    from logistics.persistence.database import make_engine, make_session_factory, session_scope
    from logistics.persistence.migrate import upgrade_to_head
    from logistics.persistence.tables import (
        BookedLegRow,
        EventRow,
        ExceptionRow,
        ShipmentRow,
        ShipmentStateRow,
    )

    engine = make_engine(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    tables = {
        "shipments": ShipmentRow,
        "booked_legs": BookedLegRow,
        "tracking_events": EventRow,
        "shipment_tracking_state": ShipmentStateRow,
        "tracking_exceptions": ExceptionRow,
    }
    began = time.perf_counter()
    with session_scope(factory) as session:
        services, vehicles, locs = _master_data(session)
        gen = Generator(services, vehicles, locs, seed)
        movement = _movement_events(gen)
        session.execute(insert(EventRow), movement)
    per_shipment = max(4, -(-(events - len(movement)) // shipments))
    counts: dict[str, int] = defaultdict(int)
    for first in range(0, shipments, CHUNK):
        rows = gen.chunk(first, min(CHUNK, shipments - first), per_shipment)
        with session_scope(factory) as session:
            for name in (
                "shipments",
                "booked_legs",
                "tracking_events",
                "shipment_tracking_state",
                "tracking_exceptions",
            ):
                if rows[name]:
                    session.execute(insert(tables[name]), rows[name])
                    counts[name] += len(rows[name])
        print(
            f"  {first + CHUNK:>7} shipments written ({time.perf_counter() - began:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    counts["tracking_events"] += len(movement)
    counts.update(services=len(services), vehicles=len(vehicles))
    print(
        f"generated in {time.perf_counter() - began:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    engine.dispose()


def run_one(url: str, name: str) -> dict[str, Any]:
    """Compute one report and write it as XLSX; times and peak memory of this process."""
    from logistics.persistence.database import make_engine, make_session_factory
    from logistics.reports.formats import ExportFormat
    from logistics.services.reports import build_report, render_report

    engine = make_engine(url)
    began = time.perf_counter()
    with make_session_factory(engine)() as session:
        report = build_report(session, name, as_of=AS_OF)
    built = time.perf_counter()
    data = render_report(report, ExportFormat.XLSX)
    written = time.perf_counter()
    return {
        "report": name,
        "compute_s": round(built - began, 2),
        "xlsx_s": round(written - built, 2),
        "rows": sum(len(t) for t in report.tables.values()),
        "xlsx_kb": len(data) // 1024,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _lines(url: str) -> Iterator[dict[str, Any]]:
    from logistics.reports.catalog import REPORTS

    for name in REPORTS:
        done = subprocess.run(
            [sys.executable, __file__, "--database-url", url, "--run-one", name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        yield json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate (unless told not to), then time every report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--shipments", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        print(json.dumps(run_one(args.database_url, args.run_one)))
        return
    if not args.skip_generate:
        generate(args.database_url, args.shipments, args.events, args.seed)
    print(
        f"{'report':<12} {'compute s':>9} {'xlsx s':>7} {'rows':>7} {'xlsx KB':>8} {'peak MB':>8}"
    )
    for r in _lines(args.database_url):
        print(
            f"{r['report']:<12} {r['compute_s']:>9} {r['xlsx_s']:>7} {r['rows']:>7} {r['xlsx_kb']:>8} {r['peak_mb']:>8}",
            flush=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
