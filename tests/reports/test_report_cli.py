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
    expected = x.throughput(x.History(), c)
    assert_table(frame, ["period", "mode", "lane"], expected, rounded=0.005)  # 2 decimals in CSV


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "json", "png"])
def test_every_format(db: str, tmp_path: Path, fmt: str) -> None:
    """Each format is written and non-empty."""
    out = tmp_path / f"r.{fmt}"
    done = run(["utilization", "--format", fmt, "--out", str(out), "--as-of", "2026-12-20"], db)
    assert done.returncode == 0, done.stderr
    if fmt == "parquet":  # one file per table
        out = tmp_path / "r_services.parquet"
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


def test_format_comes_from_the_file_name(db: str, tmp_path: Path) -> None:
    """Without --format, .xlsx writes a workbook (one sheet per table), never CSV text."""
    out = tmp_path / "guess.xlsx"
    done = run(["on-time", "--out", str(out), "--as-of", "2026-12-20"], db)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"PK")  # a zip container, as every .xlsx is
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets)[:5] == ["by_mode", "by_lane", "by_shipper", "by_carrier", "by_period"]
    assert "on_time_rate_pct" in sheets["by_mode"].columns
    assert f"written to {out}" in done.stderr


def test_unknown_or_contradicting_extension_is_refused(db: str, tmp_path: Path) -> None:
    """An extension naming no format, or another format than --format, writes nothing."""
    for args, reason in (
        (["--out", str(tmp_path / "r.txt")], "cannot tell the format of 'r.txt'"),
        (["--out", str(tmp_path / "r")], "(no extension)"),
        (["--format", "csv", "--out", str(tmp_path / "r.xlsx")], "--format csv but --out r.xlsx"),
    ):
        done = run(["on-time", *args], db)
        assert done.returncode == 1 and reason in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_csv_of_a_report_with_tables_writes_one_file_each(db: str, tmp_path: Path) -> None:
    """Every table is written, each to OUT_TABLE.csv, and the message names each file."""
    out = tmp_path / "on-time.csv"
    done = run(["on-time", "--out", str(out), "--as-of", "2026-12-20"], db)
    assert done.returncode == 0, done.stderr
    tables = ["by_mode", "by_lane", "by_shipper", "by_carrier", "by_period"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"on-time_{t}.csv" for t in tables)
    for name in tables:
        path = tmp_path / f"on-time_{name}.csv"
        frame = pd.read_csv(path)
        assert f"{name} ({len(frame)} rows) written to {path}" in done.stderr
    by_mode = pd.read_csv(tmp_path / "on-time_by_mode.csv")
    rates = by_mode["on_time_rate_pct"].dropna()
    assert ((rates >= 0) & (rates <= 100)).all() and (rates.round(1) == rates).all()
    one = run(["on-time", "--table", "by_lane", "--out", str(tmp_path / "lanes.csv")], db)
    assert one.returncode == 0, one.stderr
    assert "lane" in pd.read_csv(tmp_path / "lanes.csv").columns


def test_unknown_places_are_refused_not_empty(db: str, tmp_path: Path) -> None:
    """An unknown hub or lane is an error naming it, not an empty table."""
    out = tmp_path / "t.csv"
    for args, reason in (
        (["--hub", "XXX"], "hub 'XXX' is not a known location id"),
        (["--lane", "CGO-ZZZ"], "lane 'CGO-ZZZ' is not FROM-TO of two known location ids"),
        (["--lane", "CGO"], "lane 'CGO' is not FROM-TO"),
    ):
        done = run(["throughput", *args, "--out", str(out)], db)
        assert done.returncode == 1 and reason in done.stderr, done.stderr
    assert not out.exists()


PROBE = """
import sys
from logistics.cli import app
try:
    app(args=sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("LOADED:" + ",".join(m for m in ("pandas", "matplotlib", "openpyxl", "ortools", "fastapi") if m in sys.modules))
"""


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["report", "on-time", "--out", "{tmp}/o.csv"], {"pandas"}),
        (["report", "utilization", "--out", "{tmp}/u.xlsx"], {"pandas", "openpyxl"}),
        (["keys", "list"], set()),
        (["tracking", "--help"], set()),
    ],
)
def test_commands_import_only_what_they_need(
    db: str, tmp_path: Path, args: list[str], allowed: set[str]
) -> None:
    """No OR-Tools, FastAPI or matplotlib for a CSV report; no pandas to list keys."""
    env = {**os.environ, "LOGISTICS_DATABASE_URL": db}
    filled = [a.format(tmp=tmp_path) for a in args]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *filled],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    marker = done.stdout.strip().splitlines()[-1]
    assert marker.startswith("LOADED:"), done.stdout
    loaded = set(filter(None, marker.removeprefix("LOADED:").split(",")))
    assert loaded <= allowed, (args, loaded)
    if args[0] == "report":
        assert "pandas" in loaded  # the probe sees imports (it is not vacuous)
