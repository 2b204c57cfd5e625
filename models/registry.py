"""The mediator registry (调解员名册) a centre publishes: each mediator's qualifications and
certificates, training hours per year and specialties. The centre a mediator serves is their
account's centre; their caseload comes from the statistics."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Integer
from sqlmodel import Field, SQLModel

from models.base import utcnow

_profile_version = Column("version", Integer, nullable=False)


class MediatorProfile(SQLModel, table=True):
    __tablename__ = "mediator_profile"
    __mapper_args__ = {"version_id_col": _profile_version}  # noqa: RUF012

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    specialties: str = Field(default="", max_length=200)  # e.g. 工伤、劳动报酬
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_profile_version)


class MediatorQualification(SQLModel, table=True):
    """A qualification or training certificate (调解员资格证书、培训证书)."""

    __tablename__ = "mediator_qualification"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    number: str = Field(default="", max_length=64)
    issuer: str = Field(max_length=100)
    issued_on: date
    created_at: datetime = Field(default_factory=utcnow)


class MediatorTraining(SQLModel, table=True):
    """Training hours (学时) a mediator completed in a year."""

    __tablename__ = "mediator_training"
    __table_args__ = (CheckConstraint("hours >= 0 AND hours <= 2000", name="hours"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    year: int = Field(primary_key=True)
    hours: int = Field(default=0)
