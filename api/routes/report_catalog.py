"""The catalogue of analyst reports: names, tables and what each filter restricts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.dependencies import ReportReaderDep
from api.schemas.report_catalog import ReportCatalog
from logistics.reports.catalog import REPORTS

router = APIRouter(tags=["reports"])


@router.get("/reports", response_model=ReportCatalog)
def list_reports(principal: ReportReaderDep) -> dict[str, Any]:
    """Every report with its title, description, tables and filter meanings."""
    return {
        "items": [
            {
                "name": spec.name,
                "title": spec.title,
                "description": spec.description,
                "tables": [{"name": t.name, "title": t.title} for t in spec.tables],
                "filters": [{"name": n, "meaning": m} for n, m in spec.filters],
            }
            for spec in REPORTS.values()
        ]
    }
