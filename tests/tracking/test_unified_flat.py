"""The unified adapter's single pass gives, item by item, the values and refusals of its
event-object parse (`parse_unified_items` then `flatten`), on the parity fixture's items."""

from __future__ import annotations

import json
from datetime import datetime
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
