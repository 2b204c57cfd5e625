"""Assigning a mediator and a union lawyer; conflicts of interest (回避)."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from mediation import audit
from mediation.cases.intake import touch
from mediation.cases.lifecycle import start_mediation_if_ready
from mediation.errors import RuleViolation
from mediation.notices.catalogue import Notice, notify_workers
from mediation.reference.employers import counsel_of
from models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Employer,
    EmployerCounsel,
    Lawyer,
    LawyerCentre,
    Role,
    User,
)

ASSIGNABLE = (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION)


@dataclass(frozen=True)
class LawyerSuggestion:
    lawyer: Lawyer
    open_cases: int
    conflict: str  # why the lawyer should not act here, or ""


def _conflict(counsel: list[EmployerCounsel], lawyer: Lawyer, employer: Employer) -> str:
    for firm in counsel:
        same_code = firm.firm_credit_code and firm.firm_credit_code == lawyer.firm_credit_code
        if same_code or firm.firm_name == lawyer.firm_name:
            return f"{lawyer.firm_name}登记为{employer.name}的代理律所，存在利益冲突，应当回避"
    return ""


def conflict_of(session: Session, lawyer: Lawyer, employer: Employer) -> str:
    """Explain a conflict when the lawyer's firm is recorded as acting for this employer."""
    return _conflict(counsel_of(session, employer), lawyer, employer)


def suggest_lawyers(session: Session, case: Case) -> list[LawyerSuggestion]:
    """Active lawyers stationed at the case's centre, fewest open cases first."""
    open_counts = (
        select(Case.lawyer_id, func.count().label("n"))
        .where(Case.status.in_([s.value for s in OPEN_STATUSES]), Case.lawyer_id.is_not(None))
        .group_by(Case.lawyer_id)
        .subquery()
    )
    rows = session.exec(
        select(Lawyer, func.coalesce(open_counts.c.n, 0))
        .join(LawyerCentre, LawyerCentre.lawyer_id == Lawyer.id)
        .join(open_counts, open_counts.c.lawyer_id == Lawyer.id, isouter=True)
        .where(LawyerCentre.centre_id == case.centre_id, Lawyer.active)
        .order_by(func.coalesce(open_counts.c.n, 0), Lawyer.name)
    ).all()
    employer = session.get(Employer, case.employer_id)
    counsel = counsel_of(session, employer)  # once, not once per lawyer
    return [LawyerSuggestion(lawyer, n, _conflict(counsel, lawyer, employer)) for lawyer, n in rows]


def mediators_of(session: Session, centre_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(
                User.centre_id == centre_id,
                User.role.in_([Role.MEDIATOR.value, Role.CENTRE_SUPERVISOR.value]),
                User.active,
            )
            .order_by(User.display_name, User.username)
        )
    )


def assign(
    session: Session,
    case: Case,
    actor: User,
    mediator_id: int | None,
    lawyer_id: int | None,
    override_reason: str = "",
) -> None:
    if case.status_enum not in ASSIGNABLE:
        raise RuleViolation(f"案件状态为「{case.status_enum.label}」，不能再指派")
    problems = []
    if mediator_id is not None:
        mediator = session.get(User, mediator_id)
        if mediator is None or mediator not in mediators_of(session, case.centre_id):
            problems.append(("mediator_id", "调解员须为本中心在职调解员"))
    lawyer = session.get(Lawyer, lawyer_id) if lawyer_id is not None else None
    if lawyer_id is not None:
        stationed = session.get(LawyerCentre, (lawyer_id, case.centre_id))
        if lawyer is None or not lawyer.active or stationed is None:
            problems.append(("lawyer_id", "特约律师须为本中心在册、在职的律师"))
    conflict = ""
    if lawyer is not None and not problems:
        conflict = conflict_of(session, lawyer, session.get(Employer, case.employer_id))
        if conflict and not override_reason.strip():
            problems.append(("override_reason", f"{conflict}；如确需指派，请填写理由"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["mediator_id", "lawyer_id"])
    case.mediator_id, case.lawyer_id = mediator_id, lawyer_id
    after = audit.snapshot(case, ["mediator_id", "lawyer_id"])
    summary = "指派调解员和特约律师"
    if conflict:
        summary += f"（利益冲突已说明理由：{override_reason.strip()}）"
        after["conflict_override"] = override_reason.strip()
    touch(case)
    session.add(case)
    audit.record_event(
        session, case, actor, "assign", summary, audit.changes_between(before, after)
    )
    session.flush()
    _tell_workers_of_change(session, case, before, mediator_id, lawyer)
    start_mediation_if_ready(session, case, actor)


def _tell_workers_of_change(
    session: Session, case: Case, before: dict, mediator_id: int | None, lawyer: Lawyer | None
) -> None:
    """A handler replaced (not a first assignment) is news to the workers."""
    who = []
    if before["mediator_id"] is not None and before["mediator_id"] != mediator_id and mediator_id:
        who.append(f"调解员{session.get(User, mediator_id).name}")
    lawyer_id = lawyer.id if lawyer is not None else None
    if before["lawyer_id"] is not None and before["lawyer_id"] != lawyer_id and lawyer:
        who.append(f"特约律师{lawyer.name}")
    if who:
        notify_workers(session, case, Notice.HANDLER_CHANGED, who="、".join(who))
