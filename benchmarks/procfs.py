"""What benchmarks read about processes from /proc (Linux): parents, children."""

from __future__ import annotations

import contextlib
from pathlib import Path


def parents() -> dict[int, int]:
    """Every running process's parent pid, by pid."""
    out: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid`: a supervisor's server processes."""
    return [child for child, parent in parents().items() if parent == pid]
