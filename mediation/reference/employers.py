"""Employers (被申请单位): search with case counts within a scope, editing, and the law firms
recorded as acting for them (a union lawyer of such a firm has a conflict of interest)."""

from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_
from sqlmodel import Session, delete, select

from mediation.cases.intake import EmployerData
from mediation.errors import RuleViolation
from mediation.identifiers import InvalidIdentifier, normalize_credit_code, normalize_phone
from mediation.scope import Scope
from models import OPEN_STATUSES, Case, CaseStatus, Employer, EmployerCounsel, Lawyer

MAX_NAME = 200
MAX_FIRM_NAME = 100


@dataclass(frozen=True)
class EmployerRow:
    employer: Employer
    cases: int  # every case within the scope
    open_cases: int


@dataclass(frozen=True)
class EmployerPage:
    rows: list[EmployerRow]
    total: int
    page: int
    pages: int


def _case_counts(scope: Scope):
    """employer_id, all cases, open cases, counted within the scope. A voided registration (a
    duplicate or an error) is no application against the employer and is not counted."""
    open_values = [s.value for s in OPEN_STATUSES]
    statement = (
        select(
            Case.employer_id.label("employer_id"),
            func.count().label("cases"),
            func.sum(sql_case((Case.status.in_(open_values), 1), else_=0)).label("open_cases"),
        )
        .where(Case.status != CaseStatus.VOIDED.value)
        .group_by(Case.employer_id)
    )
    return scope.apply(statement, Case.centre_id).subquery()


def _text_condition(text: str):
    text = text.strip()
    if not text:
        return None
    return or_(
        Employer.name.like(f"%{text}%"),
        Employer.credit_code.like(f"%{''.join(text.split()).upper()}%"),
    )


def search_employers(
    session: Session, scope: Scope, text: str = "", page: int = 1, per_page: int = 50
) -> EmployerPage:
    """Employers by name or credit code, most cases first so that repeat respondents show.
    Outside the whole-city scope only employers with a case in the scope are listed."""
    counts = _case_counts(scope)
    cases = func.coalesce(counts.c.cases, 0)
    open_cases = func.coalesce(counts.c.open_cases, 0)
    statement = select(Employer, cases, open_cases).join(
        counts, counts.c.employer_id == Employer.id, isouter=scope.is_city
    )
    condition = _text_condition(text)
    if condition is not None:
        statement = statement.where(condition)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = session.exec(
        statement.order_by(cases.desc(), open_cases.desc(), Employer.name, Employer.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return EmployerPage(
        rows=[EmployerRow(employer, int(n), int(o or 0)) for employer, n, o in rows],
        total=total,
        page=page,
        pages=pages,
    )


def get_employer(session: Session, scope: Scope, employer_id: int) -> Employer | None:
    """The employer if the user may see it: anyone city-wide, otherwise only an employer with
    a case in the user's scope (callers answer 404 for None)."""
    employer = session.get(Employer, employer_id)
    if employer is None or scope.is_city:
        return employer
    statement = scope.apply(select(Case.id).where(Case.employer_id == employer.id), Case.centre_id)
    return employer if session.exec(statement.limit(1)).first() is not None else None


def case_counts(session: Session, scope: Scope, employer: Employer) -> tuple[int, int]:
    """(all, open) cases of the employer within the scope, voided registrations left out."""
    open_values = [s.value for s in OPEN_STATUSES]
    statement = select(
        func.count(), func.sum(sql_case((Case.status.in_(open_values), 1), else_=0))
    ).where(Case.employer_id == employer.id, Case.status != CaseStatus.VOIDED.value)
    total, open_cases = session.exec(scope.apply(statement, Case.centre_id)).one()
    return int(total), int(open_cases or 0)


def update_employer(session: Session, employer: Employer, data: EmployerData) -> Employer:
    problems: list[tuple[str | None, str]] = []
    name = data.name.strip()
    if not name:
        problems.append(("name", "请填写单位名称"))
    elif len(name) > MAX_NAME:
        problems.append(("name", f"单位名称不超过{MAX_NAME}字"))
    credit_code = None
    if data.credit_code.strip():
        try:
            credit_code = normalize_credit_code(data.credit_code)
        except InvalidIdentifier as error:
            problems.append(("credit_code", f"统一社会信用代码{error}"))
        else:
            other = session.exec(
                select(Employer).where(
                    Employer.credit_code == credit_code, Employer.id != employer.id
                )
            ).first()
            if other is not None:
                problems.append(("credit_code", f"该统一社会信用代码已登记为「{other.name}」"))
    phone = ""
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except InvalidIdentifier as error:
            problems.append(("phone", str(error)))
    if problems:
        raise RuleViolation(problems)
    employer.name, employer.credit_code = name, credit_code
    employer.legal_rep, employer.address = data.legal_rep.strip(), data.address.strip()
    employer.phone = phone
    session.add(employer)
    session.flush()
    return employer


def counsel_of(session: Session, employer: Employer) -> list[EmployerCounsel]:
    return list(
        session.exec(
            select(EmployerCounsel)
            .where(EmployerCounsel.employer_id == employer.id)
            .order_by(EmployerCounsel.created_at, EmployerCounsel.firm_name)
        )
    )


def add_counsel(
    session: Session, employer: Employer, firm_name: str, firm_credit_code: str = ""
) -> EmployerCounsel:
    """Record a law firm as acting for the employer (its lawyers must then recuse)."""
    problems: list[tuple[str | None, str]] = []
    firm_name = firm_name.strip()
    if not firm_name:
        problems.append(("firm_name", "请填写律师事务所名称"))
    elif len(firm_name) > MAX_FIRM_NAME:
        problems.append(("firm_name", f"律师事务所名称不超过{MAX_FIRM_NAME}字"))
    elif session.get(EmployerCounsel, (employer.id, firm_name)) is not None:
        problems.append(("firm_name", "该律师事务所已登记为本单位的代理律所"))
    code = ""
    if firm_credit_code.strip():
        try:
            code = normalize_credit_code(firm_credit_code)
        except InvalidIdentifier as error:
            problems.append(("firm_credit_code", f"统一社会信用代码{error}"))
    if problems:
        raise RuleViolation(problems)
    counsel = EmployerCounsel(employer_id=employer.id, firm_name=firm_name, firm_credit_code=code)
    session.add(counsel)
    session.flush()
    return counsel


def remove_counsel(session: Session, employer: Employer, firm_name: str) -> bool:
    """Remove a recorded law firm; False if it was not recorded."""
    result = session.exec(
        delete(EmployerCounsel).where(
            EmployerCounsel.employer_id == employer.id, EmployerCounsel.firm_name == firm_name
        )
    )
    session.flush()
    return bool(result.rowcount)


def conflicted_lawyers(session: Session, employer: Employer) -> list[Lawyer]:
    """Roster lawyers whose firm is recorded as acting for the employer (by name or code),
    the same test as mediation.cases.assignment.conflict_of."""
    counsel = counsel_of(session, employer)
    if not counsel:
        return []
    names = [c.firm_name for c in counsel]
    codes = [c.firm_credit_code for c in counsel if c.firm_credit_code]
    condition = Lawyer.firm_name.in_(names)
    if codes:
        condition = or_(condition, Lawyer.firm_credit_code.in_(codes))
    return list(session.exec(select(Lawyer).where(condition).order_by(Lawyer.name)))
