"""Webhook outbox: a notice need not be about a shipment (a subscriber's test ping,
`webhook.test`, has none), so `shipment_id` may be NULL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.alter_column("shipment_id", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    """Revert this revision (test pings, the only rows without a shipment, are dropped)."""
    op.execute("DELETE FROM webhook_outbox WHERE shipment_id IS NULL")
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.alter_column("shipment_id", existing_type=sa.String(length=64), nullable=False)
