"""foundation: districts, centres, users, calendar

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 16:12:21.119565+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_calendar_day_kind')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('district',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
    sa.UniqueConstraint('code', name=op.f('uq_district_code'))
    )
    op.create_table('centre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_centre_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre')),
    sa.UniqueConstraint('code', name=op.f('uq_centre_code')),
    sa.UniqueConstraint('name', name=op.f('uq_centre_name')),
    sa.UniqueConstraint('short_name', name=op.f('uq_centre_short_name'))
    )
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_district_id'), ['district_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(role NOT IN ('mediator', 'lawyer', 'centre_supervisor') OR centre_id IS NOT NULL) AND (role <> 'district_supervisor' OR district_id IS NOT NULL)", name=op.f('ck_user_scope')),
    sa.CheckConstraint("role IN ('mediator', 'lawyer', 'centre_supervisor', 'district_supervisor', 'city_supervisor', 'admin')", name=op.f('ck_user_role')),
    sa.CheckConstraint('failed_logins >= 0', name=op.f('ck_user_failed_logins')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_user_centre_id_centre')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_user_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_district_id'), ['district_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_district_id'))
        batch_op.drop_index(batch_op.f('ix_user_centre_id'))

    op.drop_table('user')
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_district_id'))

    op.drop_table('centre')
    op.drop_table('district')
    op.drop_table('calendar_day')
