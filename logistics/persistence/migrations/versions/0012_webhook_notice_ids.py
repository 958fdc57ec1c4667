"""Webhook outbox: each notice's stable id, unique per subscription (a notice is queued once).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (rows queued before it keep their delivery id as notice id)."""
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_id", sa.String(length=40), nullable=True))
    op.execute("UPDATE webhook_outbox SET notice_id = id WHERE notice_id IS NULL")
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.alter_column("notice_id", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(
            "uq_webhook_outbox_subscription_notice", ["subscription_id", "notice_id"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_webhook_outbox_subscription_notice", type_="unique")
        batch_op.drop_column("notice_id")
