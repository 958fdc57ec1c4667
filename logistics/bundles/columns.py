"""The columns of each bundle file (DESIGN 3.1), in header order, with their parsers."""

from __future__ import annotations

from functools import partial

from logistics.bundles import fields as f
from logistics.bundles.table import Column
from logistics.domain.location import DEFAULT_HANDLING_MINUTES, DEFAULT_SERVICE_MINUTES


def _choice(allowed: tuple[str, ...], raw: str) -> str:
    value = raw.strip().lower()
    if value not in allowed:
        raise f.FieldError(f"{raw.strip()!r} is not one of: {', '.join(allowed)}")
    return value


MODES = ("air", "rail", "road")
KINDS = ("airport", "rail_terminal", "road_hub", "depot", "customer", "port", "rail_border")

LOCATIONS = (
    Column("id", f.text),
    Column("name", f.text),
    Column("kind", partial(_choice, KINDS)),
    Column("lat", f.latitude),
    Column("lon", f.longitude),
    Column("timezone", f.text),
    Column(
        "service_minutes",
        partial(f.minutes_or_default, default=DEFAULT_SERVICE_MINUTES),
        required=False,
    ),
    Column(
        "handling_minutes",
        partial(f.minutes_or_default, default=DEFAULT_HANDLING_MINUTES),
        required=False,
    ),
    Column("unlocode", f.optional_unlocode, required=False),
    Column("gln", f.optional_gln, required=False),
)

SERVICES = (
    Column("id", f.text),
    Column("mode", partial(_choice, MODES)),
    Column("carrier", f.text),
    Column("origin", f.text),
    Column("destination", f.text),
    Column("departure", f.aware_time),
    Column("arrival", f.aware_time),
    Column("cutoff_minutes", partial(f.whole, minimum=0)),
    Column("capacity_kg", f.positive),
    Column("capacity_m3", f.positive),
    Column("cost_per_kg", f.non_negative),
    Column("capabilities", f.tags, required=False),
    Column("emission_class", f.optional_text, required=False),
)

VEHICLES = (
    Column("id", f.text),
    Column("carrier", f.text),
    Column("depot", f.text),
    Column("capacity_kg", f.positive),
    Column("capacity_m3", f.positive),
    Column("available_from", f.aware_time),
    Column("available_until", f.aware_time),
    Column("speed_kmh", f.positive),
    Column("cost_per_km", f.non_negative),
    Column("cost_per_hour", f.non_negative),
    Column("fixed_cost", f.non_negative),
    Column("capabilities", f.tags, required=False),
    Column("emission_class", f.optional_text, required=False),
)

SHIPMENTS = (
    Column("id", f.text),
    Column("shipper", f.text),
    Column("origin", f.text),
    Column("destination", f.text),
    Column("weight_kg", f.positive),
    Column("volume_m3", f.positive),
    Column("pieces", partial(f.whole, minimum=1)),
    Column("ready_at", f.aware_time),
    Column("due_at", f.aware_time),
    Column("requirements", f.tags, required=False),
)

DISTANCES = (
    Column("origin", f.text),
    Column("destination", f.text),
    Column("distance_km", f.non_negative),
    Column("duration_minutes", f.optional_text, required=False),
)

EMISSION_FACTORS = (
    Column("factor_id", f.text),
    Column("mode", partial(_choice, MODES)),
    Column("vehicle_class", f.text),
    Column("scope", partial(_choice, ("wtw", "ttw"))),
    Column("g_per_tkm", f.non_negative),
    Column("source", f.text),
    Column("version", f.text),
    Column("region", f.text),
    Column("verified", f.boolean),
)
