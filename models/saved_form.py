"""A form posted after its login had expired, kept until its author logs in again."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from models.base import utcnow


class SavedForm(SQLModel, table=True):
    """The browser holds only `token` (in its session cookie); the fields stay here, and only
    `username` gets them back. Rows past `expires_at` are deleted on the next save."""

    __tablename__ = "saved_form"

    token: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=64, index=True)
    path: str = Field(max_length=2000)  # the page the form was posted to, with its query
    fields: list[list[str]] = Field(default_factory=list, sa_type=JSON)  # [name, value] pairs
    files_dropped: bool = Field(default=False)  # files are never kept: the user chooses again
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
