"""encrypt ID numbers and phones at rest; search keys become keyed hashes

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 14:20:00+08:00

- data_key_check: the id of the data key and a known text encrypted by it (models.crypto), so a
  process with another key refuses to start.
- Workers' (mediation and legal) ID numbers and phones, employers' and lawyers' phones: encrypted
  in place by the data key, AES-256-GCM; on PostgreSQL their columns become unbounded VARCHAR
  (a ciphertext is longer than its number; SQLite never enforced the lengths). The index on the
  worker's ID number goes: search and the repeat-claim check compare id_key.
- case_worker.id_key / phone_key: recomputed as identifiers.lookup_key, an HMAC of the value.
- audit_event.changes: the ID numbers and phones a correction recorded, encrypted the same way.

The key is found as the app finds it (models.crypto.current: the key the app installed, else
DATA_KEY, else instance/data_key); without one the migration stops before changing anything.
Downgrade decrypts, and puts back the plain tagged keys of 0007.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.identifiers import lookup_key
from models import crypto
from models.crypto import PERSONAL_CHANGES

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2_000
# The columns encrypted, with their lengths in clear. A centre's phone is an office number
# printed on every document it hands out: not personal data, left in clear.
COLUMNS = {
    "case_worker": {"id_number": 30, "phone": 32},
    "legal_worker": {"id_number": 30, "phone": 32},
    "employer": {"phone": 32},
    "lawyer": {"phone": 32},
}


def upgrade() -> None:
    ring = crypto.current()
    op.create_table(
        "data_key_check",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_data_key_check")),
    )
    op.execute(
        sa.text("INSERT INTO data_key_check (key_id, token) VALUES (:id, :token)").bindparams(
            id=ring.writing.id, token=ring.encrypt(crypto.KEY_CHECK_TEXT)
        )
    )
    op.drop_index("ix_case_worker_id_number", table_name="case_worker")
    _set_lengths(encrypted=True)
    for table, columns in COLUMNS.items():

        def encrypted(row, columns=columns, table=table) -> dict:
            values = {column: ring.encrypt(row[column]) for column in columns}
            if table == "case_worker":
                values["id_key"] = lookup_key("id", row["id_number"])
                values["phone_key"] = lookup_key("phone", row["phone"])
            return values

        _rewrite(table, list(columns), encrypted)
    _rewrite_changes(ring.encrypt)


def downgrade() -> None:
    ring = crypto.current()
    for table, columns in COLUMNS.items():

        def decrypted(row, columns=columns, table=table) -> dict:
            values = {column: ring.decrypt(row[column]) for column in columns}
            if table == "case_worker":  # the plain tagged keys of 0007
                values["id_key"] = f"id:{values['id_number']}" if values["id_number"] else None
                values["phone_key"] = f"phone:{values['phone']}" if values["phone"] else None
            return values

        _rewrite(table, list(columns), decrypted)
    _rewrite_changes(ring.decrypt)
    _set_lengths(encrypted=False)
    op.create_index("ix_case_worker_id_number", "case_worker", ["id_number"], unique=False)
    op.drop_table("data_key_check")


def _set_lengths(encrypted: bool) -> None:
    """Unbounded while encrypted, the old VARCHAR lengths in clear; PostgreSQL only (SQLite
    never enforced them)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column, length in columns.items():
            op.alter_column(
                table,
                column,
                type_=sa.String() if encrypted else sa.String(length=length),
                existing_nullable=False,
            )


def _rewrite(table: str, columns: list[str], new_values) -> None:
    """Update each row with a value in one of `columns` to `new_values(row)`, a batch at a time
    (keyset by id, so a million workers never sit in memory at once)."""
    bind = op.get_bind()
    any_value = " OR ".join(f"{column} <> ''" for column in columns)
    select_sql = sa.text(
        f"SELECT id, {', '.join(columns)} FROM {table}"
        f" WHERE id > :after AND ({any_value}) ORDER BY id LIMIT {BATCH}"
    )
    after = 0
    while rows := bind.execute(select_sql, {"after": after}).mappings().all():
        values = [{"row_id": row["id"], **new_values(row)} for row in rows]
        assignments = ", ".join(f"{name} = :{name}" for name in values[0] if name != "row_id")
        bind.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :row_id"), values)
        after = rows[-1]["id"]


def _rewrite_changes(convert) -> None:
    """The ID numbers and phones in audit events' changes ({field: [before, after]}, written by
    corrections), through `convert`."""
    bind = op.get_bind()
    select_sql = sa.text(
        "SELECT id, changes FROM audit_event WHERE id > :after"
        " AND (CAST(changes AS TEXT) LIKE :id OR CAST(changes AS TEXT) LIKE :phone)"
        f" ORDER BY id LIMIT {BATCH}"
    )
    update_sql = sa.text("UPDATE audit_event SET changes = :changes WHERE id = :row_id")
    update_sql = update_sql.bindparams(sa.bindparam("changes", type_=sa.JSON))
    patterns = {"id": '%id_number"%', "phone": '%phone"%'}  # "employer_phone" too
    after = 0
    while rows := bind.execute(select_sql, {"after": after, **patterns}).all():
        values = []
        for row_id, stored in rows:
            changes = json.loads(stored) if isinstance(stored, str) else stored
            for name in PERSONAL_CHANGES & changes.keys():
                changes[name] = [convert(v) if isinstance(v, str) else v for v in changes[name]]
            values.append({"row_id": row_id, "changes": changes})
        bind.execute(update_sql, values)
        after = rows[-1][0]
