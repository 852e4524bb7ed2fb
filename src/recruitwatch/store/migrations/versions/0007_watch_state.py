"""The watcher's state (``recruitwatch watch``), so polling resumes where it stopped after a restart.

* ``watch_sources``: one row per watched source (``key``: its kind and location): the HTTP
  validators of its last answer (``etag``, ``last_modified``), when it was last tried and last
  succeeded, its consecutive ``failures`` and ``last_error``, when it is due again (``next_due``,
  later after each failure: exponential back-off), and ``cursor``: the start of the oldest poll
  whose new incidents have not been queued for notification yet.
* ``watch_items``: what a source has already given, so only new things are ingested: feed entries
  and sitemap pages (by URL, with ``<lastmod>``), files of a folder (by path, with size, mtime and
  a content hash).
* ``watch_outbox``: new incidents waiting to be notified, one row per channel (``webhook``,
  ``email``); ``sent_at`` is set once delivered, so a notification failed or not yet due (digest)
  survives a restart, and an incident is notified once per channel.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("name", sa.String()),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("cursor", WHEN),
        sa.Column("last_attempt", WHEN),
        sa.Column("last_success", WHEN),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("next_due", WHEN),
    )
    op.create_table(
        "watch_items",
        sa.Column("source_key", sa.String(), sa.ForeignKey("watch_sources.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("item", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text),
        sa.Column("seen_at", WHEN, nullable=False),
    )
    op.create_table(
        "watch_outbox",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("incident_id", sa.String(), sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_key", sa.String(), nullable=False),
        sa.Column("queued_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("uq_watch_outbox_channel_incident", "watch_outbox", ["channel", "incident_id"], unique=True)
    op.create_index("ix_watch_outbox_pending", "watch_outbox", ["channel", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_watch_outbox_pending", table_name="watch_outbox")
    op.drop_index("uq_watch_outbox_channel_incident", table_name="watch_outbox")
    op.drop_table("watch_outbox")
    op.drop_table("watch_items")
    op.drop_table("watch_sources")
