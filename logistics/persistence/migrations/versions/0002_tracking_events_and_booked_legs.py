"""Tracking: raw messages, normalised events, idempotency keys, booked legs of accepted plans.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:33:33.575407
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "idempotency_keys",
        sa.Column("api_key_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("api_key_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "raw_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_messages")),
    )
    with op.batch_alter_table("raw_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_raw_messages_sha256"), ["sha256"], unique=False)

    op.create_table(
        "tracking_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=True),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("vehicle_id", sa.String(length=64), nullable=True),
        sa.Column("milestone", sa.String(length=32), nullable=False),
        sa.Column("time_type", sa.String(length=16), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_offset_min", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("retracts", sa.String(length=128), nullable=True),
        sa.Column("source_code", sa.String(length=32), nullable=True),
        sa.Column("raw_message_id", sa.Integer(), nullable=True),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["raw_message_id"],
            ["raw_messages.id"],
            name=op.f("fk_tracking_events_raw_message_id_raw_messages"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_tracking_events_content_hash")),
        sa.UniqueConstraint("source", "event_id", name="uq_tracking_events_source_event"),
    )
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tracking_events_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tracking_events_shipment_id"), ["shipment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tracking_events_vehicle_id"), ["vehicle_id"], unique=False
        )

    op.create_table(
        "booked_legs",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("leg_index", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("from_location", sa.String(length=64), nullable=False),
        sa.Column("to_location", sa.String(length=64), nullable=False),
        sa.Column("planned_depart", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_arrive", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("vehicle_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_booked_legs_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("shipment_id", "leg_index", name=op.f("pk_booked_legs")),
    )
    with op.batch_alter_table("booked_legs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booked_legs_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booked_legs_vehicle_id"), ["vehicle_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("booked_legs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booked_legs_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_booked_legs_service_id"))

    op.drop_table("booked_legs")
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_events_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_events_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_events_service_id"))

    op.drop_table("tracking_events")
    with op.batch_alter_table("raw_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_raw_messages_sha256"))

    op.drop_table("raw_messages")
    op.drop_table("idempotency_keys")
