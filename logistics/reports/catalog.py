"""The six analyst reports: tables, column definitions and what each filter restricts."""

from __future__ import annotations

from logistics.errors import NotFound
from logistics.reports.spec import ColumnSpec, Kind, ReportSpec, TableSpec

MAIN_MODE = "main mode of the shipment: air if any booked leg flies, else rail if any leg is on a train, else road"
LANE = (
    "line-haul lane `FROM-TO`: from the first to the last air or rail leg of the booked itinerary "
    "(e.g. CGO-LUX); for road-only shipments from the first leg's start to the last leg's end"
)
CARRIER = "carrier of the lane's first leg (its service's carrier, else its truck's)"
SHIPPER = "shipper id of the shipment"
PERIOD = "first UTC day of the bucket (day, ISO week starting Monday, or calendar month)"


def _c(name: str, kind: Kind, definition: str) -> ColumnSpec:
    return ColumnSpec(name, kind, definition)


THROUGHPUT = ReportSpec(
    "throughput",
    "Throughput",
    "How much moved: booked shipments by period of first departure, main mode and lane.",
    (
        TableSpec(
            "throughput",
            "Throughput by period, mode and lane",
            (
                _c(
                    "period",
                    Kind.DATE,
                    PERIOD + " of the planned departure of the shipment's first booked leg",
                ),
                _c("mode", Kind.STR, MAIN_MODE),
                _c("lane", Kind.STR, LANE),
                _c("shipments", Kind.INT, "booked shipments"),
                _c("pieces", Kind.INT, "pieces of those shipments"),
                _c("weight_kg", Kind.FLOAT, "gross weight, kg"),
                _c(
                    "chargeable_kg",
                    Kind.FLOAT,
                    "sum of max(weight_kg, volume_m3 x F), F = 166.67 kg/m3 for air and 333.33 for "
                    "rail and road main mode (DESIGN 3.3)",
                ),
            ),
        ),
    ),
    (
        ("period", "planned departure of the shipment's first booked leg"),
        ("hub", "shipments with a booked leg from or to the hub"),
        ("mode", "main mode"),
        ("lane", "line-haul lane"),
        ("shipper", "shipper"),
        ("carrier", "carrier of the lane's first leg"),
    ),
)

_DELIVERY = (
    _c("delivered", Kind.INT, "booked shipments delivered by the report's as-of time"),
    _c(
        "delivered_actual",
        Kind.INT,
        "of which the delivery time is the actual one from tracking (delivered_at of the tracking projection)",
    ),
    _c(
        "delivered_planned",
        Kind.INT,
        "of which no actual delivery is known, so the last booked leg's planned arrival is used",
    ),
    _c("on_time", Kind.INT, "delivered at or before due_at"),
    _c("on_time_rate", Kind.RATE, "on_time / delivered"),
    _c(
        "late_mean_min",
        Kind.FLOAT,
        "mean lateness in minutes, lateness = max(0, delivery time - due_at); on-time shipments count as 0",
    ),
    _c(
        "late_p95_min",
        Kind.FLOAT,
        "95th percentile of lateness in minutes (linear interpolation between closest ranks)",
    ),
)


def _on_time_table(key: str, kind: Kind, definition: str, title: str) -> TableSpec:
    return TableSpec(f"by_{key}", f"On-time by {title}", (_c(key, kind, definition), *_DELIVERY))


ON_TIME = ReportSpec(
    "on-time",
    "On-time performance",
    "How reliably: deliveries against due dates, from actual delivery where tracked, else plan.",
    (
        _on_time_table("mode", Kind.STR, MAIN_MODE, "mode"),
        _on_time_table("lane", Kind.STR, LANE, "lane"),
        _on_time_table("shipper", Kind.STR, SHIPPER, "shipper"),
        _on_time_table("carrier", Kind.STR, CARRIER, "carrier"),
        _on_time_table("period", Kind.DATE, PERIOD + " of the delivery time", "period"),
    ),
    (
        ("period", "delivery time (actual, else planned); only deliveries up to the as-of time"),
        ("hub", "shipments with a booked leg from or to the hub"),
        ("mode", "main mode"),
        ("lane", "line-haul lane"),
        ("shipper", "shipper"),
        ("carrier", "carrier of the lane's first leg"),
    ),
)

_DWELL = "hours from the shipment's arrival at the hub to its departure on the next leg"
HUB_DWELL = ReportSpec(
    "hub-dwell",
    "Hub dwell",
    "How long cargo sat at the hubs between arriving on one leg and leaving on the next.",
    (
        TableSpec(
            "hub_dwell",
            "Dwell per hub and direction",
            (
                _c("hub", Kind.STR, "location where one booked leg ends and the next begins"),
                _c(
                    "direction",
                    Kind.STR,
                    "inbound: arrived on air or rail, leaves by road; outbound: arrived by road, leaves "
                    "on air or rail; transfer: air/rail to air/rail, or road to road; all: every stop",
                ),
                _c("stops", Kind.INT, "shipment stops at the hub"),
                _c(
                    "stops_actual",
                    Kind.INT,
                    "of which both times are actual (ACTUAL ARRIVED/DEPARTED events of the shipment, "
                    "its service or its truck at the hub; retracted events ignored, and of a DCSA "
                    "3.0 event republished under the same `eventID` only its latest version "
                    "counts); otherwise the planned time stands in for the missing one",
                ),
                _c("p50_h", Kind.FLOAT, "median dwell, " + _DWELL),
                _c("p95_h", Kind.FLOAT, "95th percentile dwell (linear interpolation), hours"),
                _c("max_h", Kind.FLOAT, "longest dwell, hours"),
                _c("mean_h", Kind.FLOAT, "mean dwell, hours"),
            ),
        ),
    ),
    (
        ("period", "arrival at the hub (actual, else planned)"),
        ("hub", "the hub itself"),
        ("mode", "main mode of the shipment"),
        ("lane", "line-haul lane of the shipment"),
        ("shipper", "shipper"),
        ("carrier", "carrier of the shipment's lane"),
    ),
)

_LF = "booked / capacity (empty when the capacity is 0)"
_CAPACITY = (
    _c("capacity_kg", Kind.FLOAT, "capacity offered, kg"),
    _c("capacity_m3", Kind.FLOAT, "capacity offered, m3"),
    _c("booked_kg", Kind.FLOAT, "gross weight of the booked shipments, kg"),
    _c("booked_m3", Kind.FLOAT, "volume of the booked shipments, m3"),
    _c("load_factor_kg", Kind.RATE, "booked_kg / capacity_kg; " + _LF),
    _c("load_factor_m3", Kind.RATE, "booked_m3 / capacity_m3; " + _LF),
)
UTILIZATION = ReportSpec(
    "utilization",
    "Capacity utilization",
    "How full the flights, trains and trucks were: booked kg and m3 against capacity.",
    (
        TableSpec(
            "services",
            "Load factor per service",
            (
                _c("service_id", Kind.STR, "scheduled service (flight, train, line-haul truck)"),
                _c("mode", Kind.STR, "mode of the service"),
                _c("carrier", Kind.STR, "carrier of the service"),
                _c("lane", Kind.STR, "service origin-destination `FROM-TO`"),
                _c("departure", Kind.DATETIME, "scheduled departure, UTC"),
                _c("shipments", Kind.INT, "shipments booked on the service"),
                *_CAPACITY,
            ),
        ),
        TableSpec(
            "lanes",
            "Load factor per lane",
            (
                _c("mode", Kind.STR, "mode of the services"),
                _c("lane", Kind.STR, "service origin-destination `FROM-TO`"),
                _c("services", Kind.INT, "services departing on the lane in the period"),
                _c("shipments", Kind.INT, "shipment bookings on those services"),
                *_CAPACITY,
            ),
        ),
        TableSpec(
            "truck_shifts",
            "Load per truck shift",
            (
                _c("vehicle_id", Kind.STR, "truck shift"),
                _c("carrier", Kind.STR, "carrier of the truck"),
                _c("depot", Kind.STR, "depot the shift starts and ends at"),
                _c("shift_start", Kind.DATETIME, "available_from of the shift, UTC"),
                _c("capacity_kg", Kind.FLOAT, "truck capacity, kg"),
                _c("capacity_m3", Kind.FLOAT, "truck capacity, m3"),
                _c("legs", Kind.INT, "booked road legs on the shift"),
                _c("shipments", Kind.INT, "distinct shipments carried"),
                _c("carried_kg", Kind.FLOAT, "sum of the weights of those legs, kg"),
                _c(
                    "peak_kg",
                    Kind.FLOAT,
                    "most kg on board at once (a leg's cargo is on board from its planned departure "
                    "to its planned arrival; drops at a stop before pickups there)",
                ),
                _c("peak_m3", Kind.FLOAT, "most m3 on board at once"),
                _c("peak_load_factor_kg", Kind.RATE, "peak_kg / capacity_kg"),
                _c("peak_load_factor_m3", Kind.RATE, "peak_m3 / capacity_m3"),
                _c(
                    "used_hours",
                    Kind.FLOAT,
                    "first planned departure to last planned arrival, hours (0 when unused)",
                ),
                _c("shift_hours", Kind.FLOAT, "available_from to available_until, hours"),
            ),
        ),
    ),
    (
        ("period", "service departure; truck shift start (available_from)"),
        ("hub", "services from or to the hub; truck shifts based at the hub (depot)"),
        ("mode", "service mode; truck shifts only for road"),
        ("lane", "service origin-destination (truck shifts are not restricted)"),
        ("shipper", "counts only that shipper's bookings (capacity unchanged)"),
        ("carrier", "carrier of the service or truck"),
    ),
)

EMISSIONS = ReportSpec(
    "emissions",
    "Emissions",
    "What it emitted: well-to-wheel CO2e per booked leg, distance x tonnes x factor (DESIGN 3.3).",
    (
        TableSpec(
            "emissions",
            "CO2e by leg mode, lane and shipper",
            (
                _c("mode", Kind.STR, "mode of the legs (a shipment's truck legs count as road)"),
                _c("lane", Kind.STR, LANE + " of the shipment the legs belong to"),
                _c("shipper", Kind.STR, SHIPPER),
                _c("legs", Kind.INT, "booked legs"),
                _c(
                    "tonne_km",
                    Kind.FLOAT,
                    "sum of distance_km x gross weight in tonnes; distance: air great-circle + 95 km, "
                    "rail and road the road model (distances.csv, else great-circle x 1.3) between "
                    "the leg's ends",
                ),
                _c("co2e_kg", Kind.FLOAT, "sum of tonne-km x factor (g CO2e per tonne-km) / 1000"),
                _c("intensity_g_per_tkm", Kind.FLOAT, "co2e_kg x 1000 / tonne_km"),
                _c(
                    "factor_ids",
                    Kind.STR,
                    "emission factors used (see the factors table), `;`-separated",
                ),
            ),
        ),
        TableSpec(
            "factors",
            "Emission factors used",
            (
                _c(
                    "factor_id",
                    Kind.STR,
                    "row of fixtures/emission_factors.csv: the service's or truck's emission_class, "
                    "else by mode (air: freighter short haul under 1500 km, else long haul; rail: "
                    "rail_cn_eu; road service: truck_heavy) or truck capacity (<= 3.5 t light, "
                    "<= 18 t medium, else heavy)",
                ),
                _c("mode", Kind.STR, "mode of the factor"),
                _c("vehicle_class", Kind.STR, "vehicle class of the factor"),
                _c("scope", Kind.STR, "WTW (well-to-wheel) or TTW"),
                _c("g_per_tkm", Kind.FLOAT, "g CO2e per tonne-km"),
                _c("source", Kind.STR, "where the factor comes from"),
                _c("version", Kind.STR, "version of the source"),
                _c("verified", Kind.STR, "yes when checked against the published table, else no"),
                _c("legs", Kind.INT, "booked legs using the factor"),
                _c("tonne_km", Kind.FLOAT, "tonne-km of those legs"),
                _c("co2e_kg", Kind.FLOAT, "CO2e of those legs, kg"),
            ),
        ),
    ),
    (
        ("period", "planned departure of the leg"),
        ("hub", "legs of shipments with a booked leg from or to the hub"),
        ("mode", "mode of the leg"),
        ("lane", "line-haul lane of the leg's shipment"),
        ("shipper", "shipper"),
        ("carrier", "carrier of the leg's service or truck"),
    ),
)

EXCEPTIONS = ReportSpec(
    "exceptions",
    "Exceptions",
    "What went wrong: tracking exceptions by reason, hub and mode, and how long they stay open.",
    (
        TableSpec(
            "exceptions",
            "Exceptions by reason, hub and mode",
            (
                _c(
                    "reason",
                    Kind.STR,
                    "exception reason (DELAY, MISSED_CONNECTION, OFFLOADED, ...)",
                ),
                _c(
                    "hub",
                    Kind.STR,
                    "where it happened: the exception's location; else the next stop of its "
                    "leg; else, for a DELAY (an ETA after due, which has no place of its own), the "
                    "shipment's destination, where it will arrive late; unknown when none of these",
                ),
                _c(
                    "mode",
                    Kind.STR,
                    "mode of the leg concerned, else the shipment's main mode (unknown when none)",
                ),
                _c("exceptions", Kind.INT, "exceptions opened up to the as-of time"),
                _c("open", Kind.INT, "of which still open at the as-of time"),
                _c(
                    "open_age_mean_h",
                    Kind.FLOAT,
                    "mean age of the open ones at the as-of time, hours",
                ),
                _c("open_age_max_h", Kind.FLOAT, "oldest open one, hours"),
                _c(
                    "hours_to_close_mean",
                    Kind.FLOAT,
                    "mean hours from opening to closing of the closed ones",
                ),
            ),
        ),
    ),
    (
        ("period", "time the exception was opened"),
        ("hub", "exceptions raised at the hub"),
        ("mode", "mode column above"),
        ("lane", "line-haul lane of the shipment"),
        ("shipper", "shipper"),
        ("carrier", "carrier of the shipment's lane"),
    ),
)

REPORTS: dict[str, ReportSpec] = {
    r.name: r for r in (THROUGHPUT, ON_TIME, HUB_DWELL, UTILIZATION, EMISSIONS, EXCEPTIONS)
}


def report_spec(name: str) -> ReportSpec:
    """The report called `name`; NotFound names the reports there are."""
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(f"no report {name!r}; reports: {', '.join(REPORTS)}") from None
