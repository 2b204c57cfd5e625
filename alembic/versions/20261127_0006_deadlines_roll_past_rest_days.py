"""deadlines roll past rest days: recompute mediation_case.mediation_due_on

The stored acceptance-based deadline (accepted_on + 15 days + extension) now follows the period
rule of mediation/periods.py (民法典 art.201, 203): a last day that is a Saturday, Sunday or
public holiday moves to the next working day, with the calendar_day table's holidays and make-up
working days. Data only; the rule is written out here so that this revision stays as it is when
the application code changes. Downgrade restores the plain count of calendar days.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 11:00:00+08:00
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEDIATION_DAYS = 15
BATCH = 1000

case = sa.table(
    "mediation_case",
    sa.column("id", sa.Integer),
    sa.column("accepted_on", sa.Date),
    sa.column("extension_days", sa.Integer),
    sa.column("mediation_due_on", sa.Date),
)
calendar_day = sa.table("calendar_day", sa.column("day", sa.Date), sa.column("kind", sa.String))


def _rolled(last: date, holidays: set[date], workdays: set[date]) -> date:
    while last in holidays or (last.weekday() >= 5 and last not in workdays):
        last += timedelta(days=1)
    return last


def _recompute(roll: bool) -> None:
    connection = op.get_bind()
    holidays: set[date] = set()
    workdays: set[date] = set()
    if roll:
        for day, kind in connection.execute(sa.select(calendar_day.c.day, calendar_day.c.kind)):
            (holidays if kind == "holiday" else workdays).add(day)
    rows = connection.execute(
        sa.select(
            case.c.id, case.c.accepted_on, case.c.extension_days, case.c.mediation_due_on
        ).where(case.c.accepted_on.is_not(None))
    ).all()
    changes = []
    for case_id, accepted_on, extension_days, stored in rows:
        due = accepted_on + timedelta(days=MEDIATION_DAYS + (extension_days or 0))
        if roll:
            due = _rolled(due, holidays, workdays)
        if due != stored:
            changes.append({"case_id": case_id, "due": due})
    statement = (
        case.update()
        .where(case.c.id == sa.bindparam("case_id"))
        .values(mediation_due_on=sa.bindparam("due"))
    )
    for start in range(0, len(changes), BATCH):
        connection.execute(statement, changes[start : start + BATCH])


def upgrade() -> None:
    _recompute(roll=True)


def downgrade() -> None:
    _recompute(roll=False)
