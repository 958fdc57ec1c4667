"""Every report computed once from the fixture history on SQLite, for the export tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from logistics.persistence.database import make_engine, make_session_factory
from logistics.persistence.migrate import upgrade_to_head
from logistics.reports.catalog import REPORTS
from logistics.reports.report import Report
from logistics.services.reports import build_report
from tests.reports.history import AS_OF, FACTORS, load_history


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Report]]:
    """Report name -> report over the whole fixture history."""
    path: Path = tmp_path_factory.mktemp("reports") / "history.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with make_session_factory(engine)() as session:
        load_history(session)
        yield {
            name: build_report(session, name, as_of=AS_OF, factors_path=FACTORS) for name in REPORTS
        }
        session.rollback()
    engine.dispose()
