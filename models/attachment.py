"""Scans of signed paper attached to a case: the bytes live in mediation.storage, the row
describes them."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class AttachmentKind(LabelledEnum):
    SIGNED_AGREEMENT = ("signed_agreement", "已签章的调解协议书")
    SERVICE_RECEIPT = ("service_receipt", "已签收的送达回证")
    APPLICATION = ("application", "申请材料")
    EVIDENCE = ("evidence", "证据材料")
    OTHER = ("other", "其他")


class FileType(LabelledEnum):
    """The file types accepted, recognised by their first bytes (never by the name)."""

    PDF = ("application/pdf", "PDF")
    JPEG = ("image/jpeg", "JPEG")
    PNG = ("image/png", "PNG")

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[self.value]


class Attachment(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"kind IN ({AttachmentKind.sql_in()})", name="kind"),
        CheckConstraint(f"content_type IN ({FileType.sql_in()})", name="content_type"),
        CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    original_name: str = Field(max_length=200)  # as the user's computer named it, for display
    stored_name: str = Field(max_length=64, unique=True)  # random; its key in mediation.storage
    content_type: str = Field(max_length=32)
    size_bytes: int
    sha256: str = Field(max_length=64)
    note: str = Field(default="", max_length=200)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)

    @property
    def kind_label(self) -> str:
        return AttachmentKind(self.kind).label

    @property
    def file_type(self) -> FileType:
        return FileType(self.content_type)
