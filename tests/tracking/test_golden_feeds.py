"""Golden tests: every sample feed parses to exactly its expected normalised output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logistics.tracking.adapters.registry import FeedFormat

from ._golden import cases, expected_path, run


@pytest.mark.parametrize(("fmt", "path"), cases(), ids=lambda v: getattr(v, "name", v))
def test_feed_matches_expected_output(fmt: str, path: Path) -> None:
    """Parsing the fixture gives the reviewed expected events, messages and positions."""
    expected = json.loads(expected_path(path).read_text())
    assert run(fmt, path) == expected


def test_every_format_has_a_golden_case_with_messages() -> None:
    """Each adapter has at least one fixture, and each fixture exercises bad records."""
    formats = {fmt for fmt, _ in cases()}
    assert formats == {f.value for f in FeedFormat}
    for _, path in cases():
        expected = json.loads(expected_path(path).read_text())
        assert expected["messages"], f"{path.name} has no malformed or unknown record"
        assert expected["events"], f"{path.name} produced no event"
