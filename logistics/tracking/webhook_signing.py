"""Webhook signatures and the retry schedule (pure: no I/O, no clock unless one is passed).

Every delivery is a `POST` with a JSON body and three headers:

- `Webhook-Id`: the delivery id; a retry of the same notice carries the same id, so receivers
  de-duplicate on it (deliveries are at-least-once).
- `Webhook-Notice-Id`: the notice's stable id, the same for every subscription it goes to.
- `Webhook-Timestamp`: Unix seconds when this attempt was signed.
- `Webhook-Signature`: `v1=<hex>`, the lowercase hex HMAC-SHA256, keyed with the subscription
  secret, of `f"{timestamp}.{body}"` (body = the exact bytes received, UTF-8). Several
  comma-separated `v1=` values may appear; any match is valid.

Receivers should compare in constant time and refuse timestamps far from their clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

ID_HEADER = "Webhook-Id"
NOTICE_ID_HEADER = "Webhook-Notice-Id"
TIMESTAMP_HEADER = "Webhook-Timestamp"
SIGNATURE_HEADER = "Webhook-Signature"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_S = 300


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def sign(secret: str, timestamp: int, body: str | bytes) -> str:
    """Hex HMAC-SHA256 of `f"{timestamp}.{body}"` keyed with `secret`."""
    message = str(timestamp).encode("ascii") + b"." + _bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(
    delivery_id: str, secret: str, timestamp: int, body: str | bytes
) -> dict[str, str]:
    """The headers one delivery attempt is sent with (plus a JSON content type)."""
    return {
        "Content-Type": "application/json",
        ID_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{SIGNATURE_VERSION}={sign(secret, timestamp, body)}",
    }


def verify(
    secret: str,
    body: str | bytes,
    timestamp: str | int,
    signature: str,
    *,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """True when `signature` (the header value) signs `body` at `timestamp`, within tolerance."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_s:
        return False
    expected = sign(secret, ts, body)
    for part in signature.split(","):
        version, _, value = part.strip().partition("=")
        if version == SIGNATURE_VERSION and hmac.compare_digest(value.strip(), expected):
            return True
    return False


def verify_headers(
    secret: str, body: str | bytes, headers: Mapping[str, str], **options: float
) -> bool:
    """`verify` reading the timestamp and signature from a (case-insensitive) header mapping."""
    lowered = {k.lower(): v for k, v in headers.items()}
    return verify(
        secret,
        body,
        lowered.get(TIMESTAMP_HEADER.lower(), ""),
        lowered.get(SIGNATURE_HEADER.lower(), ""),
        **options,
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: the n-th failed attempt waits `base_s * 2**(n-1)`, capped at `cap_s`.

    After `max_attempts` failed attempts the delivery is given up (status `failed`).
    Deterministic (no jitter), so schedules are testable and explainable.
    """

    base_s: float = 10.0
    cap_s: float = 3600.0
    max_attempts: int = 12

    def __post_init__(self) -> None:
        if self.base_s <= 0 or self.cap_s < self.base_s:
            raise ValueError("retry base must be > 0 and the cap at least the base")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay_s(self, attempts: int) -> float:
        """Seconds to wait after `attempts` (>= 1) failed attempts."""
        exponent = min(max(attempts, 1) - 1, 62)  # bounded: no float overflow on long runs
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def next_attempt_at(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failed attempts, or None when giving up."""
        if attempts >= self.max_attempts:
            return None
        return now + timedelta(seconds=self.delay_s(attempts))

    def schedule_s(self) -> list[float]:
        """Every wait between attempts, first to last (for documentation and tests)."""
        return [self.delay_s(n) for n in range(1, self.max_attempts)]
