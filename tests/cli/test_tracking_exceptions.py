"""`logistics tracking exceptions` speaks each place's local time, offsets shown, never bare UTC."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services.import_scenario import import_scenario
from tests.booking import BOOKED, book_minimal
from tests.cli.test_commands import MINIMAL

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def logistics(args: list[str], db_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI at the fixed tracking time the fixture's legs are planned around."""
    env = {**os.environ, "LOGISTICS_DATABASE_URL": db_url, "LOGISTICS_NOW": "2026-11-28T12:00Z"}
    return subprocess.run(
        [sys.executable, "-m", "logistics", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_missed_connection_and_delay_read_in_local_time(tmp_path: Path) -> None:
    """A late truck (missed flight at CGO) and a late flight (ETA after due at LUXC): each line
    in the place's own time with its offset; a delay is told in its destination's time."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        import_scenario(session, read_bundle(MINIMAL))
        book_minimal(session)
    engine.dispose()
    feed = tmp_path / "late.json"
    feed.write_text(json.dumps([*BOOKED["late_truck"], *BOOKED["late_flight"]]))
    assert logistics(["ingest", "unified", str(feed)], url, tmp_path).returncode == 0
    listed = logistics(["tracking", "exceptions", "--state", "all"], url, tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines, listed.stderr
    assert not ISO.search(listed.stdout), "a machine ISO time was printed to a person"
    assert "+00:00" not in listed.stdout and " UTC" not in listed.stdout
    for line in lines:
        if " CGO " in line:  # Zhengzhou: every time of the line at +08:00
            assert re.findall(r"\d{2}:\d{2} ([+-]\d{2}:\d{2})", line) == ["+08:00"] * len(
                re.findall(r"\d{2}:\d{2} [+-]", line)
            )
    delays = [line for line in lines if " DELAY " in line]
    assert delays, listed.stdout
    for line in delays:  # ETA and due both at the destination, Luxembourg
        assert re.search(r"ETA \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+01:00 is \d+ min after due", line)
        assert line.endswith("+01:00") or "(closed" in line
    assert "local time of each exception's place" in listed.stderr
