"""API keys: created with a role (shippers with their shipper id), shown once, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from logistics.domain import Principal, Role
from logistics.errors import AuthenticationFailed, DomainError, NotFound
from logistics.persistence.repositories import api_keys as repo
from logistics.persistence.tables import ApiKeyRow

KEY_PREFIX = "lgk_"


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a key (keys are 32 random bytes, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session, *, role: Role, shipper_id: str | None = None, name: str = ""
) -> tuple[str, Principal]:
    """Create a key; return the secret (shown once) and the principal it authenticates as."""
    shipper_id = (shipper_id or "").strip() or None
    if role is Role.SHIPPER and not shipper_id:
        raise DomainError(
            "a shipper key needs --shipper ID (the shipper whose shipments it may see)"
        )
    if role is not Role.SHIPPER and shipper_id:
        raise DomainError(f"only shipper keys carry a shipper id, not {role.value} keys")
    key_id = "key_" + secrets.token_hex(6)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    repo.add(
        session,
        ApiKeyRow(
            id=key_id,
            name=name,
            role=role.value,
            shipper_id=shipper_id,
            key_hash=hash_secret(secret),
            created_at=datetime.now(UTC),
        ),
    )
    session.flush()
    return secret, Principal(key_id, role, shipper_id)


def authenticate(session: Session, secret: str) -> Principal:
    """The principal of an active key; AuthenticationFailed for unknown or revoked keys."""
    row = repo.find_active_by_hash(session, hash_secret(secret))
    if row is None:
        raise AuthenticationFailed("the API key is unknown or revoked")
    return Principal(row.id, Role(row.role), row.shipper_id)


def revoke_api_key(session: Session, key_id: str) -> None:
    """Revoke a key by id."""
    row = repo.get(session, key_id)
    if row is None:
        raise NotFound(f"no API key {key_id!r}; see `logistics keys list`")
    repo.revoke(row, datetime.now(UTC))
    session.flush()


def list_api_keys(session: Session) -> list[ApiKeyRow]:
    """Every key (without secrets)."""
    return repo.list_all(session)
