"""Bundle validation refuses bad input as a whole and names file, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics.bundles.reader import parse_shipment_rows, read_bundle, validate_bundle
from logistics.errors import ValidationFailed

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"


def copy_bundle(tmp_path: Path) -> Path:
    """A writable copy of the minimal bundle."""
    target = tmp_path / "bundle"
    shutil.copytree(MINIMAL, target)
    return target


def set_cell(bundle: Path, file: str, line: int, column: str, value: str) -> None:
    """Overwrite one cell (line numbers as in the file, header = 1)."""
    path = bundle / file
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems_of(bundle: Path) -> list[str]:
    """Every problem as `file:line:column: reason`."""
    return [str(p) for p in validate_bundle(bundle)]


def test_minimal_bundle_is_valid() -> None:
    """The minimal fixture reads cleanly with every record."""
    scenario = read_bundle(MINIMAL)
    assert len(scenario.locations) == 7 and len(scenario.shipments) == 5
    assert len(scenario.services) == 2 and len(scenario.vehicles) == 3
    assert scenario.road_distance_km("ZAEZ", "CGO") == 15


CASES = [
    ("shipments.csv", 3, "weight_kg", "0", "must be greater than zero"),
    ("shipments.csv", 3, "weight_kg", "-4", "must be greater than zero"),
    ("shipments.csv", 4, "volume_m3", "abc", "is not a number"),
    ("shipments.csv", 4, "volume_m3", "nan", "not a finite number"),
    ("shipments.csv", 2, "pieces", "1.5", "whole number"),
    ("shipments.csv", 5, "origin", "NOWHERE", "unknown location 'NOWHERE'"),
    ("shipments.csv", 2, "ready_at", "2026-11-29T09:00:00", "has no UTC offset"),
    ("shipments.csv", 2, "ready_at", "yesterday", "is not an ISO 8601 time"),
    (
        "shipments.csv",
        2,
        "due_at",
        "2026-11-28T09:00:00+08:00",
        "due_at 2026-11-28T09:00:00+08:00 is not after ready_at 2026-11-29",
    ),
    ("shipments.csv", 3, "id", "SH00001", "duplicate id 'SH00001' (first on line 2)"),
    ("shipments.csv", 2, "requirements", "dg;re efer", "tag"),
    ("shipments.csv", 2, "requirements", "DG;refer", "unknown tag 'refer'; did you mean 'reefer'?"),
    (
        "services.csv",
        2,
        "capabilities",
        "dg;hazmat",
        "unknown tag 'hazmat' (known tags: dg, reefer,",
    ),
    ("shipments.csv", 2, "shipper", "", "is empty"),
    (
        "services.csv",
        2,
        "arrival",
        "2026-11-29T00:00:00+08:00",
        "arrival 2026-11-29T00:00:00+08:00 is not after departure 2026-",
    ),
    ("services.csv", 2, "mode", "sea", "is not one of: air, rail, road"),
    ("services.csv", 3, "capacity_kg", "0", "must be greater than zero"),
    ("services.csv", 2, "cost_per_kg", "-1", "must not be negative"),
    ("services.csv", 3, "destination", "XXX", "unknown location 'XXX'"),
    (
        "vehicles.csv",
        2,
        "available_until",
        "2026-11-29T05:00:00+08:00",
        "available_until 2026-11-29T05:00:00+08:00 is not after available_from 2026-",
    ),
    ("vehicles.csv", 3, "speed_kmh", "0", "must be greater than zero"),
    ("vehicles.csv", 4, "depot", "NODEPOT", "unknown location 'NODEPOT'"),
    ("locations.csv", 2, "kind", "spaceport", "is not one of"),
    ("locations.csv", 3, "lat", "95", "outside -90..90"),
    ("locations.csv", 4, "timezone", "Mars/Olympus", "unknown time zone"),
    ("locations.csv", 5, "service_minutes", "-5", "must be at least 0"),
    ("distances.csv", 2, "distance_km", "-3", "must not be negative"),
]


@pytest.mark.parametrize(("file", "line", "column", "value", "reason"), CASES)
def test_each_kind_of_bad_cell_is_located(
    tmp_path: Path, file: str, line: int, column: str, value: str, reason: str
) -> None:
    """A bad cell is reported as file:line:column with a reason, and the bundle is refused."""
    bundle = copy_bundle(tmp_path)
    set_cell(bundle, file, line, column, value)
    found = problems_of(bundle)
    assert any(p.startswith(f"{file}:{line}:{column}: ") and reason in p for p in found), found
    with pytest.raises(ValidationFailed):
        read_bundle(bundle)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    """Several bad rows across files are all reported in one go."""
    bundle = copy_bundle(tmp_path)
    set_cell(bundle, "shipments.csv", 2, "weight_kg", "0")
    set_cell(bundle, "shipments.csv", 4, "origin", "NOWHERE")
    set_cell(bundle, "services.csv", 3, "mode", "sea")
    set_cell(bundle, "vehicles.csv", 2, "speed_kmh", "x")
    found = problems_of(bundle)
    for prefix in (
        "shipments.csv:2:weight_kg",
        "shipments.csv:4:origin",
        "services.csv:3:mode",
        "vehicles.csv:2:speed_kmh",
    ):
        assert any(p.startswith(prefix) for p in found), (prefix, found)


def test_missing_required_column_names_the_column(tmp_path: Path) -> None:
    """A header without a required column is refused at line 1 with that column."""
    bundle = copy_bundle(tmp_path)
    path = bundle / "shipments.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("due_at")
    path.write_text(
        "\n".join(",".join(c for i, c in enumerate(row.split(",")) if i != drop) for row in lines)
        + "\n"
    )
    assert any(p.startswith("shipments.csv:1:due_at: ") for p in problems_of(bundle))


def test_missing_required_file_is_reported(tmp_path: Path) -> None:
    """A bundle without vehicles.csv is refused naming the file."""
    bundle = copy_bundle(tmp_path)
    (bundle / "vehicles.csv").unlink()
    assert any(p.startswith("vehicles.csv:") and "missing" in p for p in problems_of(bundle))


def test_non_utf8_and_empty_files_are_refused(tmp_path: Path) -> None:
    """A Latin-1 file and an empty file are refused with a fix hint."""
    bundle = copy_bundle(tmp_path)
    (bundle / "locations.csv").write_bytes("id,name\nX,Caf\xe9\n".encode("latin-1"))
    (bundle / "services.csv").write_text("")
    found = problems_of(bundle)
    assert any(p.startswith("locations.csv:1:*") and "UTF-8" in p for p in found)
    assert any(p.startswith("services.csv:1:*") and "empty" in p for p in found)


def test_wrong_field_count_is_located(tmp_path: Path) -> None:
    """A row with too many fields names its line."""
    bundle = copy_bundle(tmp_path)
    with (bundle / "shipments.csv").open("a") as handle:
        handle.write(
            "SH9,SHP-X,FXZ,LUXC,1,1,1,2026-11-29T09:00:00+08:00,2026-12-01T09:00:00+08:00,,extra\n"
        )
    assert any(p.startswith("shipments.csv:7:*") for p in problems_of(bundle))


def test_shipment_rows_from_json_use_the_same_rules() -> None:
    """parse_shipment_rows applies the CSV rules to dict rows and numbers items from first_line."""
    rows = [
        {
            "id": "A1",
            "shipper": "S",
            "origin": "FXZ",
            "destination": "LUXC",
            "weight_kg": 10,
            "volume_m3": 1,
            "pieces": 1,
            "ready_at": "2026-11-29T09:00:00+08:00",
            "due_at": "2026-12-01T09:00:00+08:00",
            "requirements": "",
        },
        {
            "id": "A2",
            "shipper": "S",
            "origin": "MOON",
            "destination": "LUXC",
            "weight_kg": 0,
            "volume_m3": 1,
            "pieces": 1,
            "ready_at": "2026-11-29T09:00:00",
            "due_at": "2026-12-01T09:00:00+08:00",
            "requirements": "",
        },
    ]
    shipments, problems = parse_shipment_rows(
        rows, known_locations={"FXZ", "LUXC"}, source="body", first_line=1
    )
    assert [s.id for s in shipments] == ["A1"]
    located = {f"{p.line}:{p.column}" for p in problems}
    assert located == {"2:origin", "2:weight_kg", "2:ready_at"}
