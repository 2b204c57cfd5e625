"""A centre's remembered ledger column mapping: the columns of its own spreadsheet, as the
centre last confirmed them, applied to its next file with the same header."""

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class LedgerMapping(SQLModel, table=True):
    __tablename__ = "ledger_mapping"
    __table_args__ = (UniqueConstraint("centre_id", "signature", name="uq_ledger_mapping"),)

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", ondelete="CASCADE")
    # The file's header names, normalised, hashed: the same spreadsheet layout.
    signature: str = Field(max_length=64)
    columns: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # header → field or ""
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)
