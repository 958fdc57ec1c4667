"""The migrated schema matches the ORM models on both dialects, and values round-trip."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import logistics.persistence.tables  # noqa: F401
from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.persistence.base import Base
from logistics.persistence.repositories import locations, services, shipments, vehicles
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


def test_migrations_create_exactly_the_model_schema(engine: Engine) -> None:
    """Alembic finds no difference between the migrated database and the models."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_kind_round_trips_with_its_original_offsets(session: Session) -> None:
    """Locations, services, vehicles and shipments come back equal, UTC offsets included."""
    scenario = read_bundle(MINIMAL)
    import_scenario(session, scenario)
    session.flush()
    session.expunge_all()
    assert locations.get(session, "LUX") == scenario.location_by_id["LUX"]
    svc = services.get(session, "CV9751-20261130")
    assert svc == scenario.service_by_id["CV9751-20261130"]
    assert (
        svc is not None
        and svc.arrival.utcoffset() == scenario.service_by_id[svc.id].arrival.utcoffset()
    )
    assert vehicles.get(session, "LUXD-T96-1130") == scenario.vehicle_by_id["LUXD-T96-1130"]
    assert shipments.get(session, "SH00004") == scenario.shipment_by_id["SH00004"]
    assert same_records(load_scenario(session), scenario)


def test_load_scenario_can_select_shipments(session: Session) -> None:
    """load_scenario with ids returns all master data and only those shipments."""
    import_scenario(session, read_bundle(MINIMAL))
    selected = load_scenario(session, shipment_ids=["SH00002", "SH00005"])
    assert [s.id for s in selected.shipments] == ["SH00002", "SH00005"]
    assert len(selected.services) == 2 and len(selected.vehicles) == 3
