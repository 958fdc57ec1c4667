"""The declarative base with a naming convention both dialects and Alembic agree on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC on every dialect (SQLite keeps no offset itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; refuse naive values."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def with_offset(value: datetime, offset_minutes: int) -> datetime:
    """Restore the original UTC offset of a stored UTC time."""
    return value.astimezone(timezone(timedelta(minutes=offset_minutes)))


def offset_of(value: datetime) -> int:
    """The UTC offset of an aware datetime, in whole minutes (what the offset columns hold)."""
    delta = value.utcoffset()
    if delta is None:
        raise ValueError(f"{value!r} has no UTC offset")
    minutes, rest = divmod(delta, timedelta(minutes=1))
    if rest:
        # Storing it would silently move the original offset on the way back.
        raise ValueError(
            f"UTC offset {delta} of {value.isoformat()} is not a whole number of minutes"
        )
    return int(minutes)
