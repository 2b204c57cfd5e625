"""ledger uploads: an uploaded ledger file and its checked preview are kept in the database
(no longer under instance/ledger_uploads), and imported files keep their content hash so that the
same file is refused the second time.

Files left under instance/ledger_uploads by the previous version are not carried over: an upload
lived a day at most, and the user uploads the file again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 21:57:21.550125+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMPORTED = sa.text("status = 'imported'")


def upgrade() -> None:
    op.create_table('ledger_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('preview', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('previewed', 'imported')", name=op.f('ck_ledger_upload_status')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_ledger_upload_size_not_negative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_ledger_upload_centre_id_centre')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ledger_upload_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_ledger_upload_token'))
    )
    with op.batch_alter_table('ledger_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(
            'uq_ledger_upload_imported_sha256',
            ['sha256'],
            unique=True,
            sqlite_where=IMPORTED,
            postgresql_where=IMPORTED,
        )
        batch_op.create_index(batch_op.f('ix_ledger_upload_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ledger_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_upload_user_id'))
        batch_op.drop_index('uq_ledger_upload_imported_sha256')
        batch_op.drop_index(batch_op.f('ix_ledger_upload_created_at'))

    op.drop_table('ledger_upload')
