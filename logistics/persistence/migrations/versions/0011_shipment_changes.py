"""Shipment changes: the recorded amendments and cancellations of shipments.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "shipment_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_changes_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_changes")),
    )
    with op.batch_alter_table("shipment_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_changes_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shipment_changes_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("shipment_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_changes_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_shipment_changes_kind"))
    op.drop_table("shipment_changes")
