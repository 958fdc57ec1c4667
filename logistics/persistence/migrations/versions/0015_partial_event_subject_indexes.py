"""Events' service and vehicle indexes hold only the events that name one (partial indexes):
most events are about a shipment and name neither, and every index entry costs each insert.
The queries that search these columns compare them to values (`service_id IN (…)`), which
implies IS NOT NULL, so they use the partial indexes as they used the full ones.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_COLUMNS = ("service_id", "vehicle_id")


def upgrade() -> None:
    """Apply this revision."""
    for column in _COLUMNS:
        name = f"ix_tracking_events_{column}"
        where = sa.text(f"{column} IS NOT NULL")
        op.drop_index(name, table_name="tracking_events")
        op.create_index(
            name,
            "tracking_events",
            [column],
            unique=False,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    """Revert this revision."""
    for column in _COLUMNS:
        name = f"ix_tracking_events_{column}"
        op.drop_index(name, table_name="tracking_events")
        op.create_index(name, "tracking_events", [column], unique=False)
