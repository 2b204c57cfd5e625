"""periodic report: reopenings kept with the closure they undid; submitted report versions

- case_reopening: one row per reopening of a case (the day, the closure it undid, whether the
  report counts it). Filled from the reopenings' audit events: the event's changes give the
  status and closing date the case had; its time gives the day (Asia/Shanghai).
- period_report: the versions of the official periodic report supervisors submit, with the
  figures frozen at submission.
- case_rollup gets the report's events (kinds "flow" and "flow:y", mediation.statistics.flows):
  the whole rollup is rebuilt.

Downgrade drops both tables and the flow rows of the rollup.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-27 18:00:00+08:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = ZoneInfo("Asia/Shanghai")
OUTCOMES = ("succeeded", "failed", "withdrawn")

case = sa.table(
    "mediation_case",
    sa.column("id", sa.Integer),
    sa.column("centre_id", sa.Integer),
    sa.column("worker_count", sa.Integer),
)
audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("changes", sa.JSON),
)


def _local_date(moment) -> date:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ).date()


def upgrade() -> None:
    reopening = op.create_table(
        "case_reopening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("reopened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("worker_count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reopened_on >= closed_on", name=op.f("ck_case_reopening_reopened_after_closed")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_case_reopening_case_id_mediation_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_case_reopening_centre_id_centre")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reopening")),
    )
    with op.batch_alter_table("case_reopening", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reopening_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_case_reopening_centre_id"), ["centre_id"])
        batch_op.create_index(batch_op.f("ix_case_reopening_reopened_on"), ["reopened_on"])

    op.create_table(
        "period_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("scope_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("responsible", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("preparer", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "scope_kind IN ('centre', 'district', 'city')", name=op.f("ck_period_report_scope_kind")
        ),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_period_report_period_order")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_period_report_version_positive")),
        sa.CheckConstraint(
            "version = 1 OR reason <> ''", name=op.f("ck_period_report_correction_has_reason")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_period_report_submitted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_report")),
        sa.UniqueConstraint(
            "scope_kind",
            "scope_code",
            "period_start",
            "period_end",
            "version",
            name=op.f("uq_period_report_scope_kind"),
        ),
    )

    bind = op.get_bind()
    events = bind.execute(
        sa.select(audit_event.c.case_id, audit_event.c.at, audit_event.c.changes, case)
        .join(case, case.c.id == audit_event.c.case_id)
        .where(audit_event.c.action == "reopen")
        .order_by(audit_event.c.id)
    ).all()
    rows = []
    for row in events:
        changes = row.changes if isinstance(row.changes, dict) else json.loads(row.changes or "{}")
        status = (changes.get("status") or [None, None])
        closed = (changes.get("closed_on") or [None, None])[0]
        if not status[0] or not closed:
            continue
        closed_on = date.fromisoformat(closed)
        rows.append(
            {
                "case_id": row.case_id,
                "centre_id": row.centre_id,
                "reopened_on": max(_local_date(row.at), closed_on),
                "closed_on": closed_on,
                "outcome": status[0],
                # reopened to "received" means it had never been accepted
                "counted": status[0] in OUTCOMES and status[1] != "received",
                "worker_count": row.worker_count,
            }
        )
    if rows:
        op.bulk_insert(reopening, rows)

    from sqlalchemy.orm import Session

    from mediation.statistics.rollup import rebuild_rollup

    rebuild_rollup(Session(bind=bind))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM case_rollup WHERE kind IN ('flow', 'flow:y')"))
    op.drop_table("period_report")
    with op.batch_alter_table("case_reopening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reopening_reopened_on"))
        batch_op.drop_index(batch_op.f("ix_case_reopening_centre_id"))
        batch_op.drop_index(batch_op.f("ix_case_reopening_case_id"))
    op.drop_table("case_reopening")
