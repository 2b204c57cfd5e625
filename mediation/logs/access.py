"""The access log: one record per read of a case's personal data, and one per export.

What counts as a read (AccessKind): the case page and its API answer, a printed or downloaded
document, a scan, the repeat-claim warning at intake naming other cases, a legal case's page,
and a search by ID number or phone (one record per case it found on the page shown). An export
is one record naming what was exported, never one per row.

Reads of many cases at once go in one INSERT of many rows (`record_reads`), so that a search
page costs one statement however many cases it shows."""

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from sqlalchemy import insert
from sqlmodel import Session

from mediation.logs import origin_of
from models import AccessKind, AccessRecord, User, utcnow

MAX_DETAIL = 500
# Added to the detail of a read where the user saw the personal data masked (mediation.privacy):
# the read is recorded all the same, and the record says what was shown.
MASKED = "（个人信息已脱敏）"


class Numbered(Protocol):
    """A mediation case or a legal case (or a row of either): its id and number."""

    id: int
    number: str


class CaseRef(NamedTuple):
    """A case known only by its id and number (e.g. a row of a query)."""

    id: int
    number: str


def _row(session: Session, user: User, kind: AccessKind, detail: str) -> dict:
    origin = origin_of(session)
    return {
        "at": utcnow(),
        "user_id": user.id,
        "username": user.username,
        "kind": kind.value,
        "detail": detail[:MAX_DETAIL],
        "ip": origin.ip,
        "user_agent": origin.user_agent,
        "case_id": None,
        "legal_case_id": None,
        "case_number": "",
    }


def record_read(
    session: Session, user: User, kind: AccessKind, case: Numbered, detail: str = ""
) -> None:
    """One read of a mediation case's personal data."""
    record_reads(session, user, kind, [case], detail)


def record_reads(
    session: Session, user: User, kind: AccessKind, cases: Iterable[Numbered], detail: str = ""
) -> int:
    """One record per mediation case read, all in one INSERT; how many were written."""
    rows = [
        _row(session, user, kind, detail) | {"case_id": case.id, "case_number": case.number}
        for case in cases
    ]
    if rows:
        session.execute(insert(AccessRecord), rows)
    return len(rows)


def record_legal_read(session: Session, user: User, legal: Numbered, masked: bool) -> None:
    """One read of a legal-service case's page (`masked`: its workers were shown masked)."""
    row = _row(session, user, AccessKind.LEGAL_CASE, MASKED if masked else "")
    session.execute(
        insert(AccessRecord), [row | {"legal_case_id": legal.id, "case_number": legal.number}]
    )


def record_export(session: Session, user: User, detail: str) -> None:
    """One export, `detail` naming what it held (its kind and filters)."""
    session.execute(insert(AccessRecord), [_row(session, user, AccessKind.EXPORT, detail)])
