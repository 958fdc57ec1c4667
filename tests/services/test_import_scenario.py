"""Importing a bundle: one transaction, idempotent, every conflict reported and nothing written."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta, timezone
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario, Shipment
from logistics.errors import Conflict
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.scenario import load_scenario
from logistics.services.import_scenario import ImportReport, KindCount, import_scenario
from tests.persistence.records import FIXTURES, MINIMAL, ODD_OFFSETS, identical_scenarios

ZHENGZHOU = FIXTURES / "zhengzhou"


def stored_scenario(session_factory: sessionmaker[Session]) -> Scenario:
    """Everything in the database, read in a fresh session."""
    with session_factory() as session:
        return load_scenario(session)


def test_first_import_creates_everything(session_factory: sessionmaker[Session]) -> None:
    """Every record of the bundle is created once and reads back exactly."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        report = import_scenario(session, scenario)
    assert {k: (c.created, c.unchanged) for k, c in report.counts.items()} == {
        "locations": (7, 0),
        "services": (2, 0),
        "vehicles": (3, 0),
        "shipments": (5, 0),
        "road_links": (2, 0),
    }
    assert report.created == 19 and report.unchanged == 0
    assert "shipments: 5 created, 0 unchanged" in report.summary()
    assert identical_scenarios(stored_scenario(session_factory), scenario)


def test_importing_again_changes_nothing(session_factory: sessionmaker[Session]) -> None:
    """A second import of the same bundle reports everything unchanged and stores the same."""
    scenario = read_bundle(ODD_OFFSETS)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    with session_scope(session_factory) as session:
        report = import_scenario(session, scenario)
    assert report.created == 0 and report.unchanged == 7 + 4 + 4 + 8 + 3
    assert identical_scenarios(stored_scenario(session_factory), scenario)


def test_a_second_bundle_adds_only_its_new_records(session_factory: sessionmaker[Session]) -> None:
    """A bundle sharing a location with the stored one creates its new records and reuses CGO."""
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(MINIMAL))
    with session_scope(session_factory) as session:
        report = import_scenario(session, read_bundle(ODD_OFFSETS))
    assert (report.counts["locations"].created, report.counts["locations"].unchanged) == (6, 1)
    assert len(stored_scenario(session_factory).shipments) == 5 + 8


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
    modified = replace(scenario, shipments=(*others, changed, fresh))
    with pytest.raises(Conflict) as err, session_scope(session_factory) as session:
        import_scenario(session, modified)
    assert err.value.conflicts == [
        "shipment SH00002: differs from the stored record"
        " (weight_kg: stored 1250.0 != incoming 999.0)"
    ]
    assert identical_scenarios(stored_scenario(session_factory), scenario)


def test_every_conflict_of_every_kind_is_collected(session_factory: sessionmaker[Session]) -> None:
    """Conflicts in locations, services, vehicles and road links are all listed with their values."""
    scenario = read_bundle(ODD_OFFSETS)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    svc = scenario.service_by_id["SV-KTM-1"]
    utc_departure = svc.departure.astimezone(timezone(timedelta(0)))
    modified = Scenario(
        tuple(replace(x, name="Renamed") if x.id == "KTM" else x for x in scenario.locations),
        tuple(
            replace(x, capabilities=frozenset({"dg"}), departure=utc_departure + timedelta(hours=1))
            if x.id == "SV-KTM-1"
            else x
            for x in scenario.services
        ),
        tuple(replace(x, speed_kmh=80.0) if x.id == "TR-CXI-2" else x for x in scenario.vehicles),
        (*scenario.shipments, replace(scenario.shipments[0], id="P900")),
        tuple(
            replace(x, duration_minutes=60.0) if x.origin == "CGO" else x
            for x in scenario.road_links
        ),
    )
    with pytest.raises(Conflict) as err, session_scope(session_factory) as session:
        import_scenario(session, modified)
    text = "\n".join(err.value.conflicts)
    assert len(err.value.conflicts) == 4 and "4 record(s) conflict" in str(err.value)
    assert (
        "location KTM" in text
        and "name: stored 'Kathmandu Tribhuvan cargo' != incoming 'Renamed'" in text
    )
    assert (
        "service SV-KTM-1" in text and "capabilities: stored 'dg;reefer' != incoming 'dg'" in text
    )
    assert (
        "departure: stored 2026-11-30T23:15:00+05:45 != incoming 2026-11-30T18:30:00+00:00" in text
    )
    assert "vehicle TR-CXI-2" in text and "speed_kmh: stored 35.0 != incoming 80.0" in text
    assert (
        "road link CGO->ZZRT" in text and "duration_minutes: stored None != incoming 60.0" in text
    )
    assert identical_scenarios(stored_scenario(session_factory), scenario)


def test_same_instant_in_another_offset_is_not_a_conflict(
    session_factory: sessionmaker[Session],
) -> None:
    """Times are compared as instants: a bundle re-exported in UTC imports as unchanged."""
    scenario = read_bundle(ODD_OFFSETS)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    utc = timezone(timedelta(0))
    in_utc = replace(
        scenario,
        shipments=tuple(
            replace(s, ready_at=s.ready_at.astimezone(utc), due_at=s.due_at.astimezone(utc))
            for s in scenario.shipments
        ),
    )
    with session_scope(session_factory) as session:
        report = import_scenario(session, in_utc)
    assert report.created == 0
    # The offsets first stored are kept.
    assert identical_scenarios(stored_scenario(session_factory), scenario)


def test_import_issues_a_few_statements_per_kind_not_per_record(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """Importing the reference week (670+ records) reads and writes in bulk, both times."""
    scenario = read_bundle(ZHENGZHOU)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(session_factory) as session:
            first = import_scenario(session, scenario)
        written = len(statements)
        statements.clear()
        with session_scope(session_factory) as session:
            again = import_scenario(session, scenario)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert first.created > 600 and again.unchanged == first.created
    # Five kinds: one lookup and one bulk insert each, plus transaction chatter.
    assert written <= 15 and len(statements) <= 10


def test_a_stored_location_may_gain_codes_it_lacks_but_not_change_them(
    session_factory: sessionmaker[Session],
) -> None:
    """Importing a stored location again with a UN/LOCODE and GLN adds them (updated); a GLN
    other than the one then stored is a conflict naming both, and nothing is written."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    first = scenario.locations[0]
    coded = replace(first, unlocode="CNCGO", gln="0614141000012")
    with session_scope(session_factory) as session:
        report = import_scenario(session, Scenario(locations=(coded,)))
    assert report.counts["locations"].updated == 1 and "1 updated" in report.summary()
    assert stored_scenario(session_factory).location_by_id[first.id] == coded
    other = replace(coded, gln="0614141000029")
    with pytest.raises(Conflict) as err, session_scope(session_factory) as session:
        import_scenario(session, Scenario(locations=(other,)))
    assert err.value.conflicts == [
        f"location {first.id}: differs from the stored record"
        " (gln: stored '0614141000012' != incoming '0614141000029')"
    ]
    assert stored_scenario(session_factory).location_by_id[first.id] == coded


def _import_while_another_writer_stores(
    session_factory: sessionmaker[Session], engine: Engine, ours: Shipment, theirs: Shipment
) -> ImportReport | Conflict:
    """Import `ours` while another transaction stores `theirs` under the same id: it commits
    only once our import has read (seeing nothing) and is inserting, so our insert meets it."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
    known = tuple(x for x in scenario.locations if x.id in {ours.origin, ours.destination})
    outcome, _, _ = _race(
        session_factory,
        engine,
        Scenario(known, shipments=(ours,)),
        lambda other: shipment_repo.add_all(other, [theirs]),
        "INSERT INTO shipments",
    )
    return outcome


def test_a_shipment_stored_concurrently_after_the_import_read_is_unchanged(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """The same shipment committed by another writer between our read and our insert: the
    import re-reads it and reports it unchanged, as a repeat after that writer would."""
    base = read_bundle(MINIMAL).shipments[0]
    mine = replace(base, id="RACED-1")
    report = _import_while_another_writer_stores(session_factory, engine, mine, mine)
    assert isinstance(report, ImportReport), report
    assert report.counts["shipments"] == KindCount(created=0, unchanged=1)
    assert stored_scenario(session_factory).shipment_by_id["RACED-1"] == mine


def test_a_different_shipment_stored_concurrently_is_a_conflict_naming_it(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """Another writer commits a different shipment under our id after our read: a conflict
    naming the id and the field, as a repeat after that writer would get; theirs stays."""
    base = read_bundle(MINIMAL).shipments[0]
    mine = replace(base, id="RACED-2")
    theirs = replace(mine, pieces=mine.pieces + 1)
    refused = _import_while_another_writer_stores(session_factory, engine, mine, theirs)
    assert isinstance(refused, Conflict), refused
    assert refused.conflicts == [
        f"shipment RACED-2: differs from the stored record"
        f" (pieces: stored {theirs.pieces} != incoming {mine.pieces})"
    ]
    assert stored_scenario(session_factory).shipment_by_id["RACED-2"] == theirs


def _race_two_imports(
    session_factory: sessionmaker[Session], engine: Engine, ours: Scenario, theirs: Scenario
) -> tuple[ImportReport | Conflict, ImportReport, list[str]]:
    """Import `ours` while another transaction imports `theirs` into the empty database: that
    import commits only once ours has read (finding nothing) and is inserting, so every insert
    of ours meets the other's rows. Returns our outcome, theirs, and the statements ours ran."""
    return _race(
        session_factory, engine, ours, lambda other: import_scenario(other, theirs), "INSERT INTO"
    )


T = TypeVar("T")


def _race(
    session_factory: sessionmaker[Session],
    engine: Engine,
    ours: Scenario,
    other_writes: Callable[[Session], T],
    inserting_with: str,
) -> tuple[ImportReport | Conflict, T, list[str]]:
    """Import `ours` in a thread while `other_writes` runs in another transaction, which
    commits only once our import runs a statement starting `inserting_with` (after its reads
    found nothing) and has waited on it a moment. Returns our outcome, what `other_writes`
    returned, and the statements our import ran."""
    inserting = threading.Event()
    ran: list[str] = []
    outcome: list[ImportReport | Conflict] = []

    def watch(*args: Any) -> None:
        if threading.current_thread().name == "ours":
            ran.append(args[2])
            if args[2].startswith(inserting_with):
                inserting.set()

    def run() -> None:
        try:
            with session_scope(session_factory) as session:
                outcome.append(import_scenario(session, ours))
        except Conflict as exc:
            outcome.append(exc)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        with session_scope(session_factory) as other:
            theirs = other_writes(other)
            other.flush()
            importer = threading.Thread(target=run, name="ours")
            importer.start()
            assert inserting.wait(30)
            time.sleep(0.3)  # our insert now waits on the other writer's rows
        importer.join(60)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert not importer.is_alive() and len(outcome) == 1
    return outcome[0], theirs, ran


def _inserted_tables(statements: list[str]) -> set[str]:
    return {s.split()[2] for s in statements if s.startswith("INSERT INTO")}


def test_two_imports_of_the_same_bundle_at_once_both_succeed_as_a_repeat_would(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """The same bundle imported twice at once: the import that read before the other stored
    inserts every kind (services, vehicles and road links too), meets the other's rows and
    reports them all unchanged, exactly as a serial repeat does; one row each is stored."""
    scenario = read_bundle(MINIMAL)
    raced, first, ran = _race_two_imports(session_factory, engine, scenario, scenario)
    assert isinstance(raced, ImportReport), raced
    assert _inserted_tables(ran) == {
        "locations",
        "services",
        "vehicles",
        "shipments",
        "road_links",
    }
    assert first.created == 19 and first.unchanged == 0
    assert raced.created == 0 and raced.updated == 0
    assert {k: c.unchanged for k, c in raced.counts.items()} == {
        k: c.created for k, c in first.counts.items()
    }
    with session_scope(session_factory) as session:
        repeat = import_scenario(session, scenario)
    assert raced.counts == repeat.counts
    stored = stored_scenario(session_factory)
    assert identical_scenarios(stored, scenario)
    assert (len(stored.services), len(stored.vehicles), len(stored.road_links)) == (
        len(scenario.services),
        len(scenario.vehicles),
        len(scenario.road_links),
    )


def test_a_different_service_vehicle_and_road_link_stored_at_once_are_conflicts_naming_them(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """The other import stored a service, a truck shift and a road link with other values under
    our keys after our read: a conflict naming each with its differing field, worded as a
    serial repeat's, and nothing of ours written (not even the shipment the other lacked)."""
    ours = read_bundle(MINIMAL)
    service, vehicle, link = ours.services[0], ours.vehicles[0], ours.road_links[0]
    their_service = replace(service, capacity_kg=service.capacity_kg / 2)
    their_vehicle = replace(vehicle, speed_kmh=vehicle.speed_kmh + 10)
    their_link = replace(link, distance_km=link.distance_km + 1)
    theirs = replace(
        ours,
        services=(their_service, *ours.services[1:]),
        vehicles=(their_vehicle, *ours.vehicles[1:]),
        shipments=ours.shipments[:-1],
        road_links=(their_link, *ours.road_links[1:]),
    )
    raced, _, ran = _race_two_imports(session_factory, engine, ours, theirs)
    assert isinstance(raced, Conflict), raced
    assert {"services", "vehicles", "road_links"} <= _inserted_tables(ran)
    assert raced.conflicts == [
        f"service {service.id}: differs from the stored record"
        f" (capacity_kg: stored {their_service.capacity_kg} != incoming {service.capacity_kg})",
        f"vehicle {vehicle.id}: differs from the stored record"
        f" (speed_kmh: stored {their_vehicle.speed_kmh} != incoming {vehicle.speed_kmh})",
        f"road link {link.origin}->{link.destination}: differs from the stored record"
        f" (distance_km: stored {their_link.distance_km} != incoming {link.distance_km})",
    ]
    assert str(raced).startswith("3 record(s) conflict with stored ones; nothing was imported")
    assert identical_scenarios(stored_scenario(session_factory), theirs)
    with pytest.raises(Conflict) as repeat, session_scope(session_factory) as session:
        import_scenario(session, ours)
    assert repeat.value.conflicts == raced.conflicts and str(repeat.value) == str(raced)


def test_a_location_removed_by_hand_under_a_new_service_is_refused_by_the_database(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """The one refusal still left at insert time: a stored location deleted by hand after the
    import checked it, under a new service referring to it. The import answers a conflict
    saying the database refused it (no "retry"), and writes nothing."""
    scenario = read_bundle(MINIMAL)
    with session_scope(session_factory) as session:
        import_scenario(session, Scenario(locations=scenario.locations))
    service = scenario.services[0]
    removed: list[str] = []

    def remove_by_hand(*args: Any) -> None:
        if args[2].startswith("INSERT INTO services") and not removed:
            removed.append(service.destination)
            with engine.begin() as conn:
                conn.execute(
                    text("DELETE FROM locations WHERE id = :id"), {"id": service.destination}
                )

    event.listen(engine, "before_cursor_execute", remove_by_hand)
    try:
        with pytest.raises(Conflict) as err, session_scope(session_factory) as session:
            import_scenario(session, Scenario(locations=scenario.locations, services=(service,)))
    finally:
        event.remove(engine, "before_cursor_execute", remove_by_hand)
    assert removed == [service.destination]
    assert str(err.value).startswith("the database refused the import (")
    assert str(err.value).endswith("); nothing was imported") and err.value.conflicts == []
    assert "retry" not in str(err.value).lower()
    stored = stored_scenario(session_factory)
    assert stored.services == () and service.destination not in stored.location_by_id
