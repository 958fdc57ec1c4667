"""CLI start-up: wall time of `logistics` commands and which heavy libraries each one imports.

Run: `python benchmarks/cli_start.py [--runs 5] [--tree PATH]` (PATH: a checkout to measure instead
of this one, e.g. an older commit in a git worktree). It builds a small SQLite database with the
fixture history of tests/reports first, then times each command in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "matplotlib", "openpyxl", "ortools", "fastapi", "uvicorn")
COMMANDS = {
    "--help": ["--help"],
    "keys list": ["keys", "list"],
    "report on-time (csv)": ["report", "on-time", "--out", "{tmp}/on-time.csv"],
    "report throughput (xlsx)": ["report", "throughput", "--out", "{tmp}/throughput.xlsx"],
}
PROBE = """
import sys, time
began = time.perf_counter()
from logistics.cli import app
try:
    app(args=sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = [m for m in {heavy!r} if m in sys.modules]
print("HEAVY", ",".join(heavy) or "-", file=sys.stderr)
"""


def prepare(db_url: str) -> None:
    """The fixture history of the report tests, in a fresh SQLite database."""
    sys.path.insert(0, str(ROOT))
    from logistics.persistence.database import make_engine, make_session_factory, session_scope
    from logistics.persistence.migrate import upgrade_to_head
    from tests.reports.history import load_history

    engine = make_engine(db_url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_history(session)
    engine.dispose()


def measure(tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of one run in a fresh interpreter, and the heavy modules it imported."""
    code = PROBE.format(heavy=HEAVY)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(tree)},
        cwd=tree,
        check=True,
    )
    seconds = time.perf_counter() - began
    heavy = next(line for line in done.stderr.splitlines() if line.startswith("HEAVY"))
    return seconds, heavy.split(" ", 1)[1]


def main() -> None:
    """Print a table: command, median and min wall seconds, heavy imports."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=ROOT)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/history.db"
        prepare(db_url)
        env = {**os.environ, "LOGISTICS_DATABASE_URL": db_url}
        print(f"tree {options.tree}, {options.runs} runs each, {os.cpu_count()} CPUs")
        print(f"{'command':28} {'median s':>9} {'min s':>7}  heavy imports")
        for label, args in COMMANDS.items():
            filled = [a.format(tmp=tmp) for a in args]
            runs = [measure(options.tree, filled, env) for _ in range(options.runs)]
            seconds = [s for s, _ in runs]
            print(f"{label:28} {statistics.median(seconds):9.2f} {min(seconds):7.2f}  {runs[0][1]}")


if __name__ == "__main__":
    main()
