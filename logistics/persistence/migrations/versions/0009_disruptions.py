"""Disruptions: cancelled, delayed or cut services, lost truck shifts, closed hubs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "disruptions",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("vehicle_id", sa.String(length=64), nullable=True),
        sa.Column("location", sa.String(length=64), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_departure", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_arrival", sa.DateTime(timezone=True), nullable=True),
        sa.Column("capacity_kg", sa.Float(), nullable=True),
        sa.Column("capacity_m3", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruptions")),
    )
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        for column in ("kind", "service_id", "vehicle_id", "location"):
            batch_op.create_index(batch_op.f(f"ix_disruptions_{column}"), [column], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        for column in ("location", "vehicle_id", "service_id", "kind"):
            batch_op.drop_index(batch_op.f(f"ix_disruptions_{column}"))
    op.drop_table("disruptions")
