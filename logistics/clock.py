"""The time tracking works at: the system clock, or a frozen one from LOGISTICS_NOW."""

from __future__ import annotations

from datetime import UTC, datetime

from logistics.settings import get_settings


def now() -> datetime:
    """The current time in UTC, or the frozen `LOGISTICS_NOW` when it is set."""
    frozen = get_settings().now
    return frozen.astimezone(UTC) if frozen is not None else datetime.now(UTC)
