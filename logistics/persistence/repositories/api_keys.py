"""API keys: only hashes are stored; rows are handed out as `ApiKeyRecord` values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import Role
from logistics.persistence.tables import ApiKeyRow


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """A stored key without its secret."""

    id: str
    name: str
    role: Role
    shipper_id: str | None
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


def _record(row: ApiKeyRow) -> ApiKeyRecord:
    return ApiKeyRecord(
        row.id,
        row.name,
        Role(row.role),
        row.shipper_id,
        row.key_hash,
        row.created_at,
        row.revoked_at,
    )


def add(session: Session, key: ApiKeyRecord) -> None:
    """Store a new key."""
    session.add(
        ApiKeyRow(
            id=key.id,
            name=key.name,
            role=key.role.value,
            shipper_id=key.shipper_id,
            key_hash=key.key_hash,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )
    )
    session.flush()


def find_active_by_hash(session: Session, key_hash: str) -> ApiKeyRecord | None:
    """The unrevoked key with this hash, or None."""
    query = select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None))
    row = session.scalars(query).first()
    return _record(row) if row else None


def get(session: Session, key_id: str) -> ApiKeyRecord | None:
    """A key by id, or None."""
    row = session.get(ApiKeyRow, key_id)
    return _record(row) if row else None


def list_all(session: Session) -> list[ApiKeyRecord]:
    """Every key, oldest first."""
    query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)
    return [_record(row) for row in session.scalars(query)]


def revoke(session: Session, key_id: str, when: datetime) -> bool:
    """Mark a key revoked (an already revoked key keeps its first revocation time).

    Returns False when no key has this id.
    """
    row = session.get(ApiKeyRow, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = when
        session.flush()
    return True
