"""access log and security events: who read whose personal data, and who logged in or changed
what decides who reads what (issue 15; PIPL, 等保2.0 安全审计)

- access_log: one row per read of a case's personal data (page, API answer, document, scan,
  repeat-claim warning, a search by ID number or phone) and one per export.
- security_event: logins, failures, lockouts, logouts, password changes and resets, account,
  role and scope changes, roster and employer edits.
- Both are append-only: a trigger refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL), so
  not even a bug in the application can rewrite the record. Neither has a foreign key, so no
  cascade from another table ever reaches them.
- Data: the case events that recorded prints and downloads (audit_event actions "print" and
  "download") move to the access log: they were reads, not changes of the case.

Downgrade moves those reads back into case events, then drops the triggers and both tables.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 22:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("access_log", "security_event")
READS = ("print", "download")  # the case events that were reads

audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("summary", sa.String),
    sa.column("changes", sa.JSON),
)
case = sa.table("mediation_case", sa.column("id", sa.Integer), sa.column("number", sa.String))
user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("display_name", sa.String),
)
access_log = sa.table(
    "access_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("user_id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("kind", sa.String),
    sa.column("case_id", sa.Integer),
    sa.column("case_number", sa.String),
    sa.column("detail", sa.String),
    sa.column("ip", sa.String),
    sa.column("user_agent", sa.String),
)
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
        sa.Column("document", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
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

    _move_reads_to_the_access_log()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _move_reads_to_the_access_log() -> None:
    """Each print or download event becomes an access-log record of the same time, user and
    case: 「打印X」 a document, 「下载XPDF」 a PDF, a download event a scan (its summary kept)."""
    summary = audit_event.c.summary
    is_pdf = summary.like("%PDF")
    kind = sa.case(
        (audit_event.c.action == "download", "scan"), (is_pdf, "document_pdf"), else_="document"
    )
    detail = sa.case(
        (audit_event.c.action == "download", summary),
        (is_pdf, sa.func.substr(summary, 3, sa.func.length(summary) - 5)),
        else_=sa.func.substr(summary, 3),
    )
    reads = (
        sa.select(
            audit_event.c.at,
            audit_event.c.user_id,
            sa.func.substr(sa.func.coalesce(user.c.username, audit_event.c.actor), 1, 64),
            kind,
            audit_event.c.case_id,
            case.c.number,
            sa.func.substr(detail, 1, 500),
            sa.literal(""),
            sa.literal(""),
        )
        .select_from(
            audit_event.join(case, case.c.id == audit_event.c.case_id).outerjoin(
                user, user.c.id == audit_event.c.user_id
            )
        )
        .where(audit_event.c.action.in_(READS))
        .order_by(audit_event.c.id)
    )
    columns = ["at", "user_id", "username", "kind", "case_id", "case_number", "detail", "ip"]
    op.execute(access_log.insert().from_select([*columns, "user_agent"], reads))
    op.execute(audit_event.delete().where(audit_event.c.action.in_(READS)))


def _move_reads_back() -> None:
    """The old schema's case events for the reads it knew: documents and scans."""
    kind, detail = access_log.c.kind, access_log.c.detail
    summary = sa.case(
        (kind == "document", sa.literal("打印") + detail),
        (kind == "document_pdf", sa.literal("下载") + detail + sa.literal("PDF")),
        else_=detail,
    )
    name = sa.func.coalesce(sa.func.nullif(user.c.display_name, ""), access_log.c.username)
    reads = (
        sa.select(
            access_log.c.case_id,
            access_log.c.user_id,
            name,
            access_log.c.at,
            sa.case((kind == "scan", "download"), else_="print"),
            summary,
            sa.literal_column("'{}'"),
        )
        .select_from(access_log.outerjoin(user, user.c.id == access_log.c.user_id))
        .where(kind.in_(("document", "document_pdf", "scan")), access_log.c.case_id.is_not(None))
        .order_by(access_log.c.id)
    )
    columns = ["case_id", "user_id", "actor", "at", "action", "summary", "changes"]
    op.execute(audit_event.insert().from_select(columns, reads))


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
    _move_reads_back()
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
