"""Emissions per DESIGN 3.3: distance x tonnes x factor per booked leg, with the factor's source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from logistics.domain import EmissionFactor, Location, Mode, RoadLink
from logistics.domain.freight import default_service_factor_id, default_vehicle_factor_id
from logistics.domain.geo import air_km, road_km
from logistics.reports.catalog import EMISSIONS
from logistics.reports.stats import ratio
from logistics.reports.typed import typed


@dataclass(frozen=True, slots=True)
class Network:
    """What leg distances are computed from: locations and measured road links."""

    locations: Mapping[str, Location]
    road_links: Mapping[tuple[str, str], RoadLink]

    def distance_km(self, mode: Mode, origin: str, destination: str) -> float:
        """Air: great-circle + 95 km; rail and road: distances.csv, else great-circle x 1.3."""
        if origin == destination:
            return 0.0
        a, b = self.locations[origin], self.locations[destination]
        if mode is Mode.AIR:
            return air_km(a.lat, a.lon, b.lat, b.lon)
        link = self.road_links.get((origin, destination))
        return link.distance_km if link is not None else road_km(a.lat, a.lon, b.lat, b.lon)


def _factor_id(row: pd.Series, distance_km: float) -> str:
    if row["emission_class"]:
        return str(row["emission_class"])
    if int(row["on_service"]):
        return default_service_factor_id(Mode(row["mode"]), distance_km)
    return default_vehicle_factor_id(float(row["capacity_kg"]))


def leg_emissions(
    rows: pd.DataFrame, network: Network, g_per_tkm: Mapping[str, float]
) -> pd.DataFrame:
    """Add distance_km, factor_id, tonne_km and co2e_kg to the grouped leg rows."""
    pairs = rows[["mode", "from_location", "to_location"]].drop_duplicates()
    distance = {
        (m, a, b): network.distance_km(Mode(m), a, b)
        for m, a, b in pairs.itertuples(index=False, name=None)
    }
    km = [
        distance[k]
        for k in zip(rows["mode"], rows["from_location"], rows["to_location"], strict=True)
    ]
    out = rows.assign(distance_km=pd.Series(km, index=rows.index, dtype="float64"))
    out["factor_id"] = [_factor_id(r, d) for (_, r), d in zip(out.iterrows(), km, strict=True)]
    out["tonne_km"] = (
        out["distance_km"] * pd.to_numeric(out["weight_kg"]).astype("float64") / 1000.0
    )
    factor = out["factor_id"].map(lambda f: g_per_tkm.get(f, 0.0)).astype("float64")
    out["co2e_kg"] = out["tonne_km"] * factor / 1000.0
    return out


def _by_lane(legs: pd.DataFrame) -> pd.DataFrame:
    groups = legs.groupby(["mode", "lane", "shipper"], as_index=False)
    out = groups.agg(
        legs=("legs", "sum"),
        tonne_km=("tonne_km", "sum"),
        co2e_kg=("co2e_kg", "sum"),
        factor_ids=("factor_id", lambda ids: ";".join(sorted(set(ids)))),
    )
    out["intensity_g_per_tkm"] = ratio(out["co2e_kg"] * 1000.0, out["tonne_km"])
    return out.sort_values(["mode", "lane", "shipper"])


def _factors(legs: pd.DataFrame, factors: Sequence[EmissionFactor]) -> pd.DataFrame:
    used = legs.groupby("factor_id", as_index=False).agg(
        legs=("legs", "sum"), tonne_km=("tonne_km", "sum"), co2e_kg=("co2e_kg", "sum")
    )
    known = {f.factor_id: f for f in factors}
    missing = "not in the emission factor table: counted as 0"

    def field(factor_id: str, name: str) -> object:
        f = known.get(factor_id)
        if f is None:
            return {"g_per_tkm": 0.0, "source": missing, "verified": "no"}.get(name, "unknown")
        value = getattr(f, name)
        if name == "verified":
            return "yes" if value else "no"
        return value.value if isinstance(value, Mode) else value

    for name in ("mode", "vehicle_class", "scope", "g_per_tkm", "source", "version", "verified"):
        used[name] = pd.Series([field(i, name) for i in used["factor_id"]], index=used.index)
    return used.sort_values("factor_id")


def shape_emissions(
    rows: pd.DataFrame, network: Network, factors: Sequence[EmissionFactor]
) -> dict[str, pd.DataFrame]:
    """From the grouped leg rows of the leg_tonnage query."""
    legs = leg_emissions(rows, network, {f.factor_id: f.g_per_tkm for f in factors})
    return {
        "emissions": typed(_by_lane(legs), EMISSIONS.table("emissions")),
        "factors": typed(_factors(legs, factors), EMISSIONS.table("factors")),
    }
