"""Per-record messages of the JSON adapters, with the record index and a code as data."""

from __future__ import annotations

from logistics.tracking.results import ResultBuilder


def index_of(record: str) -> int | None:
    """The 0-based index in a record name such as `index 3` or `event 3`; None for `payload`."""
    _, _, number = record.rpartition(" ")
    return int(number) if number.isdigit() else None


def warn(builder: ResultBuilder, record: str, reason: str, code: str) -> None:
    """A warning about `record` (its event, if any, is still produced)."""
    builder.warning(record, reason, index=index_of(record), code=code)


def refuse(builder: ResultBuilder, record: str, reason: str, code: str = "invalid_record") -> None:
    """`record` gave no event, for `reason`."""
    builder.error(record, reason, index=index_of(record), code=code)
