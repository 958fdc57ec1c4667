"""Share links: tokens opening one shipment's public tracking view without a key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:09:39.640744
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "share_links",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["api_keys.id"], name=op.f("fk_share_links_created_by_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_share_links_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_share_links")),
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_links_created_by"), ["created_by"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_share_links_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_links_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_share_links_created_by"))

    op.drop_table("share_links")
