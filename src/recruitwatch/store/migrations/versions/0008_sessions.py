"""Server-side workbench sessions, so a logout, a disabled account or a changed password ends them.

* ``sessions``: one row per logged-in browser: the SHA-256 hex of the random session id the
  browser holds in its cookie (the id itself is never stored), the user, when it was created and
  when it was last used. A session ends when its row is deleted (logout, ``users revoke``,
  ``users disable``, ``users set-password``, ``users set-role``) or when it is idle or old beyond
  the configured limits (:mod:`recruitwatch.store.sessions`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
