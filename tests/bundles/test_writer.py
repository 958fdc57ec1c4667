"""Writing a bundle and reading it back gives the same scenario; writes are atomic."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from logistics.bundles import writer
from logistics.bundles.reader import read_bundle
from logistics.bundles.writer import write_bundle

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"


def test_round_trip_keeps_every_record_and_offset(tmp_path: Path) -> None:
    """write_bundle then read_bundle returns an equal scenario, offsets included."""
    scenario = read_bundle(MINIMAL)
    write_bundle(scenario, tmp_path / "out")
    again = read_bundle(tmp_path / "out")
    assert again == scenario
    assert again.services[0].arrival.utcoffset() == scenario.services[0].arrival.utcoffset()
    header = (tmp_path / "out" / "shipments.csv").read_text().splitlines()[0]
    assert (
        header
        == "id,shipper,origin,destination,weight_kg,volume_m3,pieces,ready_at,due_at,requirements"
    )


def test_location_codes_are_written_only_when_a_location_has_one(tmp_path: Path) -> None:
    """The minimal bundle has no UN/LOCODE or GLN: its header is unchanged; once a location has
    them, both columns are written and read back."""
    scenario = read_bundle(MINIMAL)
    write_bundle(scenario, tmp_path / "plain")
    header = (tmp_path / "plain" / "locations.csv").read_text().splitlines()[0]
    assert "unlocode" not in header and "gln" not in header
    first = replace(scenario.locations[0], unlocode="CNCGO", gln="0614141000012")
    coded = replace(scenario, locations=(first, *scenario.locations[1:]))
    write_bundle(coded, tmp_path / "coded")
    assert (
        (tmp_path / "coded" / "locations.csv").read_text().splitlines()[0].endswith("unlocode,gln")
    )
    assert read_bundle(tmp_path / "coded") == coded


def test_failed_write_leaves_the_old_bundle_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails midway, the existing folder keeps its old files and no staging is left."""
    scenario = read_bundle(MINIMAL)
    target = tmp_path / "out"
    write_bundle(scenario, target)
    before = (target / "shipments.csv").read_text()
    original = writer._write

    def failing(path: Path, columns: object, records: object) -> None:
        if path.name == "shipments.csv":
            raise OSError("disk full")
        original(path, columns, records)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_write", failing)
    with pytest.raises(OSError):
        write_bundle(scenario, target)
    assert (target / "shipments.csv").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
