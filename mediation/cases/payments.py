"""Payments under an effective mediation agreement: what each worker claimed, was promised and
received, recording payments (one worker, an instalment for many at once, or everything
outstanding), the payment state derived when read (per worker, against their own schedule),
and when a worker may apply for a payment order (支付令)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session, select

from mediation import audit
from mediation.cases import schedule
from mediation.cases.agreements import agreement_of, paid_by_worker
from mediation.cases.intake import refresh_totals
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from models import (
    Agreement,
    AgreementLine,
    Case,
    CaseStatus,
    ClaimKind,
    ClaimLine,
    Payment,
    User,
    Worker,
)
from models.base import sql_total


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

    @property
    def overpaid_fen(self) -> int:
        """Received beyond what the agreement in force gives this worker (多付), e.g. after a
        reopening superseded the agreement it was paid under. Never set against what another
        worker is still owed."""
        return max(self.paid_fen - self.agreed_fen, 0)


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
            .join(Agreement, Agreement.id == AgreementLine.agreement_id)
            .where(ClaimLine.case_id == case.id, Agreement.superseded_on.is_(None))
            .group_by(ClaimLine.worker_id)
        ).all()
    )
    paid = paid_by_worker(session, case)
    return [
        WorkerAmounts(
            w, claimed.get(w.id, 0) or 0, agreed.get(w.id, 0) or 0, paid.get(w.id, 0) or 0
        )
        for w in workers
    ]


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


def record_payments(
    session: Session,
    case: Case,
    actor: User,
    *,
    amounts: dict[int, int],
    paid_on: date,
    method: str = "",
    note: str = "",
    today: date | None = None,
) -> int:
    """One instalment (or any amounts) for several workers at once: {worker id: fen}, each
    checked like a single payment (never beyond the worker's own agreed amount: what one worker
    is overpaid never pays another). Problems name `amount-<worker id>`. Returns the fen paid."""
    today = today or local_today()
    problems = _check_payable(case, paid_on, today)
    rows = {row.worker.id: row for row in worker_amounts(session, case)}
    if not any(fen for fen in amounts.values()):
        problems.append(("amounts", "请勾选收到款项的申请人并填写金额"))
    for worker_id, fen in amounts.items():
        row = rows.get(worker_id)
        if row is None:
            problems.append(("amounts", "请选择本案申请人"))
        elif fen <= 0:
            problems.append((f"amount-{worker_id}", "支付金额须大于0"))
        elif row.paid_fen + fen > row.agreed_fen:
            problems.append(
                (
                    f"amount-{worker_id}",
                    f"累计支付 {format_yuan(row.paid_fen + fen)} 元将超过{row.worker.name}的"
                    f"协议金额 {format_yuan(row.agreed_fen)} 元"
                    f"（尚欠 {format_yuan(row.outstanding_fen)} 元）",
                )
            )
    if problems:
        raise RuleViolation(problems)
    before = case.paid_fen
    for worker_id, fen in amounts.items():
        _new_payment(session, case, actor, worker_id, fen, paid_on, method, note)
    refresh_totals(session, case)
    paid = sum(amounts.values())
    names = "、".join(rows[w].worker.name for w in amounts)
    if len(amounts) > 3:
        names = f"{rows[next(iter(amounts))].worker.name}等{len(amounts)}人"
    audit.record_event(
        session,
        case,
        actor,
        "payment",
        f"登记{names}收到款项合计 {format_yuan(paid)} 元（{paid_on}）",
        {"paid_fen": [before, case.paid_fen]},
    )
    session.flush()
    return paid


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
    owed = {row.worker.id: row.outstanding_fen for row in worker_amounts(session, case)}
    owed = {worker_id: fen for worker_id, fen in owed.items() if fen}
    if not owed:
        raise RuleViolation("协议款项已全部支付，无需登记")
    return record_payments(
        session, case, actor, amounts=owed, paid_on=paid_on, method=method, note=note, today=today
    )


def overdue_by_worker(session: Session, case: Case, today: date) -> dict[int, int]:
    """{worker id: fen past due and not received} under the agreement in force: each worker's
    instalments due before today against what that worker was paid."""
    due = schedule.due_by_worker(session, agreement_of(session, case), today)
    paid = paid_by_worker(session, case)
    late = {w: fen - paid.get(w, 0) for w, fen in due.items()}
    return {w: fen for w, fen in late.items() if fen > 0}


def payment_state(session: Session, case: Case, today: date | None = None) -> PaymentState | None:
    """Derived when read: performed (all paid), in default (some worker's instalment past due
    and unpaid), or pending. None for a case that has not succeeded."""
    if case.status_enum is not CaseStatus.SUCCEEDED:
        return None
    # Per worker: one worker's overpayment does not pay what another is owed.
    if not any(row.outstanding_fen for row in worker_amounts(session, case)):
        return PaymentState.PERFORMED
    late = overdue_by_worker(session, case, today or local_today())
    return PaymentState.IN_DEFAULT if late else PaymentState.PENDING


# 劳动争议调解仲裁法 art.16 in its own words: shown on the case page and the filings page when
# an agreement on such claims is in default, and printed on every agreement.
PAYMENT_ORDER_NOTICE = (
    "因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内"
    "不履行的，劳动者可以持调解协议书依法向人民法院申请支付令"
    "（《中华人民共和国劳动争议调解仲裁法》第十六条）。"
)


def payment_order_possible(session: Session, case: Case, today: date | None = None) -> bool:
    """An agreement in default on wages, work-injury costs, compensation or damages (art.16)."""
    if payment_state(session, case, today) is not PaymentState.IN_DEFAULT:
        return False
    kinds = set(session.exec(select(ClaimLine.kind).where(ClaimLine.case_id == case.id)))
    return any(ClaimKind(kind).payment_order for kind in kinds)
