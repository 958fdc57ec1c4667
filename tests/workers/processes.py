"""Helpers of the worker tests: the Procfile's command lines and processes read from /proc."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLVER = "logistics.workers.solve"


def procfile() -> dict[str, list[str]]:
    """The Procfile's processes: name -> argv (its `logistics` is this interpreter's script)."""
    out: dict[str, list[str]] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            if argv[0] == "logistics":
                argv[0] = str(Path(sys.executable).parent / "logistics")
            out[name.strip()] = argv
    return out


def children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def solvers_of(pid: int) -> list[int]:
    """The solver children (`python -m logistics.workers.solve`) of a process."""
    out = []
    for child in children(pid):
        try:
            argv = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if SOLVER.encode() in argv and running(child):
            out.append(child)
    return out
