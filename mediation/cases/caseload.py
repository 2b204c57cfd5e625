"""Moving a caseload in one step: a centre supervisor hands open cases (a mediator's, or those
ticked in the list) to another mediator or lawyer of the centre. Each case is checked on its own
with the rules of `assignment` (status, the lawyer's stationing, conflicts of interest); the
cases without a problem move together, one audit event each, and a case with one stays as it
was (a conflicting case keeps its lawyer) and is reported with the reason."""

from dataclasses import dataclass

from sqlmodel import Session, select

from mediation import audit
from mediation.cases.assignment import ASSIGNABLE, conflict_of, mediators_of
from mediation.cases.intake import touch
from mediation.cases.lifecycle import start_mediation_if_ready
from mediation.errors import RuleViolation
from mediation.notices.catalogue import Notice, notify_workers
from models import Case, Employer, Lawyer, LawyerCentre, User

MAX_CASES = 500  # one move; a centre's open caseload is far smaller


@dataclass(frozen=True)
class Target:
    """Who takes the cases over: a mediator (user id) or a lawyer (roster id)."""

    kind: str  # "mediator" or "lawyer"
    id: int

    @property
    def field(self) -> str:
        return "mediator_id" if self.kind == "mediator" else "lawyer_id"

    @classmethod
    def parse(cls, text: str | None) -> "Target | None":
        """'mediator:12' or 'lawyer:3' (the form's choice values)."""
        kind, _, number = (text or "").partition(":")
        if kind not in ("mediator", "lawyer") or not number.isascii() or not number.isdigit():
            return None
        return cls(kind, int(number))


@dataclass(frozen=True)
class Planned:
    case: Case
    employer: str
    problem: str  # why this case cannot move to the target, or ""


@dataclass(frozen=True)
class Moved:
    moved: list[Case]
    kept: list[Planned]  # each with its reason


def targets(session: Session, centre_id: int) -> list[tuple[str, str]]:
    """(choice value, label) of everyone at the centre who can take cases over."""
    mediators = [
        (f"mediator:{u.id}", f"调解员：{u.name}") for u in mediators_of(session, centre_id)
    ]
    lawyers = session.exec(
        select(Lawyer)
        .join(LawyerCentre, LawyerCentre.lawyer_id == Lawyer.id)
        .where(LawyerCentre.centre_id == centre_id, Lawyer.active)
        .order_by(Lawyer.name)
    ).all()
    return mediators + [(f"lawyer:{x.id}", f"特约律师：{x.name}（{x.firm_name}）") for x in lawyers]


def open_cases(session: Session, centre_id: int, mediator_id: int | None = None) -> list[Case]:
    """The centre's open cases that can be reassigned, a mediator's only when given."""
    statement = select(Case).where(
        Case.centre_id == centre_id, Case.status.in_([s.value for s in ASSIGNABLE])
    )
    if mediator_id is not None:
        statement = statement.where(Case.mediator_id == mediator_id)
    return list(session.exec(statement.order_by(Case.received_on, Case.id).limit(MAX_CASES)))


def _target_record(session: Session, centre_id: int, target: Target) -> User | Lawyer:
    if target.kind == "mediator":
        user = session.get(User, target.id)
        if user is None or user not in mediators_of(session, centre_id):
            raise RuleViolation([("target", "接手的调解员须为本中心在职调解员")])
        return user
    lawyer = session.get(Lawyer, target.id)
    if lawyer is None or not lawyer.active or not session.get(LawyerCentre, (target.id, centre_id)):
        raise RuleViolation([("target", "接手的特约律师须为本中心在册、在职的律师")])
    return lawyer


def plan(session: Session, centre_id: int, case_ids: list[int], target: Target) -> list[Planned]:
    """Each selected case with the reason it cannot move to `target` ("" when it can)."""
    if not case_ids:
        raise RuleViolation([("case_ids", "请选择要移交的案件")])
    if len(case_ids) > MAX_CASES:
        raise RuleViolation([("case_ids", f"一次最多移交{MAX_CASES}件")])
    taker = _target_record(session, centre_id, target)
    rows = session.exec(
        select(Case, Employer)
        .join(Employer, Employer.id == Case.employer_id)
        .where(Case.id.in_(sorted(set(case_ids))), Case.centre_id == centre_id)
        .order_by(Case.received_on, Case.id)
    ).all()
    if len(rows) != len(set(case_ids)):
        raise RuleViolation([("case_ids", "所选案件须为本中心的案件")])
    conflicts: dict[int, str] = {}  # by employer: counsel looked up once per employer
    planned = []
    for case, employer in rows:
        problem = ""
        if case.status_enum not in ASSIGNABLE:
            problem = f"案件状态为「{case.status_enum.label}」，不能再指派"
        elif getattr(case, target.field) == target.id:
            problem = "已由其承办"
        elif isinstance(taker, Lawyer):
            if employer.id not in conflicts:
                conflicts[employer.id] = conflict_of(session, taker, employer)
            problem = conflicts[employer.id]
        planned.append(Planned(case, employer.name, problem))
    return planned


def move(
    session: Session, actor: User, centre_id: int, case_ids: list[int], target: Target
) -> Moved:
    """Move every selected case without a problem to `target` (one audit event each); the
    others stay as they were. The caller commits once: all the moves or none."""
    planned = plan(session, centre_id, case_ids, target)
    taker = _target_record(session, centre_id, target)
    who = f"调解员{taker.name}" if target.kind == "mediator" else f"特约律师{taker.name}"
    moved = []
    for item in planned:
        if item.problem:
            continue
        case = item.case
        before = audit.snapshot(case, [target.field])
        setattr(case, target.field, target.id)
        touch(case)
        session.add(case)
        audit.record_event(
            session,
            case,
            actor,
            "reassign",
            f"批量移交：改由{who}承办",
            audit.changes_between(before, audit.snapshot(case, [target.field])),
        )
        moved.append(case)
    session.flush()
    for case in moved:
        notify_workers(session, case, Notice.HANDLER_CHANGED, who=who)
        start_mediation_if_ready(session, case, actor)
    return Moved(moved, [item for item in planned if item.problem])
