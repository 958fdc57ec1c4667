"""Header problems (wrong separator, renamed column), tag spelling and problem order."""

from __future__ import annotations

from pathlib import Path

from logistics.bundles.reader import read_bundle, validate_bundle
from tests.bundles.test_reader import copy_bundle, set_cell


def rewrite_with(bundle: Path, file: str, separator: str) -> None:
    """Rewrite one file with another field separator (as a spreadsheet's export would)."""
    path = bundle / file
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.replace(",", separator) for line in lines) + "\n")


def test_semicolon_locations_give_one_separator_hint_and_no_cascade(tmp_path: Path) -> None:
    """A ;-separated locations.csv is one problem, not missing headers then unknown locations."""
    bundle = copy_bundle(tmp_path)
    rewrite_with(bundle, "locations.csv", ";")
    found = [str(p) for p in validate_bundle(bundle)]
    assert len(found) == 1, found
    assert found[0].startswith("locations.csv:1:*: the file is separated by semicolons (';')")
    assert "comma-separated" in found[0]


def test_tab_separated_shipments_are_named(tmp_path: Path) -> None:
    """A tab-separated shipments.csv gets the separator hint with the tab named."""
    bundle = copy_bundle(tmp_path)
    rewrite_with(bundle, "shipments.csv", "\t")
    found = [str(p) for p in validate_bundle(bundle)]
    assert found == [
        "shipments.csv:1:*: the file is separated by tabs ('\\t'), not commas; save it as "
        "comma-separated CSV (in a spreadsheet: 'Save as CSV', field delimiter ',')"
    ]


def test_renamed_header_suggests_the_expected_name(tmp_path: Path) -> None:
    """`capacity` instead of `capacity_kg` is answered with a did-you-mean."""
    bundle = copy_bundle(tmp_path)
    path = bundle / "services.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",capacity_kg,", ",capacity,", 1), encoding="utf-8")
    found = [str(p) for p in validate_bundle(bundle)]
    assert found == [
        "services.csv:1:capacity_kg: required column 'capacity_kg' is missing; "
        "found 'capacity' — did you mean capacity_kg?"
    ]


def test_missing_header_without_a_near_name_says_only_missing(tmp_path: Path) -> None:
    """A header lacking a column and holding nothing like it gets no wild guess."""
    bundle = copy_bundle(tmp_path)
    path = bundle / "shipments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",pieces,", ",colour,", 1), encoding="utf-8")
    found = [str(p) for p in validate_bundle(bundle)]
    assert found == ["shipments.csv:1:pieces: required column 'pieces' is missing from the header"]


def test_tags_are_case_normalised(tmp_path: Path) -> None:
    """`DG;Reefer` reads as the tags dg and reefer."""
    bundle = copy_bundle(tmp_path)
    set_cell(bundle, "shipments.csv", 2, "requirements", "DG;Reefer")
    shipment = next(s for s in read_bundle(bundle).shipments if s.id == "SH00001")
    assert shipment.requirements == frozenset({"dg", "reefer"})


def test_problems_are_sorted_by_file_then_line(tmp_path: Path) -> None:
    """Problems come in bundle file order, each file's by line, whatever order they were found."""
    bundle = copy_bundle(tmp_path)
    set_cell(bundle, "shipments.csv", 5, "weight_kg", "0")
    set_cell(bundle, "shipments.csv", 2, "origin", "NOWHERE")
    set_cell(bundle, "shipments.csv", 3, "id", "SH00004")  # duplicate of line 5's id
    set_cell(bundle, "vehicles.csv", 3, "speed_kmh", "x")
    set_cell(bundle, "locations.csv", 4, "lat", "95")
    found = [(p.file, p.line) for p in validate_bundle(bundle)]
    order = ["locations.csv", "services.csv", "vehicles.csv", "shipments.csv", "distances.csv"]
    assert found == sorted(found, key=lambda fl: (order.index(fl[0]), fl[1]))
    assert found == [
        ("locations.csv", 4),
        ("vehicles.csv", 3),
        ("shipments.csv", 2),  # unknown origin
        ("shipments.csv", 5),  # duplicate id (first on line 3), found before the weight
        ("shipments.csv", 5),  # weight
    ]
