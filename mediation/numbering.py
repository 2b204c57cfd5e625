"""Case numbers like (2021)南里调字第15号: per centre and year of receipt, gapless.

The counter row is incremented with a single UPDATE … RETURNING, which holds the row lock until
the intake commits: concurrent intakes at one centre queue there, and a rolled-back intake
gives its number back. Imported numbers raise the counter so issued numbers continue after them.
"""

import re
import unicodedata

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models import Case, CaseCounter, Centre

NUMBER_RE = re.compile(r"^[(（](\d{4})[)）](.+?)调字第(\d+)号$")


def format_number(year: int, short_name: str, seq: int) -> str:
    return f"({year}){short_name}调字第{seq}号"


def parse_number(number: str) -> tuple[int, str, int] | None:
    """(year, short name, sequence) of a number in the standard form, else None."""
    match = NUMBER_RE.match(number.strip())
    if not match:
        return None
    return int(match.group(1)), match.group(2), int(match.group(3))


_NUMBER_NOISE = re.compile(r"[()\[\]【】〔〕第号\s]")


def number_key(number: str | None) -> str:
    """A case number as search compares it: full-width folded to half-width, without brackets,
    第, 号 and spaces, so (2026)南里调字第50号, （2026）南里调字第50号 and 2026南里调字50 are one.
    Stored beside the number (indexed) for mediation and legal cases alike."""
    text = unicodedata.normalize("NFKC", number or "")
    return _NUMBER_NOISE.sub("", text).upper()


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _ensure_counter(session: Session, centre_id: int, year: int) -> None:
    highest = session.exec(
        select(func.coalesce(func.max(Case.seq), 0)).where(
            Case.centre_id == centre_id, Case.year == year
        )
    ).one()
    statement = (
        _insert(session)(CaseCounter)
        .values(centre_id=centre_id, year=year, last_seq=highest)
        .on_conflict_do_nothing(index_elements=["centre_id", "year"])
    )
    session.execute(statement)


def next_number(session: Session, centre: Centre, year: int) -> tuple[int, str]:
    """Issue the next (sequence, number) for the centre and year."""
    bump = (
        update(CaseCounter)
        .where(CaseCounter.centre_id == centre.id, CaseCounter.year == year)
        .values(last_seq=CaseCounter.last_seq + 1)
        .returning(CaseCounter.last_seq)
    )
    seq = session.execute(bump).scalar()
    if seq is None:
        _ensure_counter(session, centre.id, year)
        seq = session.execute(bump).scalar_one()
    return seq, format_number(year, centre.short_name, seq)


def raise_counter(session: Session, centre_id: int, year: int, seq: int) -> None:
    """Make sure numbers issued later for this centre and year continue after `seq`."""
    _ensure_counter(session, centre_id, year)
    session.execute(
        update(CaseCounter)
        .where(
            CaseCounter.centre_id == centre_id,
            CaseCounter.year == year,
            CaseCounter.last_seq < seq,
        )
        .values(last_seq=seq)
    )
