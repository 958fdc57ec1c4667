"""Bring a database to the newest schema with the packaged Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from logistics.persistence.database import make_engine

# Resolved from this file, so it works from any working directory and from an installed wheel.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    # The config is a ConfigParser: a literal `%` (e.g. in a password) must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision the packaged migrations define."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run(engine: Engine, revision: str, *, down: bool) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if down:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def upgrade_to_head(target: str | Engine) -> None:
    """Migrate the database at `target` (URL or engine) to the newest revision."""
    if isinstance(target, Engine):
        _run(target, "head", down=False)
        return
    engine = make_engine(target)
    try:
        _run(engine, "head", down=False)
    finally:
        engine.dispose()


def downgrade_to(engine: Engine, revision: str) -> None:
    """Revert the database to `revision` (`base` drops every table the migrations made)."""
    _run(engine, revision, down=True)
