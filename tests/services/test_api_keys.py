"""API keys are shown once, stored hashed, scoped to a shipper for shipper keys, and revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import Role
from logistics.errors import AuthenticationFailed, DomainError
from logistics.persistence.tables import ApiKeyRow
from logistics.services.api_keys import authenticate, create_api_key, hash_secret, revoke_api_key


def test_key_authenticates_and_only_its_hash_is_stored(session: Session) -> None:
    """The secret authenticates as its role; the database holds the hash, never the secret."""
    secret, principal = create_api_key(session, role=Role.COORDINATOR, name="ops")
    assert authenticate(session, secret) == principal
    stored = session.scalars(select(ApiKeyRow)).one()
    assert stored.key_hash == hash_secret(secret) and secret not in (stored.key_hash, stored.id)


def test_shipper_key_requires_and_carries_its_shipper(session: Session) -> None:
    """Shipper keys need a shipper id; other roles refuse one."""
    with pytest.raises(DomainError):
        create_api_key(session, role=Role.SHIPPER)
    with pytest.raises(DomainError):
        create_api_key(session, role=Role.ANALYST, shipper_id="SHP-1")
    secret, _ = create_api_key(session, role=Role.SHIPPER, shipper_id="SHP-1")
    assert authenticate(session, secret).shipper_id == "SHP-1"


def test_revoked_and_unknown_keys_are_refused(session: Session) -> None:
    """After revocation the key no longer authenticates; made-up keys never do."""
    secret, principal = create_api_key(session, role=Role.FEED)
    revoke_api_key(session, principal.key_id)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, secret)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, "lgk_made_up")
