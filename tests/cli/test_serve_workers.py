"""`logistics serve --workers N`: several server processes on PostgreSQL, refused on SQLite."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from logistics.cli.serve import EMBEDDED_ONE_PROCESS
from tests.api.live_server import free_port
from tests.cli.serving import wait_until_serving
from tests.workers.processes import children, running


def _socket_owners(pids: list[int]) -> dict[int, int]:
    """Socket inode -> the pid (among `pids`) holding it."""
    owners: dict[int, int] = {}
    for pid in pids:
        folder = Path("/proc") / str(pid) / "fd"
        try:
            links = [os.readlink(entry) for entry in folder.iterdir()]
        except OSError:
            continue
        for link in links:
            if link.startswith("socket:["):
                owners[int(link[8:-1])] = pid
    return owners


def _answering_process(server_port: int, client_port: int, pids: list[int]) -> int | None:
    """The process (among `pids`) holding the server end of the connection from `client_port`."""
    owners = _socket_owners(pids)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
                and inode in owners
            ):
                return owners[inode]
    return None


def _health_over(sock: socket.socket) -> bytes:
    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
        chunk = sock.recv(65536)
        assert chunk, answer
        answer += chunk
    return answer


def test_serve_with_two_workers_answers_from_two_processes(database_url: str) -> None:
    """On PostgreSQL (procrastinate engine) `--workers 2` runs two server processes on one port,
    both answering requests; on SQLite it is refused with the reason, before serving anything."""
    port = free_port()
    env = {**os.environ, "LOGISTICS_DATABASE_URL": database_url, "LOGISTICS_WORKERS": "1"}
    command = [sys.executable, "-m", "logistics", "serve", "--port", str(port), "--workers", "2"]
    if database_url.startswith("sqlite"):
        refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2
        assert " ".join(EMBEDDED_ONE_PROCESS.format(workers=2).split()) in " ".join(
            refused.stderr.split()
        )
        assert not Path(database_url.removeprefix("sqlite:///")).exists()  # nothing migrated
        return
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_serving(server, port, timeout_s=90)
        processes = [pid for pid in children(server.pid) if running(pid)]
        answering: set[int] = set()
        for _ in range(30):  # connections go to whichever process accepts first
            connections = [
                socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(6)
            ]
            try:
                for sock in connections:
                    assert _health_over(sock).startswith(b"HTTP/1.1 200 ")
                for sock in connections:
                    owner = _answering_process(port, sock.getsockname()[1], processes)
                    assert owner is not None
                    answering.add(owner)
            finally:
                for sock in connections:
                    sock.close()
            if len(answering) == 2:
                break
        assert len(answering) == 2, (processes, answering)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""
