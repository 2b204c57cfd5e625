"""Employers (被申请单位): search with case counts within a scope, editing, and the law firms
recorded as acting for them (a union lawyer of such a firm has a conflict of interest)."""

from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_
from sqlmodel import Session, delete, select

from mediation import audit
from mediation.cases.intake import EmployerData
from mediation.errors import RuleViolation
from mediation.identifiers import InvalidIdentifier, normalize_credit_code, normalize_phone
from mediation.logs.security import record_security
from mediation.scope import Scope
from models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Employer,
    EmployerCounsel,
    Lawyer,
    Role,
    SecurityKind,
    User,
)

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


SHARED_EMPLOYER = "该单位在多个调解中心有案件，{what}只能由这些中心的负责人或管理员修改"
_FIELDS = ["name", "credit_code", "legal_rep", "address", "phone"]


def centres_of(session: Session, employer: Employer) -> set[int]:
    """The centres with a case against the employer."""
    return set(session.exec(select(Case.centre_id).where(Case.employer_id == employer.id)))


def may_edit_shared(session: Session, actor: User | None, employer: Employer) -> bool:
    """Whether the actor may change what other centres rely on (name, credit code, counsel):
    anyone who may edit employers while all its cases are at one centre; once it has cases at
    several, only a supervisor of one of them or an admin (issue 15). The command line (None)
    is the operator's."""
    if actor is None or actor.role == Role.ADMIN:
        return True
    centres = centres_of(session, employer)
    if len(centres) <= 1:
        return True
    return actor.role == Role.CENTRE_SUPERVISOR and actor.centre_id in centres


def _audit(session: Session, actor, employer: Employer, action: str, summary: str, changes):
    """An audit event (as before), and a security event with the same before and after: an
    employer's counsel drives conflict checks at every centre with a case against it."""
    audit.record_event(session, None, actor, action, f"被申请单位「{summary}」", changes)
    target = f"被申请单位「{employer.name}」（{action}）"
    record_security(session, SecurityKind.EMPLOYER_EDIT, actor, target=target, changes=changes)


def update_employer(
    session: Session, employer: Employer, data: EmployerData, actor: User | None = None
) -> Employer:
    """Correct the employer's particulars; audited with before and after."""
    problems: list[tuple[str | None, str]] = []
    before = audit.snapshot(employer, _FIELDS)
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
    shared_change = (name, credit_code) != (employer.name, employer.credit_code)
    if shared_change and not problems and not may_edit_shared(session, actor, employer):
        problems.append(("name", SHARED_EMPLOYER.format(what="名称和统一社会信用代码")))
    if problems:
        raise RuleViolation(problems)
    employer.name, employer.credit_code = name, credit_code
    employer.legal_rep, employer.address = data.legal_rep.strip(), data.address.strip()
    employer.phone = phone
    session.add(employer)
    changes = audit.changes_between(before, audit.snapshot(employer, _FIELDS))
    if changes:
        _audit(
            session,
            actor,
            employer,
            "employer_edit",
            f"{before['name']}」资料修改：「{name}",
            changes,
        )
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
    session: Session,
    employer: Employer,
    firm_name: str,
    firm_credit_code: str = "",
    actor: User | None = None,
) -> EmployerCounsel:
    """Record a law firm as acting for the employer (its lawyers must then recuse)."""
    problems: list[tuple[str | None, str]] = []
    firm_name = firm_name.strip()
    if not may_edit_shared(session, actor, employer):
        problems.append(("firm_name", SHARED_EMPLOYER.format(what="代理律所")))
    elif not firm_name:
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
    _audit(
        session,
        actor,
        employer,
        "employer_counsel",
        f"{employer.name}」登记代理律所「{firm_name}",
        {"counsel": [None, firm_name]},
    )
    session.flush()
    return counsel


def remove_counsel(
    session: Session, employer: Employer, firm_name: str, actor: User | None = None
) -> bool:
    """Remove a recorded law firm; False if it was not recorded. RuleViolation when the actor
    may not change a shared employer's counsel."""
    if not may_edit_shared(session, actor, employer):
        raise RuleViolation([("firm_name", SHARED_EMPLOYER.format(what="代理律所"))])
    result = session.exec(
        delete(EmployerCounsel).where(
            EmployerCounsel.employer_id == employer.id, EmployerCounsel.firm_name == firm_name
        )
    )
    if result.rowcount:
        _audit(
            session,
            actor,
            employer,
            "employer_counsel",
            f"{employer.name}」删除代理律所「{firm_name}",
            {"counsel": [firm_name, None]},
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
