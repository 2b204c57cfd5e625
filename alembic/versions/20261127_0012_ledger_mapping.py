"""ledger mapping: a centre's ledger columns, remembered for its next file

- ledger_mapping (centre_id, signature) unique: the columns of a spreadsheet layout (its
  header names, normalised and hashed) as the centre last confirmed them, header → field.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 22:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centre_id", "signature", name="uq_ledger_mapping"),
    )


def downgrade() -> None:
    op.drop_table("ledger_mapping")
