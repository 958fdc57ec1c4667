"""PNG charts of a report (matplotlib, Agg canvas, no display and no global pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from logistics.reports.report import Report

Panel = Callable[[Axes, Report], None]


def _empty(ax: Axes, frame: pd.DataFrame) -> bool:
    if frame.empty:
        ax.text(0.5, 0.5, "no data for these filters", ha="center", va="center")
        ax.set_axis_off()
    return frame.empty


def _lines(ax: Axes, frame: pd.DataFrame, x: str, y: str, by: str | None, title: str) -> None:
    ax.set_title(title)
    if _empty(ax, frame):
        return
    if by is None:
        ax.plot(frame[x], frame[y], marker="o")
    else:
        wide = frame.pivot_table(index=x, columns=by, values=y, aggfunc="sum").sort_index()
        for name in wide.columns:
            ax.plot(wide.index, wide[name], marker="o", label=str(name))
        ax.legend()
    ax.set_ylabel(y)
    ax.tick_params(axis="x", labelrotation=30)
    ax.grid(alpha=0.3)


def _bars(ax: Axes, series: pd.Series, title: str, ylabel: str) -> None:
    ax.set_title(title)
    if _empty(ax, series.to_frame()):
        return
    labels = [str(i) for i in series.index]
    ax.bar(labels, series.to_numpy(dtype=float))
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=30)
    ax.grid(axis="y", alpha=0.3)


def _throughput(ax: Axes, report: Report) -> None:
    _lines(
        ax,
        report.tables["throughput"],
        "period",
        "chargeable_kg",
        "mode",
        "Chargeable kg over time",
    )


def _mode_split(ax: Axes, report: Report) -> None:
    frame = report.tables["throughput"]
    _bars(ax, frame.groupby("mode")["chargeable_kg"].sum(), "Mode split", "chargeable kg")


def _on_time_trend(ax: Axes, report: Report) -> None:
    _lines(ax, report.tables["by_period"], "period", "on_time_rate", None, "On-time rate over time")


def _on_time_modes(ax: Axes, report: Report) -> None:
    frame = report.tables["by_mode"].set_index("mode")
    _bars(ax, frame["on_time_rate"], "On-time rate by mode", "on-time rate")


def _dwell(ax: Axes, report: Report) -> None:
    frame = report.tables["hub_dwell"]
    frame = frame[frame["direction"] == "all"].set_index("hub")
    _bars(ax, frame["p95_h"], "Dwell p95 per hub (all directions)", "hours")


def _lane_load(ax: Axes, report: Report) -> None:
    frame = report.tables["lanes"].set_index("lane")
    _bars(ax, frame["load_factor_kg"], "Load factor (kg) per lane", "booked / capacity")


def _truck_load(ax: Axes, report: Report) -> None:
    frame = report.tables["truck_shifts"].groupby("depot")["peak_load_factor_kg"].mean()
    _bars(ax, frame, "Mean truck peak load factor per depot", "peak kg / capacity")


def _emissions_modes(ax: Axes, report: Report) -> None:
    frame = report.tables["emissions"]
    _bars(ax, frame.groupby("mode")["co2e_kg"].sum() / 1000.0, "CO2e by mode", "t CO2e")


def _emissions_lanes(ax: Axes, report: Report) -> None:
    frame = report.tables["emissions"]
    top = frame.groupby("lane")["co2e_kg"].sum().nlargest(12) / 1000.0
    _bars(ax, top, "CO2e by lane (largest 12)", "t CO2e")


def _exceptions(ax: Axes, report: Report) -> None:
    frame = report.tables["exceptions"]
    _bars(ax, frame.groupby("reason")["exceptions"].sum(), "Exceptions by reason", "count")


PANELS: dict[str, tuple[Panel, ...]] = {
    "throughput": (_throughput, _mode_split),
    "on-time": (_on_time_trend, _on_time_modes),
    "hub-dwell": (_dwell,),
    "utilization": (_lane_load, _truck_load),
    "emissions": (_emissions_modes, _emissions_lanes),
    "exceptions": (_exceptions,),
}


def render_chart(report: Report) -> bytes:
    """The report's chart as PNG bytes: one panel per view, side by side."""
    panels = PANELS[report.spec.name]
    figure = Figure(figsize=(6.5 * len(panels), 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    for i, panel in enumerate(panels, start=1):
        panel(figure.add_subplot(1, len(panels), i), report)
    figure.suptitle(f"{report.spec.title} (as of {report.as_of:%Y-%m-%d %H:%M} UTC)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
