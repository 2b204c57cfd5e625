"""case lifecycle: roster, employers, cases, workers, claims, sessions, agreements, payments, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:25:33.171610+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('employer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('legal_rep', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_employer_credit_code'))
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_name'), ['name'], unique=False)

    op.create_table('employer_counsel',
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('firm_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('firm_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_employer_counsel_employer_id_employer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('employer_id', 'firm_name', name=op.f('pk_employer_counsel'))
    )
    op.create_table('case_counter',
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_case_counter_centre_id_centre')),
    sa.PrimaryKeyConstraint('centre_id', 'year', name=op.f('pk_case_counter'))
    )
    op.create_table('lawyer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('certificate_no', sqlmodel.sql.sqltypes.AutoString(length=17), nullable=False),
    sa.Column('firm_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('firm_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('length(certificate_no) = 17', name=op.f('ck_lawyer_certificate_no')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lawyer_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lawyer')),
    sa.UniqueConstraint('certificate_no', name=op.f('uq_lawyer_certificate_no')),
    sa.UniqueConstraint('user_id', name=op.f('uq_lawyer_user_id'))
    )
    with op.batch_alter_table('lawyer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lawyer_name'), ['name'], unique=False)

    op.create_table('lawyer_centre',
    sa.Column('lawyer_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_lawyer_centre_centre_id_centre')),
    sa.ForeignKeyConstraint(['lawyer_id'], ['lawyer.id'], name=op.f('fk_lawyer_centre_lawyer_id_lawyer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lawyer_id', 'centre_id', name=op.f('pk_lawyer_centre'))
    )
    with op.batch_alter_table('lawyer_centre', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lawyer_centre_centre_id'), ['centre_id'], unique=False)

    op.create_table('mediation_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('application_form', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('oral_record', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('collective', sa.Boolean(), nullable=False),
    sa.Column('new_employment', sa.Boolean(), nullable=False),
    sa.Column('migrant_workers', sa.Boolean(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('requests', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=True),
    sa.Column('lawyer_id', sa.Integer(), nullable=True),
    sa.Column('refusal_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('void_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('failure_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('mediation_due_on', sa.Date(), nullable=True),
    sa.Column('extension_consent_on', sa.Date(), nullable=True),
    sa.Column('arbitration_applied_on', sa.Date(), nullable=True),
    sa.Column('imported_from', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('worker_count', sa.Integer(), nullable=False),
    sa.Column('claimed_fen', sa.BigInteger(), nullable=False),
    sa.Column('agreed_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('refused', 'succeeded', 'failed', 'withdrawn', 'voided')) = (closed_on IS NOT NULL)", name=op.f('ck_mediation_case_closed_iff_closed_on')),
    sa.CheckConstraint("application_form <> 'oral' OR oral_record <> ''", name=op.f('ck_mediation_case_oral_record')),
    sa.CheckConstraint("application_form IN ('written', 'oral')", name=op.f('ck_mediation_case_form')),
    sa.CheckConstraint("category IN ('劳动报酬', '社会保险', '工伤', '解除/终止劳动合同', '确认劳动关系', '订立/履行/变更劳动合同', '工作时间/休息休假/福利/培训/劳动保护', '除名/辞退/辞职/离职', '其他')", name=op.f('ck_mediation_case_category')),
    sa.CheckConstraint("channel IN ('现场申请', '电话', '网上申请', '仲裁委托', '法院委派', '法院委托', '其他转办')", name=op.f('ck_mediation_case_channel')),
    sa.CheckConstraint("status <> 'failed' OR failure_reason <> ''", name=op.f('ck_mediation_case_failure_reason')),
    sa.CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name=op.f('ck_mediation_case_refusal_reason')),
    sa.CheckConstraint("status <> 'voided' OR void_reason <> ''", name=op.f('ck_mediation_case_void_reason')),
    sa.CheckConstraint("status IN ('received', 'accepted', 'refused', 'in_mediation', 'succeeded', 'failed', 'withdrawn', 'voided')", name=op.f('ck_mediation_case_status')),
    sa.CheckConstraint("status NOT IN ('accepted', 'in_mediation', 'succeeded', 'failed') OR accepted_on IS NOT NULL", name=op.f('ck_mediation_case_accepted_has_date')),
    sa.CheckConstraint('accepted_on IS NULL OR accepted_on >= received_on', name=op.f('ck_mediation_case_accepted_order')),
    sa.CheckConstraint('closed_on IS NULL OR accepted_on IS NULL OR closed_on >= accepted_on', name=op.f('ck_mediation_case_closed_after_accepted')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= received_on', name=op.f('ck_mediation_case_closed_order')),
    sa.CheckConstraint('extension_days = 0 OR extension_consent_on IS NOT NULL', name=op.f('ck_mediation_case_extension_consent')),
    sa.CheckConstraint('extension_days BETWEEN 0 AND 15', name=op.f('ck_mediation_case_extension_days')),
    sa.CheckConstraint('worker_count >= 0 AND claimed_fen >= 0 AND agreed_fen >= 0 AND paid_fen >= 0', name=op.f('ck_mediation_case_totals_non_negative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_mediation_case_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_mediation_case_created_by_id_user')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_mediation_case_employer_id_employer')),
    sa.ForeignKeyConstraint(['lawyer_id'], ['lawyer.id'], name=op.f('fk_mediation_case_lawyer_id_lawyer')),
    sa.ForeignKeyConstraint(['mediator_id'], ['user.id'], name=op.f('fk_mediation_case_mediator_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case')),
    sa.UniqueConstraint('centre_id', 'number', name='uq_mediation_case_centre_number'),
    sa.UniqueConstraint('centre_id', 'year', 'seq', name='uq_mediation_case_centre_year_seq')
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_accepted_on'), ['accepted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_mediation_due_on'), ['mediation_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_lawyer_id'), ['lawyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_mediator_id'), ['mediator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_status'), ['status'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('payment_method', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('parties_signed_on', sa.Date(), nullable=True),
    sa.Column('mediator_signed_on', sa.Date(), nullable=True),
    sa.Column('centre_sealed_on', sa.Date(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.Column('review_filed_on', sa.Date(), nullable=True),
    sa.Column('review_result', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('confirmation_filed_on', sa.Date(), nullable=True),
    sa.Column('confirmation_result', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('payment_order_filed_on', sa.Date(), nullable=True),
    sa.Column('payment_order_result', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(effective_on IS NULL) = (parties_signed_on IS NULL OR mediator_signed_on IS NULL OR centre_sealed_on IS NULL) OR imported', name=op.f('ck_agreement_effective_iff_signed')),
    sa.CheckConstraint('copies BETWEEN 1 AND 20', name=op.f('ck_agreement_copies')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_agreement_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreement_case_id'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_effective_on'), ['effective_on'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_audit_event_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('case_worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('representative', sa.Boolean(), nullable=False),
    sa.Column('placeholder', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_case_worker_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_worker'))
    )
    with op.batch_alter_table('case_worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_worker_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_worker_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_worker_name'), ['name'], unique=False)

    op.create_table('mediation_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('duration_minutes IS NULL OR duration_minutes > 0', name=op.f('ck_mediation_session_duration')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_session_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_mediation_session_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_session'))
    )
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_session_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('claim_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('claimed_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind IN ('工资', '加班费', '经济补偿金', '赔偿金', '二倍工资差额', '工伤待遇', '社会保险', '未休年假工资', '其他')", name=op.f('ck_claim_line_kind')),
    sa.CheckConstraint('claimed_fen >= 0', name=op.f('ck_claim_line_claimed_non_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_claim_line_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['case_worker.id'], name=op.f('fk_claim_line_worker_id_case_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_line'))
    )
    with op.batch_alter_table('claim_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_line_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_line_worker_id'), ['worker_id'], unique=False)

    op.create_table('instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_instalment_amount_positive')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_instalment_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalment'))
    )
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalment_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instalment_due_on'), ['due_on'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_amount_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_payment_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_payment_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['worker_id'], ['case_worker.id'], name=op.f('fk_payment_worker_id_case_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_worker_id'), ['worker_id'], unique=False)

    op.create_table('agreement_line',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('claim_line_id', sa.Integer(), nullable=False),
    sa.Column('agreed_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('agreed_fen >= 0', name=op.f('ck_agreement_line_agreed_non_negative')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_line_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_line_id'], ['claim_line.id'], name=op.f('fk_agreement_line_claim_line_id_claim_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', 'claim_line_id', name=op.f('pk_agreement_line'))
    )


def downgrade() -> None:
    op.drop_table('agreement_line')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_worker_id'))
        batch_op.drop_index(batch_op.f('ix_payment_case_id'))

    op.drop_table('payment')
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instalment_due_on'))
        batch_op.drop_index(batch_op.f('ix_instalment_agreement_id'))

    op.drop_table('instalment')
    with op.batch_alter_table('claim_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_line_worker_id'))
        batch_op.drop_index(batch_op.f('ix_claim_line_case_id'))

    op.drop_table('claim_line')
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_mediation_session_case_id'))

    op.drop_table('mediation_session')
    with op.batch_alter_table('case_worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_worker_name'))
        batch_op.drop_index(batch_op.f('ix_case_worker_id_number'))
        batch_op.drop_index(batch_op.f('ix_case_worker_case_id'))

    op.drop_table('case_worker')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_case_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_effective_on'))

    op.drop_table('agreement')
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_status'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_received_on'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_mediator_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_lawyer_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_mediation_due_on'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_employer_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_closed_on'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_centre_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_accepted_on'))

    op.drop_table('mediation_case')
    with op.batch_alter_table('lawyer_centre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lawyer_centre_centre_id'))

    op.drop_table('lawyer_centre')
    with op.batch_alter_table('lawyer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lawyer_name'))

    op.drop_table('lawyer')
    op.drop_table('case_counter')
    op.drop_table('employer_counsel')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_name'))

    op.drop_table('employer')
