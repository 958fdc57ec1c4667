"""The single-pass unified path stores exactly the rows, and answers exactly the items (accepted,
duplicate, informational, rejected with index, code and reason), that the event-object path did.

`fixtures/tracking/ingest_parity/expected.json` was written by the code before the single-pass
path (commit 8524afa) from `batches.json`: good items in many spellings, bad items of every kind
and duplicates within a batch, across batches and by content; then a raw unified feed.
That code stored the whole SHA-256 digest as 64 hex digits (`content_hash`); storage now keeps
its first 16 bytes (`content_key`, migration 0017), compared here as the digest's first 32 digits.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import tracking_state
from logistics.persistence.tables import DisruptionRow, EventRow
from logistics.services import feed_ingest, tracking_refresh
from logistics.services.import_scenario import import_scenario
from tests.booking import FIXTURES, book_minimal

PARITY = FIXTURES / "tracking" / "ingest_parity"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return value.isoformat() if isinstance(value, datetime) else value


def _as_keys(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows the earlier code stored, with the key the digest it stored has now."""
    out = []
    for row in rows:
        keyed = {name: value for name, value in row.items() if name != "content_hash"}
        out.append(keyed | {"content_key": row["content_hash"][:32]})
    return out


def _report(report: feed_ingest.IngestReport) -> list[dict[str, Any]]:
    return [
        {
            "index": i.index,
            "status": i.status.value,
            "event_id": i.event_id,
            "reason": i.reason,
            "record": i.record,
            "code": i.code,
        }
        for i in report.items
    ] + [{"message": m} for m in report.messages]


def observe(session: Session) -> dict[str, Any]:
    """Ingest the fixture's batches and feed; what was answered and what is stored."""
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    book_minimal(session)
    session.flush()
    tracking_refresh.refresh(session)  # nothing stale before the batches
    given = json.loads((PARITY / "batches.json").read_text())
    received = datetime.fromisoformat(given["received_at"])
    answers = [
        _report(feed_ingest.ingest_unified_batch(session, batch, received_at=received))
        for batch in given["batches"]
    ]
    feed = json.dumps(given["feed"], ensure_ascii=False).encode()
    answers.append(_report(feed_ingest.ingest_raw(session, "unified", feed, received_at=received)))
    table = cast(Table, EventRow.__table__)
    columns = [c for c in table.columns if c.name not in ("seq", "raw_message_id")]
    rows = [
        {c.name: _plain(getattr(row, c.name)) for c in columns}
        | {"references": json.loads(row.references), "raw": row.raw_message_id is not None}
        for row in session.execute(select(table).order_by(table.c.seq))
    ]
    disruptions = sorted(session.scalars(select(DisruptionRow.id)))
    return {
        "answers": answers,
        "rows": rows,
        "stale": sorted(tracking_state.stale_ids(session)),
        "disruptions": disruptions,
    }


def test_single_pass_ingestion_matches_the_event_object_path(session: Session) -> None:
    """Same answers item by item, same stored rows in the same order, same stale shipments."""
    expected = json.loads((PARITY / "expected.json").read_text())
    observed = json.loads(json.dumps(observe(session)))
    assert observed["answers"] == expected["answers"]
    assert observed["rows"] == _as_keys(expected["rows"])
    assert observed["stale"] == expected["stale"]
    assert observed["disruptions"] == expected["disruptions"]
