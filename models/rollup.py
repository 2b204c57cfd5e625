"""A monthly rollup of case figures, kept exactly in step with the cases on every write.

Each case contributes to one row per breakdown `kind` ("all", "category", "channel", "lawyer")
for its centre, statistics month and status; statistics add up these rows instead of scanning
the cases. See mediation.statistics.rollup for how it is maintained.
"""

from datetime import date

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class CaseRollup(SQLModel, table=True):
    __tablename__ = "case_rollup"

    # Key order matters: statistics read one kind over a range of months.
    kind: str = Field(max_length=16, primary_key=True)
    month: date = Field(primary_key=True)  # first day of the statistics month
    centre_id: int = Field(foreign_key="centre.id", primary_key=True)
    value: str = Field(max_length=64, primary_key=True)
    status: str = Field(max_length=16, primary_key=True)
    cases: int = Field(default=0)
    workers: int = Field(default=0, sa_type=BigInteger)
    claimed_fen: int = Field(default=0, sa_type=BigInteger)
    agreed_fen: int = Field(default=0, sa_type=BigInteger)  # of succeeded cases only
    paid_fen: int = Field(default=0, sa_type=BigInteger)
    closed_cases: int = Field(default=0)  # closed after acceptance: the average's denominator
    days_to_close: int = Field(default=0, sa_type=BigInteger)
