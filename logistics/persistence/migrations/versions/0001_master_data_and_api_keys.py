"""Master data (locations, services, vehicles, shipments, road links) and API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 04:24:57.283201
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("shipper_id", sa.String(length=64), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("service_minutes", sa.Integer(), nullable=False),
        sa.Column("handling_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_kind"), ["kind"], unique=False)

    op.create_table(
        "road_links",
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("duration_minutes", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["destination"], ["locations.id"], name=op.f("fk_road_links_destination_locations")
        ),
        sa.ForeignKeyConstraint(
            ["origin"], ["locations.id"], name=op.f("fk_road_links_origin_locations")
        ),
        sa.PrimaryKeyConstraint("origin", "destination", name=op.f("pk_road_links")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("departure", sa.DateTime(timezone=True), nullable=False),
        sa.Column("departure_offset_min", sa.Integer(), nullable=False),
        sa.Column("arrival", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrival_offset_min", sa.Integer(), nullable=False),
        sa.Column("cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("capacity_kg", sa.Float(), nullable=False),
        sa.Column("capacity_m3", sa.Float(), nullable=False),
        sa.Column("cost_per_kg", sa.Float(), nullable=False),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column("emission_class", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["destination"], ["locations.id"], name=op.f("fk_services_destination_locations")
        ),
        sa.ForeignKeyConstraint(
            ["origin"], ["locations.id"], name=op.f("fk_services_origin_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_departure"), ["departure"], unique=False)
        batch_op.create_index(batch_op.f("ix_services_destination"), ["destination"], unique=False)
        batch_op.create_index(batch_op.f("ix_services_mode"), ["mode"], unique=False)
        batch_op.create_index(batch_op.f("ix_services_origin"), ["origin"], unique=False)

    op.create_table(
        "shipments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shipper", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=False),
        sa.Column("volume_m3", sa.Float(), nullable=False),
        sa.Column("pieces", sa.Integer(), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at_offset_min", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at_offset_min", sa.Integer(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["destination"], ["locations.id"], name=op.f("fk_shipments_destination_locations")
        ),
        sa.ForeignKeyConstraint(
            ["origin"], ["locations.id"], name=op.f("fk_shipments_origin_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipments_destination"), ["destination"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_origin"), ["origin"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_ready_at"), ["ready_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_shipper"), ["shipper"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("depot", sa.String(length=64), nullable=False),
        sa.Column("capacity_kg", sa.Float(), nullable=False),
        sa.Column("capacity_m3", sa.Float(), nullable=False),
        sa.Column("available_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_from_offset_min", sa.Integer(), nullable=False),
        sa.Column("available_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_until_offset_min", sa.Integer(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("cost_per_km", sa.Float(), nullable=False),
        sa.Column("cost_per_hour", sa.Float(), nullable=False),
        sa.Column("fixed_cost", sa.Float(), nullable=False),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column("emission_class", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["depot"], ["locations.id"], name=op.f("fk_vehicles_depot_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicles_carrier"), ["carrier"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicles_depot"), ["depot"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicles_depot"))
        batch_op.drop_index(batch_op.f("ix_vehicles_carrier"))

    op.drop_table("vehicles")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_shipper"))
        batch_op.drop_index(batch_op.f("ix_shipments_ready_at"))
        batch_op.drop_index(batch_op.f("ix_shipments_origin"))
        batch_op.drop_index(batch_op.f("ix_shipments_due_at"))
        batch_op.drop_index(batch_op.f("ix_shipments_destination"))

    op.drop_table("shipments")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_origin"))
        batch_op.drop_index(batch_op.f("ix_services_mode"))
        batch_op.drop_index(batch_op.f("ix_services_destination"))
        batch_op.drop_index(batch_op.f("ix_services_departure"))

    op.drop_table("services")
    op.drop_table("road_links")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_kind"))

    op.drop_table("locations")
    op.drop_table("api_keys")
