"""Following one's own case (/track): a worker names the case (its number or the online
application's reference) and their ID number; when both match a worker of that case, a code goes
to that worker's phone on record, and once it is entered the worker sees their own part of the
case and nothing of anyone else's.

`find_party` answers None for every kind of mismatch alike, so callers can answer the same way
whether or not a case or a person is known.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from mediation.cases.deadlines import Deadline, calendar_from, deadlines
from mediation.cases.payments import WorkerAmounts, worker_amounts
from mediation.identifiers import id_number_forms, lookup_key
from mediation.numbering import number_key
from models import (
    Agreement,
    Case,
    Centre,
    DocumentService,
    Instalment,
    MediationSession,
    OnlineApplication,
    Payment,
    Worker,
    utcnow,
)

REFERENCE = re.compile(r"WS\d{14}")


def find_party(session: Session, number: str, id_number: str) -> tuple[Case, Worker] | None:
    """The case named by `number` (case number in any width, or a reference) and its worker
    holding `id_number`; None when either does not match."""
    text = " ".join((number or "").split()).upper()
    keys = {lookup_key("id", form) for form in id_number_forms(id_number or "")} - {None}
    if not text or not keys:
        return None
    if REFERENCE.fullmatch(text):
        case_ids = session.exec(
            select(OnlineApplication.case_id).where(
                OnlineApplication.reference == text, OnlineApplication.case_id.is_not(None)
            )
        ).all()
    else:
        case_ids = session.exec(select(Case.id).where(Case.number_key == number_key(text))).all()
    if not case_ids:
        return None
    found = session.exec(
        select(Case, Worker)
        .join(Worker, Worker.case_id == Case.id)
        .where(Case.id.in_(case_ids), Worker.id_key.in_(keys))
        .order_by(Case.id)
    ).first()
    return tuple(found) if found else None


@dataclass(frozen=True)
class NextSession:
    starts_at: datetime
    place: str


@dataclass(frozen=True)
class OwnView:
    """What one worker sees of their case."""

    case: Case
    centre: Centre
    worker: Worker
    amounts: WorkerAmounts
    deadlines: list[Deadline]
    next_session: NextSession | None
    instalments: list[tuple[date, int]]
    payments: list[tuple[date, int]]
    served: list[DocumentService]  # documents served electronically on this worker


def own_view(session: Session, case: Case, worker: Worker, today: date) -> OwnView:
    amounts = next(a for a in worker_amounts(session, case) if a.worker.id == worker.id)
    session_row = session.exec(
        select(MediationSession)
        .where(MediationSession.case_id == case.id, MediationSession.starts_at >= utcnow())
        .order_by(MediationSession.starts_at)
    ).first()
    instalments = session.exec(
        select(Instalment.due_on, Instalment.amount_fen)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(
            Agreement.case_id == case.id,
            Agreement.superseded_on.is_(None),
            Instalment.worker_id == worker.id,
        )
        .order_by(Instalment.due_on)
    ).all()
    payments = session.exec(
        select(Payment.paid_on, Payment.amount_fen)
        .where(Payment.case_id == case.id, Payment.worker_id == worker.id)
        .order_by(Payment.paid_on, Payment.id)
    ).all()
    return OwnView(
        case=case,
        centre=session.get(Centre, case.centre_id),
        worker=worker,
        amounts=amounts,
        deadlines=deadlines(case, calendar_from(session, case.received_on), today),
        next_session=NextSession(session_row.starts_at, session_row.place) if session_row else None,
        instalments=[tuple(row) for row in instalments],
        payments=[tuple(row) for row in payments],
        served=list(
            session.exec(
                select(DocumentService)
                .where(DocumentService.case_id == case.id, DocumentService.worker_id == worker.id)
                .order_by(DocumentService.sent_at)
            )
        ),
    )
