"""A mediator's day: what the home page lists, within the user's scope."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case as sql_case
from sqlalchemy import func
from sqlmodel import Session, select

from mediation.cases.listing import CaseFilter, count_cases
from mediation.dates import TZ
from mediation.scope import Scope
from models import (
    OPEN_STATUSES,
    Agreement,
    Case,
    CaseStatus,
    Employer,
    Instalment,
    MediationSession,
    Payment,
)
from models.base import sql_total

LIST_LIMIT = 20
NEAR_DAYS = 3


@dataclass(frozen=True)
class Workload:
    sessions_today: list[tuple[MediationSession, Case]]
    awaiting_acceptance: list[tuple[Case, str]]
    deadlines: list[tuple[Case, str]]
    overdue_instalments: list[tuple[Case, str, int]]  # case, employer, amount overdue (fen)
    overdue_count: int  # open cases past the acceptance-based deadline


def _with_employer(statement):
    return statement.join(Employer, Employer.id == Case.employer_id)


def overdue_agreements(today: date):
    """(case, employer, fen overdue) of succeeded cases where some worker's instalments due
    before today add up to more than that worker received (per worker: one worker's
    overpayment does not pay what another is owed)."""
    due = (
        select(
            Agreement.case_id.label("case_id"),
            Instalment.worker_id.label("worker_id"),
            sql_total(Instalment.amount_fen).label("due"),
        )
        .select_from(Instalment)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(Agreement.superseded_on.is_(None))
        .where(Instalment.due_on < today)
        .group_by(Agreement.case_id, Instalment.worker_id)
        .subquery()
    )
    paid = (
        select(sql_total(Payment.amount_fen))
        .where(Payment.worker_id == due.c.worker_id)
        .scalar_subquery()
    )
    late = func.sum(sql_case((due.c.due > paid, due.c.due - paid), else_=0))
    return (
        _with_employer(select(Case, Employer.name, late))
        .join(due, due.c.case_id == Case.id)
        .where(Case.status == CaseStatus.SUCCEEDED.value)
        .group_by(Case.id, Employer.name)
        .having(late > 0)
    )


def workload(session: Session, scope: Scope, today: date) -> Workload:
    start = datetime.combine(today, time.min, tzinfo=TZ)
    sessions = session.exec(
        scope.apply(
            select(MediationSession, Case)
            .join(Case, Case.id == MediationSession.case_id)
            .where(
                MediationSession.starts_at >= start,
                MediationSession.starts_at < start + timedelta(days=1),
            ),
            Case.centre_id,
        ).order_by(MediationSession.starts_at)
    ).all()
    awaiting = session.exec(
        scope.apply(
            _with_employer(select(Case, Employer.name)).where(
                Case.status == CaseStatus.RECEIVED.value
            ),
            Case.centre_id,
        )
        .order_by(Case.received_on, Case.id)
        .limit(LIST_LIMIT)
    ).all()
    near = session.exec(
        scope.apply(
            _with_employer(select(Case, Employer.name)).where(
                Case.status.in_([s.value for s in OPEN_STATUSES]),
                Case.mediation_due_on <= today + timedelta(days=NEAR_DAYS),
            ),
            Case.centre_id,
        )
        .order_by(Case.mediation_due_on, Case.id)
        .limit(LIST_LIMIT)
    ).all()
    overdue = session.exec(
        scope.apply(overdue_agreements(today), Case.centre_id).order_by(Case.id).limit(LIST_LIMIT)
    ).all()
    return Workload(
        sessions_today=[tuple(r) for r in sessions],
        awaiting_acceptance=[tuple(r) for r in awaiting],
        deadlines=[tuple(r) for r in near],
        overdue_instalments=[tuple(r) for r in overdue],
        overdue_count=count_cases(session, scope, CaseFilter(overdue=True), today),
    )
