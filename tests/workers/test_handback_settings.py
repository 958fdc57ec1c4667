"""LOGISTICS_ROUTING_MAX_HANDBACKS and LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS: read and
checked with the other settings, handed to the plan job's child-job executor, and obeyed when a
claimant is dead (on PostgreSQL: a subproblem running under a child job that no longer exists)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from pydantic import ValidationError

from logistics.persistence.database import make_engine
from logistics.persistence.migrate import upgrade_to_head
from logistics.planning.routing.executor import current_executor
from logistics.settings import Settings
from logistics.workers.engine import apply_schema, conninfo
from logistics.workers.routing_children import ChildJobExecutor, executor_for, may_hand_back

PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to


def test_defaults_keep_the_former_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset: 2 hand-backs, 5 s left; the policy hands back below the count with enough time."""
    monkeypatch.delenv("LOGISTICS_ROUTING_MAX_HANDBACKS", raising=False)
    monkeypatch.delenv("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", raising=False)
    settings = Settings()
    assert (settings.routing_max_handbacks, settings.routing_handback_min_left_seconds) == (2, 5.0)
    assert may_hand_back(0, 5.0, 2, 5.0) and may_hand_back(1, 60.0, 2, 5.0)
    assert not may_hand_back(2, 60.0, 2, 5.0)  # handed back twice already
    assert not may_hand_back(0, 4.9, 2, 5.0)  # too near its deadline
    assert not may_hand_back(0, 60.0, 0, 5.0)  # 0: never


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole numbers of hand-backs from 0; seconds above 0, fractions allowed."""
    monkeypatch.setenv("LOGISTICS_ROUTING_MAX_HANDBACKS", " 0 ")
    monkeypatch.setenv("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", "0.5")
    settings = Settings()
    assert (settings.routing_max_handbacks, settings.routing_handback_min_left_seconds) == (0, 0.5)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("LOGISTICS_ROUTING_MAX_HANDBACKS", "-1", "'-1' is out of range: set it to a whole"),
        ("LOGISTICS_ROUTING_MAX_HANDBACKS", "2.5", "'2.5' is not a whole number: set it to"),
        ("LOGISTICS_ROUTING_MAX_HANDBACKS", "two", "'two' is not a whole number: set it to"),
        ("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", "0", "'0' is out of range: set it to"),
        ("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", "-3", "'-3' is out of range: set it to"),
        ("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", "nan", "'nan' is not a number: set it"),
        ("LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS", "5s", "'5s' is not a number: set it to"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    """The error names the variable, repeats the value and says what to set."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    message = str(caught.value)
    assert f"{name}={says}" in message
    assert ("0 or more (default 2" if "HANDBACKS" in name else "more than 0 (default 5)") in message


def test_the_plan_jobs_executor_takes_them_from_the_settings() -> None:
    """executor_for hands the settings to the executor (no environment read in the executor)."""
    settings = Settings(
        database_url=PG,
        routing_child_jobs="on",
        routing_max_handbacks=0,
        routing_handback_min_left_seconds=12.5,
        worker_stalled_seconds=7,
    )
    with executor_for(settings):
        executor = current_executor()
        assert isinstance(executor, ChildJobExecutor)
        assert (executor.max_handbacks, executor.handback_min_left_s) == (0, 12.5)
        assert executor.stalled_seconds == 7


@pytest.fixture
def database(postgres_url: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database with procrastinate's schema."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    engine.dispose()
    apply_schema(postgres_url)
    yield postgres_url


def _dead_claim(info: str, handbacks: int, left_s: float) -> None:
    """Subproblem b-0 of batch b, running under child job 999999 that does not exist (its
    worker's row pruned and the job gone: dead by procrastinate's facts)."""
    with psycopg.connect(info, autocommit=True) as conn:
        conn.execute("DELETE FROM routing_subproblems")
        conn.execute(
            "INSERT INTO routing_subproblems (id, batch_id, position, status, deadline, task, "
            "created_at, claimed_by, claim_token, engine_job_id, handbacks) VALUES ('b-0', 'b', "
            "0, 'running', %s, '{}', now(), 'gone:1', 'token', 999999, %s)",
            (time.time() + left_s, handbacks),
        )


def _state(info: str) -> tuple[str, int, str | None]:
    with psycopg.connect(info) as conn:
        row = conn.execute(
            "SELECT status, handbacks, claimed_by FROM routing_subproblems WHERE id = 'b-0'"
        ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), row[2]


@pytest.mark.postgres
def test_the_coordinator_obeys_the_limits(database: str) -> None:
    """A dead claim is handed back (re-queued, a fresh child job deferred) while the count and
    the time left allow; not with 0 hand-backs allowed, not once the count is reached, not with
    less time left than the minimum."""
    info = conninfo(database)
    kept = [
        (dict(max_handbacks=0, handback_min_left_s=5.0), 0, 60.0),
        (dict(max_handbacks=3, handback_min_left_s=5.0), 3, 60.0),
        (dict(max_handbacks=3, handback_min_left_s=90.0), 0, 60.0),
    ]
    for limits, handbacks, left in kept:
        _dead_claim(info, handbacks, left)
        executor = ChildJobExecutor(database, own_lanes=0, stalled_seconds=5, **limits)
        with psycopg.connect(info, autocommit=True) as conn:
            executor._hand_back_dead(conn, "b")
        assert _state(info) == ("running", handbacks, "gone:1"), limits
        assert executor.handed_back == {}
    _dead_claim(info, 2, 60.0)
    executor = ChildJobExecutor(
        database, own_lanes=0, stalled_seconds=5, max_handbacks=3, handback_min_left_s=50.0
    )
    with psycopg.connect(info, autocommit=True) as conn:
        executor._hand_back_dead(conn, "b")
        jobs = conn.execute(
            "SELECT queue_name, args FROM procrastinate_jobs WHERE task_name = "
            "'logistics:solve_routing'"
        ).fetchall()
    assert _state(info) == ("queued", 3, None)
    assert executor.handed_back == {"b-0": ["gone:1"]}
    assert jobs == [("routing", {"subproblem_id": "b-0"})]
