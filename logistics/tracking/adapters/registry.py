"""One registry of feed formats: name, parser, content types and description of each.

The API route `POST /v1/feeds/{format}`, the CLI `logistics ingest FORMAT`, the ingestion service
and the golden tests all read this table, so a new standard is added here and nowhere else.
Every parser takes the payload as received (bytes) and a `FeedContext`; it picks from the
context what its format needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from logistics.errors import DomainError
from logistics.tracking.adapters._common import Subjects
from logistics.tracking.adapters.cargo_imp_fsu import parse_fsu
from logistics.tracking.adapters.cargo_xml_xfsu import parse_xfsu
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.epcis import parse_epcis
from logistics.tracking.adapters.one_record import parse_one_record
from logistics.tracking.adapters.rail_csv import parse_rail_csv
from logistics.tracking.adapters.road_gps import PlannedStop, parse_road_gps
from logistics.tracking.adapters.unified_json import parse_unified_json
from logistics.tracking.results import AdapterResult


class FeedFormat(StrEnum):
    """The feed formats the platform reads (the `{format}` of `POST /v1/feeds/{format}`)."""

    UNIFIED = "unified"
    FSU = "fsu"
    XFSU = "xfsu"
    ONE_RECORD = "one_record"
    DCSA = "dcsa"
    RAIL_CSV = "rail_csv"
    GPS = "gps"
    EPCIS = "epcis"


@dataclass(frozen=True, slots=True)
class FeedContext:
    """What the platform knows when a payload arrives; each parser uses what its format needs.

    `subjects` resolves references (AWB, container, booking, ...) to shipment ids at parse time;
    `stops` are the booked trucks' planned stops (GPS geofences); `location_timezones` the
    platform's own locations' IANA zones (id -> zone); `options` are further keyword
    arguments for one adapter (e.g. DCSA `locations`, GPS `rules`), used by tests and tools.
    """

    received_at: datetime | None = None
    reference_time: datetime | None = None
    source: str | None = None
    subjects: Subjects = None
    stops: Sequence[PlannedStop] = ()
    location_timezones: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def common(self, *, subjects: bool = True) -> dict[str, Any]:
        """Keyword arguments every adapter takes: received time, source if set, subjects."""
        kwargs: dict[str, Any] = {"received_at": self.received_at, **self.options}
        if self.source:
            kwargs["source"] = self.source
        if subjects:
            kwargs["subjects"] = self.subjects
        return kwargs


Parser = Callable[[bytes, FeedContext], AdapterResult]


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One registered format: how to parse it and how to describe it."""

    format: FeedFormat
    parse: Parser
    content_types: tuple[str, ...]
    description: str
    file_suffixes: tuple[str, ...]
    needs_stops: bool = False


def _unified(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_unified_json(payload, **ctx.common(subjects=False))


def _fsu(payload: bytes, ctx: FeedContext) -> AdapterResult:
    reference = ctx.reference_time or ctx.received_at
    if reference is None:
        raise DomainError("FSU needs a reference time (dates carry no year)")
    kwargs = ctx.common()
    kwargs.setdefault("airport_timezones", ctx.location_timezones)
    return parse_fsu(payload, reference_time=reference, **kwargs)


def _xfsu(payload: bytes, ctx: FeedContext) -> AdapterResult:
    kwargs = ctx.common()
    kwargs.setdefault("airport_timezones", ctx.location_timezones)
    return parse_xfsu(payload, **kwargs)


def _one_record(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_one_record(payload, **ctx.common())


def _dcsa(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_dcsa_tnt(payload, **ctx.common())


def _epcis(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_epcis(payload, **ctx.common())


def _rail_csv(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_rail_csv(payload, **ctx.common())


def _gps(payload: bytes, ctx: FeedContext) -> AdapterResult:
    return parse_road_gps(payload, stops=ctx.stops, **ctx.common(subjects=False))


REGISTRY: dict[FeedFormat, FeedSpec] = {
    spec.format: spec
    for spec in (
        FeedSpec(
            FeedFormat.UNIFIED,
            _unified,
            ("application/json", "application/x-ndjson"),
            "The platform's own unified event (JSON array, {events: [...]} or JSON Lines)",
            (".json", ".jsonl"),
        ),
        FeedSpec(
            FeedFormat.FSU,
            _fsu,
            ("text/plain",),
            "IATA Cargo-IMP FSU freight status update (text, optionally in a Type-B envelope)",
            (".txt",),
        ),
        FeedSpec(
            FeedFormat.XFSU,
            _xfsu,
            ("application/xml", "text/xml"),
            "IATA Cargo-XML XFSU status message (StatusMessage, version 3)",
            (".xml",),
        ),
        FeedSpec(
            FeedFormat.ONE_RECORD,
            _one_record,
            ("application/ld+json", "application/json"),
            "IATA ONE Record LogisticsEvent (JSON-LD)",
            (".jsonld",),
        ),
        FeedSpec(
            FeedFormat.DCSA,
            _dcsa,
            ("application/json",),
            "DCSA Track & Trace events (JSON)",
            (".json",),
        ),
        FeedSpec(
            FeedFormat.RAIL_CSV,
            _rail_csv,
            ("text/csv",),
            "Rail terminal and train running events (CSV)",
            (".csv",),
        ),
        FeedSpec(
            FeedFormat.GPS,
            _gps,
            ("application/x-ndjson",),
            "Road GPS positions (JSON Lines); arrivals and departures inferred at planned stops",
            (".jsonl",),
            needs_stops=True,
        ),
        FeedSpec(
            FeedFormat.EPCIS,
            _epcis,
            ("application/ld+json", "application/json", "application/xml", "text/xml"),
            "GS1 EPCIS 2.0 events with CBV 2.0 (JSON-LD or XML document or query result)",
            (".jsonld", ".xml"),
        ),
    )
}


def feed_spec(name: str) -> FeedSpec:
    """The registered format called `name`; a DomainError lists the known ones otherwise."""
    try:
        return REGISTRY[FeedFormat(name)]
    except ValueError:
        known = ", ".join(f.value for f in FeedFormat)
        raise DomainError(f"unknown feed format {name!r}; use one of: {known}") from None
