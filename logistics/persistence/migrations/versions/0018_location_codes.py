"""Locations may carry the codes carriers name them by: a UN/LOCODE (`unlocode`, 5 characters)
and a GS1 Global Location Number (`gln`, 13 digits). Both are optional (NULL for existing rows);
feed adapters place a message's UN/LOCODE, SGLN or GLN Digital Link on the location holding it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("locations", sa.Column("unlocode", sa.String(length=5), nullable=True))
    op.add_column("locations", sa.Column("gln", sa.String(length=13), nullable=True))


def downgrade() -> None:
    """Revert this revision (the codes are dropped).

    Plain ALTER TABLE, no batch copy: on SQLite (3.35+ drops columns itself) a batch would drop
    and rebuild `locations`, which the foreign keys of services, shipments, ... refuse.
    """
    op.drop_column("locations", "gln")
    op.drop_column("locations", "unlocode")
