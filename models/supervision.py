"""The union's labour-law supervision letters (「一函两书」) about an employer.

A letter is issued by a district union (`district_id`) or the city union (None), numbered per
issuing unit, kind and year (`LetterCounter`), and keeps the cases it lists
(`SupervisionLetterCase`) as they were chosen at issue. Its service, the employer's reply and a
referral to labour inspection (劳动保障监察) are recorded on it later.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow


class LetterKind(LabelledEnum):
    NOTICE = ("notice", "工会劳动法律监督提示函")
    OPINION = ("opinion", "工会劳动法律监督意见书")
    PROPOSAL = ("proposal", "工会劳动法律监督建议书")


class ServiceMethod(LabelledEnum):
    DIRECT = ("direct", "直接送达")
    POST = ("post", "邮寄送达")
    ELECTRONIC = ("electronic", "电子送达")
    LEFT = ("left", "留置送达")


class LetterCounter(SQLModel, table=True):
    """The last number issued per unit ("" for the city, else the district's code), kind and
    year: numbers are gapless within each."""

    __tablename__ = "letter_counter"

    unit: str = Field(max_length=8, primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)
    year: int = Field(primary_key=True)
    last_seq: int = Field(default=0)


_letter_version = Column("version", Integer, nullable=False)


class SupervisionLetter(SQLModel, table=True):
    __tablename__ = "supervision_letter"
    __table_args__ = (
        CheckConstraint(f"kind IN ({LetterKind.sql_in()})", name="kind"),
        CheckConstraint(
            f"service_method = '' OR service_method IN ({ServiceMethod.sql_in()})",
            name="service_method",
        ),
        CheckConstraint("response_due_on >= issued_on", name="due_after_issue"),
        CheckConstraint("served_on IS NULL OR served_on >= issued_on", name="served_after_issue"),
        CheckConstraint("replied_on IS NULL OR served_on IS NOT NULL", name="reply_after_service"),
        # one number per unit, kind, year and sequence (uq_supervision_letter_unit)
        UniqueConstraint("unit", "kind", "year", "seq"),
    )
    __mapper_args__ = {"version_id_col": _letter_version}  # noqa: RUF012

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    unit: str = Field(max_length=8)  # "" for the city union, else the district's code
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    year: int
    seq: int
    number: str = Field(max_length=40)  # 南海工监提字〔2026〕第3号
    employer_id: int = Field(foreign_key="employer.id", index=True)
    addressee: str = Field(max_length=200)  # the employer, or the department for a 建议书
    issued_on: date
    response_due_on: date
    findings: str = Field(sa_type=Text)  # what the union found
    requests: str = Field(default="", sa_type=Text)  # what it asks to be corrected or done
    provisions: list[str] = Field(default_factory=list, sa_type=JSON)
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    served_on: date | None = None
    service_method: str = Field(default="", max_length=16)
    served_to: str = Field(default="", max_length=100)  # who received it
    replied_on: date | None = None
    reply_summary: str = Field(default="", sa_type=Text)
    referred_on: date | None = None  # referral to labour inspection (劳动保障监察)
    referral_note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_letter_version)

    @property
    def kind_enum(self) -> LetterKind:
        return LetterKind(self.kind)


class SupervisionLetterCase(SQLModel, table=True):
    """A case a letter lists, kept as chosen when it was issued."""

    __tablename__ = "supervision_letter_case"

    letter_id: int = Field(
        foreign_key="supervision_letter.id", primary_key=True, ondelete="CASCADE"
    )
    case_id: int = Field(
        foreign_key="mediation_case.id", primary_key=True, index=True, ondelete="CASCADE"
    )
