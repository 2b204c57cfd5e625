"""The official periodic report: the reopenings it counts and the versions supervisors submit.

`CaseReopening` keeps each reopening of a case with the closure it undid, so that the report can
count both in their periods (a case closed, reopened and closed again counts twice as closed).
`PeriodReport` is one submitted version of a report: its figures are frozen at submission.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class CaseReopening(SQLModel, table=True):
    __tablename__ = "case_reopening"
    __table_args__ = (CheckConstraint("reopened_on >= closed_on", name="reopened_after_closed"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    centre_id: int = Field(foreign_key="centre.id", index=True)
    reopened_on: date = Field(index=True)
    closed_on: date  # the closure this reopening undid
    outcome: str = Field(max_length=16)  # the status it had: succeeded, failed, withdrawn ...
    # True when the undone closure was one of the report's (a closure after acceptance as
    # succeeded, failed or withdrawn); reopening a refusal, a voiding or a withdrawal before
    # acceptance counts neither as closed nor as reopened.
    counted: bool = Field(default=False)
    worker_count: int = Field(default=0)


SCOPE_KINDS = ("centre", "district", "city")


class PeriodReport(SQLModel, table=True):
    __tablename__ = "period_report"
    __table_args__ = (
        # one row per version of a scope's report for a period (uq_period_report_scope_kind)
        UniqueConstraint("scope_kind", "scope_code", "period_start", "period_end", "version"),
        CheckConstraint("scope_kind IN ('centre', 'district', 'city')", name="scope_kind"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("version = 1 OR reason <> ''", name="correction_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope_kind: str = Field(max_length=8)
    scope_code: str = Field(default="", max_length=16)  # "" for the city
    period_start: date
    period_end: date
    version: int = Field(default=1)
    reason: str = Field(default="", sa_type=Text)  # why a new version (更正) was submitted
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    responsible: str = Field(default="", max_length=50)  # 单位负责人
    preparer: str = Field(default="", max_length=50)  # 填表人
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime = Field(default_factory=utcnow)
