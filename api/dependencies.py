"""Request dependencies: a database session per request, and the authenticated principal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from logistics.domain import Principal, Role
from logistics.errors import AuthenticationFailed, PermissionDenied
from logistics.persistence.transactions import as_unavailable
from logistics.services.api_keys import authenticate


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the request owns the transaction (commit on success).

    A database error that waiting would cure (deadlock, lock or statement timeout, busy SQLite)
    answers 503 with Retry-After instead of 500.
    """
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        unavailable = as_unavailable(exc)
        if unavailable is not None:
            raise unavailable from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response is sent, so a client acting on a 2xx finds the data.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    session: SessionDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    """Authenticate the caller from `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    secret = x_api_key
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationFailed("Authorization header must be `Bearer <api key>`")
        secret = value.strip()
    if not secret:
        raise AuthenticationFailed(
            "an API key is required: send `Authorization: Bearer <key>` "
            "(create one with `logistics keys create --role ROLE`)"
        )
    principal = authenticate(session, secret)
    session.commit()  # hand the connection back to the pool while the request parses its input
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def read_body(request: Request) -> bytes:
    """The raw request body, read without blocking the event loop (routes stay plain `def`)."""
    return await request.body()


BodyDep = Annotated[bytes, Depends(read_body)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only the given roles (admin is always admitted)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDenied(
                f"role {principal.role.value} may not do this (allowed: {names})"
            )
        return principal

    return check


# Every role dependency of the API, in this one place (routes import these, never define their own).
CoordinatorDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR))]
FeedDep = Annotated[Principal, Depends(require_roles(Role.FEED))]
ReaderDep = Annotated[
    Principal, Depends(require_roles(Role.COORDINATOR, Role.SHIPPER, Role.ANALYST))
]
TrackerDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR, Role.SHIPPER))]
MasterDataReaderDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR, Role.ANALYST))]
ReportReaderDep = Annotated[Principal, Depends(require_roles(Role.ANALYST, Role.COORDINATOR))]
SubscriberDep = Annotated[Principal, Depends(require_roles(Role.SHIPPER, Role.COORDINATOR))]
ReporterDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR, Role.FEED))]


def refresh_on_read(request: Request) -> bool:
    """Whether GET lists refresh stale projections before reading (the embedded engine only: on
    procrastinate the workers refresh, and reads stay reads)."""
    return bool(getattr(request.app.state, "refresh_on_read", True))


RefreshOnReadDep = Annotated[bool, Depends(refresh_on_read)]
