"""Webhook subscriptions: subscribe (the secret is shown once), list, delete, test ping, recent
deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.dependencies import SessionDep, SubscriberDep
from api.idempotency import IdempotencyKey, create_once
from api.schemas.params import ID_LENGTH, JobIdPath
from logistics.services import webhooks
from logistics.services.webhooks import Delivery, Subscription
from logistics.tracking.webhook_signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

router = APIRouter(tags=["webhooks"])


Id = Annotated[str, Field(min_length=1, max_length=ID_LENGTH)]
Code = Annotated[str, Field(min_length=1, max_length=32)]


class SubscriptionIn(BaseModel):
    """Where to send tracking notices, and which ones (an empty filter lets everything through)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1,
        max_length=2048,
        description="https:// URL of a public host that receives signed POSTs (http:// too where "
        "LOGISTICS_WEBHOOK_ALLOW_HTTP=true; no credentials; see README Webhooks)",
    )
    shipment_ids: list[Id] = Field(
        default_factory=list, max_length=1000, description="Only these shipments"
    )
    milestones: list[Code] = Field(
        default_factory=list,
        max_length=100,
        description="Only shipment.milestone notices for these milestones",
    )
    exception_reasons: list[Code] = Field(
        default_factory=list,
        max_length=100,
        description="Only exception.* notices with these reasons",
    )
    kinds: list[Code] = Field(
        default_factory=list,
        max_length=10,
        description="Only these notice kinds: shipment.milestone, shipment.eta_changed, "
        "exception.opened, exception.closed",
    )


class SubscriptionOut(BaseModel):
    """A subscription (never with its secret)."""

    id: str
    url: str
    role: str
    shipper_id: str | None
    shipment_ids: list[str]
    milestones: list[str]
    exception_reasons: list[str]
    kinds: list[str]
    created_at: datetime

    @classmethod
    def of(cls, sub: Subscription) -> SubscriptionOut:
        """Convert from the service value."""
        return cls(
            id=sub.id,
            url=sub.url,
            role=sub.role.value,
            shipper_id=sub.shipper_id,
            shipment_ids=list(sub.shipment_ids),
            milestones=list(sub.milestones),
            exception_reasons=list(sub.exception_reasons),
            kinds=list(sub.kinds),
            created_at=sub.created_at,
        )


class SubscriptionCreated(SubscriptionOut):
    """The new subscription with its signing secret: shown this once, store it now."""

    secret: str = Field(
        description=f"HMAC-SHA256 key: {SIGNATURE_HEADER} is v1=<hex of HMAC(secret, "
        f"'<{TIMESTAMP_HEADER}>.<body>')>; {ID_HEADER} stays the same on every retry"
    )


class DeliveryOut(BaseModel):
    """One queued notice for this subscription and how sending it went."""

    id: str = Field(description="The delivery id (Webhook-Id)")
    notice_id: str = Field(description="The notice's stable id (Webhook-Notice-Id)")
    kind: str = Field(
        description="shipment.milestone, shipment.eta_changed, exception.opened, "
        "exception.closed, or webhook.test (a test ping)"
    )
    shipment_id: str | None = Field(description="null for a webhook.test ping")
    status: str = Field(description="pending | delivered | failed")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        """Convert from the service value."""
        return cls(
            id=d.id,
            notice_id=d.notice_id,
            kind=d.kind,
            shipment_id=d.shipment_id,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )


class SubscriptionList(BaseModel):
    """The caller's subscriptions."""

    items: list[SubscriptionOut]


class DeliveryList(BaseModel):
    """A subscription's newest deliveries, newest first."""

    items: list[DeliveryOut]


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreated)
def create_subscription(
    body: SubscriptionIn,
    session: SessionDep,
    principal: SubscriberDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Subscribe a URL to tracking notices; the answer carries the signing secret, once (or
    again to a repeat with the same Idempotency-Key, which subscribes nothing more)."""

    def subscribe(s: Session) -> dict[str, Any]:
        secret, sub = webhooks.subscribe(
            s,
            principal,
            url=body.url,
            shipment_ids=body.shipment_ids,
            milestones=body.milestones,
            exception_reasons=body.exception_reasons,
            kinds=body.kinds,
        )
        out = SubscriptionCreated(**SubscriptionOut.of(sub).model_dump(), secret=secret)
        return out.model_dump(mode="json")

    # Committed before answering (the session dependency commits only after the response is
    # sent, and a caller may act on the 201 and the secret at once).
    return create_once(
        session,
        principal,
        idempotency_key,
        ("POST /v1/webhooks", body),
        subscribe,
        lambda out: {"Location": f"/v1/webhooks/{out['id']}", "Cache-Control": "no-store"},
    )


@router.get("/webhooks", response_model=SubscriptionList)
def list_subscriptions(session: SessionDep, principal: SubscriberDep) -> SubscriptionList:
    """The caller's active subscriptions (an admin sees all)."""
    subs = webhooks.list_subscriptions(session, principal)
    return SubscriptionList(items=[SubscriptionOut.of(s) for s in subs])


@router.get("/webhooks/{subscription_id}", response_model=SubscriptionOut)
def get_subscription(
    subscription_id: JobIdPath, session: SessionDep, principal: SubscriberDep
) -> SubscriptionOut:
    """One of the caller's subscriptions."""
    return SubscriptionOut.of(webhooks.get_subscription(session, principal, subscription_id))


@router.delete("/webhooks/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subscription(
    subscription_id: JobIdPath, session: SessionDep, principal: SubscriberDep
) -> Response:
    """Stop a subscription; its pending deliveries are given up."""
    webhooks.delete_subscription(session, principal, subscription_id)
    session.commit()  # stopped before the 204 is seen (see create_subscription)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/webhooks/{subscription_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
)
def send_test_notice(
    subscription_id: JobIdPath, session: SessionDep, principal: SubscriberDep
) -> JSONResponse:
    """Queue one signed `webhook.test` notice (no shipment) to the subscription's URL, through
    the same outbox, signing, address checks and retries as real notices; 202 with its delivery
    (follow it in the deliveries list)."""
    delivery = webhooks.send_test(session, principal, subscription_id)
    session.commit()  # queued (and the senders woken) before the 202 is seen
    return JSONResponse(
        DeliveryOut.of(delivery).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/v1/webhooks/{subscription_id}/deliveries"},
    )


@router.get("/webhooks/{subscription_id}/deliveries", response_model=DeliveryList)
def list_deliveries(
    subscription_id: JobIdPath,
    session: SessionDep,
    principal: SubscriberDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DeliveryList:
    """The subscription's newest deliveries: status, attempts, last answer or error."""
    items = webhooks.list_deliveries(session, principal, subscription_id, limit=limit)
    return DeliveryList(items=[DeliveryOut.of(d) for d in items])
