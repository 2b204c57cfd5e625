"""Corrections of what was typed at intake, audited field by field.

Any mediator of the case's centre (CASE_WORK) corrects an open case; centre supervisors and
admins (CASE_CORRECT) also a closed one, with a reason. The same checks as intake apply
(`intake.validate_intake`: one rule, one place). What a correction never does:
- change the case number (nor its year of receipt);
- remove a worker who has an agreed amount or a payment;
- change an amount fixed by an effective agreement (that takes reopening); names and contact
  details stay correctable.
Every change leaves an audit event with before and after; the case's version guards against
saving over someone else's edit.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from mediation import audit
from mediation.bounds import case_date_problem
from mediation.cases.deadlines import calendar_from, mediation_due
from mediation.cases.intake import (
    ClaimData,
    EmployerData,
    IntakeData,
    WorkerData,
    add_workers,
    find_employer,
    refresh_totals,
    validate_intake,
)
from mediation.dates import today as local_today
from mediation.errors import RuleViolation, check_version
from mediation.money import format_yuan
from mediation.permissions import Permission, can
from models import (
    CLOSED_STATUSES,
    Agreement,
    AgreementLine,
    Case,
    ClaimKind,
    ClaimLine,
    Employer,
    Payment,
    User,
    Worker,
)

CANNOT_REMOVE = "该申请人已有协议金额或付款记录，不能删除"
FIXED_BY_AGREEMENT = "调解协议已生效，协议确定的金额不能在此更正（须重新打开案件）"
AGREED_LINE = "该请求事项已有协议金额，不能删除"
MAX_CLAIM_COLUMNS = 3

CASE_FIELDS = {
    "channel": "案件来源",
    "application_form": "申请方式",
    "oral_record": "口头申请记录",
    "received_on": "收到申请日期",
    "accepted_on": "受理日期",
    "category": "争议类别",
    "new_employment": "新就业形态",
    "migrant_workers": "农民工",
    "facts": "事实与理由",
    "requests": "调解请求",
}
WORKER_FIELDS = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "电话",
    "job": "岗位",
    "representative": "代表",
}


@dataclass
class WorkerEdit:
    """A row of the corrections table: an existing worker (by id) or one added here."""

    worker_id: int | None
    data: WorkerData


@dataclass
class CorrectionData:
    channel: str
    received_on: date
    category: str
    employer: EmployerData
    workers: list[WorkerEdit]  # the workers the case keeps or gains; any other is removed
    claim_kinds: list[str] = field(default_factory=list)  # the kinds the table's columns edit
    accepted_on: date | None = None
    application_form: str = "written"
    oral_record: str = ""
    facts: str = ""
    requests: str = ""
    new_employment: bool = False
    migrant_workers: bool = False
    reason: str = ""


def may_correct(user: User, case: Case) -> bool:
    """Open cases: CASE_WORK (mediators of the centre, its supervisors, admins; never lawyers or
    district and city supervisors). Closed cases: CASE_CORRECT as well."""
    if not can(user, Permission.CASE_WORK):
        return False
    return not is_closed(case) or can(user, Permission.CASE_CORRECT)


def is_closed(case: Case) -> bool:
    return case.status_enum in CLOSED_STATUSES


def claim_kinds_of(session: Session, case: Case) -> list[str]:
    """The claim kinds a case uses, in their order of entry (the table's amount columns)."""
    rows = session.exec(
        select(ClaimLine.kind, func.min(ClaimLine.id))
        .where(ClaimLine.case_id == case.id)
        .group_by(ClaimLine.kind)
        .order_by(func.min(ClaimLine.id))
    ).all()
    return [kind for kind, _ in rows]


def locked_workers(session: Session, case: Case) -> set[int]:
    """Workers who cannot be removed: an agreed amount or a payment names them."""
    agreed = session.exec(
        select(ClaimLine.worker_id)
        .join(AgreementLine, AgreementLine.claim_line_id == ClaimLine.id)
        .where(ClaimLine.case_id == case.id)
    ).all()
    paid = session.exec(select(Payment.worker_id).where(Payment.case_id == case.id)).all()
    return set(agreed) | set(paid)


def current_data(session: Session, case: Case) -> CorrectionData:
    """The case as it stands, to open the corrections form with."""
    employer = session.get(Employer, case.employer_id)
    workers = session.exec(
        select(Worker).where(Worker.case_id == case.id).order_by(Worker.position, Worker.id)
    ).all()
    claims: dict[int, list[ClaimData]] = {}
    for line in session.exec(
        select(ClaimLine).where(ClaimLine.case_id == case.id).order_by(ClaimLine.id)
    ):
        claims.setdefault(line.worker_id, []).append(ClaimData(line.kind, line.claimed_fen))
    return CorrectionData(
        channel=case.channel,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        category=case.category,
        application_form=case.application_form,
        oral_record=case.oral_record,
        facts=case.facts,
        requests=case.requests,
        new_employment=case.new_employment,
        migrant_workers=case.migrant_workers,
        employer=EmployerData(
            name=employer.name,
            credit_code=employer.credit_code or "",
            legal_rep=employer.legal_rep,
            address=employer.address,
            phone=employer.phone,
        ),
        workers=[
            WorkerEdit(
                w.id,
                WorkerData(
                    name=w.name,
                    id_type=w.id_type,
                    id_number=w.id_number,
                    phone=w.phone,
                    job=w.job,
                    representative=w.representative,
                    claims=claims.get(w.id, []),
                ),
            )
            for w in workers
        ],
        claim_kinds=claim_kinds_of(session, case)[:MAX_CLAIM_COLUMNS],
    )


def _effective(session: Session, case: Case) -> bool:
    agreement = session.exec(select(Agreement).where(Agreement.case_id == case.id)).first()
    return agreement is not None and agreement.effective_on is not None


def _workers_of(session: Session, case: Case) -> dict[int, Worker]:
    return {w.id: w for w in session.exec(select(Worker).where(Worker.case_id == case.id)).all()}


def problems_of(
    session: Session, case: Case, data: CorrectionData, today: date | None = None
) -> list[tuple[str | None, str]]:
    """Every problem of a correction, without saving anything (the form shows them at once)."""
    return _check(session, case, data, _workers_of(session, case), today or local_today())


def _check(
    session: Session, case: Case, data: CorrectionData, workers: dict[int, Worker], today: date
) -> list[tuple[str | None, str]]:
    intake = IntakeData(
        channel=data.channel,
        received_on=data.received_on,
        category=data.category,
        employer=data.employer,
        workers=[row.data for row in data.workers],
        application_form=data.application_form,
        oral_record=data.oral_record,
    )
    problems = validate_intake(intake, today)
    if is_closed(case) and not data.reason.strip():
        problems.append(("reason", "更正已结案件须写明理由"))
    if data.received_on is None:
        pass  # the form reports the date at its field
    elif case.accepted_on is not None:
        accepted = data.accepted_on
        if accepted is None:
            problems.append(("accepted_on", "请填写受理日期"))
        elif message := case_date_problem(accepted, "受理日期", today):
            problems.append(("accepted_on", message))
        elif accepted < data.received_on:
            problems.append(("accepted_on", "受理日期不能早于收到申请日期"))
        elif case.closed_on is not None and accepted > case.closed_on:
            problems.append(("accepted_on", f"受理日期不能晚于结案日期（{case.closed_on}）"))
    elif case.closed_on is not None and data.received_on > case.closed_on:
        problems.append(("received_on", f"收到申请日期不能晚于结案日期（{case.closed_on}）"))
    kept = {row.worker_id for row in data.workers if row.worker_id is not None}
    if kept - set(workers):
        problems.append(("workers", "表格中的申请人不属于本案，请重新打开更正页面"))
    locked = locked_workers(session, case)
    for worker_id in sorted(set(workers) - kept):
        if worker_id in locked:
            problems.append(("workers", f"{workers[worker_id].name}：{CANNOT_REMOVE}"))
    agreed = _agreed_lines(session, case)
    effective = _effective(session, case)
    managed = set(data.claim_kinds)
    for index, row in enumerate(data.workers):
        if row.worker_id not in workers:
            continue
        wanted = {claim.kind: claim.claimed_fen for claim in row.data.claims}
        for line in _lines_of(session, row.worker_id):
            if line.kind not in managed or line.id not in agreed:
                continue
            if line.kind not in wanted:
                problems.append((f"workers-{index}-claims", f"「{line.kind}」{AGREED_LINE}"))
            elif effective and wanted[line.kind] != line.claimed_fen:
                problems.append((f"workers-{index}-claims", FIXED_BY_AGREEMENT))
    return problems


def _agreed_lines(session: Session, case: Case) -> set[int]:
    return set(
        session.exec(
            select(AgreementLine.claim_line_id)
            .join(ClaimLine, ClaimLine.id == AgreementLine.claim_line_id)
            .where(ClaimLine.case_id == case.id)
        ).all()
    )


def _lines_of(session: Session, worker_id: int) -> list[ClaimLine]:
    return list(
        session.exec(
            select(ClaimLine).where(ClaimLine.worker_id == worker_id).order_by(ClaimLine.id)
        )
    )


def correct(
    session: Session,
    case: Case,
    actor: User,
    data: CorrectionData,
    version: int | None,
    today: date | None = None,
) -> int:
    """Apply a correction; the number of audit events it left (0: nothing had changed)."""
    today = today or local_today()
    if not may_correct(actor, case):
        raise RuleViolation("您无权更正此案件（已结案件须由中心负责人或管理员更正）")
    check_version(case, version)
    workers = _workers_of(session, case)
    problems = _check(session, case, data, workers, today)
    if problems:
        raise RuleViolation(problems)
    suffix = f"（理由：{data.reason.strip()}）" if data.reason.strip() else ""
    events = 0
    events += _correct_case_fields(session, case, actor, data, suffix)
    events += _relink_employer(session, case, actor, data.employer, suffix)
    events += _correct_workers(session, case, actor, data, workers, suffix)
    if events:
        before = audit.snapshot(case, ["worker_count", "collective", "claimed_fen"])
        refresh_totals(session, case)  # 集体 (ten or more) follows the workers
        after = audit.snapshot(case, ["worker_count", "collective", "claimed_fen"])
        if changes := audit.changes_between(before, after):
            totals = f"申请人{case.worker_count}名，请求金额 {format_yuan(case.claimed_fen)} 元"
            collective = "，为集体争议" if case.collective else ""
            audit.record_event(
                session, case, actor, "correct_totals", f"更正后{totals}{collective}", changes
            )
    session.flush()
    return events


def _correct_case_fields(
    session: Session, case: Case, actor: User, data: CorrectionData, suffix: str
) -> int:
    before = audit.snapshot(case, list(CASE_FIELDS))
    case.channel, case.category = data.channel, data.category
    case.received_on = data.received_on
    if case.accepted_on is not None:
        case.accepted_on = data.accepted_on
        case.mediation_due_on = mediation_due(case, calendar_from(session, case.accepted_on))
    case.application_form = data.application_form
    case.oral_record = data.oral_record.strip()
    case.facts, case.requests = data.facts.strip(), data.requests.strip()
    case.new_employment, case.migrant_workers = data.new_employment, data.migrant_workers
    changes = audit.changes_between(before, audit.snapshot(case, list(CASE_FIELDS)))
    if not changes:
        return 0
    labels = "、".join(CASE_FIELDS[name] for name in changes)
    audit.record_event(session, case, actor, "correct", f"更正{labels}{suffix}", changes)
    session.add(case)
    return 1


def _relink_employer(
    session: Session, case: Case, actor: User, data: EmployerData, suffix: str
) -> int:
    """Another employer on file (by credit code, else exact name), or a new one. A shared
    employer's own particulars are edited on the employer page, not here."""
    current = session.get(Employer, case.employer_id)
    found = find_employer(session, data.name, data.credit_code)
    if found is not None and found.id == current.id:
        return 0
    if found is None:
        found = Employer(
            name=data.name.strip(),
            credit_code=data.credit_code or None,
            legal_rep=data.legal_rep.strip(),
            address=data.address.strip(),
            phone=data.phone,
        )
        session.add(found)
        session.flush()
    case.employer_id = found.id
    session.add(case)
    audit.record_event(
        session,
        case,
        actor,
        "correct_employer",
        f"被申请单位由「{current.name}」更正为「{found.name}」{suffix}",
        {"employer": [current.name, found.name], "employer_id": [current.id, found.id]},
    )
    return 1


def _correct_workers(
    session: Session,
    case: Case,
    actor: User,
    data: CorrectionData,
    workers: dict[int, Worker],
    suffix: str,
) -> int:
    events = 0
    kept = {row.worker_id for row in data.workers}
    for worker_id, worker in workers.items():
        if worker_id in kept:
            continue
        audit.record_event(
            session,
            case,
            actor,
            "remove_worker",
            f"删除申请人 {worker.name}{suffix}",
            {"name": [worker.name, None], "id_number": [worker.id_number, None]},
        )
        session.delete(worker)  # its claim lines go with it (ON DELETE CASCADE)
        events += 1
    session.flush()
    position = max((w.position for w in workers.values()), default=-1) + 1
    for row in data.workers:
        worker = workers.get(row.worker_id) if row.worker_id is not None else None
        if worker is None:
            add_workers(session, case, [row.data], start=position)
            position += 1
            claims = "，".join(f"{c.kind} {format_yuan(c.claimed_fen)} 元" for c in row.data.claims)
            claims = f"（{claims}）" if claims else ""
            audit.record_event(
                session,
                case,
                actor,
                "add_worker",
                f"增加申请人 {row.data.name.strip()}{claims}{suffix}",
                {"name": [None, row.data.name.strip()], "id_number": [None, row.data.id_number]},
            )
            events += 1
            continue
        events += _correct_worker(session, case, actor, worker, row.data, data.claim_kinds, suffix)
    return events


def _correct_worker(
    session: Session,
    case: Case,
    actor: User,
    worker: Worker,
    data: WorkerData,
    claim_kinds: list[str],
    suffix: str,
) -> int:
    before = audit.snapshot(worker, list(WORKER_FIELDS))
    worker.name, worker.id_type = data.name.strip(), data.id_type
    worker.id_number, worker.phone = data.id_number, data.phone
    worker.job, worker.representative = data.job.strip(), data.representative
    changes = audit.changes_between(before, audit.snapshot(worker, list(WORKER_FIELDS)))
    labels = [WORKER_FIELDS[name] for name in changes]
    wanted = {claim.kind: claim.claimed_fen for claim in data.claims}
    lines: dict[str, list[ClaimLine]] = {}
    for line in _lines_of(session, worker.id):
        lines.setdefault(line.kind, []).append(line)
    for kind in dict.fromkeys([*claim_kinds, *wanted]):
        if kind not in {k.value for k in ClaimKind}:
            continue
        existing = lines.get(kind, [])
        old = sum(line.claimed_fen for line in existing) if existing else None
        new = wanted.get(kind)
        if old == new:
            continue
        if new is None:
            for line in existing:
                session.delete(line)
        elif existing:
            existing[0].claimed_fen = new
            session.add(existing[0])
            for line in existing[1:]:
                session.delete(line)
        else:
            session.add(ClaimLine(case_id=case.id, worker_id=worker.id, kind=kind, claimed_fen=new))
        changes[f"claims.{kind}"] = [
            format_yuan(old) if old is not None else None,
            format_yuan(new) if new is not None else None,
        ]
        labels.append(f"{kind}金额")
    if not changes:
        return 0
    session.add(worker)
    audit.record_event(
        session,
        case,
        actor,
        "correct_worker",
        f"更正申请人 {before['name']} 的{'、'.join(labels)}{suffix}",
        changes,
    )
    return 1
