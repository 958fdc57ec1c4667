"""Migration 0018: locations stored before it keep everything and have no codes; codes stored
after it read back, and going back to 0017 drops them without touching the rest."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine, text

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.persistence.database import make_session_factory, session_scope
from logistics.persistence.migrate import downgrade_to, upgrade_to_head
from logistics.persistence.repositories import locations as location_repo
from logistics.services.import_scenario import import_scenario
from tests.booking import FIXTURES


def test_locations_keep_their_fields_across_0018_and_back(engine: Engine) -> None:
    factory = make_session_factory(engine)
    scenario = read_bundle(FIXTURES / "bundles" / "minimal")
    downgrade_to(engine, "0017")
    with engine.begin() as connection:  # a location as revision 0017 stored it
        connection.execute(
            text(
                "INSERT INTO locations (id, name, kind, lat, lon, timezone, service_minutes, "
                "handling_minutes) VALUES ('OLD-1', 'Old depot', 'depot', 1.5, 2.5, 'UTC', 15, 0)"
            )
        )
    upgrade_to_head(engine)
    with session_scope(factory) as session:
        old = location_repo.get(session, "OLD-1")
        assert old is not None and old.unlocode is None and old.gln is None
        import_scenario(session, scenario)
        first = scenario.locations[0]
        import_scenario(
            session, Scenario(locations=(replace(first, unlocode="CNCGO", gln="0614141000012"),))
        )
    with session_scope(factory) as session:
        coded = location_repo.get(session, scenario.locations[0].id)
        assert coded is not None and (coded.unlocode, coded.gln) == ("CNCGO", "0614141000012")
    downgrade_to(engine, "0017")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name FROM locations ORDER BY id")).all()
    assert ("OLD-1", "Old depot") in rows and len(rows) == len(scenario.locations) + 1
    upgrade_to_head(engine)
