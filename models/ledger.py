"""Ledger files uploaded for import: the user's mapping choices and the checked preview, kept in
the database until imported or discarded (the file's bytes live in mediation.storage under
storage.ledger_key(token)); the content hash of every imported file, kept for good so that the
same file is never imported twice; and a centre's remembered column mapping: the columns of its
own spreadsheet, as the centre last confirmed them, applied to its next file with the same
header."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class LedgerUploadStatus(LabelledEnum):
    PREVIEWED = ("previewed", "待确认")
    IMPORTED = ("imported", "已导入")


class LedgerUpload(SQLModel, table=True):
    __tablename__ = "ledger_upload"
    __table_args__ = (
        CheckConstraint(f"status IN ({LedgerUploadStatus.sql_in()})", name="status"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        # A content is imported once: of two confirmations racing, the second fails here.
        Index(
            "uq_ledger_upload_imported_sha256",
            "sha256",
            unique=True,
            sqlite_where=text("status = 'imported'"),
            postgresql_where=text("status = 'imported'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)  # random: the preview's address
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)  # None: CLI
    centre_id: int | None = Field(default=None, foreign_key="centre.id")  # the uploader's
    filename: str = Field(max_length=200)
    size_bytes: int
    sha256: str = Field(max_length=64)
    # The mapping the user chose in the preview (sheet, column corrections, centre, channel):
    # the preview is computed again from the bytes with it when it changes.
    choice: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # ImportChoice
    # StoredPreview; {} while a job checks a large file (mediation.ledger.uploads).
    preview: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=LedgerUploadStatus.PREVIEWED, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    imported_at: datetime | None = None


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
