"""Share links of shipments' public tracking views; rows are handed out as `ShareLink` values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.tables import ShareLinkRow


@dataclass(frozen=True, slots=True)
class ShareLink:
    """A token granting the public view of one shipment."""

    token: str
    shipment_id: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None


def _record(row: ShareLinkRow) -> ShareLink:
    return ShareLink(row.token, row.shipment_id, row.created_by, row.created_at, row.revoked_at)


def add(session: Session, link: ShareLink) -> None:
    """Store a new link."""
    session.add(
        ShareLinkRow(
            token=link.token,
            shipment_id=link.shipment_id,
            created_by=link.created_by,
            created_at=link.created_at,
            revoked_at=link.revoked_at,
        )
    )
    session.flush()


def get(session: Session, token: str) -> ShareLink | None:
    """A link by its token (revoked or not)."""
    row = session.get(ShareLinkRow, token)
    return _record(row) if row is not None else None


def active_for(session: Session, shipment_id: str, created_by: str) -> ShareLink | None:
    """The newest unrevoked link a key made for a shipment."""
    query = (
        select(ShareLinkRow)
        .where(
            ShareLinkRow.shipment_id == shipment_id,
            ShareLinkRow.created_by == created_by,
            ShareLinkRow.revoked_at.is_(None),
        )
        .order_by(ShareLinkRow.created_at.desc())
        .limit(1)
    )
    row = session.scalars(query).first()
    return _record(row) if row is not None else None


def revoke(session: Session, token: str, when: datetime) -> None:
    """Mark a link revoked at `when` (a revoked link keeps its first revocation time)."""
    row = session.get(ShareLinkRow, token)
    if row is not None and row.revoked_at is None:
        row.revoked_at = when
        session.flush()
