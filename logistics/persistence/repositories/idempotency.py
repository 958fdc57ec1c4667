"""Stored answers of idempotent requests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from logistics.persistence.tables import IdempotencyRow


def find(session: Session, api_key_id: str, key: str) -> IdempotencyRow | None:
    """The stored answer for this caller's key, or None."""
    return session.get(IdempotencyRow, (api_key_id, key))


def add(session: Session, row: IdempotencyRow) -> None:
    """Remember an answer."""
    session.add(row)
    session.flush()
