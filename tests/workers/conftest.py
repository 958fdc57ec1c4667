"""Worker tests run on PostgreSQL only (procrastinate): a fresh database each."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from logistics.persistence.database import temporary_postgres_database
from tests.conftest import POSTGRES_ENV


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database (fails instead of skipping when PostgreSQL is required)."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("LOGISTICS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set but LOGISTICS_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(f"the worker tests need PostgreSQL ({POSTGRES_ENV})")
    with temporary_postgres_database(admin_url, "logistics_scale") as url:
        yield url
