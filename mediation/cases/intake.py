"""Intake and the bookkeeping every case operation shares: loading within scope, derived totals,
touching the case (which bumps its version) and finding repeat claims."""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from mediation import audit
from mediation.bounds import case_date_problem
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.identifiers import (
    IdType,
    InvalidIdentifier,
    lookup_key,
    mask_name,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
)
from mediation.numbering import next_number
from mediation.scope import Scope
from models import (
    OPEN_STATUSES,
    Agreement,
    AgreementLine,
    ApplicationForm,
    Case,
    Category,
    Centre,
    Channel,
    ClaimKind,
    ClaimLine,
    Employer,
    Payment,
    User,
    Worker,
    utcnow,
)
from models.base import sql_total

COLLECTIVE_THRESHOLD = 10  # "ten or more" workers form a collective dispute (law art.7)


@dataclass
class ClaimData:
    kind: str
    claimed_fen: int


@dataclass
class WorkerData:
    name: str
    id_type: str = IdType.RESIDENT.value
    id_number: str = ""
    phone: str = ""
    job: str = ""
    representative: bool = False
    claims: list[ClaimData] = field(default_factory=list)
    notices_consent: bool = False


@dataclass
class EmployerData:
    name: str
    credit_code: str = ""
    legal_rep: str = ""
    address: str = ""
    phone: str = ""


@dataclass
class IntakeData:
    channel: str
    received_on: date
    category: str
    employer: EmployerData
    workers: list[WorkerData]
    application_form: str = ApplicationForm.WRITTEN.value
    oral_record: str = ""
    facts: str = ""
    requests: str = ""
    new_employment: bool = False
    migrant_workers: bool = False


def get_case(session: Session, scope: Scope, case_id: int) -> Case | None:
    """The case if it exists inside the scope; None otherwise (callers answer 404 either way)."""
    case = session.get(Case, case_id)
    if case is None or not scope.includes(case.centre_id):
        return None
    return case


def touch(case: Case) -> None:
    """Mark the case changed: its version goes up on flush, so concurrent forms go stale."""
    case.updated_at = utcnow()


def refresh_totals(session: Session, case: Case) -> None:
    """Recompute the derived totals of a case from its workers, claims, agreement and payments."""
    session.flush()
    case.worker_count = session.exec(
        select(func.count()).select_from(Worker).where(Worker.case_id == case.id)
    ).one()
    case.claimed_fen = session.exec(
        select(sql_total(ClaimLine.claimed_fen)).where(ClaimLine.case_id == case.id)
    ).one()
    case.agreed_fen = session.exec(
        select(sql_total(AgreementLine.agreed_fen))
        .join(Agreement, Agreement.id == AgreementLine.agreement_id)
        .where(Agreement.case_id == case.id, Agreement.superseded_on.is_(None))
    ).one()
    case.paid_fen = session.exec(
        select(sql_total(Payment.amount_fen)).where(Payment.case_id == case.id)
    ).one()
    case.collective = case.worker_count >= COLLECTIVE_THRESHOLD
    touch(case)
    session.add(case)
    session.flush()


class RepeatClaim(NamedTuple):
    """An open case that already names a worker. Another centre's case shows its number and
    centre, with the worker's name masked (issue 15): the warning is for spotting a duplicate,
    not for reading another centre's parties."""

    name: str
    id_number: str
    case_number: str
    centre_name: str
    case_id: int  # the access log records the warning as a read of this case

    @property
    def label(self) -> str:
        return f"{self.case_number}（{self.centre_name}）"


def repeat_claims(
    session: Session,
    id_numbers: list[str],
    exclude_case_id: int | None = None,
    centre_id: int | None = None,
) -> list[RepeatClaim]:
    """Open cases that already name these workers; names are shown in full only on cases of
    `centre_id` (the centre asking)."""
    keys = [lookup_key("id", n) for n in id_numbers if n]  # numbers are stored encrypted
    if not keys:
        return []
    statement = (
        select(Worker.name, Worker.id_number, Case.number, Case.centre_id, Centre.name, Case.id)
        .join(Case, Case.id == Worker.case_id)
        .join(Centre, Centre.id == Case.centre_id)
        .where(Worker.id_key.in_(keys), Case.status.in_([s.value for s in OPEN_STATUSES]))
    )
    if exclude_case_id is not None:
        statement = statement.where(Case.id != exclude_case_id)
    rows = session.exec(statement.order_by(Case.id))
    return [
        RepeatClaim(name if at == centre_id else mask_name(name), id_number, number, centre, case)
        for name, id_number, number, at, centre, case in rows
    ]


def find_employer(session: Session, name: str, credit_code: str = "") -> Employer | None:
    """An employer already on file: by credit code when given, else by exact name."""
    if credit_code:
        found = session.exec(select(Employer).where(Employer.credit_code == credit_code)).first()
        if found:
            return found
    return session.exec(
        select(Employer).where(Employer.name == name.strip()).order_by(Employer.id)
    ).first()


def validate_intake(data: IntakeData, today: date) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if data.channel not in {c.value for c in Channel}:
        problems.append(("channel", "请选择案件来源"))
    if data.category not in {c.value for c in Category}:
        problems.append(("category", "请选择争议类别"))
    if data.application_form not in {f.value for f in ApplicationForm}:
        problems.append(("application_form", "请选择申请方式"))
    elif data.application_form == ApplicationForm.ORAL and not data.oral_record.strip():
        problems.append(
            ("oral_record", "口头申请须当场记录申请人基本情况、申请调解的争议事项、理由和时间")
        )
    if data.received_on is not None and (
        message := case_date_problem(data.received_on, "收到申请日期", today)
    ):
        problems.append(("received_on", message))
    if not data.employer.name.strip():
        problems.append(("employer_name", "请填写被申请单位名称"))
    if data.employer.credit_code:
        try:
            data.employer.credit_code = normalize_credit_code(data.employer.credit_code)
        except InvalidIdentifier as error:
            problems.append(("employer_credit_code", f"统一社会信用代码{error}"))
    if data.employer.phone:
        try:
            data.employer.phone = normalize_phone(data.employer.phone)
        except InvalidIdentifier as error:
            problems.append(("employer_phone", str(error)))
    if not data.workers:
        problems.append(("workers", "至少填写一名申请人"))
    small = len(data.workers) < COLLECTIVE_THRESHOLD
    seen: dict[str, int] = {}
    for index, worker in enumerate(data.workers):
        prefix = f"workers-{index}-"
        if not worker.name.strip():
            problems.append((prefix + "name", "请填写姓名"))
        if small and worker.representative:
            problems.append(
                (
                    prefix + "representative",
                    f"职工不足{COLLECTIVE_THRESHOLD}人，不推举代表人（劳动争议调解仲裁法第七条）",
                )
            )
        if worker.id_number:
            try:
                worker.id_number = normalize_id_number(worker.id_type, worker.id_number, today)
            except InvalidIdentifier as error:
                problems.append((prefix + "id_number", str(error)))
            else:
                if worker.id_number in seen:
                    problems.append(
                        (prefix + "id_number", f"与第{seen[worker.id_number] + 1}行证件号码重复")
                    )
                seen.setdefault(worker.id_number, index)
        if worker.phone:
            try:
                worker.phone = normalize_phone(worker.phone)
            except InvalidIdentifier as error:
                problems.append((prefix + "phone", str(error)))
        for claim in worker.claims:
            if claim.kind not in {k.value for k in ClaimKind}:
                problems.append((prefix + "claims", "请求事项类别无效"))
            if claim.claimed_fen < 0:
                problems.append((prefix + "claims", "金额不能为负数"))
    return problems


def add_workers(session: Session, case: Case, workers: list[WorkerData], start: int = 0) -> None:
    for position, data in enumerate(workers, start=start):
        worker = Worker(
            case_id=case.id,
            position=position,
            name=data.name.strip(),
            id_type=data.id_type,
            id_number=data.id_number,
            phone=data.phone,
            job=data.job.strip(),
            representative=data.representative,
            notices_consent=data.notices_consent,
        )
        session.add(worker)
        session.flush()
        for claim in data.claims:
            session.add(
                ClaimLine(
                    case_id=case.id,
                    worker_id=worker.id,
                    kind=claim.kind,
                    claimed_fen=claim.claimed_fen,
                )
            )


def intake(
    session: Session,
    actor: User | None,
    centre: Centre,
    data: IntakeData,
    today: date | None = None,
    actor_name: str | None = None,
) -> Case:
    """Register an application: employer (found or created), number, workers and claims.
    `actor` is None for an application the worker made online (`actor_name` says so)."""
    today = today or local_today()
    problems = validate_intake(data, today)
    if problems:
        raise RuleViolation(problems)
    employer = find_employer(session, data.employer.name, data.employer.credit_code)
    if employer is None:
        employer = Employer(
            name=data.employer.name.strip(),
            credit_code=data.employer.credit_code or None,
            legal_rep=data.employer.legal_rep.strip(),
            address=data.employer.address.strip(),
            phone=data.employer.phone,
        )
        session.add(employer)
        session.flush()
    year = data.received_on.year
    seq, number = next_number(session, centre, year)
    case = Case(
        centre_id=centre.id,
        year=year,
        seq=seq,
        number=number,
        channel=data.channel,
        application_form=data.application_form,
        oral_record=data.oral_record.strip(),
        received_on=data.received_on,
        category=data.category,
        new_employment=data.new_employment,
        migrant_workers=data.migrant_workers,
        employer_id=employer.id,
        facts=data.facts.strip(),
        requests=data.requests.strip(),
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(case)
    session.flush()
    add_workers(session, case, data.workers)
    refresh_totals(session, case)
    audit.record_event(
        session,
        case,
        actor,
        "intake",
        f"登记申请 {number}：{case.worker_count}名申请人，被申请单位{employer.name}",
        actor_name=actor_name,
    )
    session.flush()
    return case
