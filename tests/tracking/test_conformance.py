"""The corpus of each standard maps exactly as its hand-written expectations say."""

from __future__ import annotations

import pytest

from ._conformance import formats, score


def test_every_standard_has_a_conformance_corpus() -> None:
    """FSU, XFSU, ONE Record, DCSA and EPCIS each have hand-written expectations."""
    assert {"fsu", "xfsu", "one_record", "dcsa", "epcis"} <= set(formats())


@pytest.mark.parametrize("fmt", formats())
def test_corpus_maps_exactly_as_expected(fmt: str) -> None:
    """Every record gives exactly the expected events, or is refused naming the element."""
    result = score(fmt)
    assert result.records > 0
    assert result.misses == ()
