"""`logistics report NAME`: filters, formats and errors, run as a real subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from tests.reports import expected as x
from tests.reports.compare import assert_table
from tests.reports.history import load_history

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the fixture history (committed)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'history.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_history(session)
    engine.dispose()
    return url


def run(args: list[str], db: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m logistics report ARGS` on the history database."""
    env = {**os.environ, "LOGISTICS_DATABASE_URL": db}
    command = [sys.executable, "-m", "logistics", "report", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_writes_filtered_csv(db: str, tmp_path: Path) -> None:
    """Filters reach the report; the file holds the figures; the summary goes to stderr."""
    out = tmp_path / "t.csv"
    done = run(
        [
            "throughput",
            "--from",
            "2026-11-29",
            "--to",
            "2026-12-01",
            "--mode",
            "air",
            "--format",
            "csv",
            "--out",
            str(out),
        ],
        db,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "written to" in done.stderr
    c = x.Criteria(
        start=x.utc("2026-11-29T00:00:00+00:00"), end=x.utc("2026-12-01T00:00:00+00:00"), mode="air"
    )
    frame = pd.read_csv(out)
    assert_table(frame, ["period", "mode", "lane"], x.throughput(x.History(), c))


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "json", "png"])
def test_every_format(db: str, tmp_path: Path, fmt: str) -> None:
    """Each format is written and non-empty."""
    out = tmp_path / f"r.{fmt}"
    done = run(["utilization", "--format", fmt, "--out", str(out), "--as-of", "2026-12-20"], db)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    if fmt == "xlsx":
        assert set(pd.read_excel(io.BytesIO(out.read_bytes()), sheet_name=None)) >= {
            "services",
            "lanes",
            "truck_shifts",
        }


def test_bad_input_exits_1(db: str, tmp_path: Path) -> None:
    """Unknown report, bad date and a period ending before it starts are refused with a reason."""
    out = tmp_path / "x.csv"
    for args, reason in (
        (["tonnage"], "no report 'tonnage'"),
        (["throughput", "--from", "30/11/2026"], "is not a date"),
        (["throughput", "--from", "2026-12-02", "--to", "2026-12-01"], "must end after it starts"),
        (["throughput", "--from", "2026-12-01T08:00"], "no UTC offset"),
    ):
        done = run([*args, "--out", str(out)], db)
        assert done.returncode == 1 and reason in done.stderr, done.stderr
    assert not out.exists()
