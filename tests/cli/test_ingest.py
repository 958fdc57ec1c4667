"""`logistics ingest FORMAT FILE` for Cargo-IMP FSU, run as a real subprocess."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_commands import MINIMAL, ROOT, run

FSU_DELIVERED = ROOT / "fixtures" / "tracking" / "fsu_sh00001_delivered.txt"
MALFORMED = ROOT / "fixtures" / "feeds" / "fsu" / "malformed.txt"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite URL with the minimal bundle imported; the clock frozen after the flight."""
    monkeypatch.setitem(os.environ, "LOGISTICS_NOW", "2026-11-30T13:00:00+00:00")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run(["import", str(MINIMAL)], url, tmp_path).returncode == 0
    return url


def test_ingest_fsu_answers_each_record_and_repeats_are_duplicates(db: str, tmp_path: Path) -> None:
    """With the AWB linked, ARR and DLV are accepted, AWR informational; a repeat is duplicate."""
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        conn.execute(
            "insert into shipment_references (kind, value, shipment_id) "
            "values ('awb', '160-12345675', 'SH00001')"
        )
    first = run(["ingest", "fsu", str(FSU_DELIVERED)], db, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "2 accepted, 0 duplicate, 1 informational, 0 rejected" in first.stdout
    again = run(["ingest", "FSU", str(FSU_DELIVERED)], db, tmp_path)
    assert "0 accepted, 3 duplicate, 0 informational, 0 rejected" in again.stdout


def test_ingest_fsu_lists_refused_records_with_line_code_and_element(
    db: str, tmp_path: Path
) -> None:
    """Malformed records are listed on stderr with their line, code and the element at fault."""
    result = run(["ingest", "fsu", str(MALFORMED)], db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "line 9: rejected (bad_element): RCS: element Day, Month and Actual Time" in result.stderr
    )
    assert "line 15: rejected (bad_element)" in result.stderr and "'ZZZ'" in result.stderr
    assert "line 24: rejected (unlinked_reference)" in result.stderr
