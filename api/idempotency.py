"""Create routes made retry-safe by an Idempotency-Key header (the same key: one row, one answer)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from logistics.domain import Principal
from logistics.services import idempotent_requests
from logistics.settings import get_settings

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Retry-safe key: a repeat gets the first answer",
    ),
]


def run_once(
    session: Session,
    principal: Principal,
    key: str | None,
    body: bytes,
    work: Callable[[Session], Mapping[str, Any]],
    *,
    status_code: int = 200,
    headers: Callable[[Mapping[str, Any]], dict[str, str]] | None = None,
    then: Callable[[Mapping[str, Any]], None] | None = None,
) -> JSONResponse:
    """Run `work` once per Idempotency-Key (`idempotent_requests.run`) and answer with its
    document: a repeat, or a client racing with the same key, gets the first answer, marked
    `Idempotent-Replayed: true`; `headers` adds the answer's own (e.g. its `Location`); `then`
    runs after the work committed (e.g. hands a queued job to the runner), never on a replay."""
    settings = get_settings()
    answer = idempotent_requests.run(
        session,
        work,
        api_key_id=principal.key_id,
        key=key,
        body=body,
        stale_after_s=settings.idempotency_claim_seconds,
        attempts=settings.db_retry_attempts,
        status_code=status_code,
    )
    extra = headers(answer.body) if headers else {}
    if answer.replayed:
        extra["Idempotent-Replayed"] = "true"
    elif then is not None:
        then(answer.body)
    return JSONResponse(dict(answer.body), status_code=answer.status_code, headers=extra or None)


def create_once(
    session: Session,
    principal: Principal,
    key: str | None,
    request: tuple[str, BaseModel],
    work: Callable[[Session], Mapping[str, Any]],
    headers: Callable[[Mapping[str, Any]], dict[str, str]],
    *,
    status_code: int = 201,
    then: Callable[[Mapping[str, Any]], None] | None = None,
) -> JSONResponse:
    """Run `work` (which creates something) once per Idempotency-Key and answer 201 (or
    `status_code`, e.g. 202 for a queued job).

    `request` is the route and its validated body: a key reused on another route or with
    another body is a 409. A repeat (or a client racing with the same key) gets the first
    answer, marked `Idempotent-Replayed: true`, and nothing is created again (nor is `then`
    run again).
    """
    route, body = request
    return run_once(
        session,
        principal,
        key,
        f"{route}\n{body.model_dump_json()}".encode(),
        work,
        status_code=status_code,
        headers=headers,
        then=then,
    )
