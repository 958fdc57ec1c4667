"""Idempotency keys: claimed first (in progress), then completed with the answer to replay.

A stored key is handed out as an `IdempotencyRecord`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from logistics.persistence.repositories.lookup import dialect_insert
from logistics.persistence.tables import IdempotencyRow

IN_PROGRESS = 0  # status_code of a claimed key whose answer is not stored yet; response = token


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """A claimed key: in progress (`status_code` IN_PROGRESS, `response` the claim's token) or
    completed (`response` the JSON answer to replay)."""

    api_key_id: str
    key: str
    request_sha256: str
    status_code: int
    response: str
    created_at: datetime


def claim(
    session: Session, api_key_id: str, key: str, request_sha256: str, token: str, now: datetime
) -> bool:
    """Insert the key as in progress unless it exists (ON CONFLICT DO NOTHING); True if inserted."""
    values = {
        "api_key_id": api_key_id,
        "key": key,
        "request_sha256": request_sha256,
        "status_code": IN_PROGRESS,
        "response": token,
        "created_at": now,
    }
    insert = dialect_insert(session)
    statement = (
        insert(IdempotencyRow).values(values).on_conflict_do_nothing().returning(IdempotencyRow.key)
    )
    return session.execute(statement).first() is not None


def find(session: Session, api_key_id: str, key: str) -> IdempotencyRecord | None:
    """The key as stored now (not a cached copy), or None."""
    query = select(IdempotencyRow).where(
        IdempotencyRow.api_key_id == api_key_id, IdempotencyRow.key == key
    )
    row = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if row is None:
        return None
    return IdempotencyRecord(
        row.api_key_id, row.key, row.request_sha256, row.status_code, row.response, row.created_at
    )


def take_over(
    session: Session,
    api_key_id: str,
    key: str,
    *,
    old_token: str,
    request_sha256: str,
    token: str,
    now: datetime,
) -> bool:
    """Re-claim a key left in progress by a request that died; True if this call got it."""
    statement = (
        update(IdempotencyRow)
        .where(
            IdempotencyRow.api_key_id == api_key_id,
            IdempotencyRow.key == key,
            IdempotencyRow.status_code == IN_PROGRESS,
            IdempotencyRow.response == old_token,
        )
        .values(request_sha256=request_sha256, response=token, created_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def complete(
    session: Session, api_key_id: str, key: str, token: str, status_code: int, response: str
) -> bool:
    """Store the answer of the claim `token`; False if the claim is no longer this request's."""
    statement = (
        update(IdempotencyRow)
        .where(
            IdempotencyRow.api_key_id == api_key_id,
            IdempotencyRow.key == key,
            IdempotencyRow.status_code == IN_PROGRESS,
            IdempotencyRow.response == token,
        )
        .values(status_code=status_code, response=response)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def release(session: Session, api_key_id: str, key: str, token: str) -> None:
    """Drop the claim `token` (its request failed), so a retry can run."""
    session.execute(
        delete(IdempotencyRow)
        .where(
            IdempotencyRow.api_key_id == api_key_id,
            IdempotencyRow.key == key,
            IdempotencyRow.status_code == IN_PROGRESS,
            IdempotencyRow.response == token,
        )
        .execution_options(synchronize_session=False)
    )
