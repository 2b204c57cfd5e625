"""What the parties file once their agreement is in force: 仲裁审查, 司法确认 and 支付令 (the
支付令: 劳动争议调解仲裁法 art.16), with their dates and results, recorded on the agreement."""

from datetime import date

from sqlmodel import Session

from mediation import audit
from mediation.cases.agreements import agreement_of
from mediation.cases.intake import refresh_totals
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from models import Case, CaseStatus, User


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
