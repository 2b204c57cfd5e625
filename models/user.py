"""Users, their role and the scope the role is bound to."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class Role(LabelledEnum):
    MEDIATOR = ("mediator", "调解员")
    LAWYER = ("lawyer", "特约律师")
    CENTRE_SUPERVISOR = ("centre_supervisor", "中心负责人")
    DISTRICT_SUPERVISOR = ("district_supervisor", "区级管理人员")
    CITY_SUPERVISOR = ("city_supervisor", "市级管理人员")
    ADMIN = ("admin", "系统管理员")

    @property
    def needs_centre(self) -> bool:
        return self in (Role.MEDIATOR, Role.LAWYER, Role.CENTRE_SUPERVISOR)

    @property
    def needs_district(self) -> bool:
        return self is Role.DISTRICT_SUPERVISOR


class User(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"role IN ({Role.sql_in()})", name="role"),
        CheckConstraint(
            "(role NOT IN ('mediator', 'lawyer', 'centre_supervisor') OR centre_id IS NOT NULL)"
            " AND (role <> 'district_supervisor' OR district_id IS NOT NULL)",
            name="scope",
        ),
        CheckConstraint("failed_logins >= 0", name="failed_logins"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=64)
    # Where notices to this user go by e-mail (the deadline approaching); none: the outbox.
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=32)
    centre_id: int | None = Field(default=None, foreign_key="centre.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    active: bool = Field(default=True)
    # Lockout state lives in the database so it holds across worker processes.
    failed_logins: int = Field(default=0)
    first_failed_at: datetime | None = None
    locked_until: datetime | None = None
    # Part of the login cookie; bumping it (logout, password change) invalidates every copy.
    session_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def name(self) -> str:
        return self.display_name or self.username

    # Flask-Login protocol, written out so models stay free of Flask imports.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"
