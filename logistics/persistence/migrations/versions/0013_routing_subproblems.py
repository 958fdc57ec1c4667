"""Routing subproblems: the child jobs of a plan spread over workers, and their answers.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "routing_subproblems",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.Float(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("solve_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_subproblems")),
    )
    with op.batch_alter_table("routing_subproblems", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routing_subproblems_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_routing_subproblems_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("routing_subproblems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_subproblems_created_at"))
        batch_op.drop_index(batch_op.f("ix_routing_subproblems_batch_id"))
    op.drop_table("routing_subproblems")
