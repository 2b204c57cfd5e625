"""A mediator's day: what the home page lists, within the user's scope."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
    due = sql_total(Instalment.amount_fen)
    overdue = session.exec(
        scope.apply(
            _with_employer(select(Case, Employer.name, due - Case.paid_fen))
            .join(Agreement, (Agreement.case_id == Case.id) & Agreement.superseded_on.is_(None))
            .join(Instalment, Instalment.agreement_id == Agreement.id)
            .where(Case.status == CaseStatus.SUCCEEDED.value, Instalment.due_on < today)
            .group_by(Case.id, Employer.name)
            .having(due > Case.paid_fen),
            Case.centre_id,
        )
        .order_by(Case.id)
        .limit(LIST_LIMIT)
    ).all()
    return Workload(
        sessions_today=[tuple(r) for r in sessions],
        awaiting_acceptance=[tuple(r) for r in awaiting],
        deadlines=[tuple(r) for r in near],
        overdue_instalments=[tuple(r) for r in overdue],
        overdue_count=count_cases(session, scope, CaseFilter(overdue=True), today),
    )
