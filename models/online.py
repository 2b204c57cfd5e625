"""What the parties do themselves, outside the centre: one-time codes sent to a phone, online
applications waiting for their phone to be verified, and the messages sent to anyone."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow
from models.crypto import Encrypted, EncryptedJSON


class CodePurpose(LabelledEnum):
    APPLY = ("apply", "网上申请")
    TRACK = ("track", "进度查询")
    SERVE = ("serve", "电子送达")


class OneTimeCode(SQLModel, table=True):
    """A 6-digit code sent to a phone. Only its keyed hash is kept; it is spent on first use,
    after MAX_TRIES wrong answers, or when it expires."""

    __tablename__ = "one_time_code"

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16)
    # What the code unlocks: an online application's token, a tracked case's id…
    subject: str = Field(max_length=64, index=True)
    phone_key: str = Field(max_length=128, index=True)
    code_hash: str = Field(max_length=64)
    tries: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class ApplicationStatus(LabelledEnum):
    PENDING = ("pending", "待验证手机")
    SUBMITTED = ("submitted", "已提交")


class OnlineApplication(SQLModel, table=True):
    """An application typed on /apply. Until its phone is verified it is only this row (its
    data, kept at most a day); verified, it becomes a case awaiting acceptance and the data
    moves there."""

    __tablename__ = "online_application"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    reference: str = Field(max_length=20, unique=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    status: str = Field(default=ApplicationStatus.PENDING.value, max_length=16)
    phone: str = Field(sa_type=Encrypted)
    data: dict = Field(default_factory=dict, sa_type=EncryptedJSON)
    notices_consent: bool = False
    remote_addr: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    submitted_at: datetime | None = None
    case_id: int | None = Field(default=None, foreign_key="mediation_case.id", index=True)


class MessageStatus(LabelledEnum):
    QUEUED = ("queued", "待发送")
    SENT = ("sent", "已发送")
    DELIVERED = ("delivered", "已送达")
    FAILED = ("failed", "发送失败")
    RETRIED = ("retried", "已重试")


# Message kinds addressed to the centre's staff rather than to the parties.
STAFF_KINDS = frozenset({"deadline_near"})


class Message(SQLModel, table=True):
    """One message to one recipient over one channel, with where it stands. In the embedded
    default the channel is the outbox: the message is kept here and nothing leaves."""

    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="mediation_case.id", index=True)
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    recipient: str = Field(sa_type=Encrypted)  # a phone (encrypted, like the workers')
    recipient_key: str | None = Field(default=None, max_length=80, index=True)  # lookup_key
    text: str = Field(sa_type=Encrypted)
    # The values in the text, by name: what an SMS template's parameters are filled from.
    params: dict = Field(default_factory=dict, sa_type=EncryptedJSON)
    status: str = Field(default=MessageStatus.QUEUED.value, max_length=16)
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    # Set on notices a scheduled run sends, so that running it twice sends once.
    dedupe_key: str | None = Field(default=None, max_length=80, unique=True)
    # What the provider called it when it took it (an SMS's SerialNo, an e-mail's Message-ID):
    # its delivery reports name the message by it.
    provider_ref: str | None = Field(default=None, max_length=200, index=True)
    delivered_at: datetime | None = None  # received, by the provider's report

    @property
    def status_label(self) -> str:
        return MessageStatus(self.status).label

    @property
    def to_staff(self) -> bool:
        """A notice to a staff member (at an e-mail address or their username), shown in full;
        the parties' phones are masked."""
        return self.kind in STAFF_KINDS


class EmployerReply(SQLModel, table=True):
    """The employer's answer to an application, by the link sent to its mobile: whether it
    agrees to mediate (with a reason when not) and the dates it proposes. The link works while
    the case awaits the acceptance decision."""

    __tablename__ = "employer_reply"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True)
    token: str = Field(max_length=64, unique=True)
    phone: str = Field(sa_type=Encrypted)
    sent_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    agrees: bool | None = None
    reason: str = Field(default="", max_length=500)
    proposed: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contact_name: str = Field(default="", max_length=64)
    version: int = Field(default=1)


class Rating(SQLModel, table=True):
    """A worker's rating of the service after their case closed (1–5 and a comment), by the
    link in the closing notice. The centre, mediator and lawyer are those of the closing, so
    that a later move of the case does not move its ratings."""

    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True)
    worker_id: int = Field(foreign_key="case_worker.id", index=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    mediator_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    lawyer_id: int | None = Field(default=None, foreign_key="lawyer.id", index=True)
    closed_on: date = Field(index=True)
    token: str = Field(max_length=64, unique=True)
    sent_at: datetime = Field(default_factory=utcnow)
    score: int | None = None
    comment: str = Field(default="", max_length=500)
    answered_at: datetime | None = None


class DocumentService(SQLModel, table=True):
    """A document served electronically (电子送达) on one worker: a link by SMS that opens only
    after a one-time code sent to the same phone is entered, so that link previews and scanners
    never count as opening. `opened_at` is the moment of service the 送达回证 shows."""

    __tablename__ = "document_service"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True)
    worker_id: int = Field(foreign_key="case_worker.id", index=True)
    doc_code: str = Field(max_length=16)
    title: str = Field(max_length=64)
    token: str = Field(max_length=64, unique=True)
    phone: str = Field(sa_type=Encrypted)
    sent_at: datetime = Field(default_factory=utcnow)
    opened_at: datetime | None = None
    served_by_id: int | None = Field(default=None, foreign_key="user.id")
