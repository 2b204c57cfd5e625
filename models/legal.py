"""Legal services beyond mediation (法律服务): union lawyers representing workers in arbitration
and litigation, plus advice and document drafting. Money in integer fen."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow
from models.crypto import Encrypted


class ServiceType(LabelledEnum):
    """法律服务类型. Only arbitration and litigation count as legal-service cases."""

    ARBITRATION = ("仲裁代理", "仲裁代理")
    LITIGATION = ("诉讼代理", "诉讼代理")
    ADVICE = ("法律咨询", "法律咨询")
    DRAFTING = ("代写文书", "代写文书")

    @property
    def counted(self) -> bool:
        return self in COUNTED_SERVICES


COUNTED_SERVICES = frozenset({ServiceType.ARBITRATION, ServiceType.LITIGATION})


class LegalOutcome(LabelledEnum):
    WON = ("胜诉", "胜诉")
    PARTLY_WON = ("部分胜诉", "部分胜诉")
    SETTLED = ("调解结案", "调解结案")
    LOST = ("败诉", "败诉")
    WITHDRAWN = ("撤回", "撤回")
    PENDING = ("办理中", "办理中")

    @property
    def css_class(self) -> str:
        return {
            "胜诉": "ok",
            "部分胜诉": "ok",
            "调解结案": "ok",
            "败诉": "bad",
            "撤回": "muted",
            "办理中": "info",
        }[self.value]


class LegalStageKind(LabelledEnum):
    APPLIED = ("申请仲裁", "申请仲裁")
    FILED = ("立案", "立案")
    HEARING = ("开庭", "开庭")
    AWARD = ("裁决", "裁决")
    MEDIATED = ("调解", "调解")
    JUDGMENT = ("判决", "判决")
    APPEAL = ("上诉", "上诉")
    ENFORCEMENT = ("执行", "执行")


_legal_version_column = Column("version", Integer, nullable=False)


class LegalCase(SQLModel, table=True):
    __tablename__ = "legal_case"
    __table_args__ = (
        UniqueConstraint("centre_id", "number", name="uq_legal_case_centre_number"),
        CheckConstraint(f"service_type IN ({ServiceType.sql_in()})", name="service_type"),
        CheckConstraint(f"outcome IN ({LegalOutcome.sql_in()})", name="outcome"),
        CheckConstraint("(outcome = '办理中') = (closed_on IS NULL)", name="closed_iff_closed_on"),
        CheckConstraint("closed_on IS NULL OR closed_on >= accepted_on", name="closed_order"),
    )
    __mapper_args__ = {"version_id_col": _legal_version_column}  # noqa: RUF012

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)  # the handling centre
    number: str = Field(max_length=40)  # (2021)南里法援字第3号
    # numbering.number_key(number), what search compares
    number_key: str = Field(
        default="", max_length=40, index=True, sa_column_kwargs={"server_default": ""}
    )
    service_type: str = Field(max_length=16)
    lawyer_id: int | None = Field(default=None, foreign_key="lawyer.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    mediation_case_id: int | None = Field(
        default=None, foreign_key="mediation_case.id", unique=True
    )
    accepted_on: date = Field(index=True)
    outcome: str = Field(default=LegalOutcome.PENDING.value, max_length=16)
    closed_on: date | None = None
    # The mediation application interrupted the arbitration limitation period (law art.27).
    limitation_interrupted_on: date | None = None
    note: str = Field(default="", sa_type=Text)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_legal_version_column)

    @property
    def service_type_enum(self) -> ServiceType:
        return ServiceType(self.service_type)

    @property
    def outcome_enum(self) -> LegalOutcome:
        return LegalOutcome(self.outcome)


class LegalWorker(SQLModel, table=True):
    """A worker represented: one worker-time (人次) per (legal case, worker)."""

    __tablename__ = "legal_worker"
    __table_args__ = (
        CheckConstraint(
            "claimed_fen >= 0 AND awarded_fen >= 0 AND recovered_fen >= 0",
            name="amounts_non_negative",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    legal_case_id: int = Field(foreign_key="legal_case.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    name: str = Field(max_length=64)
    id_type: str = Field(default="resident", max_length=16)
    id_number: str = Field(default="", sa_type=Encrypted)  # models/crypto.py
    phone: str = Field(default="", sa_type=Encrypted)
    claimed_fen: int = Field(default=0, sa_type=BigInteger)
    awarded_fen: int = Field(default=0, sa_type=BigInteger)
    recovered_fen: int = Field(default=0, sa_type=BigInteger)


class LegalStage(SQLModel, table=True):
    __tablename__ = "legal_stage"
    __table_args__ = (CheckConstraint(f"stage IN ({LegalStageKind.sql_in()})", name="stage"),)

    id: int | None = Field(default=None, primary_key=True)
    legal_case_id: int = Field(foreign_key="legal_case.id", index=True, ondelete="CASCADE")
    stage: str = Field(max_length=16)
    on: date = Field(index=True)
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
