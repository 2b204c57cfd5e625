"""Legal services beyond mediation (法律服务): union lawyers represent workers in arbitration and
litigation, give advice and draft documents. A failed mediation converts in one step. Their
figures are in mediation.statistics.legal: arbitration and litigation cases only
(docs/statistics.md, "Legal-service cases")."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from mediation import audit
from mediation.cases.intake import find_employer
from mediation.cases.payments import worker_amounts
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from mediation.scope import Scope
from models import (
    Case,
    CaseStatus,
    Centre,
    Employer,
    Lawyer,
    LawyerCentre,
    LegalCase,
    LegalOutcome,
    LegalStage,
    LegalStageKind,
    LegalWorker,
    ServiceType,
    User,
)


@dataclass
class LegalWorkerData:
    name: str
    id_type: str = "resident"
    id_number: str = ""
    phone: str = ""
    claimed_fen: int = 0


def number_for(session: Session, centre: Centre, year: int) -> str:
    """(2021)南里法援字第3号: the next free number of the centre's legal cases in the year."""
    prefix = f"({year}){centre.short_name}法援字第"
    taken = session.execute(
        select(func.count())
        .select_from(LegalCase)
        .where(LegalCase.centre_id == centre.id, LegalCase.number.like(prefix + "%"))
    ).scalar_one()
    seq = taken + 1
    while session.execute(
        select(LegalCase.id).where(
            LegalCase.centre_id == centre.id, LegalCase.number == f"{prefix}{seq}号"
        )
    ).first():
        seq += 1
    return f"{prefix}{seq}号"


def get_legal_case(session: Session, scope: Scope, legal_id: int) -> LegalCase | None:
    """The legal case if it exists inside the scope; None otherwise (404 either way)."""
    legal = session.get(LegalCase, legal_id)
    if legal is None or not scope.includes(legal.centre_id):
        return None
    return legal


def convertible(case: Case) -> bool:
    """Only a failed mediation (调解不成) goes on to arbitration or litigation."""
    return case.status_enum is CaseStatus.FAILED


def legal_case_of(session: Session, case: Case) -> LegalCase | None:
    """The legal case a mediation case was converted into, if any."""
    return session.execute(
        select(LegalCase).where(LegalCase.mediation_case_id == case.id)
    ).scalar_one_or_none()


def _summary(legal: LegalCase, text: str) -> str:
    return f"法律服务案件 {legal.number}：{text}"


def create_legal_case(
    session: Session,
    actor: User | None,
    centre: Centre,
    service_type: str,
    accepted_on: date,
    workers: list[LegalWorkerData],
    lawyer_id: int | None = None,
    employer_id: int | None = None,
    note: str = "",
    today: date | None = None,
    mediation_case: Case | None = None,
    limitation_interrupted_on: date | None = None,
) -> LegalCase:
    today = today or local_today()
    problems: list[tuple[str | None, str]] = []
    if service_type not in {s.value for s in ServiceType}:
        problems.append(("service_type", "请选择法律服务类型"))
    if accepted_on is None:
        problems.append(("accepted_on", "请填写受理日期"))
    elif accepted_on > today:
        problems.append(("accepted_on", "受理日期不能晚于今天"))
    if not workers:
        problems.append(("workers", "请至少登记一名职工"))
    for worker in workers:
        if not worker.name.strip():
            problems.append(("workers", "职工姓名不能为空"))
        if worker.claimed_fen < 0:
            problems.append(("workers", "请求金额不能为负数"))
    if lawyer_id is not None and not is_stationed(session, lawyer_id, centre.id):
        lawyer = session.get(Lawyer, lawyer_id)
        who = f"特约律师{lawyer.name}" if lawyer is not None else "所选律师"
        message = f"{who}未派驻{centre.name}或已停用，请选择派驻本调解中心的律师"
        problems.append(("lawyer_id", message))
    if problems:
        raise RuleViolation(problems)
    legal = LegalCase(
        centre_id=centre.id,
        number=number_for(session, centre, accepted_on.year),
        service_type=service_type,
        lawyer_id=lawyer_id,
        employer_id=employer_id,
        mediation_case_id=mediation_case.id if mediation_case is not None else None,
        accepted_on=accepted_on,
        limitation_interrupted_on=limitation_interrupted_on,
        note=note.strip(),
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(legal)
    session.flush()
    for position, worker in enumerate(workers):
        session.add(
            LegalWorker(
                legal_case_id=legal.id,
                position=position,
                name=worker.name.strip(),
                id_type=worker.id_type,
                id_number=worker.id_number,
                phone=worker.phone,
                claimed_fen=worker.claimed_fen,
            )
        )
    origin = f"（由调解案件 {mediation_case.number} 转入）" if mediation_case is not None else ""
    audit.record_event(
        session,
        mediation_case,
        actor,
        "legal_create",
        _summary(legal, f"受理{service_type}，职工{len(workers)}人{origin}"),
    )
    session.flush()
    return legal


def _stationed_at(centre_id: int):
    """Active lawyers stationed at the centre: who may take a new legal case there."""
    return (
        select(Lawyer)
        .join(LawyerCentre, LawyerCentre.lawyer_id == Lawyer.id)
        .where(LawyerCentre.centre_id == centre_id, Lawyer.active)
    )


def lawyers_at(session: Session, centre_id: int) -> list[Lawyer]:
    return list(
        session.execute(_stationed_at(centre_id).order_by(Lawyer.name, Lawyer.id)).scalars()
    )


def is_stationed(session: Session, lawyer_id: int, centre_id: int) -> bool:
    statement = _stationed_at(centre_id).where(Lawyer.id == lawyer_id)
    return session.execute(statement).first() is not None


def employer_named(session: Session, name: str) -> Employer | None:
    """The employer of a legal case typed by name: the one on file (find_employer), else a new
    record with the name only. None for a blank name (advice is often given without one)."""
    name = name.strip()
    if not name:
        return None
    if len(name) > 200:
        raise RuleViolation([("employer_name", "被申请单位名称不超过200个字符")])
    employer = find_employer(session, name)
    if employer is None:
        employer = Employer(name=name)
        session.add(employer)
        session.flush()
    return employer


def convert_failed_mediation(
    session: Session,
    case: Case,
    actor: User | None,
    service_type: str = ServiceType.ARBITRATION.value,
    accepted_on: date | None = None,
    today: date | None = None,
) -> LegalCase:
    """One step from a failed mediation to representation: the workers with their ids, phones and
    claimed totals, the employer and the case's lawyer carry over; the application for mediation
    interrupted the arbitration limitation period (law art.27), so its date is recorded."""
    today = today or local_today()
    accepted_on = accepted_on or today
    if not convertible(case):
        raise RuleViolation(
            [
                (
                    None,
                    f"只有调解不成的案件才能转为法律服务，本案当前状态为「{case.status_enum.label}」",
                )
            ]
        )
    existing = legal_case_of(session, case)
    if existing is not None:
        raise RuleViolation([(None, f"本案已转为法律服务案件 {existing.number}，不能重复转入")])
    if service_type not in {ServiceType.ARBITRATION.value, ServiceType.LITIGATION.value}:
        raise RuleViolation([("service_type", "调解不成转入的案件应为仲裁代理或诉讼代理")])
    if case.closed_on and accepted_on < case.closed_on:
        raise RuleViolation([("accepted_on", "受理日期不能早于调解终止日期")])
    workers = [
        LegalWorkerData(
            name=row.worker.name,
            id_type=row.worker.id_type,
            id_number=row.worker.id_number,
            phone=row.worker.phone,
            claimed_fen=row.claimed_fen,
        )
        for row in worker_amounts(session, case)
        if not row.worker.placeholder
    ]
    if not workers:
        raise RuleViolation([(None, "本案没有登记申请职工，无法转为法律服务")])
    return create_legal_case(
        session,
        actor,
        session.get(Centre, case.centre_id),
        service_type,
        accepted_on,
        workers,
        lawyer_id=case.lawyer_id,
        employer_id=case.employer_id,
        today=today,
        mediation_case=case,
        limitation_interrupted_on=case.received_on,
    )


def _mediation_case(session: Session, legal: LegalCase) -> Case | None:
    return session.get(Case, legal.mediation_case_id) if legal.mediation_case_id else None


def add_stage(
    session: Session,
    legal: LegalCase,
    actor: User | None,
    stage: str,
    on: date | None,
    note: str = "",
) -> LegalStage:
    """A step of the proceedings (申请仲裁, 立案, 开庭...). A hearing may be scheduled ahead."""
    problems: list[tuple[str | None, str]] = []
    if stage not in {s.value for s in LegalStageKind}:
        problems.append(("stage", "请选择办理环节"))
    if on is None:
        problems.append(("on", "请填写日期"))
    elif on < legal.accepted_on:
        problems.append(("on", "日期不能早于受理日期"))
    if len(note) > 500:
        problems.append(("note", "说明不能超过500字"))
    if problems:
        raise RuleViolation(problems)
    record = LegalStage(legal_case_id=legal.id, stage=stage, on=on, note=note.strip())
    session.add(record)
    audit.record_event(
        session,
        _mediation_case(session, legal),
        actor,
        "legal_stage",
        _summary(legal, f"{on}{stage}"),
    )
    session.flush()
    return record


def stages(session: Session, legal: LegalCase) -> list[LegalStage]:
    return list(
        session.execute(
            select(LegalStage)
            .where(LegalStage.legal_case_id == legal.id)
            .order_by(LegalStage.on, LegalStage.id)
        ).scalars()
    )


def workers_of(session: Session, legal: LegalCase) -> list[LegalWorker]:
    return list(
        session.execute(
            select(LegalWorker)
            .where(LegalWorker.legal_case_id == legal.id)
            .order_by(LegalWorker.position, LegalWorker.id)
        ).scalars()
    )


def record_result(
    session: Session,
    legal: LegalCase,
    actor: User | None,
    outcome: str,
    closed_on: date | None,
    amounts: dict[int, tuple[int, int]],
    today: date | None = None,
) -> None:
    """The outcome, the closing date and per worker {worker id: (awarded fen, recovered fen)}.
    「办理中」 reopens: the closing date is cleared."""
    today = today or local_today()
    problems: list[tuple[str | None, str]] = []
    if outcome not in {o.value for o in LegalOutcome}:
        problems.append(("outcome", "请选择办理结果"))
    elif outcome == LegalOutcome.PENDING.value:
        closed_on = None
    elif closed_on is None:
        problems.append(("closed_on", "请填写结案日期"))
    elif closed_on > today:
        problems.append(("closed_on", "结案日期不能晚于今天"))
    elif closed_on < legal.accepted_on:
        problems.append(("closed_on", "结案日期不能早于受理日期"))
    workers = {w.id: w for w in workers_of(session, legal)}
    for worker_id, (awarded, recovered) in amounts.items():
        worker = workers.get(worker_id)
        if worker is None:
            problems.append(("workers", "请选择本案代理的职工"))
        elif awarded < 0 or recovered < 0:
            problems.append(("workers", f"{worker.name}的金额不能为负数"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(legal, ["outcome", "closed_on"])
    legal.outcome, legal.closed_on = outcome, closed_on
    for worker_id, (awarded, recovered) in amounts.items():
        worker = workers[worker_id]
        worker.awarded_fen, worker.recovered_fen = awarded, recovered
        session.add(worker)
    session.add(legal)
    recovered_total = sum(r for _, r in amounts.values())
    audit.record_event(
        session,
        _mediation_case(session, legal),
        actor,
        "legal_result",
        _summary(legal, f"{outcome}，挽回 {format_yuan(recovered_total)} 元"),
        audit.changes_between(before, audit.snapshot(legal, ["outcome", "closed_on"])),
    )
    session.flush()


def next_hearing(session: Session, legal_ids: list[int], today: date) -> dict[int, date]:
    """{legal case id: the next 开庭 date on or after today}."""
    if not legal_ids:
        return {}
    rows = session.execute(
        select(LegalStage.legal_case_id, func.min(LegalStage.on))
        .where(
            LegalStage.legal_case_id.in_(legal_ids),
            LegalStage.stage == LegalStageKind.HEARING.value,
            LegalStage.on >= today,
        )
        .group_by(LegalStage.legal_case_id)
    ).all()
    return dict(rows)
