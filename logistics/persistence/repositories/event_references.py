"""The references stored with tracking events (waybill, flight, a split's `pieces`, ...)."""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from logistics.persistence.tables import EventRow


def references_of(
    session: Session, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, str]]:
    """The stored references of the events named by (source, event id); unknown ones are left out."""
    if not keys:
        return {}
    rows = session.execute(
        select(EventRow.source, EventRow.event_id, EventRow.references).where(
            tuple_(EventRow.source, EventRow.event_id).in_(list(keys))
        )
    )
    found: dict[tuple[str, str], dict[str, str]] = {}
    for source, event_id, text in rows:
        loaded = json.loads(text or "{}")
        found[(source, event_id)] = {str(k): str(v) for k, v in loaded.items()}
    return found
