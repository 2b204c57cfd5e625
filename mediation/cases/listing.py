"""The case list: filters, a total and keyset paging, all in SQL.

Shared by the web list, the JSON API and the exports, so that a drill-down's total always
equals the number it came from.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.cases import search
from mediation.cases.deadlines import Deadline, mediation_deadline
from mediation.scope import Scope
from mediation.statistics.rollup import LIST_KIND, counted_cases_condition, stat_date_column
from models import OPEN_STATUSES, Case, CaseRollup, CaseStatus, Centre, Employer
from models.base import sql_total


@dataclass
class CaseFilter:
    statuses: list[str] = field(default_factory=list)
    category: str = ""
    channel: str = ""
    centre_id: int | None = None
    centre_ids: list[int] | None = None  # a statistics scope narrowed to a district or centre
    district_id: int | None = None
    period_from: date | None = None  # the statistics period: acceptance, or refusal, date
    period_to: date | None = None
    accepted_from: date | None = None
    accepted_to: date | None = None
    overdue: bool = False
    lawyer_id: int | None = None
    no_lawyer: bool = False  # cases with no lawyer assigned (a statistics drill-down)
    mediator_id: int | None = None
    employer_id: int | None = None
    text: str = ""


# What a list line shows of a case. Lists read these columns only, not whole Case objects: the
# busiest page of the product should not load every case's facts and requests to show a number.
LISTED_COLUMNS = (
    Case.id,
    Case.number,
    Case.status,
    Case.collective,
    Case.worker_count,
    Case.category,
    Case.channel,
    Case.received_on,
    Case.accepted_on,
    Case.closed_on,
    Case.mediation_due_on,
    Case.claimed_fen,
    Case.agreed_fen,
    Case.paid_fen,
    Case.archived_on,
)


@dataclass(slots=True)
class CaseRow:
    id: int
    number: str
    status: str
    collective: bool
    worker_count: int
    category: str
    channel: str
    received_on: date
    accepted_on: date | None
    closed_on: date | None
    mediation_due_on: date | None
    claimed_fen: int
    agreed_fen: int
    paid_fen: int
    archived_on: date | None
    centre_code: str
    centre_short: str
    employer_name: str
    due: Deadline | None  # the acceptance-based deadline of an open case


@dataclass(frozen=True)
class Page:
    rows: list[CaseRow]
    total: int
    next_cursor: int | None


def _conditions(f: CaseFilter, scope: Scope, today: date) -> list:
    conditions = []
    scoped = scope.condition(Case.centre_id)
    if scoped is not None:
        conditions.append(scoped)
    if f.statuses:
        conditions.append(Case.status.in_(f.statuses))
    if f.category:
        conditions.append(Case.category == f.category)
    if f.channel:
        conditions.append(Case.channel == f.channel)
    if f.centre_id is not None:
        conditions.append(Case.centre_id == f.centre_id)
    if f.centre_ids is not None:
        conditions.append(Case.centre_id.in_(f.centre_ids))
    if f.period_from is not None or f.period_to is not None:
        conditions.append(counted_cases_condition())
    if f.period_from is not None:
        conditions.append(stat_date_column() >= f.period_from)
    if f.period_to is not None:
        conditions.append(stat_date_column() <= f.period_to)
    if f.district_id is not None:
        conditions.append(
            Case.centre_id.in_(select(Centre.id).where(Centre.district_id == f.district_id))
        )
    if f.accepted_from is not None:
        conditions.append(Case.accepted_on >= f.accepted_from)
    if f.accepted_to is not None:
        conditions.append(Case.accepted_on <= f.accepted_to)
    if f.overdue:
        conditions.append(Case.status.in_([s.value for s in OPEN_STATUSES]))
        conditions.append(Case.mediation_due_on < today)
    if f.lawyer_id is not None:
        conditions.append(Case.lawyer_id == f.lawyer_id)
    if f.no_lawyer:
        conditions.append(Case.lawyer_id.is_(None))
    if f.mediator_id is not None:
        conditions.append(Case.mediator_id == f.mediator_id)
    if f.employer_id is not None:
        conditions.append(Case.employer_id == f.employer_id)
    found = search.case_condition(f.text)
    if found is not None:
        conditions.append(found)
    return conditions


def filter_conditions(f: CaseFilter, scope: Scope, today: date) -> list:
    """The filter's WHERE conditions within the scope, for queries of their own (the ledger
    export streams every matching case with them)."""
    return _conditions(f, scope, today)


_ROLLUP_FILTERS = {"statuses", "centre_id", "centre_ids"}


def count_cases(session: Session, scope: Scope, f: CaseFilter, today: date) -> int:
    """The filter's total. Filtered only by status and centre, it is read from the rollup's
    "list" rows (a few hundred) instead of counting every case."""
    defaults = CaseFilter()
    used = {name for name in vars(f) if getattr(f, name) != getattr(defaults, name)}
    if used <= _ROLLUP_FILTERS:
        statement = select(sql_total(CaseRollup.cases)).where(CaseRollup.kind == LIST_KIND)
        statement = scope.apply(statement, CaseRollup.centre_id)
        if f.statuses:
            statement = statement.where(CaseRollup.status.in_(f.statuses))
        if f.centre_id is not None:
            statement = statement.where(CaseRollup.centre_id == f.centre_id)
        if f.centre_ids is not None:
            statement = statement.where(CaseRollup.centre_id.in_(f.centre_ids))
        return session.exec(statement).one()
    statement = select(func.count()).select_from(Case).where(*_conditions(f, scope, today))
    return session.exec(statement).one()


def list_cases(
    session: Session,
    scope: Scope,
    f: CaseFilter,
    today: date,
    cursor: int | None = None,
    limit: int = 50,
) -> Page:
    """Newest first (by id); `cursor` is the id of the last row of the previous page.

    A search's first page counts its matches in the same query (a window count over the rows
    before LIMIT), so that the index lookups of the search run once, not once more to count.
    A city-wide search with no other filter needs no case row to count or to page: both come
    from the matched ids alone (`_search_page`)."""
    query = search.parse_query(f.text)
    if query is not None and scope.is_city and _only_text(f):
        return _search_page(session, query, today, cursor, limit)
    conditions = _conditions(f, scope, today)
    counted_here = query is not None and cursor is None
    statement = (
        select(
            *LISTED_COLUMNS,
            Centre.code.label("centre_code"),
            Centre.short_name.label("centre_short"),
            Employer.name.label("employer_name"),
            *([func.count().over().label("total")] if counted_here else []),
        )
        .join(Centre, Centre.id == Case.centre_id)
        .join(Employer, Employer.id == Case.employer_id)
        .where(*conditions)
    )
    if cursor is not None:
        statement = statement.where(Case.id < cursor)
    found = session.exec(statement.order_by(Case.id.desc()).limit(limit + 1)).all()
    if counted_here:
        total = found[0].total if found else 0
    else:
        total = count_cases(session, scope, f, today)
    return _page(found, total, today, limit)


def _page(found: list, total: int, today: date, limit: int) -> Page:
    rows = [
        CaseRow(
            **{k: v for k, v in line._mapping.items() if k != "total"},
            due=mediation_deadline(line.status, line.mediation_due_on, today),
        )
        for line in found[:limit]
    ]
    return Page(rows=rows, total=total, next_cursor=rows[-1].id if len(found) > limit else None)


def _only_text(f: CaseFilter) -> bool:
    defaults = CaseFilter()
    return all(getattr(f, name) == getattr(defaults, name) for name in vars(f) if name != "text")


def _search_page(
    session: Session, query: search.Query, today: date, cursor: int | None, limit: int
) -> Page:
    """A city-wide search's page. Its total grows with the matches (a common two-character name
    finds thousands of cases among millions): counted from the matched ids, and the page's ids
    picked from them, only the page's cases are read, never every match's row."""
    matched = search.matching_case_ids(query).cte("matched")
    case_id = next(iter(matched.c))
    page_ids = select(case_id)
    if cursor is not None:
        page_ids = page_ids.where(case_id < cursor)
    page_ids = page_ids.order_by(case_id.desc()).limit(limit + 1)
    columns = [
        *LISTED_COLUMNS,
        Centre.code.label("centre_code"),
        Centre.short_name.label("centre_short"),
        Employer.name.label("employer_name"),
    ]
    if cursor is None:
        columns.append(select(func.count()).select_from(matched).scalar_subquery().label("total"))
    statement = (
        select(*columns)
        .join(Centre, Centre.id == Case.centre_id)
        .join(Employer, Employer.id == Case.employer_id)
        .where(Case.id.in_(page_ids))
        .order_by(Case.id.desc())
    )
    found = session.exec(statement).all()
    if cursor is None:
        total = found[0].total if found else 0
    else:
        total = session.exec(select(func.count()).select_from(matched)).one()
    return _page(found, total, today, limit)


def status_counts(session: Session, scope: Scope) -> dict[CaseStatus, int]:
    statement = select(Case.status, func.count()).group_by(Case.status)
    statement = scope.apply(statement, Case.centre_id)
    counts = dict(session.exec(statement).all())
    return {status: counts.get(status.value, 0) for status in CaseStatus}
