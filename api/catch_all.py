"""The last resort: anything unexpected becomes a problem+json 500 with a logged correlation id."""

from __future__ import annotations

import logging
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

CORRELATION_HEADER = "X-Correlation-Id"
logger = logging.getLogger("api.errors")


class CatchAll:
    """ASGI middleware: log an unhandled exception with a correlation id and answer 500 with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; if it raises before answering, answer a 500 problem instead."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            correlation = uuid.uuid4().hex
            logger.error(
                "unexpected error %s on %s %s",
                correlation,
                scope.get("method"),
                scope.get("path"),
                exc_info=exc,
            )
            if started:
                raise
            response = problem_response(
                500,
                "Internal Server Error",
                "an unexpected error stopped this request; report correlation id "
                f"{correlation} to the operator (the server log has the details)",
                code="internal_error",
                instance=scope.get("path", ""),
                correlation_id=correlation,
                headers={CORRELATION_HEADER: correlation},
            )
            await response(scope, receive, send)
