"""Marking stale and refreshing at once, without retries: state rows never deadlock."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import tracking_state
from logistics.persistence.transactions import run_in_transaction, sqlstate
from logistics.services import tracking_refresh
from logistics.services.import_scenario import import_scenario
from tests.api.conftest import FIXTURE_BUNDLE
from tests.booking import book_minimal

ROUNDS = 30


def _loop(
    factory: sessionmaker[Session], work: Callable[[Session, random.Random], object], seed: int
) -> Callable[[list[str]], None]:
    def run(errors: list[str]) -> None:
        rng = random.Random(seed)
        with factory() as session:
            for _ in range(ROUNDS):
                try:  # one run only: a deadlock would surface here instead of being retried
                    run_in_transaction(session, lambda s: work(s, rng), attempts=1)
                except Exception as exc:
                    cause = exc.__cause__ or exc
                    errors.append(f"{sqlstate(cause)}: {cause!r}"[:300])

    return run


def test_mark_stale_and_refresh_never_deadlock(session_factory: sessionmaker[Session]) -> None:
    """Ingestion-like writers mark shipments in random order while refreshes and sweeps run."""
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(FIXTURE_BUNDLE))
        book_minimal(session)
        ids = sorted(s.id for s in read_bundle(FIXTURE_BUNDLE).shipments)
        tracking_state.mark_stale(session, ids)

    def mark(s: Session, rng: random.Random) -> object:
        return tracking_state.mark_stale(s, rng.sample(ids, rng.randint(2, len(ids))))

    def refresh(s: Session, rng: random.Random) -> object:
        return tracking_refresh.refresh(s, limit=rng.randint(1, len(ids)))

    def sweep(s: Session, rng: random.Random) -> object:
        return tracking_refresh.refresh(s, shipment_ids=rng.sample(ids, len(ids)))

    errors: list[str] = []
    loops = [_loop(session_factory, mark, n) for n in range(3)]
    loops += [_loop(session_factory, refresh, 10), _loop(session_factory, sweep, 11)]
    threads = [threading.Thread(target=loop, args=(errors,)) for loop in loops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    with session_scope(session_factory) as session:  # the last refresh leaves nothing behind
        tracking_refresh.refresh(session)
        assert tracking_state.stale_ids(session) == []
