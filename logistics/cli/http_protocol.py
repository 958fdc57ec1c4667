"""uvicorn's h11 protocol answering malformed requests as problem+json: 431 for oversized headers."""

from __future__ import annotations

import contextlib
import json
import sys
from http import HTTPStatus
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

LINGER_SECONDS = 2.0  # keep reading (and dropping) after the answer, so the client is not reset


class LimitedH11Protocol(H11Protocol):
    """h11 with RFC 9457 answers: 431 when the request head passes the limit, 400 otherwise."""

    _discarding = False

    def data_received(self, data: bytes) -> None:
        """Feed h11, unless the request was already refused (then drop what still arrives)."""
        if self._discarding:
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        """Answer the request h11 refused, with 431 when its head was too large, then close."""
        error = sys.exception()
        status = 400
        if isinstance(error, h11.RemoteProtocolError):
            status = error.error_status_hint
        limit = self.config.h11_max_incomplete_event_size
        if status == 431:
            detail = (
                f"the request line and headers exceed {limit} bytes "
                "(LOGISTICS_MAX_HEADER_BYTES): send smaller headers"
            )
        else:
            detail = f"malformed HTTP request: {error or msg}"
        self.logger.warning("refused a request with %d: %s", status, detail)
        self._write_problem(status, detail)
        self._discarding = True
        with contextlib.suppress(NotImplementedError, OSError, RuntimeError):
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def _write_problem(self, status: int, detail: str) -> None:
        phrase = HTTPStatus(status).phrase
        problem: dict[str, Any] = {
            "type": "about:blank",
            "title": phrase,
            "status": status,
            "detail": detail,
        }
        body = json.dumps(problem).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=status, headers=headers, reason=phrase.encode())
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))


def uvicorn_limits(max_header_bytes: int) -> dict[str, Any]:
    """uvicorn options that apply the header limit (with the 431 answer) to a server."""
    return {"http": LimitedH11Protocol, "h11_max_incomplete_event_size": max_header_bytes}
