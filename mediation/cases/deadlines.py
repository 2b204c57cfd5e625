"""Statutory and practice deadlines of a case, and what the mediator must do next.

- Acceptance decision: 3 working days after receipt (practice; the day of receipt never counts).
- Statutory: 15 days after the centre received the application (law art.14): after that either
  party may go to arbitration.
- Practice: 15 days after acceptance, extendable once by both parties' consent by at most 15
  days; only this deadline moves with an extension.
Every one of them follows the period rule of mediation/periods.py (民法典 art.201, 203): day one
is the day after the start date, and a last day that is a rest day or public holiday moves to
the next working day. Expiry never closes a case by itself.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from mediation.periods import (
    ACCEPTANCE_WORKING_DAYS,
    CALENDAR_REACH,
    MEDIATION_DAYS,
    STATUTORY_DAYS,
    WorkCalendar,
    mediation_due_from,
)
from mediation.reference.calendar import load_calendar
from models import Case, CaseStatus

__all__ = ["ACCEPTANCE_WORKING_DAYS", "MEDIATION_DAYS", "STATUTORY_DAYS"]


@dataclass(frozen=True)
class Deadline:
    label: str
    due: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def text(self) -> str:
        return f"超期{-self.days_left}天" if self.days_left < 0 else f"剩{self.days_left}天"

    @property
    def css_class(self) -> str:
        if self.days_left < 0:
            return "bad"
        return "warn" if self.days_left <= 3 else "ok"


def calendar_from(session: Session, start: date) -> WorkCalendar:
    """The part of the calendar that periods starting on `start` can reach."""
    return load_calendar(session, start, start + CALENDAR_REACH)


def acceptance_due(case: Case, calendar: WorkCalendar) -> date:
    """The third working day after receipt."""
    return calendar.add_working_days(case.received_on, ACCEPTANCE_WORKING_DAYS)


def statutory_due(case: Case, calendar: WorkCalendar) -> date:
    """15 days from receipt (law art.14), rolled past rest days."""
    return calendar.period_end(case.received_on, STATUTORY_DAYS)


def mediation_due(case: Case, calendar: WorkCalendar) -> date | None:
    """The acceptance-based deadline, including any consented extension."""
    if case.accepted_on is None:
        return None
    return mediation_due_from(case.accepted_on, case.extension_days, calendar)


def original_mediation_due(case: Case, calendar: WorkCalendar) -> date | None:
    """The acceptance-based deadline before any extension."""
    if case.accepted_on is None:
        return None
    return mediation_due_from(case.accepted_on, 0, calendar)


@dataclass(frozen=True)
class DueDates:
    """The three deadlines of a case, whatever its status (the API's contract)."""

    statutory: date  # 15 days from receipt
    acceptance: date  # 3 working days from receipt
    mediation: date | None  # 15 days from acceptance plus extension; None before acceptance


def due_dates(session: Session, case: Case) -> DueDates:
    calendar = load_calendar(session, since=case.received_on)
    return DueDates(
        statutory_due(case, calendar),
        acceptance_due(case, calendar),
        mediation_due(case, calendar),
    )


def extended_after_expiry(case: Case, calendar: WorkCalendar) -> bool:
    """The parties consented to the extension only after the 15 days had run out."""
    due = original_mediation_due(case, calendar)
    consent = case.extension_consent_on
    return bool(case.extension_days) and due is not None and consent is not None and consent > due


def deadlines(case: Case, calendar: WorkCalendar, today: date) -> list[Deadline]:
    """The deadlines that still matter for an open case (none for a closed one)."""
    status = case.status_enum
    if status.is_closed:
        return []
    found = []
    if status is CaseStatus.RECEIVED:
        due = acceptance_due(case, calendar)
        found.append(Deadline("受理决定期限（3个工作日）", due, (due - today).days))
    due = statutory_due(case, calendar)
    found.append(Deadline("法定调解期限（收到申请后15日）", due, (due - today).days))
    due = mediation_due(case, calendar)
    if due is not None:
        label = "调解期限（受理后15日" + (
            f"，{'期限届满后经双方同意' if extended_after_expiry(case, calendar) else '已'}"
            f"延长{case.extension_days}日）"
            if case.extension_days
            else "）"
        )
        found.append(Deadline(label, due, (due - today).days))
    return found


def mediation_deadline(status: str, due_on: date | None, today: date) -> Deadline | None:
    """The acceptance-based deadline (`Case.mediation_due_on`) of an open case, as lists show
    it; lists pass the columns they read."""
    if CaseStatus(status).is_closed or due_on is None:
        return None
    return Deadline("调解期限", due_on, (due_on - today).days)


def next_step(case: Case, calendar: WorkCalendar, today: date, has_agreement: bool) -> str:
    """One sentence telling the mediator what the case needs now."""
    status = case.status_enum
    if status is CaseStatus.RECEIVED:
        due = acceptance_due(case, calendar)
        return f"请在{due:%Y-%m-%d}前作出受理或不予受理决定。"
    if status is CaseStatus.ACCEPTED:
        return "请指派调解员和特约律师，或安排调解。"
    if status is CaseStatus.IN_MEDIATION:
        due = mediation_due(case, calendar)
        if due is not None and due < today:
            if case.extension_days:
                return "调解期限已届满：请录入调解协议，或以调解不成结案并告知申请人可申请仲裁。"
            return "调解期限已届满：请以调解不成结案，或经双方同意延长期限。"
        if has_agreement:
            return "请在双方当事人、调解员签名并加盖调解组织印章后录入各方签章日期，协议即生效。"
        return "请记录调解情况；达成协议的录入调解协议，不能达成的以调解不成结案。"
    if status is CaseStatus.SUCCEEDED:
        if case.paid_fen >= case.agreed_fen:
            return "协议已全部履行，已结案。"
        return "请跟踪协议履行情况，登记各申请人收到的款项。"
    if status is CaseStatus.FAILED:
        if case.arbitration_applied_on is None:
            return "请向申请人送达调解不成告知书，并登记其申请仲裁的日期。"
        return "已结案。"
    return "已结案。"
