"""Events are de-duplicated by content on a 16-byte binary key (the first half of the SHA-256
digest) instead of the digest's 64 hex characters: the unique index every stored event adds an
entry to is a quarter of the size, and comparing keys is comparing bytes. Existing hashes are
converted (their first 32 hex digits as bytes), so events stored before still match.

Downgrade writes the key back as 32 hex digits: code of the earlier revision hashes to 64, so
after a downgrade an event re-sent under another id is no longer recognised by content (the same
source and id still are).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 15:30:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_BATCH = 10_000


def _key(stored: str) -> bytes:
    """The key of a stored hex hash (any other text, which the product never wrote, is hashed)."""
    try:
        if len(stored) >= 32:
            return bytes.fromhex(stored[:32])
    except ValueError:
        pass
    return hashlib.sha256(stored.encode()).digest()[:16]


def _convert_sqlite() -> None:
    """SQLite before 3.41 has no unhex(): convert in batches of rows, in Python."""
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT seq, content_hash FROM tracking_events WHERE seq > :after "
                "ORDER BY seq LIMIT :batch"
            ),
            {"after": after, "batch": _BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text("UPDATE tracking_events SET content_key = :key WHERE seq = :seq"),
            [{"key": _key(stored), "seq": seq} for seq, stored in rows],
        )
        after = rows[-1][0]


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_key", sa.LargeBinary(length=16), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE tracking_events SET content_key = CASE "
            "WHEN content_hash ~ '^[0-9a-fA-F]{32}' THEN decode(substr(content_hash, 1, 32), 'hex') "
            "ELSE substring(sha256(convert_to(content_hash, 'UTF8')) FROM 1 FOR 16) END"
        )
    else:
        _convert_sqlite()
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tracking_events_content_hash", type_="unique")
        batch_op.drop_column("content_hash")
        batch_op.alter_column(
            "content_key", existing_type=sa.LargeBinary(length=16), nullable=False
        )
        batch_op.create_unique_constraint("uq_tracking_events_content_key", ["content_key"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
    hex_key = (
        "encode(content_key, 'hex')"
        if op.get_bind().dialect.name == "postgresql"
        else "lower(hex(content_key))"
    )
    op.execute(f"UPDATE tracking_events SET content_hash = {hex_key}")
    with op.batch_alter_table("tracking_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tracking_events_content_key", type_="unique")
        batch_op.drop_column("content_key")
        batch_op.alter_column("content_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_tracking_events_content_hash", ["content_hash"])
