"""Vehicle GPS positions (stored as positions, never as timeline events)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from logistics.persistence.repositories.lookup import dialect_insert
from logistics.persistence.tables import PositionRow

Fix = tuple[str, datetime, float, float, float | None]  # vehicle, time, lat, lon, speed km/h


@dataclass(frozen=True, slots=True)
class Position:
    """A stored GPS fix of a vehicle."""

    vehicle_id: str
    time: datetime
    lat: float
    lon: float
    speed_kmh: float | None = None


def add_new(session: Session, fixes: Sequence[Fix], *, source: str, received_at: datetime) -> int:
    """Store the fixes not stored yet (same vehicle and instant counts once); return how many."""
    unique = {(f[0], f[1].timestamp()): f for f in fixes}
    if not unique:
        return 0
    times = [f[1] for f in fixes]
    query = select(PositionRow.vehicle_id, PositionRow.time).where(
        PositionRow.vehicle_id.in_(sorted({f[0] for f in fixes})),
        PositionRow.time >= min(times),
        PositionRow.time <= max(times),
    )
    stored = {(v, t.timestamp()) for v, t in session.execute(query)}
    rows = [
        {
            "vehicle_id": vehicle,
            "time": time,
            "lat": lat,
            "lon": lon,
            "speed_kmh": speed,
            "source": source,
            "received_at": received_at,
        }
        for key, (vehicle, time, lat, lon, speed) in sorted(unique.items())
        if key not in stored
    ]
    # ON CONFLICT DO NOTHING: a fix a concurrent feed stored first is skipped, not an error.
    insert = dialect_insert(session)
    added = 0
    for start in range(0, len(rows), 500):
        statement = (
            insert(PositionRow)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing()
            .returning(PositionRow.id)
        )
        added += len(session.execute(statement).all())
    return added


def latest_many(session: Session, vehicle_ids: Collection[str]) -> dict[str, Position]:
    """Each vehicle's newest position (vehicles without positions are absent), in one query."""
    if not vehicle_ids:
        return {}
    newest = (
        select(PositionRow.vehicle_id, func.max(PositionRow.time).label("time"))
        .where(PositionRow.vehicle_id.in_(sorted(vehicle_ids)))
        .group_by(PositionRow.vehicle_id)
        .subquery()
    )
    query = select(
        PositionRow.vehicle_id,
        PositionRow.time,
        PositionRow.lat,
        PositionRow.lon,
        PositionRow.speed_kmh,
    ).join(
        newest,
        (PositionRow.vehicle_id == newest.c.vehicle_id) & (PositionRow.time == newest.c.time),
    )
    return {
        vehicle: Position(vehicle, time, lat, lon, speed)
        for vehicle, time, lat, lon, speed in session.execute(query)
    }
