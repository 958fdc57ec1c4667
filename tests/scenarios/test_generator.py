"""The generator is deterministic, scales, and the committed reference bundle is its output."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from logistics.bundles.reader import read_bundle
from logistics.domain import LocationKind, Mode, Scenario
from logistics.scenarios.generator import generate_scenario
from logistics.scenarios.reference import reference_scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_same_seed_same_scenario_other_seed_other_shipments() -> None:
    """Equal seeds give equal scenarios; another seed gives other shipments."""
    a = generate_scenario(shipments=60, seed=7)
    assert a == generate_scenario(shipments=60, seed=7)
    assert a.shipments != generate_scenario(shipments=60, seed=8).shipments


def test_size_scales_services_and_shifts() -> None:
    """More shipments bring more departures and more truck shifts."""
    small = generate_scenario(shipments=100, seed=1)
    large = generate_scenario(shipments=2000, seed=1)
    assert len(small.shipments) == 100 and len(large.shipments) == 2000
    assert len(large.vehicles) > 5 * len(small.vehicles)
    assert len(large.services) > len(small.services)


def test_committed_reference_bundle_is_the_generator_output() -> None:
    """fixtures/zhengzhou reads back equal to reference_scenario() (regenerate with the script)."""
    assert read_bundle(FIXTURES / "zhengzhou") == reference_scenario()


def test_reference_scenario_has_the_required_shape() -> None:
    """15+ Zhengzhou customer sites, 40+ shifts, 150+ shipments, and the named services."""
    s = reference_scenario()
    zz_customers = [
        loc
        for loc in s.locations
        if loc.kind is LocationKind.CUSTOMER
        and loc.timezone == "Asia/Shanghai"
        and 112 < loc.lon < 115
    ]
    assert len(zz_customers) >= 15
    assert len(s.vehicles) >= 40 and len(s.shipments) >= 150
    lanes = {(x.mode, x.origin, x.destination) for x in s.services}
    for lane in [
        (Mode.AIR, "CGO", "LUX"),
        (Mode.AIR, "CGO", "FRA"),
        (Mode.AIR, "CGO", "ORD"),
        (Mode.AIR, "CGO", "PVG"),
        (Mode.AIR, "CGO", "SZX"),
        (Mode.RAIL, "ZZLP", "HAM"),
        (Mode.RAIL, "ZZLP", "DUI"),
        (Mode.ROAD, "ZAEZ", "CGO"),
        (Mode.ROAD, "LUX", "HAM"),
    ]:
        assert lane in lanes, lane
    trains = [x for x in s.services if x.mode is Mode.RAIL]
    assert all(timedelta(days=13) <= t.transit <= timedelta(days=18) for t in trains)
    assert all(1440 <= t.cutoff_minutes <= 2160 for t in trains)


def test_destination_depots_have_shifts_when_cargo_arrives() -> None:
    """Every arrival at a gateway is followed by truck shifts at that region's depot."""
    s = reference_scenario()
    depot_of = {
        "LUX": "LUXD",
        "FRA": "FRAD",
        "ORD": "ORDD",
        "HAM": "HAMD",
        "DUI": "DUID",
        "PVG": "PVGD",
        "SZX": "SZXD",
    }
    for svc in s.services:
        depot = depot_of.get(svc.destination)
        if depot is None:
            continue
        ready = svc.arrival + timedelta(minutes=s.location_by_id[svc.destination].handling_minutes)
        assert any(
            v.depot == depot
            and v.available_until > ready
            and v.available_from < ready + timedelta(days=2)
            for v in s.vehicles
        ), svc.id


def test_every_export_shipment_has_a_departure_between_ready_and_due() -> None:
    """Each shipment leaving through a gateway has a service it could plausibly catch."""
    s = reference_scenario()
    gateway_of = {
        "LU": ("LUX",),
        "FR": ("FRA", "LUX"),
        "US": ("ORD", "LUX"),
        "HA": ("HAM", "LUX"),
        "DU": ("DUI", "LUX"),
        "SH": ("PVG",),
        "SZ": ("SZX",),
    }
    for sh in s.shipments:
        prefix = sh.destination.split("-")[0]
        if prefix not in gateway_of:
            continue  # truck-only within Henan
        options = [
            x
            for x in s.services
            if x.origin in ("CGO", "ZZLP")
            and x.destination in gateway_of[prefix]
            and x.cutoff > sh.ready_at
            and x.arrival < sh.due_at
        ]
        assert options, sh.id


def test_service_capacity_grows_with_demand() -> None:
    """Per shipment, a large scenario has as much service capacity (kg) as the reference."""
    reference = reference_scenario()
    large = generate_scenario(shipments=3000, seed=1)

    def kg_per_shipment(s: Scenario) -> float:
        return sum(x.capacity_kg for x in s.services) / len(s.shipments)

    assert kg_per_shipment(large) >= 0.95 * kg_per_shipment(reference)
    lanes = {(x.origin, x.destination, x.departure.date()) for x in reference.services}
    assert lanes <= {(x.origin, x.destination, x.departure.date()) for x in large.services}
