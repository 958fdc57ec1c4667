"""Migration 0017: events stored with the whole digest as hex text keep matching by content once
storage keys them on the digest's first 16 bytes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, text

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import make_session_factory, session_scope
from logistics.persistence.migrate import downgrade_to, upgrade_to_head
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.services.import_scenario import import_scenario
from logistics.services.tracking_ingest import ItemStatus
from logistics.tracking.adapters.unified_json import parse_unified_flat
from tests.booking import FIXTURES

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
ITEM = {
    "event_id": "P-1",
    "source": "portal",
    "milestone": "PICKED_UP",
    "time_type": "ACTUAL",
    "event_time": "2026-11-29T10:05:00+08:00",
    "shipment_id": "SH00001",
    "location": "FXZ",
    "mode": "road",
}


def _digest_hex(item: dict[str, str]) -> str:
    """The 64 hex digits the code before 0017 stored for the item (its whole SHA-256): the
    single pass names an item without an id by that digest."""
    anonymous = {k: v for k, v in item.items() if k != "event_id"}
    ((_, flat),) = parse_unified_flat([anonymous], received_at=RECEIVED)[0]
    return flat.event_id


def test_stored_hex_hashes_become_keys_and_still_match(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    downgrade_to(engine, "0016")
    digest = _digest_hex(ITEM)
    assert len(digest) == 64
    with engine.begin() as connection:  # an event as revision 0015 stored it
        connection.execute(
            text(
                "INSERT INTO tracking_events (event_id, source, content_hash, shipment_id, "
                "milestone, time_type, event_time, event_offset_min, received_at, location, "
                "mode, source_code, inferred, \"references\") VALUES ('P-1', 'portal', :digest, "
                "'SH00001', 'PICKED_UP', 'ACTUAL', :at, 480, :at, 'FXZ', 'road', 'PICKED_UP', "
                "false, '{}')"
            ),
            {"digest": digest, "at": datetime(2026, 11, 29, 2, 5, tzinfo=UTC)},
        )
    upgrade_to_head(engine)
    with engine.connect() as connection:
        (key,) = connection.execute(text("SELECT content_key FROM tracking_events")).one()
    assert bytes(key) == bytes.fromhex(digest[:32])
    with session_scope(factory) as session:
        again = {**ITEM, "event_id": "P-1-resent"}  # the same fact under another id
        other = {**ITEM, "event_id": "P-2", "location": "CGO"}
        report = ingest_unified_batch(session, [ITEM, again, other], received_at=RECEIVED)
    assert [i.status for i in report.items] == [
        ItemStatus.DUPLICATE,
        ItemStatus.DUPLICATE,
        ItemStatus.ACCEPTED,
    ]
