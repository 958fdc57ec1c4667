"""The unified adapter's single pass gives, item by item, the values and refusals of its
event-object parse (`parse_unified_items` then `flatten`), on the parity fixture's items."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from logistics.tracking.adapters.unified_json import parse_unified_flat, parse_unified_items
from logistics.tracking.flat import flatten

PARITY = Path(__file__).resolve().parents[2] / "fixtures" / "tracking" / "ingest_parity"


def test_single_pass_equals_the_event_object_parse() -> None:
    """Same events (every value, the content hash, the id) and the same messages per index."""
    given = json.loads((PARITY / "batches.json").read_text())
    received = datetime.fromisoformat(given["received_at"])
    items = [item for batch in given["batches"] for item in batch] + given["feed"]
    produced, refused = parse_unified_flat(items, received_at=received)
    slow = parse_unified_items(items, received_at=received)
    failed = {m.index for m in slow.errors}
    expected = [
        (index, flatten(event, received))
        for index, event in zip(
            [i for i in range(len(items)) if i not in failed], slow.events, strict=True
        )
    ]
    assert produced == expected
    assert refused == list(slow.errors)
    assert len(produced) + len(refused) == len(items)
    assert 0 < len(refused) < len(items)


def _spellings(moment: datetime) -> list[str]:
    """Ways a feed may write one instant that `datetime.fromisoformat` reads."""
    eight = moment.astimezone(timezone(timedelta(hours=8)))
    return [
        moment.isoformat(),
        moment.isoformat().replace("+00:00", "Z"),
        moment.isoformat().replace("+00:00", "z"),
        moment.isoformat(" "),
        moment.isoformat(timespec="milliseconds"),
        moment.isoformat(timespec="microseconds"),
        moment.strftime("%Y%m%dT%H%M%S.%f+00:00"),
        moment.strftime("%G-W%V-%uT%H:%M:%S.%f+00:00"),
        moment.strftime("%Y-%jT%H:%M:%S.%f+00:00"),
        moment.strftime("%Y-%m-%dT%H%M%S.%f+00:00"),
        moment.strftime("%Y-%m-%dT%H:%M:%S,%f+00:00"),
        moment.isoformat().replace("+00:00", "-00:00"),
        f"  {moment.isoformat()} ",
        eight.isoformat(),
    ]


def test_times_in_any_spelling_hash_as_the_event_object_parse_does() -> None:
    """Every spelling of a time the single pass reads (Z, offsets, week and ordinal dates,
    basic format, fractions of zeros or none) gives the event-object parse's values, content
    key and id, and one instant however spelled is one content."""
    rng = random.Random(17)
    received = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    items = []
    for n in range(300):
        moment = datetime(rng.randint(1991, 2099), 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randint(0, 366 * 86400),
            microseconds=rng.choice((0, 1000 * rng.randint(1, 999))),  # milliseconds: exact
        )
        for spelling in _spellings(moment):
            items.append({"milestone": "DEPARTED", "event_time": spelling, "shipment_id": f"SH{n}"})
    produced, refused = parse_unified_flat(items, received_at=received)
    slow = parse_unified_items(items, received_at=received)
    assert refused == list(slow.errors)
    assert [event for _, event in produced] == [flatten(e, received) for e in slow.events]
    keys: dict[str, set[bytes]] = {}
    for _, event in produced:  # one instant, however spelled, is one content
        keys.setdefault(event.shipment_id or "", set()).add(event.content_key)
    assert len(keys) == 300
    assert all(len(found) == 1 for found in keys.values())
    assert len(produced) >= 300 * 12
