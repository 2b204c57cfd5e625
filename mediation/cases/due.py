"""What is due, city-wide, for the daily job: the sessions of tomorrow, the instalments due
tomorrow, the agreements in default and the mediation deadlines within a few days. Stored as
`due_item` rows for one day so that notices (SMS, e-delivery) can be sent from them.

The same rules as the home page's day (mediation.cases.workload): a default is judged per
worker; a deadline is near within `workload.NEAR_DAYS` days.
"""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, delete, select

from mediation.cases.workload import NEAR_DAYS, overdue_agreements
from mediation.dates import TZ
from models import (
    OPEN_STATUSES,
    Agreement,
    Case,
    CaseStatus,
    DueItem,
    DueKind,
    Instalment,
    MediationSession,
)
from models.base import sql_total


def due_items(session: Session, day: date) -> list[DueItem]:
    """Everything due as seen on `day` (unsaved rows, without their job)."""
    return [
        *_sessions_tomorrow(session, day),
        *_instalments_tomorrow(session, day),
        *_defaults(session, day),
        *_deadlines_near(session, day),
    ]


def replace_due_items(session: Session, day: date, items: list[DueItem], job_id: str) -> None:
    """The day's items, replacing any earlier run's for that day (a rerun leaves one set)."""
    session.exec(delete(DueItem).where(DueItem.day == day))
    for item in items:
        item.job_id = job_id
        session.add(item)
    session.flush()


def _item(day: date, kind: DueKind, case_id: int, centre_id: int, **values) -> DueItem:
    return DueItem(
        day=day, kind=kind.value, case_id=case_id, centre_id=centre_id, job_id="", **values
    )


def _sessions_tomorrow(session: Session, day: date) -> list[DueItem]:
    start = datetime.combine(day + timedelta(days=1), time.min, tzinfo=TZ)
    rows = session.exec(
        select(MediationSession.id, MediationSession.case_id, Case.centre_id)
        .join(Case, Case.id == MediationSession.case_id)
        .where(
            MediationSession.starts_at >= start,
            MediationSession.starts_at < start + timedelta(days=1),
            Case.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(MediationSession.starts_at, MediationSession.id)
    ).all()
    tomorrow = day + timedelta(days=1)
    return [
        _item(day, DueKind.SESSION_TOMORROW, case_id, centre_id, due_on=tomorrow, session_id=sid)
        for sid, case_id, centre_id in rows
    ]


def _instalments_tomorrow(session: Session, day: date) -> list[DueItem]:
    tomorrow = day + timedelta(days=1)
    rows = session.exec(
        select(Case.id, Case.centre_id, sql_total(Instalment.amount_fen))
        .join(Agreement, Agreement.case_id == Case.id)
        .join(Instalment, Instalment.agreement_id == Agreement.id)
        .where(
            Agreement.superseded_on.is_(None),
            Instalment.due_on == tomorrow,
            Case.status == CaseStatus.SUCCEEDED.value,
        )
        .group_by(Case.id, Case.centre_id)
        .order_by(Case.id)
    ).all()
    return [
        _item(day, DueKind.INSTALMENT_DUE, case_id, centre_id, due_on=tomorrow, amount_fen=fen)
        for case_id, centre_id, fen in rows
    ]


def _defaults(session: Session, day: date) -> list[DueItem]:
    rows = session.exec(overdue_agreements(day).order_by(Case.id)).all()
    return [
        _item(day, DueKind.INSTALMENT_DEFAULTED, case.id, case.centre_id, amount_fen=late)
        for case, _employer, late in rows
    ]


def _deadlines_near(session: Session, day: date) -> list[DueItem]:
    rows = session.exec(
        select(Case.id, Case.centre_id, Case.mediation_due_on)
        .where(
            Case.status.in_([s.value for s in OPEN_STATUSES]),
            Case.mediation_due_on >= day,
            Case.mediation_due_on <= day + timedelta(days=NEAR_DAYS),
        )
        .order_by(Case.mediation_due_on, Case.id)
    ).all()
    return [
        _item(day, DueKind.DEADLINE_NEAR, case_id, centre_id, due_on=due_on)
        for case_id, centre_id, due_on in rows
    ]
