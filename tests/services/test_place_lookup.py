"""Feed place codes land on the platform's own locations, by id or by position and mode."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain.enums import Mode
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import locations as location_repo
from logistics.services.place_lookup import location_lookup, world_position

ZHENGZHOU = Path(__file__).resolve().parents[2] / "fixtures" / "zhengzhou"


def test_codes_map_to_our_locations_by_id_or_position_and_mode(
    session_factory: sessionmaker[Session],
) -> None:
    """CNCGO is the airport for a flight and the rail terminal 28 km away for a train."""
    with session_scope(session_factory) as session:
        location_repo.add_all(session, read_bundle(ZHENGZHOU).locations)
        find = location_lookup(session)
        assert find("LUX", None) == "LUX"  # one of our ids
        assert find("CNCGO", Mode.AIR) == "CGO"
        assert find("CNCGO", Mode.RAIL) == "ZZLP"
        assert find("CNCGO", None) == "CGO"  # the nearest of any kind
        assert find("LULUX", Mode.AIR) == "LUX"
        assert find("USJFK", Mode.AIR) is None  # a real place, but none of ours is near
        assert find("XXQQQ", None) is None  # no such place


def test_world_positions_come_from_the_places_package() -> None:
    """An airport and a UN/LOCODE built on its IATA code have a position; others none."""
    frankfurt = world_position("FRA")
    assert frankfurt is not None and abs(frankfurt[0] - 50.03) < 0.1
    assert world_position("DEFRA") == frankfurt
    assert world_position("urn:epc:id:sgln:4012345.00011.0") is None
