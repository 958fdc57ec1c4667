"""RFC 9457 problem+json responses, and the one place errors are mapped to HTTP status."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from logistics.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InProgress,
    LogisticsError,
    NotFound,
    PermissionDenied,
    Unavailable,
    ValidationFailed,
)

PROBLEM_JSON = "application/problem+json"

_STATUS: list[tuple[type[LogisticsError], int, str]] = [
    (AuthenticationFailed, 401, "Unauthenticated"),
    (PermissionDenied, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
    (InProgress, 409, "In progress"),
    (Conflict, 409, "Conflict"),
    (ValidationFailed, 422, "Validation failed"),
    (DomainError, 422, "Invalid value"),
    (Unavailable, 503, "Service unavailable"),
]


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build an RFC 9457 problem document response."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update(extra)
    all_headers = dict(headers or {})
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=all_headers)


def _logistics_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LogisticsError)
    status, title = next(
        ((code, name) for kind, code, name in _STATUS if isinstance(exc, kind)),
        (400, "Bad request"),
    )
    extra: dict[str, Any] = {"code": exc.code, "instance": request.url.path}
    detail = str(exc)
    if isinstance(exc, ValidationFailed):
        extra["errors"] = [
            {"location": f"{p.file}:{p.line}:{p.column}", "field": p.column, "reason": p.reason}
            for p in exc.problems
        ]
        detail = f"{len(exc.problems)} problem(s) in the input; see `errors`"
    if isinstance(exc, Conflict):
        extra["conflicts"] = exc.conflicts
    response = problem_response(status, title, detail, **extra)
    if isinstance(exc, Unavailable | InProgress):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


# Clearer reasons than pydantic's for the mistakes clients make most, by pydantic error type.
_REASONS = {
    "timezone_aware": "needs a UTC offset: add one, e.g. 2026-11-30T08:00:00+08:00 or "
    "2026-11-30T00:00:00Z",
    "extra_forbidden": "is not a field of this request (misspelt?); remove it or fix its name",
    "string_too_long": "is too long",
}


def _reason(err: Any) -> str:
    kind = err.get("type", "")
    message = str(err.get("msg", "invalid"))
    if kind == "value_error" and (err.get("ctx") or {}).get("error") is not None:
        return str(err["ctx"]["error"])
    if kind in _REASONS:
        limit = (err.get("ctx") or {}).get("max_length")
        suffix = f" (at most {limit} characters)" if limit is not None else ""
        return _REASONS[kind] + suffix
    return message


def _body_reason(request: Request, err: Any) -> str | None:
    """A clearer reason when the body as a whole is missing or not JSON."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        sent = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
        return f"must be JSON sent with Content-Type: application/json (the request had {sent})"
    if err.get("type") == "missing":
        return "is missing: send a JSON body (this request's body is empty)"
    return None


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        reason = (_body_reason(request, err) if loc == ["body"] else None) or _reason(err)
        errors.append({"field": ".".join(loc), "reason": reason})
    fields = ", ".join(e["field"] for e in errors) or "request"
    return problem_response(
        422,
        "Validation failed",
        f"invalid request: {fields}",
        code="validation_failed",
        instance=request.url.path,
        errors=errors,
    )


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = str(exc.detail)
    detail = str(exc.detail)
    if exc.status_code == 405:
        detail = (
            f"{request.method} is not allowed here; allowed: {(exc.headers or {}).get('Allow')}"
        )
    return problem_response(
        exc.status_code,
        title,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error to problem+json: domain errors, request validation and plain HTTP errors."""
    app.add_exception_handler(LogisticsError, _logistics_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
