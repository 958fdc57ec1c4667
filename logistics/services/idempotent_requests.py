"""Requests made retry-safe by an Idempotency-Key: claim the key first, run once, replay after."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from logistics.errors import Conflict, InProgress
from logistics.persistence.repositories import idempotency as repo
from logistics.persistence.transactions import run_in_transaction

log = logging.getLogger(__name__)
Work = Callable[[Session], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Answer:
    """A JSON answer; `replayed` when it is the stored answer of an earlier request."""

    status_code: int
    body: Mapping[str, Any]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class _Claim:
    api_key_id: str
    key: str
    token: str


def _claim(
    session: Session, api_key_id: str, key: str, digest: str, stale_after_s: float
) -> _Claim | Answer:
    now = datetime.now(UTC)
    for _ in range(3):  # a claim released between our insert and our read: try again
        token = uuid.uuid4().hex
        if repo.claim(session, api_key_id, key, digest, token, now):
            return _Claim(api_key_id, key, token)
        row = repo.find(session, api_key_id, key)
        if row is None:
            continue
        if row.request_sha256 != digest:
            raise Conflict(f"Idempotency-Key {key!r} was used for a different request")
        if row.status_code != repo.IN_PROGRESS:
            return Answer(row.status_code, json.loads(row.response), replayed=True)
        if row.created_at <= now - timedelta(seconds=stale_after_s) and repo.take_over(
            session,
            api_key_id,
            key,
            old_token=row.response,
            request_sha256=digest,
            token=token,
            now=now,
        ):
            return _Claim(api_key_id, key, token)
        raise InProgress(
            f"a request with Idempotency-Key {key!r} is still in progress; "
            "retry after it has answered to get its answer"
        )
    raise InProgress(f"Idempotency-Key {key!r} is being claimed and released; retry")


def run(
    session: Session,
    work: Work,
    *,
    api_key_id: str,
    key: str | None,
    body: bytes,
    stale_after_s: float = 300.0,
    attempts: int = 4,
    status_code: int = 200,
) -> Answer:
    """Run `work` in its own transaction (retried on deadlocks), once per Idempotency-Key.

    With a key: the key is claimed first (committed), so a concurrent request with it answers
    409 in progress instead of racing; a repeat gets the stored answer; a key reused for another
    body is a Conflict; if `work` fails, the claim is released so the client can retry.
    `status_code` is the success status answered (and stored for replays).
    """
    if not key:
        return Answer(status_code, run_in_transaction(session, work, attempts=attempts))
    digest = hashlib.sha256(body).hexdigest()
    claimed = run_in_transaction(
        session, lambda s: _claim(s, api_key_id, key, digest, stale_after_s), attempts=attempts
    )
    if isinstance(claimed, Answer):
        return claimed

    def work_and_store(s: Session) -> Mapping[str, Any]:
        answer = work(s)
        if not repo.complete(s, api_key_id, key, claimed.token, status_code, json.dumps(answer)):
            raise InProgress(f"Idempotency-Key {key!r} was claimed again by a later retry")
        return answer

    try:
        return Answer(status_code, run_in_transaction(session, work_and_store, attempts=attempts))
    except BaseException:
        _release(session, claimed)
        raise


def _release(session: Session, claimed: _Claim) -> None:
    try:
        run_in_transaction(
            session, lambda s: repo.release(s, claimed.api_key_id, claimed.key, claimed.token)
        )
    except Exception:  # the claim then expires after stale_after_s
        log.exception("could not release Idempotency-Key %r", claimed.key)
