"""`logistics import` of a shipments-only folder against the stored network, and `--update`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_commands import MINIMAL, run


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite URL in a temporary folder."""
    return f"sqlite:///{tmp_path / 'cli.db'}"


def shipments_only(tmp_path: Path) -> Path:
    """A folder holding only the minimal bundle's shipments.csv."""
    folder = tmp_path / "orders"
    folder.mkdir()
    shutil.copy(MINIMAL / "shipments.csv", folder / "shipments.csv")
    return folder


def edit(folder: Path, old: str, new: str) -> None:
    """Replace text in the folder's shipments.csv."""
    path = folder / "shipments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def changes(db_url: str) -> list[tuple[str, str, str, str, str]]:
    """Recorded shipment changes: id, kind, who, before, after."""
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        query = "select shipment_id, kind, changed_by, before, after from shipment_changes"
        return [tuple(r) for r in conn.execute(query)]


def test_shipments_only_folder_imports_against_stored_locations(db: str, tmp_path: Path) -> None:
    """New orders need no network: validated against the stored locations, then imported."""
    assert run(["import", str(MINIMAL)], db, tmp_path).returncode == 0
    folder = shipments_only(tmp_path)
    edit(folder, "SH00005,", "SH00077,")  # one new order, four known ones
    checked = run(["validate", str(folder)], db, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "valid — 5 shipments" in checked.stdout
    done = run(["import", str(folder)], db, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported — shipments: 1 created, 4 unchanged"


def test_shipments_only_folder_names_unknown_locations_for_this_channel(
    db: str, tmp_path: Path
) -> None:
    """A location neither in the folder nor stored is refused with a hint about both."""
    assert run(["import", str(MINIMAL)], db, tmp_path).returncode == 0
    folder = shipments_only(tmp_path)
    edit(folder, ",LUXC,", ",LUXCC,")
    refused = run(["import", str(folder)], db, tmp_path)
    assert refused.returncode == 1
    assert (
        "shipments.csv:2:destination: unknown location 'LUXCC' (did you mean 'LUXC'?); it is "
        "neither in locations.csv nor stored in the database" in refused.stderr
    )


def test_conflict_says_update_and_update_amends_with_a_record(db: str, tmp_path: Path) -> None:
    """A changed order is refused with the way forward; --update amends it and records it."""
    assert run(["import", str(MINIMAL)], db, tmp_path).returncode == 0
    folder = shipments_only(tmp_path)
    edit(folder, "SH00001,SHP-FXZ,FXZ,LUXC,420,", "SH00001,SHP-FXZ,FXZ,LUXC,455,")
    refused = run(["import", str(folder)], db, tmp_path)
    assert refused.returncode == 1
    assert "run the import again with --update" in refused.stderr
    assert (
        "SH00001: differs from the stored record (weight_kg: stored 420.0 != incoming 455.0)"
        in (refused.stderr)
    )
    assert changes(db) == []
    updated = run(["import", str(folder), "--update"], db, tmp_path)
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.strip() == "imported — shipments: 0 created, 1 updated, 4 unchanged"
    [(sid, kind, who, before, after)] = changes(db)
    assert (sid, kind) == ("SH00001", "amended") and who.startswith("cli")
    assert json.loads(before) == {"weight_kg": 420.0} and json.loads(after) == {"weight_kg": 455.0}
    again = run(["import", str(folder), "--update"], db, tmp_path)
    assert again.stdout.strip() == "imported — shipments: 0 created, 5 unchanged"
    assert len(changes(db)) == 1


def test_misspelt_tag_is_refused_by_validate(db: str, tmp_path: Path) -> None:
    """`DG;refer` fails validation with a did-you-mean instead of an unplannable shipment."""
    bundle = tmp_path / "bundle"
    shutil.copytree(MINIMAL, bundle)
    path = bundle / "shipments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1] + "DG;refer"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = run(["validate", str(bundle)], db, tmp_path)
    assert refused.returncode == 1
    assert "shipments.csv:2:requirements: requirements has unknown tag 'refer'; did you mean " in (
        refused.stderr
    )
