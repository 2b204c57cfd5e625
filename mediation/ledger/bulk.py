"""Bulk inserts of a ledger import: primary keys reserved beforehand (reserve_ids), rows written
a batch at a time in one statement per table (insert_all: COPY on PostgreSQL, an executemany
on SQLite), within bulk_loading, which makes them cheaper for SQLite."""

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import islice

from sqlalchemy import func, text
from sqlmodel import Session, select

# An FTS5 search table's insert trigger as migration 0007 creates it: one INSERT per row.
FTS_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) AFTER INSERT ON (\w+) BEGIN"
    r" INSERT INTO (\w+)\(rowid, (\w+)\) VALUES \(new\.id, new\.(\w+)\); END"
)
SEARCH_TABLES = "ledger_bulk_search_tables"  # session.info: {table: (FTS5 table, column)}


@contextmanager
def bulk_loading(session: Session) -> Iterator[None]:
    """Around the bulk inserts of an import (insert_all) on SQLite: the FTS5 search tables
    (worker and employer names) are filled a batch at a time by insert_all instead of a row at
    a time by their insert triggers, which cost four times as much as the insert itself
    (75,000 workers: 4.4 s against 1 s). The triggers are dropped for the import and created
    again as they were: nobody else sees them missing (the import holds SQLite's write lock),
    and a failed import, which writes nothing, rolls their removal back with everything else."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    triggers = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).scalars()
    deferred = {}
    for sql in triggers:
        match = FTS_TRIGGER.fullmatch(sql or "")
        if match and match[4] == match[5]:
            name, table, fts, column, _ = match.groups()
            deferred[name] = (table, fts, column, sql)
    for name in deferred:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    session.info[SEARCH_TABLES] = {t: (fts, column) for t, fts, column, _ in deferred.values()}

    def restore() -> None:
        for _, _, _, sql in deferred.values():
            connection.exec_driver_sql(sql)

    try:
        yield
    except BaseException:
        with suppress(Exception):  # else the rollback that follows a failure restores them
            restore()
        raise
    else:
        restore()
    finally:
        del session.info[SEARCH_TABLES]


def reserve_ids(session: Session, model, count: int) -> list[int]:
    """`count` fresh primary keys for the table, so that rows and the rows that refer to them
    can be inserted by COPY or a plain executemany (INSERT … RETURNING costs several times more).

    PostgreSQL takes them from the column's sequence, safe under concurrency. SQLite counts on
    from the highest id: the import has taken SQLite's write lock (raise_counter writes first),
    so no other writer can take the same ids before the commit."""
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        # One array, not a row per id: 100,000 rows are fetched one by one by the driver. The
        # sequence is looked up once (OFFSET 0 keeps the subquery apart), not once per id:
        # eight times faster (383,000 ids: 2.4 s against 0.3 s).
        statement = text(
            "SELECT array_agg(id ORDER BY id) FROM (SELECT nextval(sequence.name) AS id"
            " FROM (SELECT pg_get_serial_sequence(:table, 'id')::regclass AS name OFFSET 0)"
            " AS sequence, generate_series(1, :n)) AS reserved"
        )
        return list(session.exec(statement, params={"table": table.name, "n": count}).scalar())
    highest = session.exec(select(func.coalesce(func.max(table.c.id), 0))).one()
    return list(range(highest + 1, highest + 1 + count))


def insert_all(session: Session, model, rows: list[dict]) -> None:
    """The rows in one statement through the session's transaction, as a Core INSERT would
    write them (_prepared): COPY on PostgreSQL, an executemany on SQLite.

    Core's executemany builds every row's parameters anew (some 30 µs a row, a third of the
    import on SQLite); the prepared rows go to the driver as they are.
    An executemany on PostgreSQL sends one INSERT per row (psycopg pipelines them, but the
    server still plans and executes each); COPY is one statement for the batch, several times
    cheaper for the server and the client both."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    names, values = _prepared(dialect, table, rows)
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    cursor = connection.connection.driver_connection.cursor()
    target = dialect.identifier_preparer.format_table(table)
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        values = list(values)
        marks = ", ".join("?" for _ in names)
        cursor.executemany(f"INSERT INTO {target} ({columns}) VALUES ({marks})", values)
        search = session.info.get(SEARCH_TABLES, {}).get(table.name)
        if search:  # the rows' entries in the table's FTS5 table, as its trigger would add them
            fts, column = search
            at, of = names.index("id"), names.index(column)
            cursor.executemany(
                f"INSERT INTO {quote(fts)}(rowid, {quote(column)}) VALUES (?, ?)",
                [(row[at], row[of]) for row in values],
            )
    finally:
        cursor.close()


def _prepared(dialect, table, rows: list[dict]) -> tuple[list[str], Iterator[list]]:
    """The columns a Core INSERT of the rows would write (the rows' keys and those with a
    Python-side default) and each row's values: defaults filled in, each value through its
    column type's bind processor (the encryption of ID numbers and phones among them)."""
    given = list(rows[0])
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in given]
    constants, generated = [], []  # the columns of Python-side defaults the rows leave out
    for column in table.columns:
        if column.name in rows[0] or column.default is None:
            continue
        process = column.type._cached_bind_processor(dialect) or (lambda value: value)
        if column.default.is_callable:
            generated.append((column.name, column.default.arg, process))
        else:
            constants.append((column.name, process(column.default.arg)))
    names = [*given, *(name for name, _ in constants), *(name for name, _, _ in generated)]
    fixed = [value for _, value in constants]
    pairs = list(zip(given, processors, strict=True))

    def values() -> Iterator[list]:
        for row in rows:
            row_values = [
                process(row[name]) if process is not None else row[name] for name, process in pairs
            ]
            row_values += fixed
            row_values += [process(make(None)) for _, make, process in generated]
            yield row_values

    return names, values()


def with_ids(session: Session, model, rows: list[dict]) -> list[int]:
    return give_ids(rows, iter(reserve_ids(session, model, len(rows))))


def give_ids(rows: list[dict], reserved: Iterator[int]) -> list[int]:
    """Each row its id, the next of the ids reserved for its table."""
    ids = list(islice(reserved, len(rows)))
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    return ids
