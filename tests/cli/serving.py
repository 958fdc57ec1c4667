"""Waiting for a `logistics serve` subprocess to answer its health check."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_until_serving(server: subprocess.Popen[bytes], port: int, timeout_s: float) -> None:
    """Poll `/v1/health` until it answers 200; fail if the server exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
