"""Importing a bundle: one transaction, idempotent, conflicts reported and nothing written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.errors import Conflict
from logistics.persistence.database import session_scope
from logistics.persistence.repositories.scenario import load_scenario
from logistics.services.import_scenario import import_scenario


def same_records(a: Scenario, b: Scenario) -> bool:
    """Equal records of every kind, whatever their order."""
    return (
        a.location_by_id == b.location_by_id
        and a.service_by_id == b.service_by_id
        and a.vehicle_by_id == b.vehicle_by_id
        and a.shipment_by_id == b.shipment_by_id
        and a.road_link_by_pair == b.road_link_by_pair
    )


MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"


def test_first_import_creates_everything(session_factory: sessionmaker[Session]) -> None:
    """Every record of the bundle is created once."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        report = import_scenario(session, scenario)
    assert report.counts["shipments"].created == 5 and report.unchanged == 0
    assert report.created == 7 + 2 + 3 + 5 + 2


def test_importing_again_changes_nothing(session_factory: sessionmaker[Session]) -> None:
    """A second import of the same bundle reports everything unchanged."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    with session_scope(session_factory) as session:
        report = import_scenario(session, scenario)
    assert report.created == 0 and report.unchanged == 19
    with session_factory() as session:
        assert same_records(load_scenario(session), scenario)


def test_conflicting_record_is_reported_and_nothing_is_written(
    session_factory: sessionmaker[Session],
) -> None:
    """A changed shipment and a new one in the same import: conflict named, new one not stored."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    changed = replace(scenario.shipment_by_id["SH00002"], weight_kg=999.0)
    fresh = replace(scenario.shipment_by_id["SH00001"], id="SH00099")
    others = tuple(s for s in scenario.shipments if s.id != "SH00002")
    modified = Scenario(
        scenario.locations,
        scenario.services,
        scenario.vehicles,
        (*others, changed, fresh),
        scenario.road_links,
    )
    with pytest.raises(Conflict) as err, session_scope(session_factory) as session:
        import_scenario(session, modified)
    assert any(
        "shipment SH00002" in c and "weight_kg" in c and "999" in c for c in err.value.conflicts
    )
    with session_factory() as session:
        stored = load_scenario(session)
    assert "SH00099" not in stored.shipment_by_id
    assert stored.shipment_by_id["SH00002"].weight_kg == 1250
