"""Shared pieces of every table: the naming convention, timestamps and a status-enum base."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, cast, func
from sqlmodel import SQLModel

# Set before any table is defined, so every constraint and index gets a stable, named identity
# that Alembic can create, compare and drop on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC. SQLModel's datetime columns store UTC and give aware values back on both
    databases; convert to Asia/Shanghai only for display."""
    return datetime.now(UTC)


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label: `Member = ("value", "标签")`."""

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def sql_in(cls) -> str:
        """The member values as an SQL list, for CHECK constraints."""
        return ", ".join(f"'{m.value}'" for m in cls)


def sql_total(column):
    """SUM(column) as a whole number, 0 for no rows. PostgreSQL sums BIGINT as NUMERIC
    (Decimal in Python); the cast keeps money in integer fen on both databases."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


def trigram_index(table: str, column: str) -> Index:
    """A PostgreSQL pg_trgm GIN index for substring search (LIKE '%...%' of three characters or
    more; CJK needs a UTF-8 ctype). SQLite gets an FTS5 trigram table from the migration."""
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
