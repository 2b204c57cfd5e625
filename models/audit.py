"""The audit trail: who changed what, when; shown read-only as a case's timeline."""

from datetime import datetime
from typing import Any

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.base import utcnow
from models.crypto import EncryptedChanges


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(
        default=None, foreign_key="mediation_case.id", index=True, ondelete="CASCADE"
    )
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor: str = Field(max_length=100)  # the user's name, or e.g. "命令行 import-ledger"
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=40)
    summary: str = Field(default="", sa_type=Text)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=EncryptedChanges)
