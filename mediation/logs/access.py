"""The access log: one record per read of a case's personal data, and one per export.

What counts as a read (AccessKind): the case page and its API answer, a printed or downloaded
document, a scan, the repeat-claim warning at intake naming other cases, a legal case's page,
a search by ID number or phone (one record per case it found on the page shown), and every view
of a case on the public pages (a worker following it or opening a served document, the
employer's answer page). An export
is one record naming what was exported, never one per row.

Reads of many cases at once go in one INSERT of many rows (`append`), so that a search page
costs one statement however many cases it shows."""

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


Rows = list[dict]


def _row(session: Session, user: User | None, kind: AccessKind, detail: str, who: str = "") -> dict:
    origin = origin_of(session)
    return {
        "at": utcnow(),
        "user_id": user.id if user is not None else None,
        "username": user.username if user is not None else who[:64],
        "kind": kind.value,
        "detail": detail[:MAX_DETAIL],
        "ip": origin.ip,
        "user_agent": origin.user_agent,
        "case_id": None,
        "legal_case_id": None,
        "case_number": "",
        "document": None,
    }


def reads(
    session: Session,
    user: User,
    kind: AccessKind,
    cases: Iterable[Numbered],
    detail: str = "",
    document: str | None = None,
) -> Rows:
    """One record per mediation case read. Records are built first and appended after
    (`append`), so that a view can build them from what it loaded and then write them in a
    transaction of their own without loading anything again."""
    return [
        _row(session, user, kind, detail)
        | {"case_id": case.id, "case_number": case.number, "document": document}
        for case in cases
    ]


def party_read(
    session: Session, party: str, kind: AccessKind, case: Numbered, detail: str = ""
) -> Rows:
    """A read on a public page by a party without an account (a worker at /track or opening a
    served document, the employer on its answer page): the record names the party."""
    row = _row(session, None, kind, detail, who=party)
    return [row | {"case_id": case.id, "case_number": case.number}]


def legal_read(session: Session, user: User, legal: Numbered, masked: bool) -> Rows:
    """One read of a legal-service case's page (`masked`: its workers were shown masked)."""
    row = _row(session, user, AccessKind.LEGAL_CASE, MASKED if masked else "")
    return [row | {"legal_case_id": legal.id, "case_number": legal.number}]


def export(session: Session, user: User, detail: str) -> Rows:
    """One export, `detail` naming what it held (its kind and filters)."""
    return [_row(session, user, AccessKind.EXPORT, detail)]


def append(session: Session, rows: Rows) -> None:
    """Write the records in one INSERT, however many (a search that finds a page of cases)."""
    if rows:
        session.execute(insert(AccessRecord), rows)
