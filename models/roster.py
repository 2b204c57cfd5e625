"""The roster of union-appointed lawyers (工会特约律师) and the centres where they are stationed."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow
from models.crypto import Encrypted


class LawyerCentre(SQLModel, table=True):
    __tablename__ = "lawyer_centre"

    lawyer_id: int = Field(foreign_key="lawyer.id", primary_key=True, ondelete="CASCADE")
    centre_id: int = Field(foreign_key="centre.id", primary_key=True, index=True)


class Lawyer(SQLModel, table=True):
    __table_args__ = (CheckConstraint("length(certificate_no) = 17", name="certificate_no"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=32, index=True)
    certificate_no: str = Field(max_length=17, unique=True)  # 执业证号
    firm_name: str = Field(max_length=100)
    firm_credit_code: str = Field(default="", max_length=18)
    phone: str = Field(default="", sa_type=Encrypted)  # models/crypto.py
    active: bool = Field(default=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow)
