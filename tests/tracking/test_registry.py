"""The feed format registry: one entry per format, used by the service, the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logistics.errors import DomainError
from logistics.tracking.adapters.registry import REGISTRY, FeedContext, FeedFormat, feed_spec

from ._golden import FEEDS


def test_every_format_has_one_entry_with_content_types_and_description() -> None:
    """Each FeedFormat member is registered under its own name with what the API documents."""
    assert set(REGISTRY) == set(FeedFormat)
    for fmt, spec in REGISTRY.items():
        assert spec.format is fmt
        assert spec.content_types and all("/" in c for c in spec.content_types)
        assert spec.description and spec.file_suffixes


def test_unknown_format_names_the_known_ones() -> None:
    """An unknown name is a DomainError listing every registered format."""
    with pytest.raises(DomainError) as raised:
        feed_spec("edifact")
    assert all(f.value in str(raised.value) for f in FeedFormat)
    assert feed_spec("fsu").format is FeedFormat.FSU


def test_subjects_resolve_through_a_lookup_while_parsing() -> None:
    """A lookup callable in the context resolves references at parse time, nothing rewritten later."""
    path = FEEDS / "rail_csv" / "x8202.csv"
    asked: list[tuple[str, str]] = []

    def lookup(kind: str, value: str) -> str | None:
        asked.append((kind, value))
        return "SH00002" if (kind, value) == ("container", "MSKU1234565") else None

    ctx = FeedContext(received_at=datetime(2025, 12, 6, tzinfo=UTC), subjects=lookup)
    result = REGISTRY[FeedFormat.RAIL_CSV].parse(path.read_bytes(), ctx)
    by_container = {e.references.get("container"): e for e in result.events}
    assert by_container["MSKU1234565"].event.shipment_id == "SH00002"
    assert by_container["MSKU1234565"].subject_resolved
    assert ("container", "MSKU1234565") in asked


def test_unified_messages_carry_the_record_index_and_a_code_as_data() -> None:
    """A bad item of a unified batch is reported with its list index, not only in the label."""
    payload = b'[{"bad": 1}, {"milestone": "DEPARTED"}]'
    result = REGISTRY[FeedFormat.UNIFIED].parse(payload, FeedContext())
    assert [(m.index, m.code) for m in result.errors] == [
        (0, "invalid_record"),
        (1, "invalid_record"),
    ]
