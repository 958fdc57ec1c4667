"""API keys: created with a role (shippers with their shipper id), shown once, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from logistics.domain import Principal, Role
from logistics.errors import AuthenticationFailed, DomainError, NotFound
from logistics.persistence.repositories import api_keys as repo
from logistics.persistence.repositories.api_keys import ApiKeyRecord

KEY_PREFIX = "lgk_"
SECRET_BYTES = 32


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a key (keys hold 32 random bytes, so a fast unsalted hash is enough)."""
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
    secret = KEY_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    record = ApiKeyRecord(
        id=key_id,
        name=name,
        role=role,
        shipper_id=shipper_id,
        key_hash=hash_secret(secret),
        created_at=datetime.now(UTC),
    )
    repo.add(session, record)
    return secret, Principal(key_id, role, shipper_id)


def authenticate(session: Session, secret: str) -> Principal:
    """The principal of an active key; AuthenticationFailed for unknown or revoked keys."""
    record = repo.find_active_by_hash(session, hash_secret(secret))
    if record is None:
        raise AuthenticationFailed("the API key is unknown or revoked")
    return Principal(record.id, record.role, record.shipper_id)


def revoke_api_key(session: Session, key_id: str) -> None:
    """Revoke a key by id; NotFound if there is no such key."""
    if not repo.revoke(session, key_id, datetime.now(UTC)):
        raise NotFound(f"no API key {key_id!r}; see `logistics keys list`")


def list_api_keys(session: Session) -> list[ApiKeyRecord]:
    """Every key (hashes only, never secrets), oldest first."""
    return repo.list_all(session)
