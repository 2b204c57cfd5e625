"""The mediation agreement, its schedule and effectiveness, and the payments made under it."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import object_session
from sqlmodel import Session, delete, select

from mediation import audit
from mediation.cases.deadlines import calendar_from
from mediation.cases.intake import refresh_totals
from mediation.cases.lifecycle import _move
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from models import (
    Agreement,
    AgreementLine,
    Case,
    CaseStatus,
    Centre,
    ClaimKind,
    ClaimLine,
    Employer,
    Instalment,
    Payment,
    User,
    Worker,
)
from models.base import sql_total

REVIEW_WINDOW_DAYS = 15  # 仲裁审查: within 15 days of the agreement taking effect
CONFIRMATION_WINDOW_DAYS = 30  # 司法确认: within 30 days


class PaymentState(StrEnum):
    PENDING = "pending"
    PERFORMED = "performed"
    IN_DEFAULT = "in_default"

    @property
    def label(self) -> str:
        return {"pending": "履行中", "performed": "已履行", "in_default": "逾期未履行"}[self.value]

    @property
    def css_class(self) -> str:
        return {"pending": "info", "performed": "ok", "in_default": "bad"}[self.value]


@dataclass(frozen=True)
class WorkerAmounts:
    worker: Worker
    claimed_fen: int
    agreed_fen: int
    paid_fen: int

    @property
    def outstanding_fen(self) -> int:
        return max(self.agreed_fen - self.paid_fen, 0)


def agreement_of(session: Session, case: Case) -> Agreement | None:
    return session.exec(select(Agreement).where(Agreement.case_id == case.id)).first()


def worker_amounts(session: Session, case: Case) -> list[WorkerAmounts]:
    """Claimed, agreed and paid per worker, in their order on the case (three grouped queries)."""
    workers = session.exec(
        select(Worker).where(Worker.case_id == case.id).order_by(Worker.position, Worker.id)
    ).all()
    claimed = dict(
        session.exec(
            select(ClaimLine.worker_id, sql_total(ClaimLine.claimed_fen))
            .where(ClaimLine.case_id == case.id)
            .group_by(ClaimLine.worker_id)
        ).all()
    )
    agreed = dict(
        session.exec(
            select(ClaimLine.worker_id, sql_total(AgreementLine.agreed_fen))
            .join(ClaimLine, ClaimLine.id == AgreementLine.claim_line_id)
            .where(ClaimLine.case_id == case.id)
            .group_by(ClaimLine.worker_id)
        ).all()
    )
    paid = dict(
        session.exec(
            select(Payment.worker_id, sql_total(Payment.amount_fen))
            .where(Payment.case_id == case.id)
            .group_by(Payment.worker_id)
        ).all()
    )
    return [
        WorkerAmounts(
            w, claimed.get(w.id, 0) or 0, agreed.get(w.id, 0) or 0, paid.get(w.id, 0) or 0
        )
        for w in workers
    ]


def claim_lines(session: Session, case: Case) -> list[tuple[Worker, ClaimLine, int | None]]:
    """Every claim line with its worker and the amount agreed for it (None before agreement)."""
    agreement = agreement_of(session, case)
    agreed: dict[int, int] = {}
    if agreement is not None:
        agreed = dict(
            session.exec(
                select(AgreementLine.claim_line_id, AgreementLine.agreed_fen).where(
                    AgreementLine.agreement_id == agreement.id
                )
            ).all()
        )
    rows = session.exec(
        select(Worker, ClaimLine)
        .join(ClaimLine, ClaimLine.worker_id == Worker.id)
        .where(Worker.case_id == case.id)
        .order_by(Worker.position, Worker.id, ClaimLine.id)
    ).all()
    return [(worker, line, agreed.get(line.id)) for worker, line in rows]


def instalments_of(session: Session, agreement: Agreement | None) -> list[Instalment]:
    if agreement is None:
        return []
    return list(
        session.exec(
            select(Instalment)
            .where(Instalment.agreement_id == agreement.id)
            .order_by(Instalment.due_on, Instalment.id)
        )
    )


def save_agreement(
    session: Session,
    case: Case,
    actor: User,
    *,
    terms: str,
    payment_method: str,
    copies: int,
    lines: dict[int, int],
    instalments: list[tuple[date, int]],
    parties_signed_on: date | None = None,
    mediator_signed_on: date | None = None,
    centre_sealed_on: date | None = None,
    today: date | None = None,
) -> list[str]:
    """Record or revise the agreement while mediating; it takes effect (and the case succeeds)
    when all three signature dates are recorded. Returns warnings worth showing."""
    today = today or local_today()
    if case.status_enum is not CaseStatus.IN_MEDIATION:
        raise RuleViolation(f"案件状态为「{case.status_enum.label}」，不能录入调解协议")
    problems: list[tuple[str | None, str]] = []
    warnings: list[str] = []
    if not terms.strip():
        problems.append(("terms", "请填写协议内容"))
    if not 1 <= copies <= 20:
        problems.append(("copies", "份数为1至20份"))
    known = {line.id: (worker, line) for worker, line, _ in claim_lines(session, case)}
    unknown = set(lines) - set(known)
    if unknown:
        problems.append((None, "协议金额对应的请求事项不属于本案"))
    total = 0
    for line_id, fen in lines.items():
        if line_id not in known:
            continue
        worker, line = known[line_id]
        if fen < 0:
            problems.append((f"line-{line_id}", "金额不能为负数"))
        total += fen
        if fen > line.claimed_fen:
            warnings.append(
                f"{worker.name}「{line.kind}」协议金额 {format_yuan(fen)} 元高于请求金额 "
                f"{format_yuan(line.claimed_fen)} 元"
            )
    schedule_total = sum(amount for _, amount in instalments)
    for index, (due_on, amount) in enumerate(instalments):
        if amount <= 0:
            problems.append((f"instalments-{index}-amount", "每期金额须大于0"))
        if due_on < case.received_on:
            problems.append((f"instalments-{index}-due_on", "付款期限不能早于收到申请日期"))
    if total > 0 and not instalments:
        problems.append(("instalments", "请填写付款期限（可为一期）"))
    elif instalments and schedule_total != total:
        problems.append(
            (
                "instalments",
                f"各期金额合计 {format_yuan(schedule_total)} 元"
                f"与协议金额合计 {format_yuan(total)} 元不一致",
            )
        )
    signed = {
        "parties_signed_on": (parties_signed_on, "双方当事人签名（盖章）日期"),
        "mediator_signed_on": (mediator_signed_on, "调解员签名日期"),
        "centre_sealed_on": (centre_sealed_on, "调解组织盖章日期"),
    }
    floor = case.accepted_on or case.received_on
    for field, (value, label) in signed.items():
        if value is not None and value > today:
            problems.append((field, f"{label}不能晚于今天"))
        elif value is not None and value < floor:
            problems.append((field, f"{label}不能早于受理日期"))
    if problems:
        raise RuleViolation(problems)

    agreement = agreement_of(session, case) or Agreement(case_id=case.id)
    before = audit.snapshot(agreement, ["terms", "payment_method", "copies", *signed])
    before["agreed_fen"] = case.agreed_fen
    agreement.terms, agreement.payment_method, agreement.copies = terms, payment_method, copies
    agreement.parties_signed_on = parties_signed_on
    agreement.mediator_signed_on = mediator_signed_on
    agreement.centre_sealed_on = centre_sealed_on
    dates = [parties_signed_on, mediator_signed_on, centre_sealed_on]
    agreement.effective_on = max(dates) if all(dates) else None
    session.add(agreement)
    session.flush()
    session.exec(delete(AgreementLine).where(AgreementLine.agreement_id == agreement.id))
    session.exec(delete(Instalment).where(Instalment.agreement_id == agreement.id))
    for line_id, fen in lines.items():
        session.add(AgreementLine(agreement_id=agreement.id, claim_line_id=line_id, agreed_fen=fen))
    for due_on, amount in instalments:
        session.add(Instalment(agreement_id=agreement.id, due_on=due_on, amount_fen=amount))
    refresh_totals(session, case)
    after = audit.snapshot(agreement, ["terms", "payment_method", "copies", *signed])
    after["agreed_fen"] = case.agreed_fen
    summary = f"录入调解协议，协议金额合计 {format_yuan(case.agreed_fen)} 元"
    if agreement.effective_on:
        _move(case, CaseStatus.SUCCEEDED)
        case.closed_on = agreement.effective_on
        after["status"], before["status"] = case.status, CaseStatus.IN_MEDIATION.value
        summary += f"；协议于{agreement.effective_on}生效，调解成功"
    audit.record_event(
        session, case, actor, "agreement", summary, audit.changes_between(before, after)
    )
    session.add(case)
    session.flush()
    return warnings


def record_filings(
    session: Session,
    case: Case,
    actor: User,
    *,
    review_filed_on: date | None,
    review_result: str,
    confirmation_filed_on: date | None,
    confirmation_result: str,
    payment_order_filed_on: date | None,
    payment_order_result: str,
    today: date | None = None,
) -> None:
    """仲裁审查, 司法确认 and 支付令 filed after the agreement took effect."""
    today = today or local_today()
    agreement = agreement_of(session, case)
    if case.status_enum is not CaseStatus.SUCCEEDED or agreement is None:
        raise RuleViolation("协议生效后才能登记仲裁审查、司法确认或支付令")
    fields = {
        "review_filed_on": (review_filed_on, "申请仲裁审查日期"),
        "confirmation_filed_on": (confirmation_filed_on, "申请司法确认日期"),
        "payment_order_filed_on": (payment_order_filed_on, "申请支付令日期"),
    }
    problems = []
    for field, (value, label) in fields.items():
        if value is not None and value > today:
            problems.append((field, f"{label}不能晚于今天"))
        elif value is not None and agreement.effective_on and value < agreement.effective_on:
            problems.append((field, f"{label}不能早于协议生效日期"))
    if problems:
        raise RuleViolation(problems)
    names = [*fields, "review_result", "confirmation_result", "payment_order_result"]
    before = audit.snapshot(agreement, names)
    agreement.review_filed_on, agreement.review_result = review_filed_on, review_result.strip()
    agreement.confirmation_filed_on = confirmation_filed_on
    agreement.confirmation_result = confirmation_result.strip()
    agreement.payment_order_filed_on = payment_order_filed_on
    agreement.payment_order_result = payment_order_result.strip()
    session.add(agreement)
    refresh_totals(session, case)
    audit.record_event(
        session,
        case,
        actor,
        "filings",
        "登记协议后续程序（仲裁审查/司法确认/支付令）",
        audit.changes_between(before, audit.snapshot(agreement, names)),
    )
    session.flush()


def _check_payable(case: Case, paid_on: date, today: date) -> list:
    if case.status_enum is not CaseStatus.SUCCEEDED:
        raise RuleViolation("调解协议生效后才能登记履行款项")
    if paid_on > today:
        return [("paid_on", "支付日期不能晚于今天")]
    if paid_on < case.received_on:
        return [("paid_on", "支付日期不能早于收到申请日期")]
    return []


def _new_payment(
    session: Session,
    case: Case,
    actor: User,
    worker_id: int,
    amount_fen: int,
    paid_on: date,
    method: str,
    note: str,
) -> Payment:
    payment = Payment(
        case_id=case.id,
        worker_id=worker_id,
        amount_fen=amount_fen,
        paid_on=paid_on,
        method=method.strip(),
        note=note.strip(),
        recorded_by_id=actor.id,
    )
    session.add(payment)
    return payment


def record_payment(
    session: Session,
    case: Case,
    actor: User,
    *,
    worker_id: int,
    amount_fen: int,
    paid_on: date,
    method: str = "",
    note: str = "",
    today: date | None = None,
) -> Payment:
    today = today or local_today()
    problems = _check_payable(case, paid_on, today)
    amounts = {row.worker.id: row for row in worker_amounts(session, case)}
    row = amounts.get(worker_id)
    if row is None:
        problems.append(("worker_id", "请选择本案申请人"))
    if amount_fen <= 0:
        problems.append(("amount", "支付金额须大于0"))
    elif row is not None and row.paid_fen + amount_fen > row.agreed_fen:
        problems.append(
            (
                "amount",
                f"累计支付 {format_yuan(row.paid_fen + amount_fen)} 元"
                f"将超过{row.worker.name}的协议金额 "
                f"{format_yuan(row.agreed_fen)} 元（尚欠 {format_yuan(row.outstanding_fen)} 元）",
            )
        )
    if problems:
        raise RuleViolation(problems)
    payment = _new_payment(session, case, actor, worker_id, amount_fen, paid_on, method, note)
    refresh_totals(session, case)
    audit.record_event(
        session,
        case,
        actor,
        "payment",
        f"登记{row.worker.name}收到 {format_yuan(amount_fen)} 元（{paid_on}）",
        {"paid_fen": [case.paid_fen - amount_fen, case.paid_fen]},
    )
    session.flush()
    return payment


def pay_outstanding(
    session: Session,
    case: Case,
    actor: User,
    *,
    paid_on: date,
    method: str = "",
    note: str = "",
    today: date | None = None,
) -> int:
    """Record that every worker received what is still owed to them; returns the fen paid."""
    today = today or local_today()
    problems = _check_payable(case, paid_on, today)
    if problems:
        raise RuleViolation(problems)
    before = case.paid_fen
    paid = 0
    for row in worker_amounts(session, case):
        if row.outstanding_fen:
            _new_payment(
                session, case, actor, row.worker.id, row.outstanding_fen, paid_on, method, note
            )
            paid += row.outstanding_fen
    if not paid:
        raise RuleViolation("协议款项已全部支付，无需登记")
    refresh_totals(session, case)
    audit.record_event(
        session,
        case,
        actor,
        "payment",
        f"登记全部申请人收到剩余款项合计 {format_yuan(paid)} 元（{paid_on}）",
        {"paid_fen": [before, case.paid_fen]},
    )
    session.flush()
    return paid


def payment_state(session: Session, case: Case, today: date | None = None) -> PaymentState | None:
    """Derived when read: performed (all paid), in default (an instalment past due and unpaid),
    or pending. None for a case that has not succeeded."""
    if case.status_enum is not CaseStatus.SUCCEEDED:
        return None
    if case.paid_fen >= case.agreed_fen:
        return PaymentState.PERFORMED
    today = today or local_today()
    agreement = agreement_of(session, case)
    due = (
        session.exec(
            select(sql_total(Instalment.amount_fen)).where(
                Instalment.agreement_id == agreement.id, Instalment.due_on < today
            )
        ).one()
        if agreement
        else 0
    )
    return PaymentState.IN_DEFAULT if due > case.paid_fen else PaymentState.PENDING


def payment_order_possible(session: Session, case: Case, today: date | None = None) -> bool:
    """An agreement in default on wages, work-injury costs, compensation or damages (art.16)."""
    if payment_state(session, case, today) is not PaymentState.IN_DEFAULT:
        return False
    kinds = set(session.exec(select(ClaimLine.kind).where(ClaimLine.case_id == case.id)))
    return any(ClaimKind(kind).payment_order for kind in kinds)


def review_windows(agreement: Agreement) -> dict[str, date] | None:
    if agreement is None or agreement.effective_on is None:
        return None
    calendar = calendar_from(object_session(agreement), agreement.effective_on)  # periods.py
    return {
        "review_until": calendar.period_end(agreement.effective_on, REVIEW_WINDOW_DAYS),
        "confirmation_until": calendar.period_end(agreement.effective_on, CONFIRMATION_WINDOW_DAYS),
    }


def default_terms(session: Session, case: Case) -> str:
    """A starting text for the 调解协议书 naming the parties; the mediator edits it. Amounts per
    worker and the schedule are kept in their own tables, so the text refers to them."""
    workers = session.exec(
        select(Worker.name).where(Worker.case_id == case.id).order_by(Worker.position, Worker.id)
    ).all()
    employer = session.get(Employer, case.employer_id)
    centre = session.get(Centre, case.centre_id)
    if len(workers) > 1:
        applicants = f"{workers[0]}等{len(workers)}名职工（名单及各人金额见协议金额表）"
    else:
        applicants = workers[0] if workers else ""
    return (
        f"申请人：{applicants}\n"
        f"被申请人：{employer.name if employer else ''}\n"
        f"经{centre.name if centre else '本调解组织'}主持调解，双方当事人在自愿、平等的基础上"
        "达成如下协议：\n"
        "一、被申请人同意按协议金额表所列金额向各申请人支付款项，并按付款安排所列期限履行。\n"
        "二、被申请人按期足额支付上述款项后，双方就本案争议事项再无其他纠纷。\n"
        "三、本协议自双方当事人签名（盖章）、调解员签名并经调解组织盖章之日起生效。双方当事人"
        "可自协议生效之日起十五日内共同向劳动人事争议仲裁委员会申请仲裁审查，或自生效之日起"
        "三十日内共同向人民法院申请司法确认。\n"
        "四、被申请人逾期不履行本协议中支付劳动报酬、工伤医疗费、经济补偿或者赔偿金事项的，"
        "申请人可以依法向人民法院申请支付令。"
    )
