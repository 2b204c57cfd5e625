"""Key rotation: every encrypted value rewritten under a new data key (models.crypto).

Run with a key ring that writes with the new key and still reads the old one
(`crypto.keys_in_use`); the caller commits once, so a failure leaves every value as it was,
readable by the old key.
"""

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlmodel import Session, SQLModel

from mediation.identifiers import lookup_key
from models import DataKeyCheck, Message, Worker
from models.crypto import (
    KEY_CHECK_TEXT,
    Encrypted,
    EncryptedChanges,
    current,
    holds_personal_data,
)

BATCH = 1_000
# Search keys derived from an encrypted column: recomputed with the new key's lookup key.
LOOKUP_COLUMNS = {
    Worker.__table__.name: {"id_key": ("id", "id_number"), "phone_key": ("phone", "phone")},
    Message.__table__.name: {"recipient_key": ("phone", "recipient")},
}


def encrypted_tables() -> dict[Table, list[str]]:
    """Every table with encrypted columns, and their names (found from the models, so a column
    added later is rotated too)."""
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, Encrypted | EncryptedChanges)]
        if names:
            found[table] = names
    return found


def reencrypt(session: Session, batch: int = BATCH) -> dict[str, int]:
    """Rewrite every encrypted value with the writing key of the keys in use, recompute the
    search keys, and replace the key check; the rows rewritten, by table. Plain UPDATEs in
    batches, keyset by id, through the column types (nothing passes the ORM's flush)."""
    connection = session.connection()
    rewritten = {}
    for table, names in encrypted_tables().items():
        lookups = LOOKUP_COLUMNS.get(table.name, {})
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in names}
                | {name: bindparam(f"new_{name}") for name in lookups}
            )
        )
        after, count = 0, 0
        while rows := connection.execute(
            select(table.c.id, *(table.c[name] for name in names))
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(batch)
        ).all():
            after = rows[-1].id
            plain = [row._mapping for row in rows]
            plain = [row for row in plain if any(holds_personal_data(row[n]) for n in names)]
            if not plain:
                continue
            values = []
            for row in plain:
                new = {f"new_{name}": row[name] for name in names}
                for key, (kind, source) in lookups.items():
                    new[f"new_{key}"] = lookup_key(kind, row[source])
                values.append({"row_id": row["id"], **new})
            connection.execute(statement, values)
            count += len(values)
        rewritten[table.name] = count
    ring = current()
    connection.execute(delete(DataKeyCheck))
    connection.execute(
        insert(DataKeyCheck).values(key_id=ring.writing.id, token=ring.encrypt(KEY_CHECK_TEXT))
    )
    return rewritten
