"""Analyst reports over HTTP: the report as a file download, and its chart as PNG."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.dependencies import ReportReaderDep, SessionDep
from api.schemas.params import IdQuery, NamePath
from logistics.domain import Mode
from logistics.domain.report_filter import Granularity, ReportFilter, parse_bound
from logistics.reports.formats import ExportFormat, file_name
from logistics.reports.report import Report
from logistics.services.reports import build_report, render_report

router = APIRouter(tags=["reports"])

CHUNK = 64 * 1024


class ReportQuery:
    """The filters every report accepts as query parameters."""

    def __init__(
        self,
        start: Annotated[
            str | None,
            Query(
                alias="from",
                max_length=64,
                description="Period start: 2026-11-30 (UTC) or ISO time with offset",
            ),
        ] = None,
        end: Annotated[
            str | None, Query(alias="to", max_length=64, description="Period end (exclusive)")
        ] = None,
        hub: Annotated[
            str | None, Query(max_length=64, description="Location id, e.g. CGO")
        ] = None,
        mode: Annotated[Mode | None, Query(description="air, rail or road")] = None,
        lane: Annotated[
            str | None, Query(max_length=129, description="Lane FROM-TO, e.g. CGO-LUX")
        ] = None,
        shipper: IdQuery = None,
        carrier: IdQuery = None,
        granularity: Annotated[
            Granularity, Query(description="Period bucket: day, week or month")
        ] = Granularity.DAY,
        as_of: Annotated[
            str | None,
            Query(max_length=64, description="Deliveries and open exceptions as of (default: now)"),
        ] = None,
    ) -> None:
        self.filter = ReportFilter(
            start=parse_bound(start, "from") if start else None,
            end=parse_bound(end, "to") if end else None,
            hub=hub,
            mode=mode,
            lane=lane,
            shipper=shipper,
            carrier=carrier,
        )
        self.granularity = granularity
        self.as_of = parse_bound(as_of, "as_of") if as_of else None


ReportQueryDep = Annotated[ReportQuery, Depends()]


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _download(report: Report, fmt: ExportFormat, table: str | None) -> StreamingResponse:
    data = render_report(report, fmt, table)
    name = file_name(report, fmt, table)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(len(data)),
    }
    return StreamingResponse(_chunks(data), media_type=fmt.media_type, headers=headers)


@router.get(
    "/reports/{name}/chart.png",
    response_class=StreamingResponse,
    responses={200: {"description": "The chart", "content": {"image/png": {}}}},
)
def report_chart(
    name: NamePath, session: SessionDep, principal: ReportReaderDep, query: ReportQueryDep
) -> StreamingResponse:
    """The report's chart (PNG): lines over time and bars per mode, lane or hub."""
    report = build_report(
        session, name, query.filter, granularity=query.granularity, as_of=query.as_of
    )
    return _download(report, ExportFormat.PNG, None)


@router.get(
    "/reports/{name}",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The report as a file in the asked format",
            "content": {fmt.media_type: {} for fmt in ExportFormat},
        }
    },
)
def get_report(
    name: NamePath,
    session: SessionDep,
    principal: ReportReaderDep,
    query: ReportQueryDep,
    format: Annotated[ExportFormat, Query(description="csv, xlsx, parquet, json or png")] = (
        ExportFormat.JSON
    ),
    table: Annotated[
        str | None,
        Query(max_length=64, description="Table for csv and parquet (default: the first)"),
    ] = None,
) -> StreamingResponse:
    """A report (throughput, on-time, hub-dwell, utilization, emissions, exceptions) as a file."""
    report = build_report(
        session, name, query.filter, granularity=query.granularity, as_of=query.as_of
    )
    return _download(report, format, table)
