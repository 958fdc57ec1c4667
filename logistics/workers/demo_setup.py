"""What `logistics demo` prepares: the reference week imported, planned, accepted and replayed,
the plan stored like any requested plan, and one fresh key per role (the previous run's revoked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Role, Scenario
from logistics.persistence.database import session_scope
from logistics.planning.plan_options import PlanOptions
from logistics.services.api_keys import create_api_key, list_api_keys, revoke_api_key
from logistics.services.import_scenario import ImportReport, import_scenario
from logistics.services.plan_acceptance import accept_plan
from logistics.services.plan_records import new_plan_id, record_finished_plan
from logistics.services.recommend import recommend
from logistics.workers.demo_replay import ReplaySummary, replay
from logistics.workers.demo_world import (
    DisruptionPlay,
    play_cancelled_freighter,
    report_movements_until,
)

WORLD_AFTER = timedelta(days=4)  # the demo's now: this long after the week's first ready time
DEMO_ROLES = (Role.COORDINATOR, Role.SHIPPER, Role.ANALYST, Role.FEED, Role.ADMIN)
DEMO_KEY_PREFIX = "logistics demo: "
REQUESTED_BY = "logistics demo"
Progress = Callable[[str, float, str], None]


@dataclass(frozen=True, slots=True)
class DemoData:
    """The prepared week: its scenario, the accepted plan and its check, and the replay."""

    scenario: Scenario
    imported: ImportReport
    plan: Plan
    document: dict[str, Any]
    violations: int
    booked: int
    replayed: ReplaySummary
    clock: datetime  # the demo world's simulated now, after the replay
    disruption: DisruptionPlay


@dataclass(frozen=True, slots=True)
class DemoKey:
    """A demo key: its role, secret (shown once) and shipper scope."""

    role: Role
    secret: str
    shipper: str | None


def prepare_demo_data(
    factory: sessionmaker[Session],
    bundle: Path,
    emission_factors: Path,
    *,
    time_limit_s: float,
    progress: Progress | None = None,
    say: Callable[[str], None] = lambda _: None,
    set_clock: Callable[[datetime], None],
) -> DemoData:
    """Import the bundle, plan it at the start of its week (checked), accept the plan, store it
    as a done plan, replay the feeds up to the demo's now (WORLD_AFTER into the week); then, at
    that now, report the other bookings' movements as run and play a cancelled freighter through
    to an accepted recovery. `set_clock` moves the one clock everything reads (LOGISTICS_NOW)."""
    scenario = read_bundle(bundle)
    start = min(s.ready_at for s in scenario.shipments).astimezone(UTC) - timedelta(hours=1)
    set_clock(start)
    with session_scope(factory) as session:
        imported = import_scenario(session, scenario)
    say(imported.summary())
    say(f"planning {len(scenario.shipments)} shipments (up to {time_limit_s:.0f} s) ...")
    recommended = recommend(
        scenario,
        options=PlanOptions(time_limit_s=time_limit_s, plan_id=new_plan_id(), now=start),
        factors=read_emission_factors(emission_factors),
        progress=progress or (lambda stage, fraction, message: None),
    )
    plan, violations, document = recommended.plan, recommended.violations, recommended.document()
    with session_scope(factory) as session:
        booked = accept_plan(session, plan)
        record_finished_plan(
            session,
            document,
            requested_by=REQUESTED_BY,
            time_limit_s=time_limit_s,
            seed=0,
            message=f"{recommended.summary} by logistics demo",
            accepted=True,
        )
    say("replaying a simulated stream of tracking feeds for the accepted plan ...")
    world = start + WORLD_AFTER  # mid-week: some cargo delivered, some under way, some to come
    replayed = replay(factory, say=say, until=world)
    set_clock(world)
    say(
        f"the demo world's clock is now {world:%Y-%m-%d %H:%M} UTC; the other bookings so far ran on time:"
    )
    report_movements_until(factory, world, skip=set(replayed.movements), say=say)
    say("a freighter is cancelled; the recovery is planned, shown and accepted:")
    url = factory.kw["bind"].url.render_as_string(hide_password=False)
    played = play_cancelled_freighter(
        factory, url, world, time_limit_s=max(10.0, min(time_limit_s, 30.0)), say=say
    )
    return DemoData(
        scenario, imported, plan, document, len(violations), booked, replayed, world, played
    )


def is_demo_key(name: str) -> bool:
    """Keys made by `logistics demo` (this version's names and the older `demo-ROLE`)."""
    return name.startswith(DEMO_KEY_PREFIX) or name in {f"demo-{r.value}" for r in Role}


def issue_demo_keys(session: Session, shipper: str) -> tuple[list[DemoKey], int]:
    """Revoke the active keys of earlier demo runs, create one per role; return them and how
    many were revoked."""
    revoked = 0
    for key in list_api_keys(session):
        if key.revoked_at is None and is_demo_key(key.name or ""):
            revoke_api_key(session, key.id)
            revoked += 1
    keys = []
    for role in DEMO_ROLES:
        scope = shipper if role is Role.SHIPPER else None
        secret, _ = create_api_key(
            session, role=role, shipper_id=scope, name=f"{DEMO_KEY_PREFIX}{role.value}"
        )
        keys.append(DemoKey(role, secret, scope))
    return keys, revoked
