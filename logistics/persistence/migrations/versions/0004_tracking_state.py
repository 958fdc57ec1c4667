"""Tracking projections: per-shipment state, exceptions and vehicle positions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:13:32.425554
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "vehicle_positions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vehicle_id", sa.String(length=64), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_positions")),
        sa.UniqueConstraint("vehicle_id", "time", name="uq_vehicle_positions_vehicle_time"),
    )
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_positions_vehicle_id"), ["vehicle_id"], unique=False
        )

    op.create_table(
        "shipment_tracking_state",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("eta", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("needs_replan", sa.Boolean(), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_tracking_state_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_shipment_tracking_state")),
    )
    with op.batch_alter_table("shipment_tracking_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_tracking_state_needs_replan"), ["needs_replan"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shipment_tracking_state_stale"), ["stale"], unique=False
        )

    op.create_table(
        "tracking_exceptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("leg_index", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_tracking_exceptions_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_exceptions")),
    )
    with op.batch_alter_table("tracking_exceptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracking_exceptions_open", ["shipment_id", "closed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tracking_exceptions_reason"), ["reason"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tracking_exceptions_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("tracking_exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_exceptions_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_exceptions_reason"))
        batch_op.drop_index("ix_tracking_exceptions_open")

    op.drop_table("tracking_exceptions")
    with op.batch_alter_table("shipment_tracking_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_tracking_state_stale"))
        batch_op.drop_index(batch_op.f("ix_shipment_tracking_state_needs_replan"))

    op.drop_table("shipment_tracking_state")
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_positions_vehicle_id"))

    op.drop_table("vehicle_positions")
