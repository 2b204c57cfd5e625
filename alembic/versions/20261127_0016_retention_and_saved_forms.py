"""retention (archiving, anonymisation) and forms kept across an expired login

- centre.archive_after_days, centre.retention_years: per-centre overrides of
  ARCHIVE_AFTER_DAYS and RETENTION_YEARS (empty: the configured default).
- mediation_case.archived_on, unarchived_on, anonymised_on (mediation/retention.py), with
  CHECKs: only a closed case is archived, only an archived one anonymised.
- saved_form: a form posted after the login expired, returned to its author after login.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 14:10:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Each (table, name, condition): created on PostgreSQL only. On SQLite adding a CHECK means a
# batch rebuild, and with foreign keys on, dropping mediation_case deletes every worker (as in
# 0007); there the domain alone keeps them.
CHECKS = (
    (
        "centre",
        "archive_after_days",
        "archive_after_days IS NULL OR archive_after_days BETWEEN 1 AND 3650",
    ),
    ("centre", "retention_years", "retention_years IS NULL OR retention_years BETWEEN 1 AND 100"),
    ("mediation_case", "archived_closed", "archived_on IS NULL OR closed_on IS NOT NULL"),
    ("mediation_case", "anonymised_archived", "anonymised_on IS NULL OR archived_on IS NOT NULL"),
)
COLUMNS = (
    ("centre", "archive_after_days", sa.Integer()),
    ("centre", "retention_years", sa.Integer()),
    ("mediation_case", "archived_on", sa.Date()),
    ("mediation_case", "unarchived_on", sa.Date()),
    ("mediation_case", "anonymised_on", sa.Date()),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for table, column, type_ in COLUMNS:
        op.add_column(table, sa.Column(column, type_, nullable=True))
    op.create_index("ix_mediation_case_archived_on", "mediation_case", ["archived_on"])
    if _postgresql():
        for table, name, condition in CHECKS:
            op.create_check_constraint(name, table, condition)
    op.create_table(
        "saved_form",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("files_dropped", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_saved_form")),
    )
    op.create_index("ix_saved_form_username", "saved_form", ["username"])
    op.create_index("ix_saved_form_expires_at", "saved_form", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_saved_form_expires_at", table_name="saved_form")
    op.drop_index("ix_saved_form_username", table_name="saved_form")
    op.drop_table("saved_form")
    if _postgresql():
        for table, name, _ in CHECKS:
            op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
    op.drop_index("ix_mediation_case_archived_on", table_name="mediation_case")
    for table, column, _ in reversed(COLUMNS):  # plain DROP COLUMN: no rebuild (see CHECKS)
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
