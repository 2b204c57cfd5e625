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


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", String(length=254), nullable=True))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_ref", String(length=200), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", Moment(), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_provider_ref"), ["provider_ref"])


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_provider_ref"))
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("provider_ref")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email")
