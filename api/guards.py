"""Checks every request passes before routing: body size (413), NUL bytes, surrogates, JSON depth.

They run on the raw request so that no route, parser or database driver ever sees such input: a NUL
byte reaches PostgreSQL as an error, a lone surrogate cannot be encoded, and JSON nested a hundred
thousand deep makes Python's parser raise RecursionError.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

MAX_JSON_DEPTH = 64
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DRAIN_BYTES = 64 * 1024 * 1024  # an over-long body is read (and dropped) this far before answering

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
# Cheap pre-filters; a hit is confirmed by decoding the JSON and looking at its strings.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_RAW_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests arrays and objects more than `limit` deep (strings ignored)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    brackets = brackets.replace(b"{", b"[").replace(b"}", b"]")
    depth = 0
    while brackets and depth <= limit:
        shorter = brackets.replace(b"[]", b"")
        if shorter == brackets:  # unbalanced: what is left open still nests
            return depth + brackets.count(b"[") > limit
        brackets, depth = shorter, depth + 1
    return depth > limit


def bad_text(text: str) -> str | None:
    """Why a string cannot be stored (a NUL character or a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (\\ud800-\\udfff) that is not valid Unicode text"
    return None


def _find_bad_string(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        reason = bad_text(value)
        return (path, reason) if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            reason = bad_text(key)
            if reason:
                return f"{path}.{key!r}", f"a field name {reason}"
            found = _find_bad_string(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_bad_string(item, f"{path}.{index}")
            if found:
                return found
    return None


def _json_like(body: bytes) -> bool:
    start = body.lstrip()[:1]
    return start in (b"[", b"{")


def body_problem(body: bytes) -> tuple[str, str] | None:
    """The (field, reason) of the first thing no route may receive in this body, or None."""
    nul = body.find(b"\x00")
    if nul >= 0:
        return "body", f"contains a NUL byte at byte {nul}; remove it"
    raw = _RAW_SURROGATE.search(body)
    if raw:
        return "body", f"is not valid UTF-8: an encoded surrogate at byte {raw.start()}"
    if not _json_like(body):
        return None
    if json_too_deep(body):
        return "body", f"JSON nests deeper than {MAX_JSON_DEPTH} levels; flatten it"
    if _SUSPECT_ESCAPE.search(body):
        try:
            data = json.loads(body)
        except ValueError:
            return None  # not JSON after all (or JSON Lines): the route's parser says where
        return _find_bad_string(data, "body")
    return None


def target_problem(scope: Scope) -> tuple[str, str] | None:
    """The (field, reason) of a NUL character in the URL path or a query parameter, or None."""
    if "\x00" in scope.get("path", ""):
        return "path", "the URL path contains a NUL byte (%00); remove it"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        for text in (name, value):
            reason = bad_text(text)
            if reason:
                return f"query.{name}", f"query parameter {name!r} {reason}"
    return None


class RequestGuard:
    """ASGI middleware: refuse oversized bodies (413) and unstorable text or deep JSON (422)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the target, then (for methods with a body) read, check and replay the body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = target_problem(scope)
        if found:
            await _invalid(scope, receive, send, *found)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        body = await self._read_body(scope, receive, send)
        if body is None:
            return
        found = body_problem(body)
        if found:
            await _invalid(scope, receive, send, *found)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, receive, send, declared, more=True)
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                more = bool(message.get("more_body"))
                await self._too_large(scope, receive, send, size, more=more)
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _too_large(
        self, scope: Scope, receive: Receive, send: Send, size: int, *, more: bool
    ) -> None:
        # Read (and drop) the rest first, so the client is not reset before it sees the answer.
        read = 0
        while more and read < DRAIN_BYTES:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            read += len(message.get("body", b""))
            more = bool(message.get("more_body"))
        response = problem_response(
            413,
            "Request body too large",
            f"the request body is {size} bytes or more; the limit is {self.max_body_bytes} "
            "bytes (LOGISTICS_MAX_BODY_BYTES): split it into smaller requests",
            code="body_too_large",
            instance=scope.get("path", ""),
            limit_bytes=self.max_body_bytes,
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _invalid(scope: Scope, receive: Receive, send: Send, field: str, reason: str) -> None:
    response = problem_response(
        422,
        "Validation failed",
        f"invalid request: {field} {reason}",
        code="validation_failed",
        instance=scope.get("path", ""),
        errors=[{"field": field, "reason": reason}],
    )
    await response(scope, receive, send)
