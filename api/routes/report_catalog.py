"""The catalogue of analyst reports: names, tables and what each filter restricts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.dependencies import require_roles
from logistics.domain import Principal, Role
from logistics.reports.catalog import REPORTS

router = APIRouter(tags=["reports"])

ReportReaderDep = Annotated[Principal, Depends(require_roles(Role.ANALYST, Role.COORDINATOR))]


@router.get("/reports")
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
