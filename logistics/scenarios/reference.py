"""The Zhengzhou reference scenario: the generator's reference configuration (fixed seed)."""

from __future__ import annotations

from datetime import date

from logistics.domain import Scenario
from logistics.scenarios.generator import REFERENCE_SHIPMENTS, generate_scenario

REFERENCE_SEED = 20261130
REFERENCE_START = date(2026, 11, 30)


def reference_scenario() -> Scenario:
    """One week (Mon 2026-11-30 to Sun 2026-12-06) around the Zhengzhou hub, 180 shipments."""
    return generate_scenario(
        shipments=REFERENCE_SHIPMENTS, seed=REFERENCE_SEED, start=REFERENCE_START
    )
