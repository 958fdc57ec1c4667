"""Routing subproblem claims: a token per claim (answers are stored only under the claim that is
still current), the claiming engine job (its worker's heartbeat tells whether the claimant is
alive) and how often the subproblem was handed back after its claimant died.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("routing_subproblems", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("engine_job_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("handbacks", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("routing_subproblems", schema=None) as batch_op:
        batch_op.drop_column("handbacks")
        batch_op.drop_column("engine_job_id")
        batch_op.drop_column("claim_token")
