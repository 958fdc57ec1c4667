"""Projection rules: order independence, duplicates, retractions, estimates, terminal DELIVERED."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.tracking.adapters.unified_json import parse_unified_json
from logistics.tracking.legs import PlannedLeg
from logistics.tracking.timeline import deduplicate, project
from logistics.tracking.versions import versioned_id

from ._golden import FEEDS

STREAMS = FEEDS / "streams"


def _events(name: str) -> list[TrackingEvent]:
    result = parse_unified_json((STREAMS / name).read_bytes())
    assert result.messages == ()
    return list(result.tracking_events)


def _legs() -> list[PlannedLeg]:
    data = json.loads((STREAMS / "sh00001.legs.json").read_text())
    return [
        PlannedLeg(
            leg_index=leg["leg_index"],
            mode=Mode(leg["mode"]),
            from_location=leg["from_location"],
            to_location=leg["to_location"],
            planned_depart=datetime.fromisoformat(leg["planned_depart"]),
            planned_arrive=datetime.fromisoformat(leg["planned_arrive"]),
            service_id=leg.get("service_id"),
            vehicle_id=leg.get("vehicle_id"),
        )
        for leg in data["legs"]
    ]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("seed", range(8))
def test_scrambled_stream_projects_like_the_clean_stream(seed: int) -> None:
    """Shuffled order, resends, a retracted event and late events give the same projection."""
    clean = project(_events("sh00001.clean.jsonl"), _legs())
    scrambled = _events("sh00001.scrambled.jsonl")
    random.Random(seed).shuffle(scrambled)
    assert project(scrambled, _legs()) == clean


def _received_by(name: str, cut: datetime) -> list[TrackingEvent]:
    return [e for e in _events(name) if e.received_at is not None and e.received_at <= cut]


CUTS = (_utc("2025-11-22T16:00:00"), _utc("2025-11-23T03:00:00"))


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("seed", range(3))
def test_mid_journey_cut_is_order_independent_too(seed: int, cut: datetime) -> None:
    """Projecting only what was received by a moment also ignores arrival order."""
    scrambled = _received_by("sh00001.scrambled.jsonl", cut)
    random.Random(seed).shuffle(scrambled)
    assert project(scrambled, _legs()) == project(_received_by("sh00001.clean.jsonl", cut), _legs())


def test_clean_stream_projection_by_hand() -> None:
    """Status, delivery, per-leg actuals and the foreign truck stops, as worked out by hand."""
    p = project(_events("sh00001.clean.jsonl"), _legs())
    assert p.status is Milestone.DELIVERED and p.status_event_id == "U-3"
    assert p.delivered_at == _utc("2025-11-23T12:50:00")
    ids = [t.event.event_id for t in p.timeline]
    # gps-4 (truck leaves CGO) and gps-5 (back at its depot) are about other shipments
    assert "gps-4" not in ids and "gps-5" not in ids
    assert ids.index("fsu-rcs") < ids.index("fsu-man") < ids.index("fsu-dep")  # late RCS in place
    assert ids.index("fsu-nfd") < ids.index("U-3") < ids.index("U-4")
    legs = p.legs
    assert legs[0].actual_depart == _utc("2025-11-22T06:10:00")  # inferred from GPS
    assert legs[0].actual_arrive == _utc("2025-11-22T06:50:00")
    assert legs[1].actual_depart == _utc("2025-11-22T17:05:00")
    assert legs[1].actual_arrive == _utc("2025-11-23T05:20:00")
    assert legs[2].actual_depart == _utc("2025-11-23T09:05:00")
    assert legs[2].actual_arrive == _utc("2025-11-23T12:50:00")  # DELIVERED closes the last leg
    assert all(leg.estimated_depart is None and leg.estimated_arrive is None for leg in legs)
    assert p.open_estimates == ()


def test_newest_estimate_wins_until_an_actual_closes_it() -> None:
    """The newest recorded estimate is open until the ACTUAL it answers arrives."""
    before = project(_received_by("sh00001.clean.jsonl", CUTS[0]), _legs())
    assert before.status is Milestone.LOADED
    assert before.legs[1].estimated_depart == _utc(
        "2025-11-22T17:00:00"
    )  # est-dep-2 beats est-dep-1
    assert before.legs[1].estimated_arrive is None and before.legs[1].actual_depart is None
    assert [t.event.event_id for t in before.open_estimates] == ["est-dep-2"]
    airborne = project(_received_by("sh00001.clean.jsonl", CUTS[1]), _legs())
    assert airborne.status is Milestone.DEPARTED
    assert airborne.legs[1].estimated_depart is None  # closed by the actual departure
    assert airborne.legs[1].actual_depart == _utc("2025-11-22T17:05:00")
    assert airborne.legs[1].estimated_arrive == _utc("2025-11-23T05:30:00")  # est-arr-2 is newer
    assert [t.event.event_id for t in airborne.open_estimates] == ["est-arr-2"]


def test_duplicates_and_retractions_are_reported() -> None:
    """The resends are duplicates, U-fix is a retraction and U-bad is retracted."""
    d = deduplicate(_events("sh00001.scrambled.jsonl"))
    assert {e.event_id for e in d.duplicates} == {"fsu-dep", "fsu-rcs-resent", "est-dep-1"}
    assert [e.event_id for e in d.retractions] == ["U-fix"]
    assert [e.event_id for e in d.retracted] == ["U-bad"]


def test_unretracted_early_delivery_is_terminal() -> None:
    """Without its retraction, the wrong DELIVERED at 11:00 stays the status despite later events."""
    events = [e for e in _events("sh00001.scrambled.jsonl") if e.event_id not in {"U-fix", "U-3"}]
    p = project(events, _legs())
    assert p.status is Milestone.DELIVERED and p.status_event_id == "U-bad"


def test_retracting_the_delivery_reopens_the_shipment() -> None:
    """A retraction of the DELIVERED event makes the latest remaining milestone the status."""
    events = _events("sh00001.clean.jsonl")
    retraction = replace(
        next(e for e in events if e.event_id == "U-3"), event_id="U-3-fix", retracts="U-3"
    )
    p = project([*events, retraction], _legs())
    assert p.status is Milestone.TRANSFERRED and p.delivered_at is None


def test_exception_after_delivery_changes_status() -> None:
    """Only an EXCEPTION after DELIVERED (e.g. damage found) overrides the terminal status."""
    events = _events("sh00001.clean.jsonl")
    delivered = next(e for e in events if e.event_id == "U-3")
    damage = replace(
        delivered,
        event_id="U-5",
        milestone=Milestone.EXCEPTION,
        reason=ExceptionReason.DAMAGED,
        event_time=delivered.event_time.replace(hour=15),
    )
    p = project([*events, damage], _legs())
    assert p.status is Milestone.EXCEPTION and p.status_event_id == "U-5"
    assert [t.event.event_id for t in p.exceptions] == ["U-5"]


def test_projection_without_legs_keeps_every_event() -> None:
    """Without planned legs there is no leg matching, so nothing is filtered as foreign."""
    p = project(_events("sh00001.clean.jsonl"))
    assert p.legs == () and "gps-5" in {t.event.event_id for t in p.timeline}
    assert p.status is Milestone.DELIVERED


def test_informational_event_is_shown_but_never_the_status() -> None:
    """An INFORMATIONAL event after the delivery is on the timeline; the status stays DELIVERED."""
    events = _events("sh00001.clean.jsonl")
    delivered = next(e for e in events if e.event_id == "U-3")
    note = replace(
        delivered,
        event_id="U-info",
        milestone=Milestone.INFORMATIONAL,
        source_code="AWR",
        event_time=delivered.event_time.replace(hour=16),
    )
    p = project([*events, note], _legs())
    assert p.timeline[-1].event.event_id == "U-info"
    assert p.status is Milestone.DELIVERED and p.status_event_id == "U-3"
    assert project([note]).status is None


def _version(base: TrackingEvent, stamp: str, **changes: object) -> TrackingEvent:
    updated = datetime.fromisoformat(stamp)
    return replace(base, event_id=versioned_id("dcsa-7", updated), recorded_at=updated, **changes)


def test_a_later_version_of_an_event_supersedes_the_earlier_one() -> None:
    """DCSA 3.0: the same eventID updated later overrides it, even moved to another place."""
    first = TrackingEvent(
        event_id="x",
        source="dcsa",
        milestone=Milestone.UNLOADED,
        time_type=TimeType.ACTUAL,
        event_time=_utc("2026-12-02T15:00:00"),
        shipment_id="SH00001",
        location="PLGDN",
    )
    v1 = _version(first, "2026-12-02T15:10:00+00:00")
    v2 = _version(first, "2026-12-02T18:00:00+00:00", location="PLGDY")
    for order in ([v1, v2], [v2, v1]):
        d = deduplicate(order)
        assert [e.event_id for e in d.effective] == [v2.event_id]
        assert [e.event_id for e in d.retracted] == [v1.event_id]


def test_a_retracted_version_retracts_the_versions_up_to_it_only() -> None:
    """A retraction of the eventID removes its earlier versions; a later version stands again."""
    first = TrackingEvent(
        event_id="x",
        source="dcsa",
        milestone=Milestone.DEPARTED,
        time_type=TimeType.ACTUAL,
        event_time=_utc("2026-11-26T06:40:00"),
        shipment_id="SH00001",
    )
    v1 = _version(first, "2026-11-26T06:45:00+00:00")
    retraction = replace(
        first,
        event_id=versioned_id("dcsa-7#retracted", datetime.fromisoformat("2026-11-26T08:00+00:00")),
        milestone=Milestone.CANCELLED,
        retracts="dcsa-7",
    )
    assert deduplicate([v1, retraction]).effective == ()
    v3 = _version(first, "2026-11-26T09:00:00+00:00", event_time=_utc("2026-11-26T07:10:00"))
    assert [e.event_id for e in deduplicate([v1, retraction, v3]).effective] == [v3.event_id]


def test_many_versions_in_any_order_leave_only_the_latest() -> None:
    """500 versions of one eventID, shuffled: the latest update is the one effective event."""
    base = TrackingEvent(
        event_id="x",
        source="dcsa",
        milestone=Milestone.ARRIVED,
        time_type=TimeType.ESTIMATED,
        event_time=_utc("2026-12-02T06:00:00"),
        shipment_id="SH00001",
    )
    stamps = [datetime(2026, 11, 20, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(500)]
    versions = [
        replace(base, event_id=versioned_id("dcsa-9", t), recorded_at=t, location=f"L{i}")
        for i, t in enumerate(stamps)
    ]
    random.Random(3).shuffle(versions)
    (latest,) = deduplicate(versions).effective
    assert latest.recorded_at == stamps[-1] and latest.location == "L499"


def test_a_flight_event_sent_to_the_shipment_and_to_its_flight_counts_once() -> None:
    """The same source's DEPARTED for the shipment (its loaded piece) and for the flight it is
    booked on is one fact: one timeline entry, the shipment's; another source's report stays."""
    legs = _legs()
    air = next(leg for leg in legs if leg.service_id)
    when = air.planned_depart + timedelta(minutes=11)
    own = TrackingEvent(
        event_id="dep#SH00001",
        source="one_record",
        milestone=Milestone.DEPARTED,
        time_type=TimeType.ACTUAL,
        event_time=when,
        shipment_id="SH00001",
        location=air.from_location,
        mode=Mode.AIR,
    )
    flight = replace(
        own, event_id=f"dep#{air.service_id}", shipment_id=None, service_id=air.service_id
    )
    other = replace(flight, event_id="airline-dep", source="airline")
    timeline = project([flight, own, other], legs).timeline
    assert [(t.event.source, t.event.shipment_id) for t in timeline] == [
        ("airline", None),
        ("one_record", "SH00001"),
    ]
    assert [t.event.source for t in project([flight], legs).timeline] == ["one_record"]
