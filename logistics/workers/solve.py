"""The solver child of a worker: `python -m logistics.workers.solve JOB_ID` runs one plan job and
prints run_job's answer; it dies with the worker that started it (Linux parent-death signal)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from logistics.settings import get_settings
from logistics.workers import plan_run
from logistics.workers.routing_children import executor_for

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies; exit if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def main(argv: list[str]) -> int:
    """Run the job given on the command line (the worker's pid second); print the answer."""
    job_id, parent_pid = argv[0], int(argv[1])
    die_with_parent(parent_pid)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a worker's graceful stop lets the solve finish
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settings = get_settings()
    with executor_for(settings, plan_job_id=job_id):  # routing child jobs, when enabled
        answer = plan_run.run_job(settings.database_url, job_id, take_over=True)
    print(answer, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
