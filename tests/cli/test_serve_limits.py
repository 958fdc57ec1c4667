"""`logistics serve` as a real process: oversized request heads get 431 problem+json, not a reset."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.api.live_server import free_port
from tests.cli.serving import wait_until_serving


def _exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_serve_answers_431_to_a_1_mb_header_and_keeps_serving(tmp_path: Path) -> None:
    """A 1 MB header is refused with 431 and a problem document; the server answers afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "LOGISTICS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "LOGISTICS_WORKERS": "1",
        "LOGISTICS_MAX_HEADER_BYTES": "32768",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "logistics", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_serving(server, port, timeout_s=60)
        filler = b"a" * (1024 * 1024)
        answer = _exchange(
            port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + filler + b"\r\n\r\n"
        )
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 431 "), head
        assert b"content-type: application/problem+json" in head.lower()
        problem = json.loads(body)
        assert problem["status"] == 431 and "32768 bytes" in problem["detail"]
        small = _exchange(
            port,
            b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: "
            + filler[:30000]
            + b"\r\nConnection: close\r\n\r\n",
        )
        assert small.startswith(b"HTTP/1.1 200 ")
    finally:
        server.terminate()
        server.wait(timeout=30)
