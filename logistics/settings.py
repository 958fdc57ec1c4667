"""Settings from the environment (prefix LOGISTICS_), read once through `get_settings()`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as LOGISTICS_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="LOGISTICS_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./logistics.db",
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://user@host/db",
    )
    host: str = Field(default="127.0.0.1", description="Address `logistics serve` binds to")
    port: int = Field(default=8000, description="Port `logistics serve` listens on")
    workers: int = Field(default=2, description="Planning worker processes started by the app")
    fixtures_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "fixtures",
        description="Folder with the reference scenario and emission factors",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; clear with `get_settings.cache_clear()` in tests)."""
    return Settings()
