"""The mediation agreement: its terms, amounts and schedule, when it takes effect (and the case
succeeds), the review windows that open then and the filings made in them, and the default terms
a mediator starts from. Payments under it are in mediation.cases.payments."""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import object_session
from sqlmodel import Session, delete, select

from mediation import audit
from mediation.cases import schedule
from mediation.cases.deadlines import calendar_from
from mediation.cases.intake import refresh_totals
from mediation.cases.lifecycle import move_to
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from mediation.notices.catalogue import notify_agreement_effective
from mediation.online.ratings import invite_ratings
from models import (
    Agreement,
    AgreementLine,
    Case,
    CaseStatus,
    Centre,
    ClaimLine,
    Employer,
    Instalment,
    Payment,
    User,
    Worker,
)
from models.base import sql_total


@dataclass(frozen=True)
class ReviewWindow:
    """A step both parties may take together within `days` of the agreement taking effect. Its
    name, length and wording are written here once; the case page, the filings page and the
    agreement document all read them from `review_windows`."""

    name: str  # 仲裁审查
    days: int
    authority: str  # whom the parties apply to
    applying: str  # the application, worded as the rule words it
    filed_field: str  # the Agreement column holding the date the parties applied
    until: date | None = None  # the last day, once the agreement has taken effect
    filed_on: date | None = None

    @property
    def days_in_words(self) -> str:
        """十五, 三十: the number of days as a legal text writes it."""
        digits = "零一二三四五六七八九"
        tens, ones = divmod(self.days, 10)
        return (
            (digits[tens] if tens > 1 else "")
            + ("十" if tens else "")
            + (digits[ones] if ones or not tens else "")
        )

    @property
    def within(self) -> str:
        """生效后15日内."""
        return f"生效后{self.days}日内"

    def notice(self, until: str = "") -> str:
        """The right as the agreement document states it; `until` is the last day as printed
        (empty on a draft, whose effective date is not known yet)."""
        dated = f"（即{until}前）" if until else ""
        return (
            f"双方当事人可以自本协议生效之日起{self.days_in_words}日内{dated}，"
            f"共同向{self.authority}{self.applying}。"
        )


# 仲裁审查: 《劳动人事争议仲裁办案规则》(人社部令第33号) art.74, within 15 days of taking effect.
ARBITRATION_REVIEW = ReviewWindow(
    "仲裁审查", 15, "劳动人事争议仲裁委员会", "提出仲裁审查申请", "review_filed_on"
)
# 司法确认: 《中华人民共和国民事诉讼法》art.205, within 30 days of taking effect.
JUDICIAL_CONFIRMATION = ReviewWindow(
    "司法确认", 30, "人民法院", "申请司法确认", "confirmation_filed_on"
)
REVIEW_WINDOWS = (ARBITRATION_REVIEW, JUDICIAL_CONFIRMATION)


def agreement_of(session: Session, case: Case) -> Agreement | None:
    """The agreement in force (a draft or effective); superseded ones are history."""
    return session.exec(
        select(Agreement).where(Agreement.case_id == case.id, Agreement.superseded_on.is_(None))
    ).first()


@dataclass(frozen=True)
class SupersededAgreement:
    """An agreement the case's reopening superseded, kept with its terms, amounts and dates."""

    agreement: Agreement
    amounts: list[tuple[str, int]]  # (worker name, agreed fen) in the workers' order

    @property
    def agreed_fen(self) -> int:
        return sum(fen for _, fen in self.amounts)


def superseded_agreements(session: Session, case: Case) -> list[SupersededAgreement]:
    """The case's superseded agreements, latest first, with each worker's agreed amount."""
    found = session.exec(
        select(Agreement)
        .where(Agreement.case_id == case.id, Agreement.superseded_on.is_not(None))
        .order_by(Agreement.superseded_on.desc(), Agreement.id.desc())
    ).all()
    if not found:
        return []
    amounts: dict[int, dict[str, int]] = {a.id: {} for a in found}
    for agreement_id, name, fen in session.exec(
        select(AgreementLine.agreement_id, Worker.name, AgreementLine.agreed_fen)
        .join(ClaimLine, ClaimLine.id == AgreementLine.claim_line_id)
        .join(Worker, Worker.id == ClaimLine.worker_id)
        .where(AgreementLine.agreement_id.in_(list(amounts)))
        .order_by(Worker.position, Worker.id, ClaimLine.id)
    ):
        per_worker = amounts[agreement_id]
        per_worker[name] = per_worker.get(name, 0) + fen
    return [SupersededAgreement(a, list(amounts[a.id].items())) for a in found]


def previous_agreement(session: Session, case: Case) -> Agreement | None:
    """The agreement the latest reopening superseded: a new one starts from it."""
    return session.exec(
        select(Agreement)
        .where(Agreement.case_id == case.id, Agreement.superseded_on.is_not(None))
        .order_by(Agreement.superseded_on.desc(), Agreement.id.desc())
    ).first()


def agreed_by_line(session: Session, agreement: Agreement | None) -> dict[int, int]:
    """{claim line id: agreed fen} of an agreement."""
    if agreement is None:
        return {}
    return dict(
        session.exec(
            select(AgreementLine.claim_line_id, AgreementLine.agreed_fen).where(
                AgreementLine.agreement_id == agreement.id
            )
        ).all()
    )


def paid_by_worker(session: Session, case: Case) -> dict[int, int]:
    """{worker id: fen received}, whatever agreement was in force when it was paid."""
    return dict(
        session.exec(
            select(Payment.worker_id, sql_total(Payment.amount_fen))
            .where(Payment.case_id == case.id)
            .group_by(Payment.worker_id)
        ).all()
    )


def claim_lines(session: Session, case: Case) -> list[tuple[Worker, ClaimLine, int | None]]:
    """Every claim line with its worker and the amount agreed for it (None before agreement)."""
    agreed = agreed_by_line(session, agreement_of(session, case))
    rows = session.exec(
        select(Worker, ClaimLine)
        .join(ClaimLine, ClaimLine.worker_id == Worker.id)
        .where(Worker.case_id == case.id)
        .order_by(Worker.position, Worker.id, ClaimLine.id)
    ).all()
    return [(worker, line, agreed.get(line.id)) for worker, line in rows]


def instalments_of(session: Session, agreement: Agreement | None) -> list[schedule.DueDate]:
    """The agreement's dates, each with what all workers are to receive by it."""
    return schedule.dates_of(session, agreement)


def save_agreement(
    session: Session,
    case: Case,
    actor: User,
    *,
    terms: str,
    payment_method: str,
    copies: int,
    lines: dict[int, int],
    instalments: list[tuple[date, int]] | None = None,
    per_worker: dict[int, list[tuple[date, int]]] | None = None,
    parties_signed_on: date | None = None,
    mediator_signed_on: date | None = None,
    centre_sealed_on: date | None = None,
    today: date | None = None,
) -> list[str]:
    """Record or revise the agreement while mediating; it takes effect (and the case succeeds)
    when all three signature dates are recorded. Returns warnings worth showing.

    The schedule is `per_worker` ({worker id: [(due on, fen), ...]}), or the same for all:
    `instalments` [(due on, fen), ...] split across the workers by their agreed amounts."""
    today = today or local_today()
    if case.status_enum is not CaseStatus.IN_MEDIATION:
        raise RuleViolation(f"案件状态为「{case.status_enum.label}」，不能录入调解协议")
    signed = {
        "parties_signed_on": parties_signed_on,
        "mediator_signed_on": mediator_signed_on,
        "centre_sealed_on": centre_sealed_on,
    }
    problems, warnings, plan = check_agreement(
        session,
        case,
        terms=terms,
        copies=copies,
        lines=lines,
        instalments=instalments,
        per_worker=per_worker,
        signed=signed,
        today=today,
    )
    if problems:
        raise RuleViolation(problems)
    _write_agreement(session, case, actor, terms, payment_method, copies, lines, plan, signed)
    return warnings


def check_agreement(
    session: Session,
    case: Case,
    *,
    terms: str,
    copies: int | None,
    lines: dict[int, int],
    instalments: list[tuple[date, int]] | None,
    per_worker: dict[int, list[tuple[date, int]]] | None,
    signed: dict[str, date | None],
    today: date,
) -> tuple[list[tuple[str | None, str]], list[str], dict[int, list[tuple[date, int]]]]:
    """(problems, warnings, {worker id: schedule}) of an agreement as `save_agreement` takes it,
    writing nothing: a form shows these beside its own errors, all at once. `copies` None (a
    form could not read it) is left to the form's own error."""
    problems: list[tuple[str | None, str]] = []
    if not terms.strip():
        problems.append(("terms", "请填写协议内容"))
    if copies is not None and not 1 <= copies <= 20:
        problems.append(("copies", "份数为1至20份"))
    known = {line.id: (worker, line) for worker, line, _ in claim_lines(session, case)}
    line_problems, warnings, agreed = _check_lines(session, case, known, lines)
    problems += line_problems
    plan_problems, plan = _check_schedule(case, known, agreed, instalments, per_worker)
    problems += plan_problems
    problems += _check_signatures(session, case, signed, today)
    return problems, warnings, plan


def _check_lines(
    session: Session, case: Case, known: dict[int, tuple], lines: dict[int, int]
) -> tuple[list, list[str], dict[int, int]]:
    """The agreed amounts per claim line: (problems, warnings, {worker id: agreed fen})."""
    problems: list[tuple[str | None, str]] = []
    warnings: list[str] = []
    if set(lines) - set(known):
        problems.append((None, "协议金额对应的请求事项不属于本案"))
    agreed: dict[int, int] = {}
    first_line: dict[int, int] = {}
    for line_id, (worker, _) in known.items():
        first_line.setdefault(worker.id, line_id)
    for line_id, fen in lines.items():
        if line_id not in known:
            continue
        worker, line = known[line_id]
        if fen < 0:
            problems.append((f"line-{line_id}", "金额不能为负数"))
        agreed[worker.id] = agreed.get(worker.id, 0) + fen
        if fen > line.claimed_fen:
            warnings.append(
                f"{worker.name}「{line.kind}」协议金额 {format_yuan(fen)} 元高于请求金额 "
                f"{format_yuan(line.claimed_fen)} 元"
            )
    # Payments already made stay with the worker who received them: no agreed amount below them.
    names = {worker.id: worker.name for worker, _ in known.values()}
    for worker_id, paid in paid_by_worker(session, case).items():
        if worker_id not in first_line:  # no claim line to agree an amount on
            continue
        if agreed.get(worker_id, 0) < paid:
            problems.append(
                (
                    f"line-{first_line[worker_id]}",
                    f"{names[worker_id]}已收到 {format_yuan(paid)} 元，协议金额"
                    f"（{format_yuan(agreed.get(worker_id, 0))} 元）不能低于已支付金额",
                )
            )
    return problems, warnings, agreed


def _check_schedule(
    case: Case,
    known: dict[int, tuple],
    agreed: dict[int, int],
    instalments: list[tuple[date, int]] | None,
    per_worker: dict[int, list[tuple[date, int]]] | None,
) -> tuple[list, dict[int, list[tuple[date, int]]]]:
    """(problems, {worker id: schedule}) from a per-worker schedule or the same one for all."""
    total = sum(agreed.values())
    if per_worker is not None:
        workers = {worker.id: worker for worker, _ in known.values()}
        problems = schedule.check_worker_schedules(workers, agreed, per_worker, case.received_on)
        return problems, {w: rows for w, rows in per_worker.items() if rows}
    instalments = instalments or []
    problems = schedule.check_dates(instalments, case.received_on, "instalments")
    scheduled = sum(amount for _, amount in instalments)
    if total > 0 and not instalments:
        problems.append(("instalments", "请填写付款期限（可为一期）"))
    elif instalments and scheduled != total:
        problems.append(
            (
                "instalments",
                f"各期金额合计 {format_yuan(scheduled)} 元"
                f"与协议金额合计 {format_yuan(total)} 元不一致",
            )
        )
    if problems or any(fen < 0 for fen in agreed.values()):
        return problems, {}
    return problems, schedule.split_schedule(agreed, instalments)


SIGNATURE_LABELS = {
    "parties_signed_on": "双方当事人签名（盖章）日期",
    "mediator_signed_on": "调解员签名日期",
    "centre_sealed_on": "调解组织盖章日期",
}


def _check_signatures(
    session: Session, case: Case, signed: dict[str, date | None], today: date
) -> list[tuple[str, str]]:
    problems = []
    floor, floor_label = case.accepted_on or case.received_on, "受理日期"
    previous = previous_agreement(session, case)
    if previous is not None and previous.superseded_on > floor:
        # A new agreement after a reopening: signed anew, not on the old one's dates.
        floor, floor_label = previous.superseded_on, f"重新打开日期（{previous.superseded_on}）"
    for field, value in signed.items():
        label = SIGNATURE_LABELS[field]
        if value is not None and value > today:
            problems.append((field, f"{label}不能晚于今天"))
        elif value is not None and value < floor:
            problems.append((field, f"{label}不能早于{floor_label}"))
    return problems


def _write_agreement(
    session: Session,
    case: Case,
    actor: User,
    terms: str,
    payment_method: str,
    copies: int,
    lines: dict[int, int],
    plan: dict[int, list[tuple[date, int]]],
    signed: dict[str, date | None],
) -> None:
    """Store the checked agreement, its lines and per-worker schedule; when all three
    signatures are dated it takes effect and the case succeeds. One audit event."""
    agreement = agreement_of(session, case) or Agreement(case_id=case.id)
    was_effective = agreement.effective_on is not None
    fields = ["terms", "payment_method", "copies", *signed]
    before = audit.snapshot(agreement, fields)
    before["agreed_fen"] = case.agreed_fen
    agreement.terms, agreement.payment_method, agreement.copies = terms, payment_method, copies
    for field, value in signed.items():
        setattr(agreement, field, value)
    dates = list(signed.values())
    agreement.effective_on = max(dates) if all(dates) else None
    session.add(agreement)
    session.flush()
    session.exec(delete(AgreementLine).where(AgreementLine.agreement_id == agreement.id))
    session.exec(delete(Instalment).where(Instalment.agreement_id == agreement.id))
    for line_id, fen in lines.items():
        session.add(AgreementLine(agreement_id=agreement.id, claim_line_id=line_id, agreed_fen=fen))
    for worker_id, rows in plan.items():
        for due_on, fen in rows:
            session.add(
                Instalment(
                    agreement_id=agreement.id, worker_id=worker_id, due_on=due_on, amount_fen=fen
                )
            )
    refresh_totals(session, case)
    after = audit.snapshot(agreement, fields)
    after["agreed_fen"] = case.agreed_fen
    summary = f"录入调解协议，协议金额合计 {format_yuan(case.agreed_fen)} 元"
    if agreement.effective_on:
        move_to(case, CaseStatus.SUCCEEDED)
        case.closed_on = agreement.effective_on
        after["status"], before["status"] = case.status, CaseStatus.IN_MEDIATION.value
        summary += f"；协议于{agreement.effective_on}生效，调解成功"
    audit.record_event(
        session, case, actor, "agreement", summary, audit.changes_between(before, after)
    )
    session.add(case)
    session.flush()
    if agreement.effective_on and not was_effective:
        notify_agreement_effective(session, case, agreement)
        invite_ratings(session, case)


def review_windows(agreement: Agreement | None) -> list[ReviewWindow]:
    """The review windows dated from the day the agreement took effect, each with the day the
    parties applied if they did; none while no agreement is in effect."""
    if agreement is None or agreement.effective_on is None:
        return []
    calendar = calendar_from(object_session(agreement), agreement.effective_on)
    return [
        replace(
            window,
            until=calendar.period_end(agreement.effective_on, window.days),
            filed_on=getattr(agreement, window.filed_field),
        )
        for window in REVIEW_WINDOWS
    ]


def review_windows_sentence(windows: list[ReviewWindow]) -> str:
    """双方当事人可在2021-03-24前（生效后15日内）共同申请仲裁审查，或在…前（…）共同申请司法确认。"""
    steps = [f"在{w.until}前（{w.within}）共同申请{w.name}" for w in windows]
    return f"双方当事人可{'，或'.join(steps)}。" if steps else ""


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
    review, confirmation = REVIEW_WINDOWS
    return (
        f"申请人：{applicants}\n"
        f"被申请人：{employer.name if employer else ''}\n"
        f"经{centre.name if centre else '本调解组织'}主持调解，双方当事人在自愿、平等的基础上"
        "达成如下协议：\n"
        "一、被申请人同意按协议金额表所列金额向各申请人支付款项，并按付款安排所列期限履行。\n"
        "二、被申请人按期足额支付上述款项后，双方就本案争议事项再无其他纠纷。\n"
        "三、本协议自双方当事人签名（盖章）、调解员签名并经调解组织盖章之日起生效。双方当事人"
        f"可自协议生效之日起{review.days_in_words}日内共同向{review.authority}申请{review.name}，"
        f"或自生效之日起{confirmation.days_in_words}日内共同向{confirmation.authority}"
        f"申请{confirmation.name}。\n"
        "四、被申请人逾期不履行本协议中支付劳动报酬、工伤医疗费、经济补偿或者赔偿金事项的，"
        "申请人可以依法向人民法院申请支付令。"
    )
