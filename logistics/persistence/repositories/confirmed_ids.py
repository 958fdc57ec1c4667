"""Ids a process has seen committed in a table whose rows are never deleted.

Ingestion checks that every event's shipment (service, vehicle) is stored, batch after batch,
and a live feed names the same few thousand subjects again and again: one query per batch and
kind, each a thousand primary-key lookups on the server. Shipments, services and vehicles are
never deleted (a shipment is cancelled, not removed), so an id once seen in a committed
transaction stays valid for good and need not be looked up again.

An id found inside a transaction is remembered only when that transaction commits: it may have
been created by the same transaction, which may yet roll back. The memory is per engine (one
database) and bounded: past `LIMIT` ids per table it starts again from empty, which costs
lookups, never correctness. Another process adding ids is no concern (they are looked up once);
deleting rows of these tables under a running process is not supported (nothing in the product
does; restore a backup with the servers stopped).
"""

from __future__ import annotations

from collections.abc import Collection
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

LIMIT = 1_000_000
"""Ids remembered per table and engine (about 100 MB at most for ids of 64 characters)."""

_KEY = "confirmed_ids.pending"
_LISTENING = "confirmed_ids.listening"
_known: WeakKeyDictionary[Engine, dict[str, set[str]]] = WeakKeyDictionary()
_lock = Lock()


def unconfirmed(session: Session, table: str, ids: Collection[str]) -> list[str]:
    """The ids, among `ids`, not seen committed in `table` (to be looked up), sorted."""
    known = _known.get(session.get_bind().engine, {}).get(table)
    if not known:
        return sorted(ids)
    return sorted(i for i in ids if i not in known)


def found(session: Session, table: str, ids: Collection[str]) -> None:
    """Remember ids the session's transaction found in `table`, once the transaction commits."""
    if not ids:
        return
    if not session.info.get(_LISTENING):  # once per session, however many transactions it runs
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _confirm)
        event.listen(session, "after_rollback", _drop)
    session.info.setdefault(_KEY, []).append((table, ids))


def forget(engine: Engine) -> None:
    """Forget every id remembered for the engine's database (tests; a restored database)."""
    with _lock:
        _known.pop(engine, None)


def _confirm(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    if not pending:
        return
    engine = session.get_bind().engine
    with _lock:
        tables = _known.setdefault(engine, {})
        for table, ids in pending:
            known = tables.setdefault(table, set())
            if len(known) + len(ids) > LIMIT:
                known.clear()
            known.update(ids)


def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
