"""Webhook subscriptions, outbox matching with shipper scoping, retries with backoff, giving up."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Principal, Role
from logistics.errors import NotFound, PermissionDenied, ValidationFailed
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.tables import WebhookOutboxRow
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key, revoke_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import Settings
from logistics.tracking.webhook_signing import (
    ID_HEADER,
    NOTICE_ID_HEADER,
    RetryPolicy,
    verify_headers,
)
from logistics.workers.webhook_delivery import deliver_due

BUNDLE = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_s=10, cap_s=3600, max_attempts=3)
# In the minimal bundle SH00001/2/5 belong to SHP-FXZ, SH00003/4 to SHP-XUC.


def notice(
    kind: NoticeKind,
    shipment_id: str = "SH00001",
    shipper: str = "SHP-FXZ",
    *,
    milestone: str | None = None,
    reason: str | None = None,
) -> Notice:
    """A notice as the tracking projection would emit it."""
    return Notice(
        kind=kind,
        shipment_id=shipment_id,
        shipper=shipper,
        occurred_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
        milestone=milestone,
        exception_reason=reason,
        data={"status": milestone or "DEPARTED", "eta": "2026-12-01T10:00:00+01:00"},
    )


DEPARTED = notice(NoticeKind.MILESTONE, milestone="DEPARTED")
DELIVERED = notice(NoticeKind.MILESTONE, milestone="DELIVERED")
ETA = notice(NoticeKind.ETA_CHANGED)
DELAY = notice(NoticeKind.EXCEPTION_OPENED, reason="DELAY")
LOST = notice(NoticeKind.EXCEPTION_OPENED, reason="LOST")
OTHER_SHIPPER = notice(NoticeKind.MILESTONE, "SH00003", "SHP-XUC", milestone="DEPARTED")
ALL = [DEPARTED, DELIVERED, ETA, DELAY, LOST, OTHER_SHIPPER]


def setup(session: Session) -> dict[str, Principal]:
    """Import the minimal bundle and make a coordinator, two shippers and an analyst."""
    import_scenario(session, read_bundle(BUNDLE))
    return {
        "coordinator": create_api_key(session, role=Role.COORDINATOR)[1],
        "fxz": create_api_key(session, role=Role.SHIPPER, shipper_id="SHP-FXZ")[1],
        "xuc": create_api_key(session, role=Role.SHIPPER, shipper_id="SHP-XUC")[1],
        "analyst": create_api_key(session, role=Role.ANALYST)[1],
    }


def outbox(session: Session) -> list[WebhookOutboxRow]:
    """Every outbox row, oldest first."""
    return list(session.scalars(select(WebhookOutboxRow).order_by(WebhookOutboxRow.created_at)))


def queued_for(session: Session, subscription_id: str) -> list[tuple[str, str]]:
    """(kind, shipment) of what was queued for one subscription."""
    rows = [r for r in outbox(session) if r.subscription_id == subscription_id]
    return sorted((r.kind, json.loads(r.body)["shipment_id"]) for r in rows)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ALL),
        ({"kinds": ["exception.opened"]}, [DELAY, LOST]),
        ({"milestones": ["DELIVERED"]}, [DELIVERED, ETA, DELAY, LOST]),
        ({"milestones": ["DELIVERED"], "kinds": ["shipment.milestone"]}, [DELIVERED]),
        ({"exception_reasons": ["LOST"]}, [DEPARTED, DELIVERED, ETA, LOST, OTHER_SHIPPER]),
        ({"shipment_ids": ["SH00003"]}, [OTHER_SHIPPER]),
    ],
    ids=["none", "kinds", "milestones", "milestones+kinds", "reasons", "shipments"],
)
def test_enqueue_matches_filters(
    session: Session, filters: dict[str, list[str]], expected: list[Notice]
) -> None:
    """Each filter narrows what a coordinator's subscription receives (empty: everything)."""
    keys = setup(session)
    _, sub = webhooks.subscribe(session, keys["coordinator"], url="https://h.test/x", **filters)
    assert webhooks.enqueue(session, ALL, now=NOW) == len(expected)
    assert queued_for(session, sub.id) == sorted((n.kind.value, n.shipment_id) for n in expected)


def test_shipper_subscription_only_ever_gets_its_own_shipments(session: Session) -> None:
    """Without any filter a shipper key still receives only its own shipper's notices."""
    keys = setup(session)
    _, fxz = webhooks.subscribe(session, keys["fxz"], url="https://fxz.test/hook")
    _, xuc = webhooks.subscribe(session, keys["xuc"], url="https://xuc.test/hook")
    webhooks.enqueue(session, ALL, now=NOW)
    assert {s for _, s in queued_for(session, fxz.id)} == {"SH00001"}
    assert len(queued_for(session, fxz.id)) == 5
    assert queued_for(session, xuc.id) == [("shipment.milestone", "SH00003")]


def test_outbox_body_is_the_documented_document(session: Session) -> None:
    """The body names the delivery, kind, subscription, shipment and carries the notice data."""
    keys = setup(session)
    _, sub = webhooks.subscribe(session, keys["coordinator"], url="https://h.test/x")
    webhooks.enqueue(session, [DELAY], now=NOW)
    (row,) = outbox(session)
    body = json.loads(row.body)
    assert body == {
        "id": row.id,
        "notice_id": row.notice_id,
        "type": "exception.opened",
        "subscription_id": sub.id,
        "created_at": NOW.isoformat(),
        "shipment_id": "SH00001",
        "shipper": "SHP-FXZ",
        "occurred_at": "2026-11-30T09:30:00+00:00",
        "milestone": None,
        "exception_reason": "DELAY",
        "data": dict(DELAY.data),
    }
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, NOW)
    assert row.notice_id == webhooks.notice_id(DELAY)
    assert row.id == webhooks.delivery_id(sub.id, row.notice_id)


def based(n: Notice, basis: str, **data: object) -> Notice:
    """`n` as a refresh computed it from the stored state `basis` (its data amended)."""
    return replace(n, basis=basis, data={**n.data, **data})


def test_a_notice_is_queued_once_per_subscription(session: Session) -> None:
    """The same change from the same state (a second refresh, another server) is not queued
    again, even computed at another time or as another exception row: the database's unique
    constraint decides; its ids are stable and shared by every subscription it goes to."""
    keys = setup(session)
    _, first = webhooks.subscribe(session, keys["coordinator"], url="https://h.test/a")
    _, second = webhooks.subscribe(session, keys["fxz"], url="https://h.test/b")
    departed = based(DEPARTED, "LOADED|...|s1")
    opened = based(DELAY, "LOADED|...|s1", id=7, reason="DELAY", leg_index=1)
    assert webhooks.enqueue(session, [departed, opened], now=NOW) == 4
    again = [
        replace(departed, occurred_at=NOW),  # the same change computed later
        based(opened, "LOADED|...|s1", id=8),  # as another (duplicate) exception row
    ]
    assert webhooks.enqueue(session, again, now=NOW + timedelta(seconds=5)) == 0
    rows = outbox(session)
    assert len(rows) == 4
    assert {r.notice_id for r in rows if r.subscription_id == first.id} == {
        r.notice_id for r in rows if r.subscription_id == second.id
    }
    assert len({r.id for r in rows}) == 4
    # the same milestone reached again later (another leg: another state) is a new notice
    assert webhooks.enqueue(session, [based(DEPARTED, "ARRIVED|...|s2")], now=NOW) == 2
    # a stored exception closes once, whatever state the closing refresh started from
    closed = notice(NoticeKind.EXCEPTION_CLOSED, reason="DELAY")
    assert webhooks.enqueue(session, [based(closed, "s3", id=7)], now=NOW) == 2
    assert webhooks.enqueue(session, [based(closed, "s4", id=7)], now=NOW) == 0
    assert webhooks.enqueue(session, [based(closed, "s4", id=9)], now=NOW) == 2


def test_the_database_refuses_a_second_row_for_a_notice(session: Session) -> None:
    """The unique constraint holds for any writer, not only `enqueue`."""
    keys = setup(session)
    _, sub = webhooks.subscribe(session, keys["coordinator"], url="https://h.test/a")
    webhooks.enqueue(session, [DEPARTED], now=NOW)
    (row,) = outbox(session)
    duplicate = WebhookOutboxRow(
        id="whd_other",
        notice_id=row.notice_id,
        subscription_id=sub.id,
        kind=row.kind,
        shipment_id=row.shipment_id,
        body=row.body,
        status="pending",
        attempts=0,
        next_attempt_at=NOW,
        created_at=NOW,
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(duplicate)
        session.flush()


def test_two_transactions_queueing_the_same_notice_store_it_once(database_url: str) -> None:
    """Two refreshes racing (two connections, both committing) leave one row, and neither fails."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    try:
        with session_scope(factory) as session:
            keys = setup(session)
            webhooks.subscribe(session, keys["coordinator"], url="https://h.test/a")
        barrier = threading.Barrier(2)

        def race(offset_s: int) -> int:
            with session_scope(factory) as session:
                barrier.wait(timeout=10)
                return webhooks.enqueue(
                    session, [based(DEPARTED, "s1")], now=NOW + timedelta(seconds=offset_s)
                )

        with ThreadPoolExecutor(2) as pool:
            inserted = sorted(pool.map(race, [0, 1]))
        assert inserted == [0, 1]
        with factory() as session:
            assert len(outbox(session)) == 1
    finally:
        engine.dispose()


def test_subscribe_validates_url_filters_and_shipment_scope(session: Session) -> None:
    """Bad URL, unknown enum values and another shipper's shipment are refused, each by field."""
    keys = setup(session)
    with pytest.raises(ValidationFailed) as refused:
        webhooks.subscribe(
            session,
            keys["fxz"],
            url="ftp://h.test/x",
            milestones=["TELEPORTED"],
            exception_reasons=["GREMLINS"],
            kinds=["shipment.created"],
            shipment_ids=["SH00001", "SH00003", "SH99999"],
        )
    fields = [p.column for p in refused.value.problems]
    assert fields == [
        "url",
        "milestones",
        "exception_reasons",
        "kinds",
        "shipment_ids",
        "shipment_ids",
    ]
    # Another shipper's shipment reads exactly like a missing one.
    reasons = [p.reason for p in refused.value.problems if p.column == "shipment_ids"]
    assert reasons == ["no shipment 'SH00003'", "no shipment 'SH99999'"]
    for url in ("not a url", "http://", "https://h.test:99999/x"):
        with pytest.raises(ValidationFailed):
            webhooks.subscribe(session, keys["coordinator"], url=url)
    with pytest.raises(PermissionDenied):
        webhooks.subscribe(session, keys["analyst"], url="https://h.test/x")


def test_list_get_and_delete_are_scoped_to_the_owner(session: Session) -> None:
    """Owners see and delete their own subscriptions; anyone else gets NotFound."""
    keys = setup(session)
    secret, sub = webhooks.subscribe(session, keys["fxz"], url="https://h.test/x")
    assert secret.startswith("whsec_") and len(secret) > 40
    assert [s.id for s in webhooks.list_subscriptions(session, keys["fxz"])] == [sub.id]
    assert webhooks.list_subscriptions(session, keys["xuc"]) == []
    with pytest.raises(NotFound):
        webhooks.get_subscription(session, keys["xuc"], sub.id)
    with pytest.raises(NotFound):
        webhooks.delete_subscription(session, keys["coordinator"], sub.id)
    webhooks.enqueue(session, [DEPARTED], now=NOW)
    webhooks.delete_subscription(session, keys["fxz"], sub.id)
    assert webhooks.list_subscriptions(session, keys["fxz"]) == []
    assert [(r.status, r.last_error) for r in outbox(session)] == [
        ("failed", "subscription deleted")
    ]
    assert webhooks.enqueue(session, [DEPARTED], now=NOW) == 0


def test_revoked_owner_key_receives_nothing_new(session: Session) -> None:
    """Once its key is revoked, a subscription gets no further notices."""
    keys = setup(session)
    webhooks.subscribe(session, keys["coordinator"], url="https://h.test/x")
    revoke_api_key(session, keys["coordinator"].key_id)
    assert webhooks.enqueue(session, ALL, now=NOW) == 0


class Receiver:
    """A scripted `post`: answers the given status codes in turn (an exception is raised)."""

    def __init__(self, secret: str, *answers: int | Exception) -> None:
        self.secret = secret
        self.answers = list(answers)
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Record the call, check its signature, answer the next scripted outcome."""
        assert verify_headers(self.secret, body, headers, tolerance_s=1e9)
        self.calls.append((url, body, dict(headers)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def subscribed_with_one_notice(factory: sessionmaker[Session]) -> tuple[str, str]:
    """Commit a coordinator subscription and one queued notice; return (secret, delivery id)."""
    with session_scope(factory) as session:
        keys = setup(session)
        secret, _ = webhooks.subscribe(session, keys["coordinator"], url="https://h.test/x")
        webhooks.enqueue(session, [DEPARTED], now=NOW)
        (row,) = outbox(session)
        return secret, row.id


def state(
    factory: sessionmaker[Session], delivery_id: str
) -> tuple[str, int, datetime, str | None]:
    """(status, attempts, next_attempt_at, last_error) of one delivery."""
    with factory() as session:
        row = session.get(WebhookOutboxRow, delivery_id)
        assert row is not None
        return row.status, row.attempts, row.next_attempt_at, row.last_error


def test_failed_attempts_are_retried_with_backoff_until_a_2xx(
    session_factory: sessionmaker[Session],
) -> None:
    """A 500 and a timeout are retried after 10 s then 20 s; the 2xx marks it delivered, same id."""
    secret, delivery_id = subscribed_with_one_notice(session_factory)
    receiver = Receiver(secret, 500, TimeoutError("read timed out"), 204)
    policy = RetryPolicy(base_s=10, cap_s=3600, max_attempts=5)

    report = deliver_due(session_factory, NOW, receiver, policy=policy)
    assert (report.attempted, report.retrying) == (1, 1)
    assert state(session_factory, delivery_id) == (
        "pending",
        1,
        NOW + timedelta(seconds=10),
        "HTTP 500",
    )
    # Not due yet: nothing is sent.
    assert deliver_due(session_factory, NOW + timedelta(seconds=9), receiver).attempted == 0

    later = NOW + timedelta(seconds=10)
    deliver_due(session_factory, later, receiver, policy=policy)
    status, attempts, next_at, error = state(session_factory, delivery_id)
    assert (status, attempts, next_at) == ("pending", 2, later + timedelta(seconds=20))
    assert error == "TimeoutError: read timed out"

    report = deliver_due(session_factory, next_at, receiver, policy=policy)
    assert report.delivered == 1
    assert state(session_factory, delivery_id)[:2] == ("delivered", 3)
    assert [headers[ID_HEADER] for _, _, headers in receiver.calls] == [delivery_id] * 3
    notice_ids = {headers[NOTICE_ID_HEADER] for _, _, headers in receiver.calls}
    assert notice_ids == {json.loads(receiver.calls[0][1])["notice_id"]}
    assert len({body for _, body, _ in receiver.calls}) == 1
    assert deliver_due(session_factory, next_at + timedelta(hours=9), receiver).attempted == 0


def test_delivery_fails_after_max_attempts(session_factory: sessionmaker[Session]) -> None:
    """After the last allowed attempt the row is `failed` with the last error and never sent again."""
    secret, delivery_id = subscribed_with_one_notice(session_factory)
    receiver = Receiver(secret, 503, 302, ConnectionRefusedError("refused"), 200)
    now = NOW
    for _ in range(3):
        now = max(now, state(session_factory, delivery_id)[2])
        deliver_due(session_factory, now, receiver, policy=POLICY)
    status, attempts, _, error = state(session_factory, delivery_id)
    assert (status, attempts) == ("failed", 3)
    assert error == "ConnectionRefusedError: refused"
    assert deliver_due(session_factory, now + timedelta(days=1), receiver).attempted == 0
    assert len(receiver.calls) == 3


def test_a_claim_is_a_lease_that_expires(session_factory: sessionmaker[Session]) -> None:
    """A claimed row is not claimed twice; if its dispatcher dies it is due again after the lease."""
    _, delivery_id = subscribed_with_one_notice(session_factory)
    with session_scope(session_factory) as session:
        (claimed,) = webhooks.claim_due(session, NOW, 10, lease_s=60)
        assert claimed.id == delivery_id and claimed.url == "https://h.test/x"
    with session_scope(session_factory) as session:
        assert webhooks.claim_due(session, NOW + timedelta(seconds=59), 10) == []
    with session_scope(session_factory) as session:
        assert [d.id for d in webhooks.claim_due(session, NOW + timedelta(seconds=60), 10)] == [
            delivery_id
        ]


def test_the_delivery_lease_must_outlast_an_attempt() -> None:
    """LOGISTICS_WEBHOOK_LEASE_SECONDS not above the HTTP timeout is refused, naming both."""
    assert (
        Settings(webhook_lease_seconds=30, webhook_timeout_seconds=10).webhook_lease_seconds == 30
    )
    with pytest.raises(ValueError, match=r"LOGISTICS_WEBHOOK_LEASE_SECONDS.*TIMEOUT_SECONDS"):
        Settings(webhook_lease_seconds=10, webhook_timeout_seconds=10)
