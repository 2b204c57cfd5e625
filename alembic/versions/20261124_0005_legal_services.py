"""legal services

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 17:49:49.073489+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("mediation_case_id", sa.Integer(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("limitation_interrupted_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(outcome = '办理中') = (closed_on IS NULL)",
            name=op.f("ck_legal_case_closed_iff_closed_on"),
        ),
        sa.CheckConstraint(
            "outcome IN ('胜诉', '部分胜诉', '调解结案', '败诉', '撤回', '办理中')",
            name=op.f("ck_legal_case_outcome"),
        ),
        sa.CheckConstraint(
            "service_type IN ('仲裁代理', '诉讼代理', '法律咨询', '代写文书')",
            name=op.f("ck_legal_case_service_type"),
        ),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= accepted_on", name=op.f("ck_legal_case_closed_order")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_legal_case_centre_id_centre")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_legal_case_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_legal_case_employer_id_employer")
        ),
        sa.ForeignKeyConstraint(
            ["lawyer_id"], ["lawyer.id"], name=op.f("fk_legal_case_lawyer_id_lawyer")
        ),
        sa.ForeignKeyConstraint(
            ["mediation_case_id"],
            ["mediation_case.id"],
            name=op.f("fk_legal_case_mediation_case_id_mediation_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_case")),
        sa.UniqueConstraint("centre_id", "number", name="uq_legal_case_centre_number"),
        sa.UniqueConstraint("mediation_case_id", name=op.f("uq_legal_case_mediation_case_id")),
    )
    with op.batch_alter_table("legal_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_case_accepted_on"), ["accepted_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legal_case_centre_id"), ["centre_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_legal_case_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legal_case_lawyer_id"), ["lawyer_id"], unique=False)

    op.create_table(
        "legal_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legal_case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('申请仲裁', '立案', '开庭', '裁决', '调解', '判决', '上诉', '执行')",
            name=op.f("ck_legal_stage_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_case_id"],
            ["legal_case.id"],
            name=op.f("fk_legal_stage_legal_case_id_legal_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_stage")),
    )
    with op.batch_alter_table("legal_stage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_stage_legal_case_id"), ["legal_case_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legal_stage_on"), ["on"], unique=False)

    op.create_table(
        "legal_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legal_case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("id_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("id_number", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("claimed_fen", sa.BigInteger(), nullable=False),
        sa.Column("awarded_fen", sa.BigInteger(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "claimed_fen >= 0 AND awarded_fen >= 0 AND recovered_fen >= 0",
            name=op.f("ck_legal_worker_amounts_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_case_id"],
            ["legal_case.id"],
            name=op.f("fk_legal_worker_legal_case_id_legal_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_worker")),
    )
    with op.batch_alter_table("legal_worker", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_worker_legal_case_id"), ["legal_case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("legal_worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_worker_legal_case_id"))

    op.drop_table("legal_worker")
    with op.batch_alter_table("legal_stage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_stage_on"))
        batch_op.drop_index(batch_op.f("ix_legal_stage_legal_case_id"))

    op.drop_table("legal_stage")
    with op.batch_alter_table("legal_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_case_lawyer_id"))
        batch_op.drop_index(batch_op.f("ix_legal_case_employer_id"))
        batch_op.drop_index(batch_op.f("ix_legal_case_centre_id"))
        batch_op.drop_index(batch_op.f("ix_legal_case_accepted_on"))

    op.drop_table("legal_case")
