"""Two API servers and two workers started from the Procfile on PostgreSQL: plan jobs requested on
both servers all end done exactly once, although one worker is SIGKILLed while it solves; webhook
notices from the workers' tracking refresh reach a real local receiver, each created once and
received under one id."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import (
    make_engine,
    make_session_factory,
    session_scope,
)
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import plan_jobs
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.tracking.webhook_signing import ID_HEADER, NOTICE_ID_HEADER, verify_headers
from tests.api.live_server import free_port
from tests.booking import BOOKED, book_minimal
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT, procfile, running, solvers_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(600)]

JOBS = 4
TIME_LIMIT_S = 4.0


def _prepare(url: str) -> dict[str, str]:
    """Migrate, import the minimal bundle, book SH00001/2 on the tracking fixture's legs (their
    projections stale: the workers' refresh computes them), create keys; return their secrets."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        with session_scope(make_session_factory(engine)) as session:
            import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
            book_minimal(session)
            keys = {
                role.value: create_api_key(session, role=role, name="scale-out test")[0]
                for role in (Role.COORDINATOR, Role.FEED)
            }
            keys["shipper"] = create_api_key(
                session, role=Role.SHIPPER, shipper_id="SHP-FXZ", name="scale-out test"
            )[0]
        return keys
    finally:
        engine.dispose()


class Receiver:
    """A real HTTP server on 127.0.0.1 recording every webhook POST (time, headers, body); 204."""

    def __init__(self) -> None:
        self.received: list[tuple[datetime, str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.received.append(
                        (datetime.now(UTC), self.path, dict(self.headers), body)
                    )
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The URL of `path` on this receiver."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def snapshot(self) -> list[tuple[datetime, str, dict[str, str], bytes]]:
        """What was received so far."""
        with self.lock:
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running receiver, shut down afterwards."""
    rec = Receiver()
    rec.thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


def _wait(what: str, check, timeout_s: float, every_s: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _post(base: str, path: str, secret: str, body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base}{path}", json=body, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def test_two_servers_two_workers_survive_a_killed_worker(
    postgres_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    """Every job ends done once; the killed worker's job is retried by the sweep and taken over;
    no job is failed by another process; no solver outlives its worker; servers never solve.
    Webhooks: every notice the workers' refresh produced reaches the receiver, sent by the
    workers only, each notice created once and received under one delivery id (a second receipt
    only as the resend of a delivery the killed worker had in flight, after its lease)."""
    keys = _prepare(postgres_url)
    secret = keys["coordinator"]
    commands = procfile()
    lease_s = 8.0
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOGISTICS_DATABASE_URL": postgres_url,
        "LOGISTICS_JOB_ENGINE": "procrastinate",
        "LOGISTICS_NOW": "2026-11-29T10:30:00+08:00",  # the minimal bundle's world
        "LOGISTICS_PLAN_JOB_LEASE_SECONDS": "4",
        "LOGISTICS_WORKER_STALLED_SECONDS": "6",
        "LOGISTICS_HOST": "127.0.0.1",
        "LOGISTICS_WEBHOOK_ALLOW_HTTP": "true",  # the receiver: http on loopback (tests only)
        "LOGISTICS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "LOGISTICS_WEBHOOK_TIMEOUT_SECONDS": "5",
        "LOGISTICS_WEBHOOK_LEASE_SECONDS": str(lease_s),
        "LOGISTICS_TRACKING_REFRESH_SECONDS": "1",
        "LOGISTICS_TRACKING_SWEEP_SECONDS": "3",
    }
    procs: dict[str, subprocess.Popen[bytes]] = {}
    seen_solvers: set[int] = set()
    logs: dict[str, Path] = {}

    def start(name: str, extra: dict[str, str]) -> None:
        logs[name] = tmp_path / f"{name}.log"
        with logs[name].open("wb") as log:
            procs[name] = subprocess.Popen(
                commands[name.split("-")[0]],
                env={**env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
            )

    try:
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):
            start(f"web-{i}", {"LOGISTICS_PORT": str(port)})
        for i in range(2):
            start(f"worker-{i}", {})
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        headers = {"Authorization": f"Bearer {secret}"}
        for base in bases:

            def healthy(base: str = base) -> bool:
                try:
                    return httpx.get(f"{base}/v1/health", timeout=2).status_code == 200
                except httpx.HTTPError:
                    return False

            _wait(f"{base} to answer", healthy, 90)

        hooks = {
            "coordinator": _post(
                bases[0], "/v1/webhooks", secret, {"url": receiver.url("/coordinator")}
            ),
            "shipper": _post(
                bases[1], "/v1/webhooks", keys["shipper"], {"url": receiver.url("/shipper")}
            ),
        }
        # feeds on both servers (the same batch twice: the second is all duplicates)
        for base in bases:
            _post(base, "/v1/events", keys["feed"], BOOKED["late_flight"])

        job_ids = []
        for n in range(JOBS):
            response = httpx.post(
                f"{bases[n % 2]}/v1/plans",
                json={"time_limit_s": TIME_LIMIT_S, "seed": n},
                headers=headers,
                timeout=30,
            )
            assert response.status_code == 202, response.text
            job_ids.append(response.json()["id"])

        def a_worker_solving() -> tuple[str, int] | None:
            for name in ("worker-0", "worker-1"):
                solvers = solvers_of(procs[name].pid)
                seen_solvers.update(solvers)
                if solvers:
                    return name, solvers[0]
            for name in ("web-0", "web-1"):
                assert not solvers_of(procs[name].pid), f"{name} runs a solver"
            return None

        victim, orphan = _wait("a worker to start solving", a_worker_solving, 120, 0.05)
        time.sleep(1.0)  # well inside the solve (it plans for TIME_LIMIT_S)
        killed_at = datetime.now(UTC)
        procs[victim].kill()
        procs[victim].wait(timeout=10)
        _wait(f"the killed worker's solver {orphan} to die", lambda: not running(orphan), 15)
        _post(bases[1], "/v1/events", keys["feed"], BOOKED["late_truck"])  # after the kill

        engine = make_engine(postgres_url)
        try:
            factory = make_session_factory(engine)

            def all_finished() -> bool:
                for name, proc in procs.items():
                    if name != victim:
                        assert proc.poll() is None, f"{name} exited: {logs[name].read_text()}"
                        seen_solvers.update(solvers_of(proc.pid))
                with session_scope(factory) as session:
                    engine_open = session.scalar(
                        text(
                            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                        )
                    )
                    return engine_open == 0 and all(
                        plan_jobs.get_job(session, j).status in ("done", "failed") for j in job_ids
                    )

            _wait("every plan job to finish", all_finished, 300, 0.5)

            def outbox_settled() -> list[Any] | None:
                with session_scope(factory) as session:
                    rows = session.execute(
                        text(
                            "SELECT id, notice_id, subscription_id, kind, shipment_id, body, "
                            "status, attempts FROM webhook_outbox"
                        )
                    ).all()
                    stale = session.scalar(
                        text("SELECT count(*) FROM shipment_tracking_state WHERE stale")
                    )
                kinds = {r.kind for r in rows}
                settled = (
                    stale == 0
                    and "exception.opened" in kinds  # the late truck's missed connections
                    and all(r.status == "delivered" for r in rows)
                )
                return rows if settled else None

            outbox = _wait("every webhook notice to be delivered", outbox_settled, 120, 0.5)
            with session_scope(factory) as session:
                rows = {j: plan_jobs.get_job(session, j) for j in job_ids}
                states = {j: (r.status, r.message) for j, r in rows.items()}
                assert all(r.status == "done" and r.result for r in rows.values()), states
                started = {j: r.started_at for j, r in rows.items()}
                engine_jobs = session.execute(
                    text(
                        "SELECT args->>'job_id', status, attempts FROM procrastinate_jobs "
                        "WHERE task_name = 'logistics:plan_job'"
                    )
                ).all()
        finally:
            engine.dispose()

        # the procrastinate side: one engine job per plan job, succeeded; the killed one was run
        # twice (the stalled sweep retried it), every other once
        assert sorted(j for j, _, _ in engine_jobs) == sorted(job_ids)
        assert {status for _, status, _ in engine_jobs} == {"succeeded"}, engine_jobs
        # exactly one successful run per job across the workers' logs (the victim's log included)
        text_logs = {name: path.read_text(errors="replace") for name, path in logs.items()}
        for job_id in job_ids:
            done_runs = sum(log.count(f"plan job {job_id}: done") for log in text_logs.values())
            assert done_runs == 1, (job_id, text_logs)
        # the job the victim was solving was claimed again after the kill (one start per claim)
        victim_jobs = [
            j for j in job_ids if f"plan job {j}: solving in child {orphan}" in text_logs[victim]
        ]
        assert len(victim_jobs) == 1, text_logs[victim]
        restarted = started[victim_jobs[0]]
        assert restarted is not None and restarted > killed_at
        attempts = {j: n for j, _, n in engine_jobs}
        assert attempts == {j: 2 if j == victim_jobs[0] else 1 for j in job_ids}, engine_jobs
        # webhooks: each notice created once (one row per subscription and notice; no two rows
        # of a subscription carrying the same change), both subscriptions sharing notice ids
        by_sub: dict[str, list[Any]] = {}
        for row in outbox:
            by_sub.setdefault(row.subscription_id, []).append(row)
        assert set(by_sub) == {hooks["coordinator"]["id"], hooks["shipper"]["id"]}
        for rows in by_sub.values():
            assert len({r.notice_id for r in rows}) == len(rows)
            changes = Counter(
                json.dumps(
                    {
                        k: v
                        for k, v in json.loads(r.body)["data"].items()
                        if k not in ("id", "closed_at")
                    }
                    | {"kind": r.kind},
                    sort_keys=True,
                )
                for r in rows
            )
            assert max(changes.values()) == 1, changes
        coordinator_rows = by_sub[hooks["coordinator"]["id"]]
        shipper_notices = {r.notice_id for r in by_sub[hooks["shipper"]["id"]]}
        assert shipper_notices and shipper_notices <= {r.notice_id for r in coordinator_rows}
        # the receiver: every row arrived, signed, under its own ids; a delivery id twice only
        # as the resend (after the lease) of an attempt in flight when the worker was killed
        received = receiver.snapshot()
        rows_by_id = {r.id: r for r in outbox}
        by_delivery: dict[str, list[datetime]] = {}
        for at, path, headers, body in received:
            document = json.loads(body)
            row = rows_by_id[headers[ID_HEADER]]
            hook = hooks["coordinator" if path == "/coordinator" else "shipper"]
            assert verify_headers(hook["secret"], body, headers)
            assert row.subscription_id == hook["id"] == document["subscription_id"]
            assert document["id"] == row.id and document["notice_id"] == row.notice_id
            assert headers[NOTICE_ID_HEADER] == row.notice_id
            by_delivery.setdefault(row.id, []).append(at)
        assert set(by_delivery) == set(rows_by_id)
        for delivery, times in by_delivery.items():
            if len(times) > 1:
                first, *again = sorted(times)
                assert len(again) == 1 and first <= killed_at, (delivery, times, killed_at)
                assert again[0] >= first + timedelta(seconds=lease_s - 1), (delivery, times)
        # sent by the workers only (their logs count every attempt; servers run no sender)
        sent = sum(
            int(line.split("webhooks: ")[1].split(" sent")[0])
            for name, path in logs.items()
            if name.startswith("worker")
            for line in path.read_text(errors="replace").splitlines()
            if "webhooks: " in line and " sent, " in line
        )
        unlogged = len(received) - sent  # the killed worker's last pass, if it was sending
        assert 0 <= unlogged <= sum(1 for at, *_ in received if at <= killed_at), (sent, received)
        assert all(r.attempts >= 1 for r in outbox)
        # graceful stop of the surviving worker, and no solver process left anywhere
        survivor = "worker-1" if victim == "worker-0" else "worker-0"
        procs[survivor].send_signal(signal.SIGTERM)
        assert procs[survivor].wait(timeout=60) == 0, text_logs[survivor]
        assert len(seen_solvers) >= 2
        _wait("no solver process to remain", lambda: not any(map(running, seen_solvers)), 15)
    finally:
        for proc in procs.values():
            _stop(proc)
        for pid in seen_solvers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
