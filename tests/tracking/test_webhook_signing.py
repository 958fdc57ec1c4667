"""Webhook signatures verify only the exact body, secret and a fresh timestamp; backoff is bounded."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from logistics.tracking.webhook_signing import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    RetryPolicy,
    sign,
    signed_headers,
    verify,
    verify_headers,
)

SECRET = "whsec_test"
BODY = '{"id":"whd_1","type":"shipment.milestone","milestone":"DEPARTED"}'
TS = 1_796_000_000


def test_signature_is_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    """The documented recipe, computed independently, gives the same hex digest."""
    expected = hmac.new(SECRET.encode(), f"{TS}.{BODY}".encode(), hashlib.sha256).hexdigest()
    assert sign(SECRET, TS, BODY) == expected == sign(SECRET, TS, BODY.encode())


def test_headers_carry_id_timestamp_and_v1_signature() -> None:
    """A delivery attempt is sent with its id, the timestamp and `v1=<hex>`."""
    headers = signed_headers("whd_1", SECRET, TS, BODY)
    assert headers[ID_HEADER] == "whd_1"
    assert headers[TIMESTAMP_HEADER] == str(TS)
    assert headers[SIGNATURE_HEADER] == f"v1={sign(SECRET, TS, BODY)}"
    assert headers["Content-Type"] == "application/json"


def test_verify_accepts_the_genuine_delivery() -> None:
    """The receiver's check passes for the headers as sent, in any header case."""
    headers = signed_headers("whd_1", SECRET, TS, BODY)
    assert verify(SECRET, BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=TS + 5)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verify_headers(SECRET, BODY.encode(), lowered, now=TS)


@pytest.mark.parametrize(
    ("secret", "body", "timestamp"),
    [
        ("whsec_other", BODY, TS),
        (SECRET, BODY.replace("DEPARTED", "DELIVERED"), TS),
        (SECRET, BODY, TS + 1),
    ],
    ids=["wrong-secret", "tampered-body", "other-timestamp"],
)
def test_verify_refuses_anything_altered(secret: str, body: str, timestamp: int) -> None:
    """A different secret, body or timestamp does not verify."""
    signature = f"v1={sign(SECRET, TS, BODY)}"
    assert not verify(secret, body, timestamp, signature, now=TS)


def test_verify_refuses_stale_timestamps_and_malformed_headers() -> None:
    """Outside the tolerance (a replay), with a bad timestamp or unknown scheme: refused."""
    signature = f"v1={sign(SECRET, TS, BODY)}"
    assert not verify(SECRET, BODY, TS, signature, now=TS + 301)
    assert verify(SECRET, BODY, TS, signature, now=TS + 301, tolerance_s=600)
    assert not verify(SECRET, BODY, "yesterday", signature, now=TS)
    assert not verify(SECRET, BODY, TS, f"v0={sign(SECRET, TS, BODY)}", now=TS)
    assert not verify(SECRET, BODY, TS, "", now=TS)


def test_verify_accepts_any_of_several_signatures() -> None:
    """During a secret rotation a header may list several `v1=` values; one match suffices."""
    header = f"v1={sign('whsec_old', TS, BODY)}, v1={sign(SECRET, TS, BODY)}"
    assert verify(SECRET, BODY, TS, header, now=TS)


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    """10 s, 20 s, 40 s ... never more than an hour; deterministic."""
    policy = RetryPolicy(base_s=10, cap_s=3600, max_attempts=12)
    assert policy.schedule_s() == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
    assert policy.delay_s(1000) == 3600


def test_next_attempt_until_max_attempts_then_none() -> None:
    """After the last allowed attempt there is no next one (the delivery fails)."""
    policy = RetryPolicy(base_s=0.5, cap_s=60, max_attempts=3)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert policy.next_attempt_at(1, now) == now + timedelta(seconds=0.5)
    assert policy.next_attempt_at(2, now) == now + timedelta(seconds=1)
    assert policy.next_attempt_at(3, now) is None


def test_policy_refuses_nonsense() -> None:
    """A zero base, a cap below the base or no attempts at all are refused."""
    for kwargs in ({"base_s": 0}, {"base_s": 10, "cap_s": 5}, {"max_attempts": 0}):
        with pytest.raises(ValueError):
            RetryPolicy(**kwargs)  # type: ignore[arg-type]
