"""Reference data: districts, mediation centres and the holiday calendar."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class District(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    name: str = Field(max_length=32)


class Centre(SQLModel, table=True):
    """A mediation centre. `district_id` is empty for the city-level centres."""

    __table_args__ = (
        CheckConstraint(
            "archive_after_days IS NULL OR archive_after_days BETWEEN 1 AND 3650",
            name="archive_after_days",
        ),
        CheckConstraint(
            "retention_years IS NULL OR retention_years BETWEEN 1 AND 100", name="retention_years"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=100, unique=True)
    short_name: str = Field(max_length=8, unique=True)  # used in case numbers: (2021)南里调字第15号
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=32)
    active: bool = Field(default=True)
    # Retention (mediation/retention.py): empty means the configured default
    # (ARCHIVE_AFTER_DAYS, RETENTION_YEARS).
    archive_after_days: int | None = None
    retention_years: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DayKind(LabelledEnum):
    HOLIDAY = ("holiday", "法定节假日")
    WORKDAY = ("workday", "调休上班日")


class CalendarDay(SQLModel, table=True):
    """An exception to the Monday-to-Friday week: a public holiday or a make-up working day."""

    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint(f"kind IN ({DayKind.sql_in()})", name="kind"),)

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=32)
