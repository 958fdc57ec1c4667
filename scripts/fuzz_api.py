"""Fuzz the API with schemathesis, once per role, against a real server over SQLite or PostgreSQL.

    python scripts/fuzz_api.py [--database sqlite|postgres] [--max-examples N] [--seed S]

The server is `create_app` on uvicorn (with `logistics serve`'s header limit) on a loopback port,
over a fresh database holding the reference scenario (`logistics demo`'s data), the minimal
bundle's booked legs and tracking events, and one key per role. Each role's run checks
`not_a_server_error` and `response_schema_conformance` on every operation with at most N generated
cases per operation and phase; the figures (operations, cases, failures) are printed per role and
the exit status is non-zero on any failure. PostgreSQL needs LOGISTICS_TEST_POSTGRES_URL (a server
where a temporary database is created and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "fixtures" / "zhengzhou"
EVENTS = ROOT / "fixtures" / "tracking" / "minimal_batch.json"
CHECKS = "not_a_server_error,response_schema_conformance"
# Queuing plans would start planner processes for up to an hour each: not this run's subject.
EXCLUDED = ["--exclude-name", "POST /v1/plans"]


@dataclass(frozen=True)
class RoleRun:
    """What one role's schemathesis run did."""

    role: str
    operations: int
    cases: int
    server_errors: int
    schema_violations: int
    summary: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="logistics-fuzz-")
        try:
            yield f"sqlite:///{folder}/fuzz.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from logistics.persistence.database import temporary_postgres_database

    admin = os.environ.get("LOGISTICS_TEST_POSTGRES_URL")
    if not admin:
        raise SystemExit("--database postgres needs LOGISTICS_TEST_POSTGRES_URL")
    with temporary_postgres_database(admin, "logistics_fuzz") as url:
        yield url


def _seed(url: str) -> dict[str, str]:
    """Load the reference scenario and create one key per role; return role -> key."""
    from logistics.bundles.reader import read_bundle
    from logistics.domain import Role
    from logistics.persistence.database import make_engine, make_session_factory, session_scope
    from logistics.persistence.migrate import upgrade_to_head
    from logistics.services.api_keys import create_api_key
    from logistics.services.import_scenario import import_scenario

    engine = make_engine(url)
    upgrade_to_head(engine)
    scenario = read_bundle(REFERENCE)
    shipper = sorted({s.shipper for s in scenario.shipments})[0]
    keys: dict[str, str] = {}
    with session_scope(make_session_factory(engine)) as session:
        import_scenario(session, scenario)
        for role in Role:
            secret, _ = create_api_key(
                session,
                role=role,
                shipper_id=shipper if role is Role.SHIPPER else None,
                name=f"fuzz-{role.value}",
            )
            keys[role.value] = secret
    engine.dispose()
    return keys


@contextmanager
def _server(url: str) -> Iterator[str]:
    from api.app import create_app
    from logistics.cli.http_protocol import uvicorn_limits
    from logistics.persistence.database import make_engine, make_session_factory
    from logistics.settings import get_settings

    factory = make_session_factory(make_engine(url))
    port = _free_port()
    config = uvicorn.Config(
        create_app(session_factory=factory),
        host="127.0.0.1",
        port=port,
        log_level="error",
        lifespan="on",
        **uvicorn_limits(get_settings().max_header_bytes),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _run_role(base_url: str, role: str, key: str, args: argparse.Namespace, out: Path) -> RoleRun:
    report = out / f"{role}.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Bearer {key}",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--phases",
        args.phases,
        "--workers",
        "1",
        "--no-shrink",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *EXCLUDED,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return _figures(role, report, done)


def _figures(role: str, report: Path, done: subprocess.CompletedProcess[str]) -> RoleRun:
    """Count operations, cases, 5xx answers and failed checks from the ndjson report."""
    operations: set[str] = set()
    cases: set[str] = set()
    server_errors: set[str] = set()
    violations: set[str] = set()
    for line in report.read_text().splitlines():
        body = json.loads(line).get("ScenarioFinished")
        if not body:
            continue
        recorder = body.get("recorder", {})
        if recorder.get("label"):
            operations.add(recorder["label"])
        cases.update(recorder.get("cases", {}))
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") in ("failure", "error"):
                    target = server_errors if check["name"] == "not_a_server_error" else violations
                    target.add(case_id)
        for case_id, interaction in recorder.get("interactions", {}).items():
            response = interaction.get("response") or {}
            if response.get("status_code", 0) >= 500:
                server_errors.add(case_id)
    tail = "\n".join(done.stdout.strip().splitlines()[-30:])
    if done.returncode != 0 and not (server_errors or violations):
        violations.add(f"schemathesis exited {done.returncode}")
    return RoleRun(role, len(operations), len(cases), len(server_errors), len(violations), tail)


def main() -> int:
    """Seed, serve, fuzz every role; print the figures; non-zero exit on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--phases",
        default="examples,fuzzing",
        help="schemathesis phases; add `coverage` for its boundary cases (about 2,300 per role)",
    )
    parser.add_argument("--roles", default="", help="Comma-separated roles (default: all)")
    parser.add_argument("--report-dir", type=Path, help="Keep schemathesis' ndjson reports here")
    args = parser.parse_args()
    os.environ.setdefault("LOGISTICS_WORKERS", "1")
    started = time.monotonic()
    runs: list[RoleRun] = []
    with tempfile.TemporaryDirectory(prefix="logistics-fuzz-report-") as folder:
        out = args.report_dir or Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        with _database(args.database) as url:
            keys = _seed(url)
            chosen = [r for r in args.roles.split(",") if r] or list(keys)
            with _server(url) as base_url:
                for role in chosen:
                    runs.append(_run_role(base_url, role, keys[role], args, out))
    elapsed = time.monotonic() - started
    print(f"schemathesis on {args.database}, {args.max_examples} examples per operation and phase:")
    for run in runs:
        print(
            f"  {run.role:12} {run.operations:3} operations {run.cases:5} cases "
            f"{run.server_errors} server errors {run.schema_violations} schema violations"
        )
    print(f"  total {sum(r.cases for r in runs)} cases in {elapsed:.0f} s")
    failed = [r for r in runs if r.server_errors or r.schema_violations or r.operations == 0]
    for run in failed:
        print(f"\n--- {run.role} ---\n{run.summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
