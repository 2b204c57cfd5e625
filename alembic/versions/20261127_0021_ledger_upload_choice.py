"""ledger upload choice: the mapping chosen in the preview is kept with the upload

- ledger_upload.choice (JSON): the sheet, the column corrections, the centre and the channel the
  user chose in the preview; the stored preview is computed again with it when it changes.
  Uploads already waiting start with no choice (the file's own mapping), as before.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-27 23:20:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice", sa.JSON(), nullable=True))
    op.execute("UPDATE ledger_upload SET choice = '{}'")
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.alter_column("choice", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.drop_column("choice")
