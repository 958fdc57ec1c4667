"""Shipment references: air waybills, containers and bookings linked to shipments.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:21:54.222223
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "shipment_references",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_references_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_shipment_references")),
    )
    with op.batch_alter_table("shipment_references", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_references_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("shipment_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_references_shipment_id"))

    op.drop_table("shipment_references")
