"""The legal-case list: the cases in a user's scope (a lawyer's own caseload), newest accepted
first, paged by keyset like the case list, with each case's worker count and amount recovered."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from mediation.bounds import parse_id
from mediation.scope import Scope
from models import Centre, Employer, Lawyer, LegalCase, LegalWorker
from models.base import sql_total

PAGE_SIZE = 50


@dataclass(frozen=True)
class LegalRow:
    legal: LegalCase
    centre_name: str
    lawyer_name: str | None
    employer_name: str | None
    workers: int
    recovered_fen: int


@dataclass(frozen=True)
class LegalPage:
    rows: list[LegalRow]
    total: int
    next_cursor: str | None  # "<accepted_on>.<id>" of the last row shown


def _cursor_of(legal: LegalCase) -> str:
    return f"{legal.accepted_on.isoformat()}.{legal.id}"


def _after(cursor: str | None):
    """The keyset condition for the page after `cursor`; None for the first page (or a cursor
    that does not parse: a hand-edited link starts again at the top)."""
    day, _, ident = (cursor or "").partition(".")
    try:
        accepted_on, legal_id = date.fromisoformat(day), parse_id(ident)
    except ValueError:
        return None
    if legal_id is None:
        return None
    return or_(
        LegalCase.accepted_on < accepted_on,
        and_(LegalCase.accepted_on == accepted_on, LegalCase.id < legal_id),
    )


def list_legal_cases(
    session: Session,
    scope: Scope,
    lawyer_id: int | None = None,
    only_lawyer: bool = False,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> LegalPage:
    """With `only_lawyer`, the cases of lawyer `lawyer_id` alone (none when it is None)."""
    in_scope = scope.condition(LegalCase.centre_id)
    conditions = [] if in_scope is None else [in_scope]
    if only_lawyer:
        conditions.append(LegalCase.lawyer_id == (lawyer_id if lawyer_id is not None else -1))
    workers = (
        select(func.count(LegalWorker.id))
        .where(LegalWorker.legal_case_id == LegalCase.id)
        .scalar_subquery()
    )
    recovered = (
        select(sql_total(LegalWorker.recovered_fen))
        .where(LegalWorker.legal_case_id == LegalCase.id)
        .scalar_subquery()
    )
    statement = (
        select(LegalCase, Centre.name, Lawyer.name, Employer.name, workers, recovered)
        .join(Centre, Centre.id == LegalCase.centre_id)
        .join(Lawyer, Lawyer.id == LegalCase.lawyer_id, isouter=True)
        .join(Employer, Employer.id == LegalCase.employer_id, isouter=True)
        .where(*conditions)
    )
    if (after := _after(cursor)) is not None:
        statement = statement.where(after)
    statement = statement.order_by(LegalCase.accepted_on.desc(), LegalCase.id.desc())
    found = session.execute(statement.limit(limit + 1)).all()
    rows = [
        LegalRow(legal, centre, lawyer, employer, count or 0, total or 0)
        for legal, centre, lawyer, employer, count, total in found[:limit]
    ]
    total = session.execute(
        select(func.count()).select_from(LegalCase).where(*conditions)
    ).scalar_one()
    more = len(found) > limit
    return LegalPage(rows, total, _cursor_of(rows[-1].legal) if more else None)
