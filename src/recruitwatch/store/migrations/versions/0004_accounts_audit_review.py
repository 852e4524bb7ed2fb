"""Accounts, API tokens, the audit chain, and reviewers' edits.

* ``users``: username (unique), argon2id ``password_hash``, ``role`` (admin | analyst | reviewer |
  viewer), interface ``language``, ``disabled``.
* ``api_tokens``: SHA-256 hex of each token (the token itself is shown once and never stored).
* ``audit_log``: append-only; each entry is chained to the previous one by SHA-256
  (:mod:`recruitwatch.audit`). Triggers refuse UPDATE and DELETE on both databases: tampering
  needs someone who can drop them, and ``recruitwatch audit verify`` then finds it.
* ``incidents.version`` (optimistic concurrency: every reviewer's change adds one; an edit that
  read an older version is refused) and ``incidents.reviewed_by`` / ``reviewed_at`` (a reviewer
  accepted or edited the incident: it leaves the review queue and re-extraction keeps it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
_PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False, server_default="en"),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_users_username", "users", ["username"], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(), nullable=False),  # ISO 8601 UTC, as hashed
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target_kind", sa.String()),
        sa.Column("target_id", sa.String()),
        sa.Column("details", sa.Text, nullable=False),  # canonical JSON, as hashed
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_log_target", "audit_log", ["target_kind", "target_id", "seq"])
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("reviewed_by", sa.String()))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True)))
    for statement in _SQLITE_TRIGGERS if bind.dialect.name == "sqlite" else _PG_TRIGGERS:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("version")
    op.drop_table("audit_log")
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("api_tokens")
    op.drop_table("users")
