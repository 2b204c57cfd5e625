"""The mediation case and everything it owns: workers, claims, sessions, agreement, payments."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, trigram_index, utcnow
from models.crypto import Encrypted


class CaseStatus(LabelledEnum):
    RECEIVED = ("received", "待受理")
    ACCEPTED = ("accepted", "已受理")
    REFUSED = ("refused", "不予受理")
    IN_MEDIATION = ("in_mediation", "调解中")
    SUCCEEDED = ("succeeded", "调解成功")
    FAILED = ("failed", "调解不成")
    WITHDRAWN = ("withdrawn", "已撤回")
    VOIDED = ("voided", "已作废")

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES

    @property
    def css_class(self) -> str:
        return {
            "received": "warn",
            "accepted": "info",
            "in_mediation": "info",
            "succeeded": "ok",
            "failed": "bad",
            "refused": "muted",
            "withdrawn": "muted",
            "voided": "muted",
        }[self.value]


CLOSED_STATUSES = frozenset(
    {
        CaseStatus.REFUSED,
        CaseStatus.SUCCEEDED,
        CaseStatus.FAILED,
        CaseStatus.WITHDRAWN,
        CaseStatus.VOIDED,
    }
)
OPEN_STATUSES = frozenset(set(CaseStatus) - CLOSED_STATUSES)


class Channel(LabelledEnum):
    """案件来源. The values are the Chinese names, as the ledger and the API use them."""

    WALK_IN = ("现场申请", "现场申请")
    PHONE = ("电话", "电话（12351/12333）")
    ONLINE = ("网上申请", "网上申请")
    ARBITRATION = ("仲裁委托", "仲裁委托（裁前调解）")
    COURT_DELEGATED = ("法院委派", "法院委派（诉前）")
    COURT_ENTRUSTED = ("法院委托", "法院委托（诉中）")
    REFERRED = ("其他转办", "其他单位转办")


class ApplicationForm(LabelledEnum):
    WRITTEN = ("written", "书面申请")
    ORAL = ("oral", "口头申请")


class Category(LabelledEnum):
    """争议类别, following the official statistics (values are the Chinese names)."""

    WAGES = ("劳动报酬", "劳动报酬")
    SOCIAL_INSURANCE = ("社会保险", "社会保险")
    WORK_INJURY = ("工伤", "工伤")
    TERMINATION = ("解除/终止劳动合同", "解除/终止劳动合同")
    RELATIONSHIP = ("确认劳动关系", "确认劳动关系")
    CONTRACT = ("订立/履行/变更劳动合同", "订立/履行/变更劳动合同")
    CONDITIONS = ("工作时间/休息休假/福利/培训/劳动保护", "工作时间/休息休假/福利/培训/劳动保护")
    DISMISSAL = ("除名/辞退/辞职/离职", "除名/辞退/辞职/离职")
    OTHER = ("其他", "其他")


class ClaimKind(LabelledEnum):
    """What a claim line asks for. `payment_order` marks the kinds for which a worker may seek
    a court payment order (支付令) when an agreement is not paid (law art.16)."""

    WAGES = ("工资", "拖欠工资")
    OVERTIME = ("加班费", "加班费")
    COMPENSATION = ("经济补偿金", "经济补偿金")
    DAMAGES = ("赔偿金", "赔偿金")
    DOUBLE_WAGES = ("二倍工资差额", "未签合同二倍工资差额")
    INJURY = ("工伤待遇", "工伤医疗费及待遇")
    SOCIAL_INSURANCE = ("社会保险", "社会保险")
    ANNUAL_LEAVE = ("未休年假工资", "未休年假工资")
    OTHER = ("其他", "其他")

    @property
    def payment_order(self) -> bool:
        return self in (
            ClaimKind.WAGES,
            ClaimKind.OVERTIME,
            ClaimKind.COMPENSATION,
            ClaimKind.DAMAGES,
            ClaimKind.INJURY,
        )


class FailureReason(LabelledEnum):
    EMPLOYER_REFUSES = ("employer_refuses", "用人单位拒绝调解")
    NO_AGREEMENT = ("no_agreement", "期限内未达成协议")
    UNREACHABLE = ("unreachable", "一方当事人无法联系")
    WENT_BACK = ("went_back", "一方反悔")
    OTHER = ("other", "其他")


# Optimistic locking: every UPDATE checks and bumps it, so a stale save fails instead of
# silently overwriting someone else's edit.
_version_column = Column("version", Integer, nullable=False)


class Case(SQLModel, table=True):
    __tablename__ = "mediation_case"
    __table_args__ = (
        UniqueConstraint("centre_id", "number", name="uq_mediation_case_centre_number"),
        UniqueConstraint("centre_id", "year", "seq", name="uq_mediation_case_centre_year_seq"),
        CheckConstraint(f"status IN ({CaseStatus.sql_in()})", name="status"),
        CheckConstraint(f"channel IN ({Channel.sql_in()})", name="channel"),
        CheckConstraint(f"category IN ({Category.sql_in()})", name="category"),
        CheckConstraint(f"application_form IN ({ApplicationForm.sql_in()})", name="form"),
        CheckConstraint("application_form <> 'oral' OR oral_record <> ''", name="oral_record"),
        CheckConstraint(
            "(status IN ('refused', 'succeeded', 'failed', 'withdrawn', 'voided'))"
            " = (closed_on IS NOT NULL)",
            name="closed_iff_closed_on",
        ),
        CheckConstraint(
            "status NOT IN ('accepted', 'in_mediation', 'succeeded', 'failed')"
            " OR accepted_on IS NOT NULL",
            name="accepted_has_date",
        ),
        CheckConstraint("accepted_on IS NULL OR accepted_on >= received_on", name="accepted_order"),
        CheckConstraint("closed_on IS NULL OR closed_on >= received_on", name="closed_order"),
        CheckConstraint(
            "closed_on IS NULL OR accepted_on IS NULL OR closed_on >= accepted_on",
            name="closed_after_accepted",
        ),
        CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name="refusal_reason"),
        CheckConstraint("status <> 'voided' OR void_reason <> ''", name="void_reason"),
        CheckConstraint("status <> 'failed' OR failure_reason <> ''", name="failure_reason"),
        CheckConstraint("extension_days BETWEEN 0 AND 15", name="extension_days"),
        CheckConstraint(
            "extension_days = 0 OR extension_consent_on IS NOT NULL", name="extension_consent"
        ),
        CheckConstraint("archived_on IS NULL OR closed_on IS NOT NULL", name="archived_closed"),
        CheckConstraint(
            "anonymised_on IS NULL OR archived_on IS NOT NULL", name="anonymised_archived"
        ),
        CheckConstraint(
            "worker_count >= 0 AND claimed_fen >= 0 AND agreed_fen >= 0 AND paid_fen >= 0",
            name="totals_non_negative",
        ),
        # status first: open cases are few; the statistics count overdue ones by acceptance date.
        Index("ix_mediation_case_status_due", "status", "accepted_on", "mediation_due_on"),
        Index("ix_mediation_case_employer_accepted", "employer_id", "accepted_on"),
    )
    __mapper_args__ = {"version_id_col": _version_column}  # noqa: RUF012

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    year: int  # year of receipt: numbers restart every year
    seq: int
    number: str = Field(max_length=40)  # (2021)南里调字第15号
    # numbering.number_key(number): what search compares (full/half width, brackets, 第/号 folded)
    number_key: str = Field(
        default="", max_length=40, index=True, sa_column_kwargs={"server_default": ""}
    )
    channel: str = Field(max_length=16)
    application_form: str = Field(default=ApplicationForm.WRITTEN.value, max_length=8)
    oral_record: str = Field(default="", sa_type=Text)  # particulars recorded on the spot
    received_on: date = Field(index=True)
    accepted_on: date | None = Field(default=None, index=True)
    category: str = Field(max_length=40)
    collective: bool = Field(default=False)  # ten or more workers (law art.7), set by the domain
    new_employment: bool = Field(default=False)  # 新就业形态
    migrant_workers: bool = Field(default=False)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    facts: str = Field(default="", sa_type=Text)  # 事实与理由
    requests: str = Field(default="", sa_type=Text)  # 调解请求
    status: str = Field(default=CaseStatus.RECEIVED.value, max_length=16, index=True)
    mediator_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    lawyer_id: int | None = Field(default=None, foreign_key="lawyer.id", index=True)
    refusal_reason: str = Field(default="", max_length=200)
    void_reason: str = Field(default="", max_length=200)
    failure_reason: str = Field(default="", max_length=32)
    outcome_note: str = Field(default="", sa_type=Text)
    closed_on: date | None = Field(default=None, index=True)
    extension_days: int = Field(default=0)
    # accepted_on + 15 days + extension: kept by the lifecycle so lists and statistics can
    # filter overdue cases in SQL on either database.
    mediation_due_on: date | None = Field(default=None, index=True)
    extension_consent_on: date | None = None
    arbitration_applied_on: date | None = None  # interrupts the limitation period (art.27)
    imported_from: str = Field(default="", max_length=200)
    # Retention (mediation/retention.py): archived cases are read-only; anonymised ones have
    # lost their personal data. `unarchived_on` restarts the archiving clock.
    archived_on: date | None = Field(default=None, index=True)
    unarchived_on: date | None = None
    anonymised_on: date | None = None
    note: str = Field(default="", sa_type=Text)
    # Derived totals, kept equal to the lines by mediation.cases refresh_totals on every write
    # so that lists and statistics never have to sum workers, claims and payments per row.
    worker_count: int = Field(default=0)
    claimed_fen: int = Field(default=0, sa_type=BigInteger)
    agreed_fen: int = Field(default=0, sa_type=BigInteger)  # in the agreement, effective or not
    paid_fen: int = Field(default=0, sa_type=BigInteger)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_version_column)

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    @property
    def application_form_label(self) -> str:
        return ApplicationForm(self.application_form).label

    @property
    def failure_reason_label(self) -> str:
        return FailureReason(self.failure_reason).label if self.failure_reason else ""


class CaseCounter(SQLModel, table=True):
    """The last case number issued per centre and year; a row lock makes numbers gapless."""

    __tablename__ = "case_counter"

    centre_id: int = Field(foreign_key="centre.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_seq: int = Field(default=0)


class Worker(SQLModel, table=True):
    """A claimant worker of a case: one worker-time (人次) per (case, worker)."""

    __tablename__ = "case_worker"
    __table_args__ = (trigram_index("case_worker", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    name: str = Field(max_length=64, index=True)
    id_type: str = Field(default="resident", max_length=16)
    id_number: str = Field(default="", sa_type=Encrypted)  # models/crypto.py
    phone: str = Field(default="", sa_type=Encrypted)
    # identifiers.lookup_key (a keyed hash) of id_number and phone, kept in step by
    # mediation.cases.search: exact search and the repeat-claim check compare these
    id_key: str | None = Field(default=None, max_length=80, index=True)
    phone_key: str | None = Field(default=None, max_length=80, index=True)
    job: str = Field(default="", max_length=64)
    representative: bool = Field(default=False)
    # Agreed to notices by SMS and electronic service (法释〔2021〕23号: the party's consent).
    notices_consent: bool = Field(default=False)
    placeholder: bool = Field(
        default=False
    )  # an imported ledger named fewer workers than it counted


class ClaimLine(SQLModel, table=True):
    __tablename__ = "claim_line"
    __table_args__ = (
        CheckConstraint(f"kind IN ({ClaimKind.sql_in()})", name="kind"),
        CheckConstraint("claimed_fen >= 0", name="claimed_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    worker_id: int = Field(foreign_key="case_worker.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    claimed_fen: int = Field(default=0, sa_type=BigInteger)


class MediationSession(SQLModel, table=True):
    __tablename__ = "mediation_session"
    __table_args__ = (
        CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(index=True)
    duration_minutes: int | None = None  # empty while the session is only scheduled
    place: str = Field(default="", max_length=100)
    attendees: str = Field(default="", sa_type=Text)
    minutes: str = Field(default="", sa_type=Text)  # 调解笔录
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Agreement(SQLModel, table=True):
    """调解协议书. Effective once both parties, the mediator and the centre have signed/sealed
    (law art.14); `effective_on` is the latest of those three dates (for an imported paper
    agreement, the ledger's signing date, or its closing date when it gives none). Reopening
    the case supersedes it (`superseded_on`); a new agreement is then needed."""

    __table_args__ = (
        # Effective iff all three signature dates are known; the one exception is a paper
        # agreement imported from a ledger that gives no signing date: effective (the ledger
        # says 调解成功) with no signature date at all, none invented.
        CheckConstraint(
            "(effective_on IS NULL) = (parties_signed_on IS NULL OR mediator_signed_on IS NULL"
            " OR centre_sealed_on IS NULL) OR (imported AND effective_on IS NOT NULL"
            " AND parties_signed_on IS NULL AND mediator_signed_on IS NULL"
            " AND centre_sealed_on IS NULL)",
            name="effective_iff_signed",
        ),
        CheckConstraint("copies BETWEEN 1 AND 20", name="copies"),
        CheckConstraint(
            "superseded_on IS NULL OR effective_on IS NOT NULL", name="superseded_was_effective"
        ),
        # At most one agreement in force per case; superseded ones stay as history.
        Index(
            "uq_agreement_case_in_force",
            "case_id",
            unique=True,
            sqlite_where=text("superseded_on IS NULL"),
            postgresql_where=text("superseded_on IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    terms: str = Field(default="", sa_type=Text)
    payment_method: str = Field(default="", max_length=100)
    copies: int = Field(default=3)
    parties_signed_on: date | None = None
    mediator_signed_on: date | None = None
    centre_sealed_on: date | None = None
    effective_on: date | None = Field(default=None, index=True)
    imported: bool = Field(default=False)  # a paper agreement, from a ledger
    # The day the case was reopened: the agreement no longer binds; kept, with its terms,
    # amounts and signature dates, as the case's history.
    superseded_on: date | None = None
    review_filed_on: date | None = None  # 仲裁审查
    review_result: str = Field(default="", max_length=200)
    confirmation_filed_on: date | None = None  # 司法确认
    confirmation_result: str = Field(default="", max_length=200)
    payment_order_filed_on: date | None = None  # 支付令
    payment_order_result: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def undated_paper(self) -> bool:
        """An imported paper agreement whose ledger gave no signing date (none is invented)."""
        return self.imported and self.effective_on is not None and self.parties_signed_on is None


class AgreementLine(SQLModel, table=True):
    """The amount agreed for one claim line: the one place agreed amounts live."""

    __tablename__ = "agreement_line"
    __table_args__ = (CheckConstraint("agreed_fen >= 0", name="agreed_non_negative"),)

    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True, ondelete="CASCADE")
    claim_line_id: int = Field(foreign_key="claim_line.id", primary_key=True, ondelete="CASCADE")
    agreed_fen: int = Field(default=0, sa_type=BigInteger)


class Instalment(SQLModel, table=True):
    """What one worker is to receive by one date under an agreement: the schedule is per worker
    (a worker's instalments add up to their agreed amount); an agreement's 第n期 for all workers
    together is the sum of the rows sharing its date."""

    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        UniqueConstraint("agreement_id", "worker_id", "due_on", name="uq_instalment_worker_due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    worker_id: int = Field(foreign_key="case_worker.id", index=True, ondelete="CASCADE")
    due_on: date = Field(index=True)
    amount_fen: int = Field(sa_type=BigInteger)


class Payment(SQLModel, table=True):
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="mediation_case.id", index=True, ondelete="CASCADE")
    worker_id: int = Field(foreign_key="case_worker.id", index=True, ondelete="CASCADE")
    amount_fen: int = Field(sa_type=BigInteger)
    paid_on: date
    method: str = Field(default="", max_length=32)
    note: str = Field(default="", max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
