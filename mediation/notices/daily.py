"""The daily run of reminders to workers (the daily due job, jobs/kinds.py; or by hand,
`flask --app app notices-due`):
an instalment falling due tomorrow, and one left unpaid the day after it fell due. Each is sent
once per worker and date however often the run repeats (notify_worker_once)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from mediation.cases.agreements import agreement_of, paid_by_worker
from mediation.cases.schedule import due_by_worker
from mediation.money import format_yuan
from mediation.notices.catalogue import Notice, notify_worker_once
from models import Agreement, Case, CaseStatus, Instalment, Worker


@dataclass
class DueNotices:
    due_tomorrow: int = 0
    defaulted: int = 0


def send_due_notices(session: Session, today: date) -> DueNotices:
    """Remind the workers owed an instalment tomorrow, and tell those whose instalment of
    yesterday is still short. Flushes; the caller commits."""
    sent = DueNotices()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    for case in _cases_with_instalments_on(session, (tomorrow, yesterday)):
        agreement = agreement_of(session, case)
        paid = paid_by_worker(session, case)
        workers = {w.id: w for w in session.exec(select(Worker).where(Worker.case_id == case.id))}
        through_tomorrow = due_by_worker(session, agreement, tomorrow + timedelta(days=1))
        for worker_id, due in through_tomorrow.items():
            short = due - paid.get(worker_id, 0)
            if short > 0 and _falls_due(session, agreement, worker_id, tomorrow):
                message = notify_worker_once(
                    session,
                    case,
                    workers[worker_id],
                    Notice.INSTALMENT_DUE,
                    tomorrow,
                    on=tomorrow,
                    amount=format_yuan(short),
                )
                sent.due_tomorrow += message is not None
        for worker_id, due in due_by_worker(session, agreement, today).items():
            short = due - paid.get(worker_id, 0)
            if short > 0 and _falls_due(session, agreement, worker_id, yesterday):
                message = notify_worker_once(
                    session,
                    case,
                    workers[worker_id],
                    Notice.INSTALMENT_DEFAULTED,
                    yesterday,
                    on=yesterday,
                    amount=format_yuan(short),
                )
                sent.defaulted += message is not None
    session.flush()
    return sent


def _cases_with_instalments_on(session: Session, days: tuple[date, ...]) -> list[Case]:
    """Succeeded cases whose agreement in force has an instalment on one of `days`."""
    return list(
        session.exec(
            select(Case)
            .join(Agreement, Agreement.case_id == Case.id)
            .join(Instalment, Instalment.agreement_id == Agreement.id)
            .where(
                Instalment.due_on.in_(days),
                Agreement.superseded_on.is_(None),
                Agreement.effective_on.is_not(None),
                Case.status == CaseStatus.SUCCEEDED.value,
            )
            .distinct()
            .order_by(Case.id)
        )
    )


def _falls_due(session: Session, agreement: Agreement, worker_id: int, day: date) -> bool:
    row = session.exec(
        select(Instalment.id).where(
            Instalment.agreement_id == agreement.id,
            Instalment.worker_id == worker_id,
            Instalment.due_on == day,
        )
    ).first()
    return row is not None
