"""Background jobs, the files they and the scans store, and what the daily job finds due.

`Job` is the record every node reads: the broker (Huey) only carries the job's id to a worker.
Its state, progress (rows done of total), heartbeat and cancel request live here, so any app node
shows the same progress bar and a worker that dies leaves a row the reaper can requeue.

`StoredFile` holds the bytes behind `mediation.storage`: scans and the files jobs build, in the
database so that every node serves them and `backup` carries them.

`DueItem` is what the daily job found due for one day (sessions tomorrow, instalments due or in
default, deadlines near), for the notices to come.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class JobState(LabelledEnum):
    QUEUED = ("queued", "排队中")
    RUNNING = ("running", "进行中")
    DONE = ("done", "已完成")
    FAILED = ("failed", "失败")
    CANCELLED = ("cancelled", "已取消")


FINISHED_STATES = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"state IN ({JobState.sql_in()})", name="state"),
        CheckConstraint("rows_done >= 0", name="rows_done"),
        Index("ix_job_owner_created", "owner_id", "created_at"),
        Index("ix_job_state_heartbeat", "state", "heartbeat_at"),
    )

    id: str = Field(primary_key=True, max_length=40)  # random, or a day's key for daily jobs
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)  # what the user asked for, in Chinese
    owner_id: int | None = Field(default=None, foreign_key="user.id")  # None: the scheduler
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    state: str = Field(default=JobState.QUEUED.value, max_length=16)
    rows_done: int = Field(default=0)
    rows_total: int | None = None
    attempts: int = Field(default=0)
    worker_token: str | None = Field(default=None, max_length=32)  # the attempt that owns it
    cancel_requested: bool = Field(default=False)
    error: str = Field(default="", sa_type=Text)
    result_key: str | None = Field(default=None, max_length=200)  # in mediation.storage
    result_name: str = Field(default="", max_length=200)
    # Where the job page sends the user once the job is done (a path of this app), if anywhere.
    result_url: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return JobState(self.state).label

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


class StoredFile(SQLModel, table=True):
    __tablename__ = "stored_file"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size"),)

    key: str = Field(primary_key=True, max_length=200)
    media_type: str = Field(max_length=100)
    size_bytes: int = Field(sa_type=BigInteger)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow)


class DueKind(LabelledEnum):
    SESSION_TOMORROW = ("session_tomorrow", "明日调解")
    INSTALMENT_DUE = ("instalment_due", "明日到期的分期履行")
    INSTALMENT_DEFAULTED = ("instalment_defaulted", "分期履行逾期未付")
    DEADLINE_NEAR = ("deadline_near", "调解期限将至")


class DueItem(SQLModel, table=True):
    __tablename__ = "due_item"
    __table_args__ = (
        CheckConstraint(f"kind IN ({DueKind.sql_in()})", name="kind"),
        Index("ix_due_item_day_kind", "day", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date  # the local day it was computed for
    kind: str = Field(max_length=32)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    centre_id: int = Field(foreign_key="centre.id")
    due_on: date | None = None  # the session's day, the instalment's or the deadline's
    session_id: int | None = Field(default=None)  # a session tomorrow: which one
    amount_fen: int | None = Field(default=None, sa_type=BigInteger)  # instalments: how much
    job_id: str = Field(max_length=40)  # the run that found it

    @property
    def kind_label(self) -> str:
        return DueKind(self.kind).label
