"""Share links of shipments' public tracking views."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.tables import ShareLinkRow


def add(session: Session, row: ShareLinkRow) -> None:
    """Store a new link."""
    session.add(row)
    session.flush()


def get(session: Session, token: str) -> ShareLinkRow | None:
    """A link by its token (revoked or not)."""
    return session.get(ShareLinkRow, token)


def active_for(session: Session, shipment_id: str, created_by: str) -> ShareLinkRow | None:
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
    return session.scalars(query).first()
