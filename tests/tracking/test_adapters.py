"""Adapter behaviour checked against hand-computed values from the sample feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from logistics.domain.enums import Mode
from logistics.domain.tracking import Milestone, TimeType
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.rail_csv import parse_rail_csv
from logistics.tracking.adapters.road_gps import GeofenceRules, parse_road_gps
from logistics.tracking.adapters.unified_json import parse_unified_json
from logistics.tracking.hashing import content_hash
from logistics.tracking.wire import event_to_dict

from ._golden import FEEDS, context

GPS = FEEDS / "gps" / "tr0001.jsonl"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_source_ids_are_kept_and_content_hash_is_deterministic() -> None:
    """Without a source id the event id is the content hash, independent of received_at."""
    payload = (FEEDS / "unified" / "events.json").read_bytes()
    first = parse_unified_json(payload)
    later = parse_unified_json(payload, received_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert first.events[0].event.event_id == "U-1"
    hashed = first.events[1]
    assert hashed.event.event_id == content_hash(hashed.event, hashed.references)
    assert later.events[1].event.event_id == hashed.event.event_id
    moved = replace(hashed.event, event_time=hashed.event.event_time.replace(minute=46))
    assert content_hash(moved, hashed.references) != hashed.event.event_id


def test_unified_json_round_trips_through_the_wire_format() -> None:
    """An event written with event_to_dict parses back to an equal event."""
    original = parse_unified_json((FEEDS / "unified" / "events.json").read_bytes()).events[0]
    again = parse_unified_json("[" + __import__("json").dumps(event_to_dict(original.event)) + "]")
    assert again.events[0].event == original.event


def test_dcsa_classifiers_subjects_and_retractions() -> None:
    """ACT/EST/PLN map to time types; rail voyages are services, trucks vehicles; retraction kept."""
    path = FEEDS / "dcsa" / "rail_truck.json"
    events = {
        e.event.event_id[-2:]: e for e in parse_dcsa_tnt(path.read_bytes(), **context(path)).events
    }
    assert events["01"].event.service_id == "X8202-1120" and events["01"].event.shipment_id is None
    assert events["02"].event.time_type is TimeType.ESTIMATED
    assert events["04"].event.time_type is TimeType.PLANNED
    assert events["03"].event.shipment_id == "SH00002"  # booking resolved via subjects
    assert events["05"].event.vehicle_id == "TR0107" and events["05"].event.mode is Mode.ROAD
    assert events["06"].event.retracts == events["02"].event.event_id
    assert events["01"].event.location == "ZZ-RAIL"  # UN/LOCODE CNCGO mapped


def test_rail_csv_subject_order_and_gauge_change() -> None:
    """Shipment column beats container, container beats train; gauge change is a border event."""
    path = FEEDS / "rail_csv" / "x8202.csv"
    events = {
        e.event.event_id: e.event for e in parse_rail_csv(path.read_bytes(), **context(path)).events
    }
    assert events["R-0001"].shipment_id == "SH00002"  # container resolved
    assert events["R-0003"].shipment_id is None and events["R-0003"].service_id == "X8202-1120"
    assert events["R-0006"].milestone is Milestone.BORDER_CROSSED
    assert events["R-0004"].time_type is TimeType.ESTIMATED


def test_gps_geofence_with_hysteresis_gives_inferred_stop_times() -> None:
    """Arrivals are the first fix inside 300 m, departures the last one before leaving 600 m."""
    result = parse_road_gps(GPS.read_bytes(), **context(GPS))
    got = [
        (e.event.location, e.event.milestone, e.event.event_time.strftime("%H:%M"))
        for e in result.events
    ]
    assert got == [
        ("DEP-1", Milestone.ARRIVED, "13:30"),
        ("DEP-1", Milestone.DEPARTED, "13:33"),
        ("C001", Milestone.ARRIVED, "14:00"),
        ("C001", Milestone.DEPARTED, "14:10"),  # the 389 m fix at 14:03 did not end the visit
        ("CGO", Milestone.ARRIVED, "14:50"),  # the single 222 m fix at 14:30 was not a visit
        ("CGO", Milestone.DEPARTED, "15:10"),
        ("DEP-1", Milestone.ARRIVED, "16:00"),  # back at the depot: the last planned stop
    ]
    assert all(e.event.inferred and e.event.vehicle_id == "TR0001" for e in result.events)
    assert [e.references["stop_order"] for e in result.events][-1] == "3"
    assert len(result.positions) == 31 and {p.vehicle_id for p in result.positions} == {
        "TR0001",
        "TR0002",
    }


def test_gps_stricter_dwell_rule_drops_short_visits() -> None:
    """With a 10-minute dwell rule the 3-minute depot stays are no visits any more."""
    ctx = context(GPS) | {"rules": GeofenceRules(min_dwell_minutes=10.0)}
    result = parse_road_gps(GPS.read_bytes(), **ctx)
    assert [e.event.location for e in result.events] == ["C001", "C001", "CGO", "CGO"]


def test_payload_that_is_not_utf8_is_one_message_not_an_exception() -> None:
    """A broken payload yields a payload-level error message."""
    result = parse_rail_csv(b"\xff\xfe\x00bad")
    assert result.events == () and result.messages[0].record == "payload"


def test_gps_fix_that_cannot_be_stored_is_a_line_error() -> None:
    """Over-long or NUL vehicle ids, times out of range and infinite speeds never reach storage."""
    fix = '"lat": 34.7, "lon": 113.6, "time": "2026-11-29T10:00:00+08:00"'
    lines = [
        f'{{"vehicle": "{"V" * 65}", {fix}}}',
        f'{{"vehicle": "V\\u0000", {fix}}}',
        '{"vehicle": "V", "lat": 34.7, "lon": 113.6, "time": "9999-12-31T23:00:00-05:00"}',
        f'{{"vehicle": "V", {fix}, "speed_kmh": NaN}}',
        f'{{"vehicle": "V", {fix}}}',
    ]
    result = parse_road_gps("\n".join(lines), stops=[])
    errors = {m.record: m.reason for m in result.messages}
    assert [p.record for p in result.positions] == ["line 5"]
    assert "at most 64" in errors["line 1"] and "NUL" in errors["line 2"]
    assert "out of range" in errors["line 3"] and "finite" in errors["line 4"]
