"""RFC 9457 problem+json responses, and the one place errors are mapped to HTTP status."""

from __future__ import annotations

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
    status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: Any
) -> JSONResponse:
    """Build an RFC 9457 problem document response."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


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


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        errors.append({"field": ".".join(loc), "reason": err.get("msg", "invalid")})
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
    return problem_response(
        exc.status_code, str(exc.detail), str(exc.detail), instance=request.url.path
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error to problem+json: domain errors, request validation and plain HTTP errors."""
    app.add_exception_handler(LogisticsError, _logistics_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
