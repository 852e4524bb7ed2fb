"""API tokens that expire.

* ``api_tokens.expires_at``: when the token stops working (``users token NAME --days N``, 90 days
  by default; ``--days 0`` for a token that never expires). Tokens made before this migration keep
  NULL, which means never: an upgrade does not cut off a running integration without warning;
  ``users token NAME --list`` shows them, and revoking them is the admin's choice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
