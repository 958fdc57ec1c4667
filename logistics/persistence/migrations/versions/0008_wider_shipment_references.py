"""Shipment references: longer kinds and values (ONE Record IRIs, GS1 keys).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    with op.batch_alter_table("shipment_references", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "value",
            existing_type=sa.String(length=64),
            type_=sa.String(length=512),
            existing_nullable=False,
        )


def downgrade() -> None:
    """Revert this revision (fails if a longer reference is stored)."""

    with op.batch_alter_table("shipment_references", schema=None) as batch_op:
        batch_op.alter_column(
            "value",
            existing_type=sa.String(length=512),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=32),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
