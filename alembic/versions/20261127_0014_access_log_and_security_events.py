"""access log and security events: who read whose personal data, and who logged in or changed
what decides who reads what (issue 15; PIPL, 等保2.0 安全审计)

- access_log: one row per read of a case's personal data (page, API answer, document, scan,
  repeat-claim warning, a search by ID number or phone) and one per export.
- security_event: logins, failures, lockouts, logouts, password changes and resets, account,
  role and scope changes, roster and employer edits.
- Both are append-only: a trigger refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL), so
  not even a bug in the application can rewrite the record. Neither has a foreign key, so no
  cascade from another table ever reaches them.

Downgrade drops the triggers and both tables.

Revision ID: 0014
Revises: 0011
Create Date: 2026-11-27 22:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("access_log", "security_event")
REFUSAL = "append-only: the access log and security events are never changed or deleted"


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("legal_case_id", sa.Integer(), nullable=True),
        sa.Column("case_number", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        for column in (
            "at",
            "case_id",
            "case_number",
            "ip",
            "kind",
            "legal_case_id",
            "user_id",
            "username",
        ):
            batch_op.create_index(batch_op.f(f"ix_access_log_{column}"), [column], unique=False)

    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        for column in ("at", "ip", "kind", "target_user_id", "user_id", "username"):
            batch_op.create_index(batch_op.f(f"ix_security_event_{column}"), [column], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '%: {REFUSAL}', TG_TABLE_NAME; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_log_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change()"
        )


def _sqlite_triggers() -> None:
    for table in TABLES:
        for change in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION refuse_log_change()")
    else:
        for table in TABLES:
            for change in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{change}")
    for table in TABLES:
        op.drop_table(table)  # its indexes go with it
