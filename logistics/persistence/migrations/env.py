"""Alembic environment: runs migrations on the connection or URL handed over by `migrate.py`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import logistics.persistence.tables  # noqa: F401  (registers every table on the metadata)
from logistics.persistence.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run on the shared connection if given, else on a fresh engine from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
