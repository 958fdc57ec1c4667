"""Every report's figures equal the ones recomputed in plain Python from the fixture history."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from logistics.domain import Mode
from logistics.domain.report_filter import Granularity, ReportFilter
from logistics.errors import DomainError, NotFound
from logistics.services.reports import build_report
from tests.reports import expected as x
from tests.reports.compare import assert_table
from tests.reports.history import AS_OF, FACTORS, load_history

T = datetime.fromisoformat
FILTERS: dict[str, tuple[ReportFilter, x.Criteria]] = {
    "none": (ReportFilter(), x.Criteria()),
    "period": (
        ReportFilter(start=T("2026-11-29T00:00+00:00"), end=T("2026-12-01T12:00+00:00")),
        x.Criteria(start=T("2026-11-29T00:00+00:00"), end=T("2026-12-01T12:00+00:00")),
    ),
    "hub": (ReportFilter(hub="ZZRT"), x.Criteria(hub="ZZRT")),
    "hub_cgo_air": (ReportFilter(hub="CGO", mode=Mode.AIR), x.Criteria(hub="CGO", mode="air")),
    "lane": (ReportFilter(lane="CGO-LUX"), x.Criteria(lane="CGO-LUX")),
    "shipper": (ReportFilter(shipper="SHP-XUC"), x.Criteria(shipper="SHP-XUC")),
    "carrier": (ReportFilter(carrier="CV"), x.Criteria(carrier="CV")),
    "road": (ReportFilter(mode=Mode.ROAD), x.Criteria(mode="road")),
}


@pytest.fixture
def history(session: Session) -> Session:
    """A database holding the fixture history."""
    load_history(session)
    return session


@pytest.fixture(scope="module")
def h() -> x.History:
    """The fixture history as plain rows."""
    return x.History()


def build(session: Session, name: str, f: ReportFilter, **options: Any) -> Any:
    """A report as of the tests' fixed time, with the fixture factor table."""
    return build_report(session, name, f, as_of=AS_OF, factors_path=FACTORS, **options)


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_throughput(history: Session, h: x.History, case: str) -> None:
    """Shipments, pieces, kg and chargeable kg per day, mode and lane, under each filter."""
    f, c = FILTERS[case]
    report = build(history, "throughput", f)
    assert_table(report.tables["throughput"], ["period", "mode", "lane"], x.throughput(h, c))


def test_throughput_by_week(history: Session, h: x.History) -> None:
    """Weekly buckets start on Monday and sum the days."""
    weekly: dict[tuple[Any, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (day, mode, lane), figures in x.throughput(h, x.Criteria()).items():
        for name, value in figures.items():
            weekly[(x.week_start(day), mode, lane)][name] += value
    report = build(history, "throughput", ReportFilter(), granularity=Granularity.WEEK)
    assert_table(report.tables["throughput"], ["period", "mode", "lane"], weekly)


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_on_time(history: Session, h: x.History, case: str) -> None:
    """Delivered, on time, rate, mean and p95 lateness by mode, lane, shipper, carrier, period."""
    f, c = FILTERS[case]
    report = build(history, "on-time", f)
    for key in ("mode", "lane", "shipper", "carrier", "period"):
        assert_table(report.tables[f"by_{key}"], [key], x.on_time(h, c, key))


def test_on_time_says_which_deliveries_are_planned(history: Session, h: x.History) -> None:
    """Actual and planned deliveries are counted apart, and they add up."""
    table = build(history, "on-time", ReportFilter()).tables["by_mode"]
    assert (table["delivered_actual"] + table["delivered_planned"] == table["delivered"]).all()
    assert table["delivered_actual"].sum() == 5 and table["delivered_planned"].sum() > 0


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_hub_dwell(history: Session, h: x.History, case: str) -> None:
    """Stops, p50, p95, max and mean dwell per hub and direction (actual times where tracked)."""
    f, c = FILTERS[case]
    report = build(history, "hub-dwell", f)
    assert_table(report.tables["hub_dwell"], ["hub", "direction"], x.hub_dwell(h, c))


def test_hub_dwell_ignores_retracted_and_estimated_events(history: Session) -> None:
    """SH03 arrived at CGO at 06:45Z (E08), not at the retracted 09:00Z (E06)."""
    table = build(history, "hub-dwell", ReportFilter(shipper="SHP-XUC", hub="CGO")).tables
    row = table["hub_dwell"].set_index("direction").loc["outbound"]
    # SH03: 06:45Z -> 11-30 17:30Z; SH04: planned 07:30Z (estimate ignored) -> 12-01 05:00Z
    assert sorted([row["max_h"], row["p50_h"] * 2 - row["max_h"]]) == pytest.approx([34.75, 45.5])


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_utilization(history: Session, h: x.History, case: str) -> None:
    """Booked kg and m3 against capacity per service and lane, and per truck shift."""
    f, c = FILTERS[case]
    report = build(history, "utilization", f)
    services = x.service_loads(h, c)
    assert_table(report.tables["services"], ["service_id"], services)
    lanes: dict[tuple[Any, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for figures in services.values():
        lane = lanes[(figures["mode"], figures["lane"])]
        for name in ("shipments", "booked_kg", "booked_m3", "capacity_kg"):
            lane[name] += figures[name]
        lane["services"] += 1
    for lane in lanes.values():
        lane["load_factor_kg"] = lane["booked_kg"] / lane["capacity_kg"]
    assert_table(report.tables["lanes"], ["mode", "lane"], lanes)
    trucks = (
        {}
        if c.mode not in (None, "road")
        else x.truck_loads(h, x.Criteria(**{**vars(c), "lane": None}))
    )
    assert_table(report.tables["truck_shifts"], ["vehicle_id"], trucks)


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_emissions(history: Session, h: x.History, case: str) -> None:
    """CO2e, tonne-km and intensity by leg mode, lane and shipper, and per factor used."""
    f, c = FILTERS[case]
    report = build(history, "emissions", f)
    lanes, factors = x.emissions(h, c)
    assert_table(report.tables["emissions"], ["mode", "lane", "shipper"], lanes)
    assert_table(report.tables["factors"], ["factor_id"], factors)
    assert (report.tables["factors"]["source"].str.len() > 0).all()


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_exceptions(history: Session, h: x.History, case: str) -> None:
    """Count, open count and open ages by reason, hub and mode, as of the report time."""
    f, c = FILTERS[case]
    report = build(history, "exceptions", f)
    assert_table(report.tables["exceptions"], ["reason", "hub", "mode"], x.exceptions(h, c))


def test_unknown_report_is_not_found(history: Session) -> None:
    """An unknown name lists the reports there are."""
    with pytest.raises(NotFound, match="throughput"):
        build(history, "tonnage", ReportFilter())


def test_empty_selection_gives_empty_typed_tables(history: Session) -> None:
    """A filter matching nothing yields empty tables with every column."""
    for name in ("throughput", "on-time", "hub-dwell", "utilization", "emissions", "exceptions"):
        report = build(history, name, ReportFilter(shipper="NOBODY"))
        for spec in report.spec.tables:
            frame = report.tables[spec.name]
            assert list(frame.columns) == spec.column_names
            if spec.name not in ("services", "lanes", "truck_shifts"):
                assert frame.empty


@pytest.mark.parametrize(
    ("f", "reason"),
    [
        (ReportFilter(hub="NOWHERE"), "hub 'NOWHERE' is not a known location id"),
        (ReportFilter(lane="CGO-NOWHERE"), "lane 'CGO-NOWHERE' is not FROM-TO of two known"),
        (ReportFilter(lane="CGOLUX"), "lane 'CGOLUX' is not FROM-TO"),
    ],
)
def test_unknown_places_are_refused(history: Session, f: ReportFilter, reason: str) -> None:
    """A hub or lane naming no location is an error, not an empty table."""
    with pytest.raises(DomainError, match=reason):
        build(history, "throughput", f)


def test_delays_are_placed_where_they_happen(history: Session) -> None:
    """A DELAY without a place sits at its leg's next stop, or (ETA after due) the destination."""
    table = build(history, "exceptions", ReportFilter()).tables["exceptions"]
    delays = set(table[table["reason"] == "DELAY"]["hub"])
    assert "unknown" not in delays
    assert {"LUX", "FXZ"} <= delays  # SH05: destination LUX; SH10: leg 1 ends at FXZ
