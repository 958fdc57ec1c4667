"""Routing subproblems as child jobs on PostgreSQL with real `logistics worker` processes: a plan
job's subproblems solved by two workers (plan checked by the product's checker), a child whose
worker is SIGKILLed mid-solve handed back and solved by another worker, a late answer under a
superseded claim never stored, and children that never answer timed out by the deadline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO

import psycopg
import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role, Scenario, ShipmentPlanStatus, UnplannedReason
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.planning.deadline import grace_s
from logistics.planning.itinerary_search import search
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.routing.executor import LOCAL, current_executor
from logistics.planning.truck_stage import Routed, route_trucks, truck_legs
from logistics.services import plan_jobs
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.workers.engine import apply_schema, conninfo, make_app
from logistics.workers.routing_child import claim_one, store
from logistics.workers.routing_children import (
    NEVER_TAKEN,
    child_jobs,
    executor_for,
    routing_slots,
)
from logistics.workers.worker import defer_plan_job
from tests.conftest import FIXTURES
from tests.planning.routing.checker import violations
from tests.workers.processes import ROOT, procfile

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(400)]
STALLED_S = 5.0


@pytest.fixture
def database(postgres_url: str) -> str:
    """The fresh database migrated, with procrastinate's schema."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    engine.dispose()
    apply_schema(postgres_url)
    return postgres_url


class Workers:
    """`logistics worker` processes started from the Procfile's worker line, logs kept."""

    def __init__(self, url: str, tmp_path: Path, env: dict[str, str]) -> None:
        self.url, self.tmp_path = url, tmp_path
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "LOGISTICS_DATABASE_URL": url, **env}
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.logs: list[IO[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """One more worker with these options."""
        log = self.tmp_path / f"worker{len(self.procs)}.log"
        out = log.open("wb")
        self.logs.append(out)
        proc = subprocess.Popen(
            [*procfile()["worker"], *args],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=self.tmp_path,
        )
        self.procs.append((proc, log))
        return proc

    def wait_for_slots(self, slots: int) -> None:
        """Until the live routing workers offer `slots` job slots."""
        deadline = time.monotonic() + 120
        while routing_slots(conninfo(self.url)) < slots:
            assert time.monotonic() < deadline, self.output()
            assert all(p.poll() is None for p, _ in self.procs), self.output()
            time.sleep(0.1)

    def output(self) -> str:
        """Every worker's log."""
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for _, log in self.procs)

    def stop(self) -> None:
        """Stop every worker still running."""
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for out in self.logs:
            out.close()


@pytest.fixture
def workers(database: str, tmp_path: Path) -> Iterator[Workers]:
    """Starts workers on the database; stops them after the test."""
    started = Workers(
        database,
        tmp_path,
        # (a killed worker is stalled after 5 s: the coordinators below use the same threshold)
        {"LOGISTICS_ROUTING_CHILD_JOBS": "on", "LOGISTICS_WORKER_STALLED_SECONDS": str(STALLED_S)},
    )
    try:
        yield started
    finally:
        started.stop()


def _handbacks(url: str) -> dict[str, int]:
    with psycopg.connect(conninfo(url)) as conn:
        return {
            str(sid): int(n)
            for sid, n in conn.execute("SELECT id, handbacks FROM routing_subproblems").fetchall()
        }


def _rows(url: str) -> list[tuple[str, str, str | None, float | None]]:
    with psycopg.connect(conninfo(url)) as conn:
        return [
            (str(r[0]), str(r[1]), r[2], r[3])
            for r in conn.execute(
                "SELECT id, status, claimed_by, solve_seconds FROM routing_subproblems ORDER BY id"
            ).fetchall()
        ]


def test_a_plan_jobs_routing_is_solved_by_two_workers(
    workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan job on one worker hands all its subproblems (about 40 on the reference week) to the
    routing queue; two workers solve them, the job is done and its plan passes the checker."""
    url = workers.url
    reference = read_bundle(FIXTURES / "zhengzhou")
    start = min(sh.ready_at for sh in reference.shipments) - timedelta(hours=1)
    monkeypatch.setenv("LOGISTICS_NOW", start.isoformat())
    get_settings.cache_clear()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        import_scenario(session, reference)
        job_id = plan_jobs.create_job(
            session,
            Principal("child-jobs-test", Role.COORDINATOR),
            objective="balanced",
            time_limit_s=40,
            seed=0,
            shipment_ids=None,
        ).id
    workers.env["LOGISTICS_NOW"] = start.isoformat()
    workers.env["LOGISTICS_ROUTING_COORDINATOR_LANES"] = "0"  # every subproblem a child job
    first = workers.start("--queues", "plans,routing", "--concurrency", "2")
    second = workers.start("--queues", "routing")
    workers.wait_for_slots(3)
    app = make_app(url, asynchronous=False)
    with app.open():
        defer_plan_job(app, job_id)  # (the plan worker may have deferred it at its start)
    deadline = time.monotonic() + 300
    while True:
        with session_scope(factory) as session:
            row = plan_jobs.get_job(session, job_id)
            status, message, result = row.status, row.message, row.result
        if status in ("done", "failed"):
            break
        assert time.monotonic() < deadline, workers.output()
        time.sleep(0.5)
    engine.dispose()
    assert status == "done" and result, (status, message, workers.output())
    document = json.loads(result)
    assert document["check"]["violations"] == []
    assert document["kpis"]["planned"] > 0
    rows = _rows(url)
    assert len(rows) >= 2  # (about 40 on the reference week)
    # both workers answered subproblems (on a loaded machine a late one may have timed out:
    # it is then left `running` or `expired`, and the plan treated it as a timed-out solve)
    answered = {int(str(who).rsplit(":", 1)[1]) for _, status, who, _ in rows if status == "done"}
    assert answered == {first.pid, second.pid}, rows
    assert {status for _, status, _, _ in rows} <= {"done", "running", "expired"}


def _minimal_legs() -> tuple[Scenario, Network, list]:  # type: ignore[type-arg]
    minimal = read_bundle(FIXTURES / "bundles" / "minimal")
    net = Network(minimal, {})
    preset = objective_named("balanced")
    best = {sh.id: search(net, sh, preset, k=1)[0][0] for sh in minimal.shipments}
    return minimal, net, truck_legs(minimal, best)


def test_without_a_routing_worker_the_plan_times_its_truck_legs_out_by_the_deadline(
    database: str,
) -> None:
    """Children nobody takes (no routing worker, the coordinator solving none itself): the plan
    returns by its deadline, every shipment with a truck leg unplanned for the time limit unless
    the planner's safety net gave it a dedicated trip (no routing solve), the plan still passes
    the checker, and the children are marked expired."""
    minimal = read_bundle(FIXTURES / "bundles" / "minimal")
    limit = 6.0
    started = time.monotonic()
    with child_jobs(database, own_lanes=0) as executor:
        result = plan(minimal, options=PlanOptions(time_limit_s=limit, seed=0))
    took = time.monotonic() - started
    assert took <= limit + grace_s(limit)
    assert executor.batches  # the routing went through child jobs
    assert check_plan(minimal, result) == []
    _, _, legs = _minimal_legs()
    with_trucks = {leg.shipment.id for leg in legs}
    by_id = {sp.shipment_id: sp for sp in result.shipments}
    assert result.solver is not None and result.solver.safety_net is not None
    rescued = set(result.solver.safety_net["planned"])
    for sid in with_trucks:
        sp = by_id[sid]
        if sid in rescued:
            assert sp.status is ShipmentPlanStatus.PLANNED
            continue
        assert sp.status is not ShipmentPlanStatus.PLANNED
        assert sp.reason is UnplannedReason.TIME_LIMIT and sp.detail, sp
    rows = _rows(database)
    assert rows and {status for _, status, _, _ in rows} == {"expired"}
    assert all(who is None for _, _, who, _ in rows)


def _kill_the_claimant(
    workers: Workers, limit: float, out: list[list[Routed]]
) -> tuple[threading.Thread, str, float]:
    """A routing worker (one slot) started, a coordinator (no lanes of its own) routing the
    minimal bundle's legs within `limit`, and the worker SIGKILLed once it holds a subproblem;
    the coordinator's thread, the killed claimant's `:PID` suffix and when the routing began."""
    url = workers.url
    worker = workers.start("--queues", "routing")
    workers.wait_for_slots(1)
    minimal, net, legs = _minimal_legs()

    def route() -> None:
        with child_jobs(url, own_lanes=0, stalled_seconds=STALLED_S):
            out.append(route_trucks(minimal, net, legs, time_limit_s=limit, seed=0, workers=1))

    started = time.monotonic()
    coordinator = threading.Thread(target=route)
    coordinator.start()
    claimed_by = f":{worker.pid}"
    while not any(who and who.endswith(claimed_by) for _, _, who, _ in _rows(url)):
        assert coordinator.is_alive() and worker.poll() is None, workers.output()
        time.sleep(0.05)
    worker.kill()
    worker.wait()
    return coordinator, claimed_by, started


def test_a_child_whose_worker_is_killed_mid_solve_is_handed_back_and_solved_by_another(
    workers: Workers,
) -> None:
    """The routing worker holding a subproblem is SIGKILLed mid-solve; the coordinator sees its
    worker stalled (procrastinate's heartbeat), hands the subproblem back, and a second worker
    started after the kill solves it (and the other one) before the deadline: nothing dropped,
    every route valid, the killed claimant's subproblem handed back once and answered by the
    second worker."""
    out: list[list[Routed]] = []
    coordinator, killed, _ = _kill_the_claimant(workers, 40.0, out)
    handed_back = [sid for sid, _, who, _ in _rows(workers.url) if who and who.endswith(killed)]
    second = workers.start("--queues", "routing", "--concurrency", "2")
    coordinator.join(timeout=120)
    assert not coordinator.is_alive()
    (routed,) = out
    assert not [d for r in routed for d in r.solution.dropped], workers.output()
    assert all(violations(r.problem, r.solution) == [] for r in routed if r.problem)
    rows = {sid: (status, who) for sid, status, who, _ in _rows(workers.url)}
    assert {status for status, _ in rows.values()} == {"done"}
    (sid,) = handed_back
    assert rows[sid][1] is not None and rows[sid][1].endswith(f":{second.pid}")
    assert _handbacks(workers.url)[sid] == 1


def test_a_child_whose_worker_is_killed_with_no_other_worker_times_out_with_the_reason(
    workers: Workers,
) -> None:
    """The only routing worker is SIGKILLed while it solves: its subproblem is handed back but
    nobody takes it, so by the deadline its legs are dropped as timeout naming the dead worker,
    the other subproblem (never taken) as timeout too."""
    limit = 20.0
    out: list[list[Routed]] = []
    coordinator, killed, started = _kill_the_claimant(workers, limit, out)
    coordinator.join(timeout=120)
    took = time.monotonic() - started
    assert not coordinator.is_alive()
    assert took <= limit * 1.1 + 5.0  # the stage's own deadline: its limit plus 10 %
    (routed,) = out
    _, _, legs = _minimal_legs()
    dropped = [d for r in routed for d in r.solution.dropped]
    assert sorted(d.request_id for d in dropped) == sorted(leg.request_id for leg in legs)
    assert {d.reason for d in dropped} == {"timeout"}
    details = {d.detail for d in dropped}
    assert NEVER_TAKEN in details
    assert any(
        f"{killed} that took this subproblem stopped; handed back 1 time(s), no routing worker "
        "took it again" in d
        for d in details
    ), details
    assert {status for _, status, _, _ in _rows(workers.url)} == {"expired"}


def test_a_late_answer_under_a_superseded_claim_is_never_stored(database: str) -> None:
    """A claimant presumed dead answers after its subproblem was handed back and claimed again:
    its answer is refused, before and after the newer claim's answer, which stays."""
    with psycopg.connect(conninfo(database), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO routing_subproblems (id, batch_id, position, status, deadline, task, "
            "created_at) VALUES ('b-0', 'b', 0, 'queued', %s, '{}', now())",
            (time.time() + 60,),
        )
        first = claim_one(conn, "b-0", 1)
        assert first is not None and claim_one(conn, "b-0", 2) is None  # one claimant at a time
        conn.execute(  # the coordinator's hand-back (the claimant presumed dead)
            "UPDATE routing_subproblems SET status = 'queued', claim_token = NULL, "
            "handbacks = handbacks + 1 WHERE id = 'b-0' AND claim_token = %s",
            (first[0],),
        )
        second = claim_one(conn, "b-0", 3)
        assert second is not None and second[0] != first[0]
        assert not store(conn, "b-0", first[0], {"late": True}, 1.0)
        assert store(conn, "b-0", second[0], {"newer": True}, 2.0)
        assert not store(conn, "b-0", first[0], {"late": True}, 1.0)
        assert not store(conn, "b-0", second[0], {"again": True}, 3.0)  # applied once
        row = conn.execute(
            "SELECT status, result, engine_job_id, handbacks FROM routing_subproblems"
        ).fetchone()
    assert row is not None
    assert (row[0], json.loads(row[1]), row[2], row[3]) == ("done", {"newer": True}, 3, 1)


def test_auto_solves_locally_until_a_routing_worker_is_live(
    workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LOGISTICS_ROUTING_CHILD_JOBS=auto: off on SQLite; on PostgreSQL, subproblems stay in this
    process while no routing worker is live (no child job row), and become child jobs once one
    is (its slots counted in the lanes)."""
    url = workers.url
    monkeypatch.setenv("LOGISTICS_ROUTING_CHILD_JOBS", "auto")
    monkeypatch.setenv("LOGISTICS_DATABASE_URL", "sqlite:///unused.db")
    get_settings.cache_clear()
    with executor_for(get_settings()):
        assert current_executor() is LOCAL
    monkeypatch.setenv("LOGISTICS_DATABASE_URL", url)
    get_settings.cache_clear()
    minimal, net, legs = _minimal_legs()
    try:
        with executor_for(get_settings()):
            assert current_executor().lanes(2) == 2
            alone = route_trucks(minimal, net, legs, time_limit_s=4, seed=0, workers=2)
            assert _rows(url) == []
            workers.start("--queues", "routing", "--concurrency", "2")
            workers.wait_for_slots(2)
            assert current_executor().lanes(2) == 4
            spread = route_trucks(minimal, net, legs, time_limit_s=4, seed=0, workers=2)
    finally:
        get_settings.cache_clear()
    assert {status for _, status, _, _ in _rows(url)} == {"done"}
    for routed in (alone, spread):
        assert all(violations(r.problem, r.solution) == [] for r in routed if r.problem)
        assert not [d for r in routed for d in r.solution.dropped]
