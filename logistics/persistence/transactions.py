"""Transaction owners' retry: deadlocks, serialization failures and a busy SQLite run again."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from logistics.errors import Unavailable
from logistics.persistence.database import writing

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
TIMEOUT_SQLSTATES = {"55P03": "a lock wait", "57014": "a statement"}  # lock / statement timeout
SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (PostgreSQL), or None."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(state) if state else None


def is_retryable(exc: BaseException) -> bool:
    """A deadlock, a serialization failure, or SQLite busy: running the transaction again helps."""
    if not isinstance(exc, DBAPIError):
        return False
    if sqlstate(exc) in RETRYABLE_SQLSTATES:
        return True
    return any(text in str(exc.orig).lower() for text in SQLITE_BUSY)


def as_unavailable(exc: BaseException) -> Unavailable | None:
    """The 503 a transient database error becomes (None: the error is not transient)."""
    if is_retryable(exc):
        return Unavailable("the database is busy (concurrent writers); retry in a moment")
    what = TIMEOUT_SQLSTATES.get(sqlstate(exc) or "")
    if what is not None:
        return Unavailable(f"the database is busy ({what} timed out); retry in a moment", 2)
    return None


def run_in_transaction(
    session: Session,
    work: Callable[[Session], T],
    *,
    attempts: int = 4,
    write: bool = True,
    pause_s: float = 0.05,
) -> T:
    """Run `work(session)` and commit; on a retryable error roll back and run it again.

    At most `attempts` runs; the session must not be in a transaction with pending work (what
    came before is committed first). A transient error left after the last run, or a lock or
    statement timeout, is raised as `Unavailable` (503); anything else propagates unchanged.
    """
    session.commit()
    for attempt in range(1, attempts + 1):
        try:
            if write:
                writing(session)
            result = work(session)
            session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            if is_retryable(exc) and attempt < attempts:
                log.info("transaction retried after %s (attempt %d)", sqlstate(exc) or exc, attempt)
                time.sleep(pause_s * attempt * (0.5 + random.random()))
                continue
            unavailable = as_unavailable(exc)
            if unavailable is not None:
                raise unavailable from exc
            raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable: the loop returns or raises")
