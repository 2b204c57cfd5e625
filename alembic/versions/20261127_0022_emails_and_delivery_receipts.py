"""e-mail addresses and delivery receipts

- user.email: where a staff member gets notices by e-mail (the deadline approaching); optional,
  not unique (a centre may share one mailbox).
- message.provider_ref: what the provider called the message when it took it (Tencent Cloud
  SMS's SerialNo, an e-mail's Message-ID), to match its delivery reports.
- message.delivered_at: when the recipient received it, by the provider's report.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28 00:30:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
Moment = sqlmodel.sql.sqltypes.UTCDateTime


# Plain ALTER TABLE, not batch: SQLite adds and drops a plain column in place, and recreating
# `user` would fail on the many foreign keys that point at it.
def upgrade() -> None:
    op.add_column("user", sa.Column("email", String(length=254), nullable=True))
    op.add_column("message", sa.Column("provider_ref", String(length=200), nullable=True))
    op.add_column("message", sa.Column("delivered_at", Moment(), nullable=True))
    op.create_index(op.f("ix_message_provider_ref"), "message", ["provider_ref"])


def downgrade() -> None:
    op.drop_index(op.f("ix_message_provider_ref"), table_name="message")
    op.drop_column("message", "delivered_at")
    op.drop_column("message", "provider_ref")
    op.drop_column("user", "email")
