"""reopening supersedes the agreement; imported paper agreements invent no signature dates

- agreement.superseded_on: the day the case was reopened. A case keeps its superseded
  agreements as history; at most one agreement per case is in force (a partial unique index,
  which SQLite and PostgreSQL both have), replacing the unique case_id.
- ck_agreement_effective_iff_signed no longer exempts every imported agreement: an imported
  paper agreement may be effective with no signature date at all (the ledger gives none), never
  with some dates missing and never with dates when it is not effective.
- Data: imported agreements lose the signature dates the import used to invent (all three were
  set to the closing date); agreements that took effect on cases reopened since are marked
  superseded on the day of the reopening (its audit event), or their effective date if none is
  found, and those cases' agreed totals drop to what an agreement in force fixes (none).

Downgrade puts the invented dates back (the old check wants them), deletes superseded agreements
(the old schema holds one agreement per case) and restores the unique case_id.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 15:00:00+08:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = ZoneInfo("Asia/Shanghai")
OLD_CHECK = (
    "(effective_on IS NULL) = (parties_signed_on IS NULL OR mediator_signed_on IS NULL"
    " OR centre_sealed_on IS NULL) OR imported"
)
NEW_CHECK = (
    "(effective_on IS NULL) = (parties_signed_on IS NULL OR mediator_signed_on IS NULL"
    " OR centre_sealed_on IS NULL) OR (imported AND effective_on IS NOT NULL"
    " AND parties_signed_on IS NULL AND mediator_signed_on IS NULL"
    " AND centre_sealed_on IS NULL)"
)
IN_FORCE = sa.text("superseded_on IS NULL")

agreement = sa.table(
    "agreement",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("parties_signed_on", sa.Date),
    sa.column("mediator_signed_on", sa.Date),
    sa.column("centre_sealed_on", sa.Date),
    sa.column("effective_on", sa.Date),
    sa.column("imported", sa.Boolean),
    sa.column("superseded_on", sa.Date),
)
agreement_line = sa.table("agreement_line", sa.column("agreement_id", sa.Integer))
instalment = sa.table("instalment", sa.column("agreement_id", sa.Integer))
case = sa.table(
    "mediation_case",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("agreed_fen", sa.BigInteger),
    sa.column("version", sa.Integer),
)
audit_event = sa.table(
    "audit_event",
    sa.column("case_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("at", sa.DateTime),
)


def _local_date(moment: datetime):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ).date()


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_on", sa.Date(), nullable=True))
        batch_op.drop_constraint(op.f("uq_agreement_case_id"), type_="unique")
        batch_op.drop_constraint(op.f("ck_agreement_effective_iff_signed"), type_="check")
        batch_op.create_index(op.f("ix_agreement_case_id"), ["case_id"], unique=False)

    bind = op.get_bind()
    bind.execute(
        agreement.update()
        .where(agreement.c.imported.is_(True))
        .values(parties_signed_on=None, mediator_signed_on=None, centre_sealed_on=None)
    )
    reopened = bind.execute(
        sa.select(agreement.c.id, agreement.c.case_id, agreement.c.effective_on)
        .join(case, case.c.id == agreement.c.case_id)
        .where(agreement.c.effective_on.is_not(None), case.c.status != "succeeded")
    ).all()
    for agreement_id, case_id, effective_on in reopened:
        last_reopen = bind.execute(
            sa.select(sa.func.max(audit_event.c.at)).where(
                audit_event.c.case_id == case_id, audit_event.c.action == "reopen"
            )
        ).scalar()
        day = effective_on
        if last_reopen is not None:
            if isinstance(last_reopen, str):
                last_reopen = datetime.fromisoformat(last_reopen)
            day = max(_local_date(last_reopen), effective_on)
        bind.execute(
            agreement.update().where(agreement.c.id == agreement_id).values(superseded_on=day)
        )
        bind.execute(
            case.update()
            .where(case.c.id == case_id)
            .values(agreed_fen=0, version=case.c.version + 1)
        )

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_agreement_effective_iff_signed"), sa.text(NEW_CHECK)
        )
        batch_op.create_check_constraint(
            op.f("ck_agreement_superseded_was_effective"),
            sa.text("superseded_on IS NULL OR effective_on IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_agreement_case_in_force",
            ["case_id"],
            unique=True,
            sqlite_where=IN_FORCE,
            postgresql_where=IN_FORCE,
        )


def downgrade() -> None:
    bind = op.get_bind()
    superseded = sa.select(agreement.c.id).where(agreement.c.superseded_on.is_not(None))
    bind.execute(agreement_line.delete().where(agreement_line.c.agreement_id.in_(superseded)))
    bind.execute(instalment.delete().where(instalment.c.agreement_id.in_(superseded)))
    bind.execute(agreement.delete().where(agreement.c.superseded_on.is_not(None)))
    bind.execute(
        agreement.update()
        .where(agreement.c.imported.is_(True), agreement.c.parties_signed_on.is_(None))
        .values(
            parties_signed_on=agreement.c.effective_on,
            mediator_signed_on=agreement.c.effective_on,
            centre_sealed_on=agreement.c.effective_on,
        )
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(op.f("uq_agreement_case_in_force"))
        batch_op.drop_index(op.f("ix_agreement_case_id"))
        batch_op.drop_constraint(op.f("ck_agreement_superseded_was_effective"), type_="check")
        batch_op.drop_constraint(op.f("ck_agreement_effective_iff_signed"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_agreement_effective_iff_signed"), sa.text(OLD_CHECK)
        )
        batch_op.create_unique_constraint(op.f("uq_agreement_case_id"), ["case_id"])
        batch_op.drop_column("superseded_on")
