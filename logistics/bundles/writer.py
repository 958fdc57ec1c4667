"""Write a scenario as a CSV bundle (DESIGN 3.1), atomically."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from logistics.bundles import columns as cols
from logistics.bundles.table import Column
from logistics.domain import Scenario
from logistics.domain.validation import format_tags


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return format_tags(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _write(path: Path, columns: Sequence[Column], records: Iterable[object]) -> None:
    names = [c.name for c in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for record in records:
            writer.writerow([_cell(getattr(record, name)) for name in names])


def _without_empty(
    columns: Sequence[Column], records: Sequence[object], *optional: str
) -> list[Column]:
    """The columns less those of `optional` that no record has a value in."""
    empty = {name for name in optional if not any(getattr(r, name, "") for r in records)}
    return [c for c in columns if c.name not in empty]


def _without_emission_class(columns: Sequence[Column], records: Sequence[object]) -> list[Column]:
    return _without_empty(columns, records, "emission_class")


def write_bundle(scenario: Scenario, path: Path) -> None:
    """Write the bundle folder at `path`, replacing it only once every file is written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        _write(
            staging / "locations.csv",
            _without_empty(cols.LOCATIONS, scenario.locations, "unlocode", "gln"),
            scenario.locations,
        )
        _write(
            staging / "services.csv",
            _without_emission_class(cols.SERVICES, scenario.services),
            scenario.services,
        )
        _write(
            staging / "vehicles.csv",
            _without_emission_class(cols.VEHICLES, scenario.vehicles),
            scenario.vehicles,
        )
        _write(staging / "shipments.csv", cols.SHIPMENTS, scenario.shipments)
        if scenario.road_links:
            _write(staging / "distances.csv", cols.DISTANCES, scenario.road_links)
        # Keep files of the old folder that are not bundle tables (e.g. a README).
        if path.is_dir():
            for extra in path.iterdir():
                if extra.suffix != ".csv" and not (staging / extra.name).exists():
                    if extra.is_dir():
                        shutil.copytree(extra, staging / extra.name)
                    else:
                        shutil.copy2(extra, staging / extra.name)
            backup = path.with_name(f".{path.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(path, backup)
            os.replace(staging, path)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
