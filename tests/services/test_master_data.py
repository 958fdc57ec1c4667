"""Master-data use cases: shipper scoping, filters, pagination, and adding shipments."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role, Scenario
from logistics.errors import Conflict, DomainError, NotFound
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.services import master_data
from logistics.services.import_scenario import import_scenario
from tests.persistence.records import ODD_OFFSETS, identical

COORDINATOR = Principal("key_c", Role.COORDINATOR)
ANALYST = Principal("key_a", Role.ANALYST)
NEPAL = Principal("key_n", Role.SHIPPER, "SHP-NEPAL")
ATLANTIC = Principal("key_t", Role.SHIPPER, "SHP-ATLANTIC")


@pytest.fixture
def stored(session: Session) -> Scenario:
    """The odd-offsets bundle imported into the test database."""
    scenario = read_bundle(ODD_OFFSETS)
    import_scenario(session, scenario)
    session.expunge_all()
    return scenario


def listed(session: Session, principal: Principal, **filters: Any) -> list[str]:
    """Ids of every shipment the principal is shown for these filters."""
    page = master_data.list_shipments(session, principal, limit=100, offset=0, **filters)
    assert page.total == len(page.items)
    return sorted(s.id for s in page.items)


def test_shipper_lists_only_its_own_shipments(session: Session, stored: Scenario) -> None:
    """A shipper sees its shipments; coordinators and analysts see everyone's."""
    assert listed(session, NEPAL) == ["P001", "P002", "P003"]
    assert listed(session, ATLANTIC) == ["P004", "P005", "P006"]
    assert len(listed(session, COORDINATOR)) == 8 == len(listed(session, ANALYST))


def test_shipper_cannot_widen_its_scope_with_filters(session: Session, stored: Scenario) -> None:
    """Asking for another shipper yields nothing; other filters narrow within its own scope."""
    assert listed(session, NEPAL, shipper="SHP-ATLANTIC") == []
    assert listed(session, NEPAL, shipper="SHP-NEPAL", destination="LHR") == ["P003"]
    assert listed(session, ATLANTIC, origin="HNL") == ["P006"]
    assert listed(session, COORDINATOR, origin="HNL") == ["P006", "P007"]
    assert listed(session, COORDINATOR, shipper="SHP-ATLANTIC", origin="HNL") == ["P006"]


def test_shipper_pages_count_only_its_shipments(session: Session, stored: Scenario) -> None:
    """Totals and windows of a shipper's pages are computed inside its scope."""
    first = master_data.list_shipments(session, ATLANTIC, limit=2, offset=0)
    rest = master_data.list_shipments(session, ATLANTIC, limit=2, offset=2)
    assert first.total == rest.total == 3
    assert [s.id for s in first.items] + [s.id for s in rest.items] == ["P004", "P005", "P006"]


def test_time_window_filters_pass_through(session: Session, stored: Scenario) -> None:
    """Ready and due windows reach the query."""
    assert listed(
        session, COORDINATOR, due_to=datetime.fromisoformat("2026-12-02T00:00:00+00:00")
    ) == ["P004", "P008"]
    assert listed(
        session, NEPAL, ready_from=datetime.fromisoformat("2026-11-30T05:00:00+00:00")
    ) == ["P003"]


def test_other_shippers_shipment_looks_missing(session: Session, stored: Scenario) -> None:
    """Own shipment is returned; another shipper's raises the same NotFound as a missing one."""
    own = master_data.get_shipment(session, NEPAL, "P001")
    assert identical(own, stored.shipment_by_id["P001"])
    with pytest.raises(NotFound) as foreign:
        master_data.get_shipment(session, NEPAL, "P004")
    with pytest.raises(NotFound) as missing:
        master_data.get_shipment(session, NEPAL, "P999")
    assert str(foreign.value) == str(missing.value).replace("P999", "P004")
    assert master_data.get_shipment(session, COORDINATOR, "P004").shipper == "SHP-ATLANTIC"


def test_master_data_readers(session: Session, stored: Scenario) -> None:
    """Locations, services and vehicles are listed with filters and fetched by id or NotFound."""
    assert [
        x.id for x in master_data.list_locations(session, kind="depot", limit=10, offset=0).items
    ] == ["CXI"]
    svc = master_data.list_services(
        session,
        mode="rail",
        origin=None,
        destination=None,
        departure_from=None,
        departure_to=None,
        limit=10,
        offset=0,
    )
    assert [x.id for x in svc.items] == ["SV-RAIL-1"]
    trucks = master_data.list_vehicles(session, depot="KTM", carrier=None, limit=10, offset=0)
    assert [x.id for x in trucks.items] == ["TR-KTM-1"]
    assert master_data.get_location(session, "KTM").timezone == "Asia/Kathmandu"
    assert identical(master_data.get_service(session, "SV-KTM-1"), stored.service_by_id["SV-KTM-1"])
    assert identical(master_data.get_vehicle(session, "TR-YYT-1"), stored.vehicle_by_id["TR-YYT-1"])
    for getter in (master_data.get_location, master_data.get_service, master_data.get_vehicle):
        with pytest.raises(NotFound):
            getter(session, "NOPE")


def test_add_shipments_creates_and_then_leaves_identical_ones(
    session: Session, stored: Scenario
) -> None:
    """New shipments are created; sending them again changes nothing."""
    new = [
        replace(stored.shipment_by_id["P001"], id="P101"),
        replace(stored.shipment_by_id["P004"], id="P104", weight_kg=12.5),
    ]
    first = master_data.add_shipments(session, new)
    again = master_data.add_shipments(session, [*new, stored.shipment_by_id["P002"]])
    assert (first.created, first.unchanged) == (2, 0)
    assert (again.created, again.unchanged) == (0, 3)
    stored_new = shipment_repo.get(session, "P104")
    assert stored_new is not None and identical(stored_new, new[1])


def test_add_shipments_refuses_the_batch_on_a_conflict(session: Session, stored: Scenario) -> None:
    """A changed shipment is named with its field; the new one of the same batch is not stored."""
    changed = replace(stored.shipment_by_id["P002"], pieces=7)
    fresh = replace(stored.shipment_by_id["P001"], id="P201")
    with pytest.raises(Conflict) as err:
        master_data.add_shipments(session, [fresh, changed])
    assert err.value.conflicts == [
        "shipment P002: differs from the stored record (pieces: stored 6 != incoming 7)"
    ]
    assert shipment_repo.get(session, "P201") is None


def test_add_shipments_needs_stored_locations(session: Session, stored: Scenario) -> None:
    """A shipment to a location that is not stored is refused."""
    stray = replace(stored.shipment_by_id["P001"], id="P301", destination="NOWHERE")
    with pytest.raises(DomainError, match="NOWHERE"):
        master_data.add_shipments(session, [stray])
    assert shipment_repo.get(session, "P301") is None
