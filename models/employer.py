"""Employers (被申请单位), reused across cases so that repeat respondents show."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import trigram_index, utcnow
from models.crypto import Encrypted


class Employer(SQLModel, table=True):
    __table_args__ = (trigram_index("employer", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    # Unique when given: NULLs never collide on either database.
    credit_code: str | None = Field(default=None, max_length=18, unique=True)
    legal_rep: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", sa_type=Encrypted)  # often the legal representative's mobile
    created_at: datetime = Field(default_factory=utcnow)


class EmployerCounsel(SQLModel, table=True):
    """A law firm recorded as acting for an employer: a lawyer of that firm has a conflict."""

    __tablename__ = "employer_counsel"

    employer_id: int = Field(foreign_key="employer.id", primary_key=True, ondelete="CASCADE")
    firm_name: str = Field(max_length=100, primary_key=True)
    firm_credit_code: str = Field(default="", max_length=18)
    created_at: datetime = Field(default_factory=utcnow)
