"""Plan options: frozen, checked when made, each refusal naming the option and what to give."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from logistics.errors import DomainError
from logistics.planning.plan_options import PlanOptions

NOW = datetime.fromisoformat("2026-11-30T12:30:00+01:00")


def test_defaults_are_the_documented_ones() -> None:
    """Balanced, 60 s, seed 0, two routing workers, on time first, offline, no incumbents."""
    options = PlanOptions()
    assert (options.objective, options.time_limit_s, options.seed, options.workers) == (
        "balanced",
        60.0,
        0,
        2,
    )
    assert options.lateness_price is None and options.now is None and options.plan_id is None
    assert options.preset.on_time_first


def test_options_are_frozen_and_keep_their_own_copies() -> None:
    """Changing the caller's dicts afterwards does not change the options."""
    forecasts = {"CV9751-20261130": NOW}
    incumbent = {"SH00401": ["CV9751-20261130", "truck:LUX>LUXC"]}
    options = PlanOptions(forecasts=forecasts, incumbent=incumbent)
    forecasts.clear()
    incumbent["SH00401"].append("LH701")
    assert options.forecasts == {"CV9751-20261130": NOW}
    assert options.incumbent == {"SH00401": ("CV9751-20261130", "truck:LUX>LUXC")}
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.seed = 1  # type: ignore[misc]


def test_a_lateness_price_prices_the_preset() -> None:
    """With a lateness price the preset no longer ranks on time first."""
    priced = PlanOptions(objective="cheapest", lateness_price=1.0).preset
    assert priced.name == "cheapest" and priced.lateness_price == 1.0
    assert not priced.on_time_first


@pytest.mark.parametrize(
    ("changes", "named", "hint"),
    [
        ({"objective": "cheap"}, "unknown objective 'cheap'", "cheapest"),
        ({"time_limit_s": 0}, "PlanOptions.time_limit_s is 0", "seconds > 0"),
        ({"time_limit_s": float("inf")}, "PlanOptions.time_limit_s is inf", "seconds > 0"),
        ({"seed": 1.5}, "PlanOptions.seed is 1.5", "whole number"),
        ({"workers": 0}, "PlanOptions.workers is 0", ">= 1"),
        ({"lateness_price": -5.0}, "lateness_price", ">= 0"),
        ({"lateness_price": "cheap"}, "PlanOptions.lateness_price is 'cheap'", ">= 0"),
        ({"change_penalty": -1.0}, "PlanOptions.change_penalty is -1.0", ">= 0"),
        ({"now": datetime(2026, 11, 30, 12, 30)}, "PlanOptions.now", "UTC offset"),
        (
            {"forecasts": {"CV9751": datetime(2026, 11, 30)}},
            "PlanOptions.forecasts['CV9751']",
            "aware",
        ),
        ({"incumbent": {"SH1": "CV9751"}}, "PlanOptions.incumbent['SH1']", "service ids"),
        ({"plan_id": "two words"}, "PlanOptions.plan_id", "valid id"),
    ],
)
def test_a_bad_option_is_refused_with_what_where_and_how(
    changes: dict[str, object], named: str, hint: str
) -> None:
    """Each refusal names the option, repeats the value and says what to give instead."""
    with pytest.raises(DomainError) as refused:
        PlanOptions(**changes)  # type: ignore[arg-type]
    assert named in str(refused.value) and hint in str(refused.value)
