"""search keys: case numbers, ID numbers and phones by key; names by trigram

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:10:00+08:00

Adds the indexed columns search compares (numbering.number_key of case numbers,
identifiers.lookup_key of ID numbers and phones), fills them for existing rows, and the
substring indexes for names: pg_trgm GIN on PostgreSQL, FTS5 `trigram` tables kept by triggers
on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.numbering import number_key

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
TRIGRAM_COLUMNS = (("case_worker", "name"), ("employer", "name"))


def _fts(table: str, column: str) -> str:
    return f"{table}_{column}_fts"


def upgrade() -> None:
    for table in ("mediation_case", "legal_case"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("number_key", sa.String(length=40), server_default="", nullable=False)
            )
            batch_op.create_index(f"ix_{table}_number_key", ["number_key"], unique=False)
    with op.batch_alter_table("case_worker") as batch_op:
        batch_op.add_column(sa.Column("id_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("phone_key", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_case_worker_id_key", ["id_key"], unique=False)
        batch_op.create_index("ix_case_worker_phone_key", ["phone_key"], unique=False)
    _fill_keys()
    if op.get_bind().dialect.name == "postgresql":
        _create_trigram_indexes()
    else:
        for table, column in TRIGRAM_COLUMNS:
            _create_fts(table, column)


def lookup_key(kind: str, value: str | None) -> str | None:
    """The search key as this revision made it (the plain tagged value); 0015 turns keys into
    keyed hashes and encrypts the values."""
    text = (value or "").strip()
    return f"{kind}:{text}" if text else None


def _fill_keys() -> None:
    """Existing rows get their keys, computed by the application's own functions, a batch at a
    time (keyset by id, so a million cases never sit in memory at once)."""
    for table in ("mediation_case", "legal_case"):
        _fill(
            f"SELECT id, number FROM {table} WHERE id > :after ORDER BY id LIMIT {BATCH}",
            f"UPDATE {table} SET number_key = :key WHERE id = :id",
            lambda row: {"id": row[0], "key": number_key(row[1])},
        )
    _fill(
        "SELECT id, id_number, phone FROM case_worker"
        f" WHERE id > :after AND (id_number <> '' OR phone <> '') ORDER BY id LIMIT {BATCH}",
        "UPDATE case_worker SET id_key = :id_key, phone_key = :phone_key WHERE id = :id",
        lambda row: {
            "id": row[0],
            "id_key": lookup_key("id", row[1]),
            "phone_key": lookup_key("phone", row[2]),
        },
    )


def _fill(select_sql: str, update_sql: str, values) -> None:
    bind = op.get_bind()
    after = 0
    while rows := bind.execute(sa.text(select_sql), {"after": after}).all():
        bind.execute(sa.text(update_sql), [values(row) for row in rows])
        after = rows[-1][0]


def _create_trigram_indexes() -> None:
    """pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. It goes
    into `public` (or stays where it already is) and is left in place on downgrade, as other
    schemas of the database may use it. Trigrams of CJK text need a UTF-8 ctype (C.UTF-8 or a
    zh_CN.UTF-8 locale): under the C ctype pg_trgm drops non-ASCII characters."""
    bind = op.get_bind()
    schema = bind.execute(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if schema is None:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = "public"
    for table, column in TRIGRAM_COLUMNS:
        op.execute(
            f"CREATE INDEX ix_{table}_{column}_trgm ON {table}"
            f" USING gin ({column} {schema}.gin_trgm_ops)"
        )


def _create_fts(table: str, column: str) -> None:
    """An external-content FTS5 table over the column, kept in step by triggers, so every
    writer (the ORM, the ledger's bulk inserts, the shell) updates it."""
    fts = _fts(table, column)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5("
        f"{column}, content='{table}', content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column in TRIGRAM_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
    else:
        for table, column in TRIGRAM_COLUMNS:
            fts = _fts(table, column)
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild would drop and recreate
    # the tables, and with foreign keys on, dropping mediation_case deletes every worker.
    for table, columns in (
        ("case_worker", ("phone_key", "id_key")),
        ("legal_case", ("number_key",)),
        ("mediation_case", ("number_key",)),
    ):
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
