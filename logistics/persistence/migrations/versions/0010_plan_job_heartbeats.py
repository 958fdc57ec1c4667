"""Plan jobs: the heartbeat of the worker running them (a stopped worker's job is found by it).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
