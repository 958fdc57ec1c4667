"""Cancelled shipments leave planning and acceptance; import --update keeps the rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Plan
from logistics.errors import Conflict
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs, shipment_changes
from logistics.persistence.repositories.scenario import load_scenario
from logistics.planning.multimodal import plan as make_plan
from logistics.planning.plan_options import PlanOptions
from logistics.services.import_scenario import import_scenario
from logistics.services.plan_acceptance import accept_plan
from logistics.services.shipment_changes import cancel_shipment
from tests.persistence.records import MINIMAL


def imported(session_factory: sessionmaker[Session]) -> None:
    """The minimal bundle, stored."""
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(MINIMAL))


def test_cancelled_shipments_are_not_planned_nor_booked(
    session_factory: sessionmaker[Session],
) -> None:
    """A plan made before a cancellation books everything but the cancelled shipment."""
    imported(session_factory)
    with session_factory() as session:
        before: Plan = make_plan(load_scenario(session), options=PlanOptions(time_limit_s=5))
    planned = [sp.shipment_id for sp in before.shipments if sp.status.value == "planned"]
    assert len(planned) >= 2, "the minimal bundle plans most of its shipments"
    gone, kept = planned[0], planned[1]  # the plan was made while both were orders
    with session_scope(session_factory) as session:
        cancel_shipment(session, gone, reason="withdrawn", changed_by="test")
    with session_scope(session_factory) as session:
        booked = accept_plan(session, before)
        after = load_scenario(session)
        chosen = load_scenario(session, shipment_ids=[gone, kept])
    assert booked == len(planned) - 1
    assert gone not in after.shipment_by_id and kept in after.shipment_by_id
    assert [s.id for s in chosen.shipments] == [kept]
    with session_factory() as session:
        assert booked_legs.for_shipment(session, gone) == []
        assert booked_legs.for_shipment(session, kept) != []
        assert shipment_changes.cancelled_ids(session) == {gone}


def test_update_import_refuses_to_amend_a_cancelled_shipment(
    session_factory: sessionmaker[Session],
) -> None:
    """--update collects every rule conflict and writes nothing (not even the valid amendments)."""
    imported(session_factory)
    with session_scope(session_factory) as session:
        cancel_shipment(session, "SH00004", reason="withdrawn", changed_by="test")
    scenario = read_bundle(MINIMAL)
    changed = tuple(replace(s, pieces=s.pieces + 1) for s in scenario.shipments)
    with pytest.raises(Conflict) as refused, session_scope(session_factory) as session:
        import_scenario(session, replace(scenario, shipments=changed), update_shipments=True)
    assert refused.value.conflicts == [
        next(c for c in refused.value.conflicts if c.startswith("shipment SH00004 was cancelled"))
    ]
    with session_factory() as session:
        assert {s.pieces for s in load_scenario(session).shipments} == {
            s.pieces for s in scenario.shipments if s.id != "SH00004"
        }
        assert [r.kind for r in shipment_changes.for_shipment(session, "SH00001")] == []
