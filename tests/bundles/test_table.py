"""CSV tables of a bundle: a field over the csv module's limit is a located problem, not a crash."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.errors import ValidationFailed

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"


def test_a_field_over_the_csv_limit_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    """A 200,000-character requirements cell gives shipments.csv:3:requirements, not a traceback."""
    bundle = tmp_path / "bundle"
    shutil.copytree(MINIMAL, bundle)
    path = bundle / "shipments.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + "," + "x" * (csv.field_size_limit() + 10)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationFailed) as raised:
        read_bundle(bundle)
    located = [str(p) for p in raised.value.problems]
    assert any(
        p.startswith("shipments.csv:3:requirements:") and "field limit" in p for p in located
    ), located
