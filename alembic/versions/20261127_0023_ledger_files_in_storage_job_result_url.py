"""ledger files in storage, job result url

- ledger_upload.content goes: an uploaded ledger file's bytes are kept through
  mediation.storage (stored_file, key "ledger/<token>") like scans and job outputs. The files of
  uploads awaiting confirmation are moved there; imported uploads had dropped theirs already.
- job.result_url: where the job page sends the user once the job is done (the ledger preview
  after a preview job, the import's result after an import job).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-28 01:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "'ledger/' || ledger_upload.token"


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("result_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
    op.execute(
        "INSERT INTO stored_file (key, media_type, size_bytes, sha256, content, created_at) "
        f"SELECT {KEY}, 'application/octet-stream', size_bytes, sha256, content, created_at "
        "FROM ledger_upload WHERE status = 'previewed'"
    )
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.drop_column("content")


def downgrade() -> None:
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    op.get_bind().execute(
        sa.text(
            "UPDATE ledger_upload SET content = COALESCE((SELECT stored_file.content "
            f"FROM stored_file WHERE stored_file.key = {KEY}), :empty)"
        ),
        {"empty": b""},
    )
    op.execute("DELETE FROM stored_file WHERE key LIKE 'ledger/%'")
    with op.batch_alter_table("ledger_upload", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("result_url")
