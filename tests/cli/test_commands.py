"""The `logistics` command: validate, import, keys and demo, run as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "fixtures" / "bundles" / "minimal"


def run(args: list[str], db_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m logistics.cli ARGS` with the given database."""
    env = {**os.environ, "LOGISTICS_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "logistics", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite URL in a temporary folder."""
    return f"sqlite:///{tmp_path / 'cli.db'}"


def count_shipments(db_url: str) -> int:
    """Rows in the shipments table."""
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return int(conn.execute("select count(*) from shipments").fetchone()[0])


def test_every_command_has_help(db: str, tmp_path: Path) -> None:
    """--help works on the command and every subcommand."""
    for args in (
        ["--help"],
        ["validate", "--help"],
        ["import", "--help"],
        ["keys", "create", "--help"],
        ["serve", "--help"],
        ["ingest", "--help"],
        ["keys", "list", "--help"],
        ["demo", "--help"],
        ["plan", "--help"],
        ["check-plan", "--help"],
        ["generate", "--help"],
    ):
        result = run(args, db, tmp_path)
        assert result.returncode == 0 and "Usage" in result.stdout, (args, result.stderr)


def test_validate_reference_scenario_is_clean(db: str, tmp_path: Path) -> None:
    """`logistics validate fixtures/zhengzhou` reports a valid bundle."""
    result = run(["validate", str(ROOT / "fixtures" / "zhengzhou")], db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout and "180 shipments" in result.stdout


def test_broken_bundle_is_refused_and_database_unchanged(db: str, tmp_path: Path) -> None:
    """Import of a broken bundle lists every problem, exits 1, and stores nothing."""
    assert run(["import", str(MINIMAL)], db, tmp_path).returncode == 0
    broken = tmp_path / "broken"
    shutil.copytree(MINIMAL, broken)
    text = (broken / "shipments.csv").read_text()
    text = text.replace("SH00002,SHP-FXZ,FXZ", "SH00002,SHP-FXZ,NOWHERE").replace(",420,", ",-420,")
    (broken / "shipments.csv").write_text(
        text
        + "SH00077,SHP-FXZ,FXZ,LUXC,5,1,1,2026-11-29T09:00:00+08:00,2026-12-02T18:00:00+01:00,\n"
    )
    result = run(["import", str(broken)], db, tmp_path)
    assert result.returncode == 1
    assert "shipments.csv:2:weight_kg:" in result.stderr
    assert "shipments.csv:3:origin:" in result.stderr
    assert count_shipments(db) == 5


def test_import_twice_changes_nothing(db: str, tmp_path: Path) -> None:
    """Importing the same bundle again creates nothing new."""
    first = run(["import", str(MINIMAL)], db, tmp_path)
    second = run(["import", str(MINIMAL)], db, tmp_path)
    assert first.returncode == second.returncode == 0
    assert (
        "shipments: 5 created" in first.stdout
        and "shipments: 0 created, 5 unchanged" in second.stdout
    )
    assert count_shipments(db) == 5


def test_keys_create_prints_the_key_once(db: str, tmp_path: Path) -> None:
    """keys create prints a secret; a shipper key without --shipper is refused."""
    made = run(["keys", "create", "--role", "coordinator", "--name", "ops"], db, tmp_path)
    assert made.returncode == 0 and made.stdout.strip().startswith("lgk_")
    refused = run(["keys", "create", "--role", "shipper"], db, tmp_path)
    assert refused.returncode == 1 and "--shipper" in refused.stderr
    listed = run(["keys", "list"], db, tmp_path)
    assert "coordinator" in listed.stdout and made.stdout.strip() not in listed.stdout


def test_demo_prepares_database_and_keys_without_serving(db: str, tmp_path: Path) -> None:
    """`logistics demo --no-serve` imports the reference scenario and prints a key per role."""
    result = run(["demo", "--no-serve", "--time-limit", "15"], db, tmp_path)
    assert result.returncode == 0, result.stderr
    for role in ("coordinator", "shipper", "analyst", "feed", "admin"):
        assert role in result.stdout
    assert "accepted" in result.stdout and "0 checker violation(s)" in result.stdout
    assert count_shipments(db) == 180
    printed = int(re.search(r"accepted: (\d+)/180 shipments booked", result.stdout).group(1))  # type: ignore[union-attr]
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        booked = conn.execute("select count(distinct shipment_id) from booked_legs").fetchone()[0]
    assert booked == printed > 0
    again = run(["demo", "--no-serve", "--time-limit", "5"], db, tmp_path)
    assert again.returncode == 0 and count_shipments(db) == 180
    assert "the 5 key(s) of earlier demo runs were revoked" in again.stdout
    plan_ids = [
        re.search(r"Plan (\S+) accepted", out.stdout).group(1)  # type: ignore[union-attr]
        for out in (result, again)
    ]
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        active = conn.execute("select name from api_keys where revoked_at is null").fetchall()
        jobs = conn.execute(
            "select id, status, accepted_at from plan_jobs where requested_by = 'logistics demo' "
            "order by created_at"
        )
        stored = [(row[0], row[1], row[2] is not None) for row in jobs]
        recoveries = conn.execute(
            "select status, accepted_at is not null from plan_jobs where requested_by = 'demo'"
        ).fetchall()
        disruptions = conn.execute("select kind, service_id from disruptions").fetchall()
    assert sorted(name for (name,) in active) == [
        f"logistics demo: {role}" for role in ("admin", "analyst", "coordinator", "feed", "shipper")
    ]
    # demo plans are stored like requested ones, with the API's id format, so /plans shows them
    assert stored == [(plan_id, "done", True) for plan_id in plan_ids]
    assert all(re.fullmatch(r"plan_[0-9a-f]{16}", plan_id) for plan_id in plan_ids)
    assert f"/plans?plan={plan_ids[1]}&key=" in again.stdout
    # one world on one clock: the server's clock is the replay's, and a cancelled freighter was
    # played through to an accepted recovery on each run
    assert "Simulated clock: 2026-" in result.stdout and "(LOGISTICS_NOW)" in result.stdout
    assert [kind for kind, _ in disruptions] == ["service_cancelled"] * 2
    assert result.stdout.count("Disruption:      ") == 1, result.stdout
    assert recoveries and all(row == ("done", 1) for row in recoveries)


def test_ingest_reports_accepted_duplicates_and_rejections(db: str, tmp_path: Path) -> None:
    """`logistics ingest unified FILE` stores events and lists what it refused."""
    assert run(["import", str(MINIMAL)], db, tmp_path).returncode == 0
    batch = ROOT / "fixtures" / "tracking" / "minimal_batch.json"
    first = run(["ingest", "unified", str(batch)], db, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "4 accepted, 1 duplicate, 0 informational, 2 rejected" in first.stdout
    assert "TELEPORTED" in first.stderr and "SH99999" in first.stderr
    again = run(["ingest", "unified", str(batch)], db, tmp_path)
    assert "0 accepted, 5 duplicate" in again.stdout


def test_plan_writes_a_checked_plan_and_check_plan_verifies_it(db: str, tmp_path: Path) -> None:
    """`logistics plan` writes plan JSON; `check-plan` finds no violation, and finds a tampered one."""
    out = tmp_path / "plan.json"
    made = run(["plan", str(MINIMAL), "--out", str(out), "--time-limit", "5"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "5/5 planned" in made.stdout and "routing" in made.stderr
    assert "0 late (0.0 shipment-hours)" in made.stdout
    checked = run(["check-plan", str(MINIMAL), str(out)], db, tmp_path)
    assert checked.returncode == 0 and "0 violation(s)" in checked.stderr
    doc = json.loads(out.read_text())
    doc["vehicles"][0]["cost"] += 50
    out.write_text(json.dumps(doc))
    tampered = run(["check-plan", str(MINIMAL), str(out)], db, tmp_path)
    assert tampered.returncode == 1 and "truck_cost" in tampered.stdout


def test_plan_and_check_plan_take_a_now_and_forecasts(db: str, tmp_path: Path) -> None:
    """`plan --now` books nothing before it; `check-plan --now` flags a plan booking the past,
    `--forecasts` a connection the forecast misses, and a bad --now is refused with a fix."""
    offline = tmp_path / "offline.json"
    made = run(["plan", str(MINIMAL), "--out", str(offline), "--time-limit", "5"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    at = "2026-11-29T21:00:00+08:00"
    past = run(["check-plan", str(MINIMAL), str(offline), "--now", at], db, tmp_path)
    assert past.returncode == 1 and "books_the_past" in past.stdout
    late = tmp_path / "forecasts.json"
    late.write_text(json.dumps({"CV9751-20261130": "2026-11-30T19:00:00+01:00"}))
    missed = run(["check-plan", str(MINIMAL), str(offline), "--forecasts", str(late)], db, tmp_path)
    assert missed.returncode == 1 and "missed_connection" in missed.stdout
    now_plan = tmp_path / "now.json"
    made = run(
        ["plan", str(MINIMAL), "--out", str(now_plan), "--time-limit", "5", "--now", at],
        db,
        tmp_path,
    )
    assert made.returncode == 0, made.stderr
    clean = run(["check-plan", str(MINIMAL), str(now_plan), "--now", at], db, tmp_path)
    assert clean.returncode == 0 and "0 violation(s)" in clean.stderr
    bad = run(["check-plan", str(MINIMAL), str(offline), "--now", "tomorrow"], db, tmp_path)
    assert bad.returncode != 0 and "ISO 8601" in bad.stderr


def test_generate_writes_a_valid_bundle_of_the_asked_size(db: str, tmp_path: Path) -> None:
    """`logistics generate` writes a bundle that validates with the requested shipment count."""
    out = tmp_path / "gen"
    made = run(["generate", str(out), "--shipments", "300", "--seed", "4"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    checked = run(["validate", str(out)], db, tmp_path)
    assert checked.returncode == 0 and "300 shipments" in checked.stdout
