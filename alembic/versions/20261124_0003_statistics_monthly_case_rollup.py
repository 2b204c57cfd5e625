"""statistics: monthly case rollup

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:35:30.672628+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_rollup',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('workers', sa.BigInteger(), nullable=False),
    sa.Column('claimed_fen', sa.BigInteger(), nullable=False),
    sa.Column('agreed_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('closed_cases', sa.Integer(), nullable=False),
    sa.Column('days_to_close', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_case_rollup_centre_id_centre')),
    sa.PrimaryKeyConstraint('kind', 'month', 'centre_id', 'value', 'status', name=op.f('pk_case_rollup'))
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_case_employer_accepted', ['employer_id', 'accepted_on'], unique=False)
        batch_op.create_index('ix_mediation_case_status_due', ['status', 'accepted_on', 'mediation_due_on'], unique=False)

    # The rollup is derived data: fill it from the cases already there, with today's definition.
    from sqlalchemy.orm import Session

    from mediation.statistics.rollup import rebuild_rollup

    rebuild_rollup(Session(bind=op.get_bind()))


def downgrade() -> None:
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_case_status_due')
        batch_op.drop_index('ix_mediation_case_employer_accepted')

    op.drop_table('case_rollup')
