"""Repositories round-trip every kind exactly and filter and paginate in the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.persistence.repositories import locations, road_links, services, shipments, vehicles
from logistics.persistence.repositories.page import Page
from logistics.persistence.repositories.scenario import load_scenario
from logistics.persistence.repositories.shipments import ShipmentFilter
from tests.persistence.records import ODD_OFFSETS, identical, identical_scenarios, offsets


@pytest.fixture
def stored(session: Session) -> Scenario:
    """The odd-offsets bundle written through the repositories, with the session emptied."""
    scenario = read_bundle(ODD_OFFSETS)
    locations.add_all(session, scenario.locations)
    services.add_all(session, scenario.services)
    vehicles.add_all(session, scenario.vehicles)
    shipments.add_all(session, scenario.shipments)
    road_links.add_all(session, scenario.road_links)
    session.flush()
    session.expunge_all()
    return scenario


def ids(page: Page[Any]) -> list[str]:
    """Ids of a page's items, in order."""
    return [x.id for x in page.items]


def test_every_kind_round_trips_exactly(session: Session, stored: Scenario) -> None:
    """Each record comes back equal, and every datetime with the offset it was written with."""
    for loc in stored.locations:
        assert locations.get(session, loc.id) == loc
    for svc in stored.services:
        back = services.get(session, svc.id)
        assert back is not None and identical(back, svc)
    for veh in stored.vehicles:
        back_v = vehicles.get(session, veh.id)
        assert back_v is not None and identical(back_v, veh)
    for shp in stored.shipments:
        back_s = shipments.get(session, shp.id)
        assert back_s is not None and identical(back_s, shp)
    assert road_links.all_links(session) == stored.road_link_by_pair
    assert identical_scenarios(load_scenario(session), stored)


def test_offsets_are_the_written_ones_not_utc(session: Session, stored: Scenario) -> None:
    """A +05:45 departure, a -03:30 ready time and microseconds survive (not UTC, not truncated)."""
    svc = services.get(session, "SV-KTM-1")
    assert svc is not None and svc.departure.isoformat() == "2026-11-30T23:15:00+05:45"
    shp = shipments.get(session, "P004")
    assert shp is not None and shp.ready_at.isoformat() == "2026-11-30T08:00:00-03:30"
    rail = services.get(session, "SV-RAIL-1")
    assert rail is not None and rail.departure.isoformat() == "2026-12-01T08:00:00.250000+08:00"
    veh = vehicles.get(session, "TR-YYT-1")
    assert veh is not None and offsets(veh) == offsets(stored.vehicle_by_id["TR-YYT-1"])


def test_missing_ids_read_as_none_or_absent(session: Session, stored: Scenario) -> None:
    """get returns None for an unknown id; by_ids returns only stored ones, even for many ids."""
    assert shipments.get(session, "NOPE") is None and locations.get(session, "NOPE") is None
    wanted = ["P001", "P008", *(f"X{n:05d}" for n in range(1500))]
    assert sorted(shipments.by_ids(session, wanted)) == ["P001", "P008"]
    assert shipments.by_ids(session, []) == {}


def test_shipment_filters(session: Session, stored: Scenario) -> None:
    """Shipper, origin, destination and ready/due windows filter; bounds compare instants."""

    def listed(**kw: Any) -> list[str]:
        page = shipments.list_page(session, ShipmentFilter(**kw), limit=100, offset=0)
        assert page.total == len(page.items)
        return sorted(ids(page))

    assert listed(shipper="SHP-NEPAL") == ["P001", "P002", "P003"]
    assert listed(origin="YYT") == ["P004", "P005"]
    assert listed(destination="CXI", shipper="SHP-PACIFIC") == ["P007"]
    assert listed(shipper="SHP-NOBODY") == []
    # 2026-11-30T08:00-03:30 is 11:30Z; bounds given in another offset must select by instant.
    assert listed(ready_from=datetime.fromisoformat("2026-11-30T19:30:00+08:00")) == [
        "P004",
        "P005",
        "P006",
        "P007",
        "P008",
    ]
    assert listed(
        ready_from=datetime.fromisoformat("2026-11-30T11:30:00+00:00"),
        ready_to=datetime.fromisoformat("2026-11-30T08:00:00-03:30"),
    ) == ["P004"]
    assert listed(due_to=datetime.fromisoformat("2026-12-02T00:00:00+00:00")) == ["P004", "P008"]
    assert listed(due_from=datetime.fromisoformat("2026-12-04T00:00:00+00:00")) == ["P003"]


def test_shipment_pages_are_ordered_disjoint_and_complete(
    session: Session, stored: Scenario
) -> None:
    """Pages follow ready time; total counts all matches; windows neither overlap nor skip."""
    seen: list[str] = []
    for offset in range(0, 9, 3):
        page = shipments.list_page(session, ShipmentFilter(), limit=3, offset=offset)
        assert (page.total, page.limit, page.offset) == (8, 3, offset)
        seen.extend(ids(page))
    by_ready = sorted(stored.shipments, key=lambda s: (s.ready_at, s.id))
    assert seen == [s.id for s in by_ready]
    beyond = shipments.list_page(session, ShipmentFilter(), limit=3, offset=50)
    assert beyond.items == [] and beyond.total == 8


def test_service_filters_and_order(session: Session, stored: Scenario) -> None:
    """Services filter by mode, lane and departure window and come in departure order."""
    assert ids(services.list_page(session, mode="air")) == ["SV-KTM-1", "SV-YYT-1"]
    assert ids(services.list_page(session, origin="ZZRT", destination="CGO")) == ["SV-RAIL-1"]
    window = services.list_page(
        session,
        departure_from=datetime.fromisoformat("2026-12-01T00:00:00+00:00"),
        departure_to=datetime.fromisoformat("2026-12-02T23:59:00+00:00"),
    )
    # SV-RAIL-1 leaves at 00:00:00.25Z: inside the window only if microseconds are kept.
    assert ids(window) == ["SV-RAIL-1", "SV-YYT-1", "SV-HNL-1"]
    second = services.list_page(session, limit=2, offset=2)
    assert second.total == 4 and ids(second) == ["SV-YYT-1", "SV-HNL-1"]


def test_vehicle_and_location_filters(session: Session, stored: Scenario) -> None:
    """Vehicles filter by depot and carrier; locations by kind."""
    assert ids(vehicles.list_page(session, depot="CXI")) == ["TR-CXI-1", "TR-CXI-2"]
    assert ids(vehicles.list_page(session, carrier="Avalon Haul")) == ["TR-YYT-1"]
    assert vehicles.list_page(session, depot="CXI", carrier="Avalon Haul").total == 0
    assert ids(locations.list_page(session, kind="airport", limit=10, offset=0)) == [
        "CGO",
        "KTM",
        "YYT",
    ]
    page = locations.list_page(session, kind=None, limit=2, offset=6)
    assert page.total == 7 and ids(page) == ["ZZRT"]


def test_load_scenario_selects_shipments_with_all_master_data(
    session: Session, stored: Scenario
) -> None:
    """With ids, load_scenario returns every location, service, truck and link, and those shipments."""
    selected = load_scenario(session, shipment_ids=["P007", "P002", "MISSING"])
    assert [s.id for s in selected.shipments] == ["P002", "P007"]
    assert len(selected.locations) == 7 and len(selected.services) == 4
    assert len(selected.vehicles) == 4 and len(selected.road_links) == 3


def test_adding_stored_services_vehicles_and_road_links_skips_them(
    session: Session, stored: Scenario
) -> None:
    """add_all returns the keys it stored and leaves a stored key's row as it is (a concurrent
    import's row is judged by the import, never overwritten or failing the transaction)."""
    svc, veh = stored.services[0], stored.vehicles[0]
    pairs = stored.road_link_by_pair
    link = next(x for x in stored.road_links if (x.destination, x.origin) not in pairs)
    new_svc = replace(svc, id="SV-NEW")
    assert services.add_all(session, [replace(svc, carrier="Other"), new_svc]) == {"SV-NEW"}
    assert vehicles.add_all(session, [replace(veh, speed_kmh=1.0)]) == set()
    fresh = replace(link, origin=link.destination, destination=link.origin, distance_km=9.0)
    fresh_pair = (fresh.origin, fresh.destination)
    added = road_links.add_all(session, [replace(link, distance_km=1.0), fresh])
    assert added == {fresh_pair}
    assert services.get(session, svc.id) == svc and services.get(session, "SV-NEW") == new_svc
    assert vehicles.get(session, veh.id) == veh
    links = road_links.all_links(session)
    assert links[(link.origin, link.destination)] == link and links[fresh_pair] == fresh
