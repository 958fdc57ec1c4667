"""The migrated schema matches the ORM models on both dialects and follows the naming convention."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import logistics.persistence.tables  # noqa: F401  (registers every table)
from logistics.persistence.base import Base


def test_migrations_create_exactly_the_model_schema(engine: Engine) -> None:
    """Alembic finds no difference (tables, columns, types, indexes, keys) between the two."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_constraints_and_indexes_carry_convention_names(engine: Engine) -> None:
    """Primary keys, foreign keys, unique constraints and indexes are named as the models say."""
    inspector = inspect(engine)
    names: set[str | None] = set()
    for table in Base.metadata.tables:
        names.update(fk["name"] for fk in inspector.get_foreign_keys(table))
        names.update(ix["name"] for ix in inspector.get_indexes(table))
        names.update(uq["name"] for uq in inspector.get_unique_constraints(table))
    assert {
        "fk_shipments_origin_locations",
        "fk_road_links_destination_locations",
        "ix_shipments_shipper",
        "ix_services_departure",
        "ix_vehicles_depot",
        "uq_api_keys_key_hash",
    } <= names
    assert all(n and n.split("_")[0] in {"fk", "ix", "uq"} for n in names)
    if engine.dialect.name == "postgresql":
        # SQLite does not keep primary key names; PostgreSQL must have the conventional ones.
        assert inspector.get_pk_constraint("road_links")["name"] == "pk_road_links"
        assert inspector.get_pk_constraint("road_links")["constrained_columns"] == [
            "origin",
            "destination",
        ]
