"""API keys (hashes only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.tables import ApiKeyRow


def add(session: Session, row: ApiKeyRow) -> None:
    """Store a new key."""
    session.add(row)


def find_active_by_hash(session: Session, key_hash: str) -> ApiKeyRow | None:
    """The unrevoked key with this hash, or None."""
    query = select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None))
    return session.scalars(query).first()


def get(session: Session, key_id: str) -> ApiKeyRow | None:
    """A key by id, or None."""
    return session.get(ApiKeyRow, key_id)


def list_all(session: Session) -> list[ApiKeyRow]:
    """Every key, oldest first."""
    return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)))


def revoke(row: ApiKeyRow, when: datetime) -> None:
    """Mark a key revoked."""
    row.revoked_at = when
