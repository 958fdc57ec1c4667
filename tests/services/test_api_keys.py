"""API keys are shown once, stored hashed, scoped to a shipper for shipper keys, and revocable."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import Role
from logistics.errors import AuthenticationFailed, DomainError, NotFound
from logistics.persistence.tables import ApiKeyRow
from logistics.services.api_keys import (
    authenticate,
    create_api_key,
    hash_secret,
    list_api_keys,
    revoke_api_key,
)


def test_key_authenticates_and_only_its_hash_is_stored(session: Session) -> None:
    """The secret authenticates as its role; the database holds its SHA-256, never the secret."""
    secret, principal = create_api_key(session, role=Role.COORDINATOR, name="ops")
    assert authenticate(session, secret) == principal
    stored = session.scalars(select(ApiKeyRow)).one()
    assert stored.key_hash == hash_secret(secret) and re.fullmatch("[0-9a-f]{64}", stored.key_hash)
    row_text = " ".join(str(value) for value in session.execute(select(ApiKeyRow.__table__)).one())
    assert secret not in row_text and secret.removeprefix("lgk_") not in row_text


def test_secrets_are_long_random_and_distinct(session: Session) -> None:
    """Secrets are `lgk_` plus 32 random bytes in URL-safe base64, different every time."""
    secrets = {create_api_key(session, role=Role.ANALYST)[0] for _ in range(5)}
    assert len(secrets) == 5
    assert all(re.fullmatch(r"lgk_[A-Za-z0-9_-]{43}", s) for s in secrets)


def test_shipper_key_requires_and_carries_its_shipper(session: Session) -> None:
    """Shipper keys need a non-blank shipper id; other roles refuse one."""
    with pytest.raises(DomainError):
        create_api_key(session, role=Role.SHIPPER)
    with pytest.raises(DomainError):
        create_api_key(session, role=Role.SHIPPER, shipper_id="   ")
    with pytest.raises(DomainError):
        create_api_key(session, role=Role.ANALYST, shipper_id="SHP-1")
    secret, _ = create_api_key(session, role=Role.SHIPPER, shipper_id="SHP-1")
    assert authenticate(session, secret).shipper_id == "SHP-1"


def test_revoked_and_unknown_keys_are_refused(session: Session) -> None:
    """After revocation the key no longer authenticates; made-up keys never do."""
    secret, principal = create_api_key(session, role=Role.FEED)
    other, _ = create_api_key(session, role=Role.FEED)
    revoke_api_key(session, principal.key_id)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, secret)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, "lgk_made_up")
    assert authenticate(session, other).role is Role.FEED


def test_listing_shows_keys_without_secrets(session: Session) -> None:
    """The list has every key with role, shipper, name and revocation, and hashes only."""
    s1, p1 = create_api_key(session, role=Role.ADMIN, name="root")
    s2, p2 = create_api_key(session, role=Role.SHIPPER, shipper_id="SHP-9", name="acme")
    revoke_api_key(session, p1.key_id)
    keys = {k.id: k for k in list_api_keys(session)}
    assert set(keys) == {p1.key_id, p2.key_id}
    assert (keys[p1.key_id].role, keys[p1.key_id].name, keys[p1.key_id].active) == (
        Role.ADMIN,
        "root",
        False,
    )
    assert (keys[p2.key_id].shipper_id, keys[p2.key_id].active) == ("SHP-9", True)
    assert {k.key_hash for k in keys.values()} == {hash_secret(s1), hash_secret(s2)}


def test_revoking_twice_keeps_the_first_time_and_unknown_is_not_found(session: Session) -> None:
    """A second revocation changes nothing; an unknown key id is NotFound."""
    _, principal = create_api_key(session, role=Role.ANALYST)
    revoke_api_key(session, principal.key_id)
    first = list_api_keys(session)[0].revoked_at
    revoke_api_key(session, principal.key_id)
    assert first is not None and list_api_keys(session)[0].revoked_at == first
    with pytest.raises(NotFound):
        revoke_api_key(session, "key_unknown")
