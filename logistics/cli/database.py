"""Opening the configured database from the CLI (migrated to the latest schema)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import make_engine, make_session_factory
from logistics.persistence.migrate import upgrade_to_head
from logistics.settings import get_settings


def open_database(url: str | None = None) -> sessionmaker[Session]:
    """Migrate the database at `url` (default: LOGISTICS_DATABASE_URL) and return a session factory."""
    engine = make_engine(url or get_settings().database_url)
    upgrade_to_head(engine)
    return make_session_factory(engine)
