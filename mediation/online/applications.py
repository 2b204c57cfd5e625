"""Applying online (网上申请): what a worker types on /apply is checked as a walk-in's intake is,
kept until the phone is proved by a one-time code, and then registered as a case awaiting
acceptance (channel 网上申请), received the day it arrived, so that the three-working-day
acceptance clock runs from then.

Until the code is entered nothing is registered and no case number is used: an application
whose phone is never proved is deleted after PENDING_HOURS.
"""

import secrets
from dataclasses import asdict
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from mediation.cases.intake import (
    ClaimData,
    EmployerData,
    IntakeData,
    WorkerData,
    intake,
    validate_intake,
)
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from models import ApplicationStatus, Case, Centre, OnlineApplication, utcnow

PENDING_HOURS = 24
MAX_CO_WORKERS = 99  # the roster pasted on a phone; larger groups apply at the centre
ONLINE_ACTOR = "网上申请"


def start_application(
    session: Session,
    centre: Centre,
    data: IntakeData,
    notices_consent: bool,
    remote_addr: str = "",
    today: date | None = None,
) -> OnlineApplication:
    """Check the application as intake would and keep it until its phone is proved. Raises
    RuleViolation with every problem at its field."""
    today = today or local_today()
    problems = validate_intake(data, today)
    if len(data.workers) > MAX_CO_WORKERS + 1:
        problems.append(
            ("workers", f"网上申请最多{MAX_CO_WORKERS + 1}人，人数更多请到调解中心申请")
        )
    if not data.workers or not data.workers[0].phone:
        problems.append(("workers-0-phone", "请填写手机号码，用于接收验证码和通知"))
    if not data.workers or not data.workers[0].id_number:
        problems.append(("workers-0-id_number", "请填写证件号码，用于查询进度"))
    if problems:
        raise RuleViolation(problems)
    purge_pending(session)
    application = OnlineApplication(
        token=secrets.token_urlsafe(24),
        reference=_new_reference(session, today),
        centre_id=centre.id,
        phone=data.workers[0].phone,
        data=_stored(data),
        notices_consent=notices_consent,
        remote_addr=remote_addr[:64],
    )
    session.add(application)
    session.flush()
    return application


def submit_application(session: Session, application: OnlineApplication) -> Case:
    """The phone is proved: register the case (awaiting acceptance) and forget the copy."""
    if application.case_id is not None:
        return session.get(Case, application.case_id)
    centre = session.get(Centre, application.centre_id)
    data = _loaded(application.data)
    case = intake(session, None, centre, data, actor_name=ONLINE_ACTOR)
    application.case_id = case.id
    application.status = ApplicationStatus.SUBMITTED.value
    application.submitted_at = utcnow()
    application.data = {}
    session.add(application)
    session.flush()
    return case


def pending_application(session: Session, token: str) -> OnlineApplication | None:
    """The application behind a confirmation link, while it may still be confirmed or shown."""
    if not token or len(token) > 64:
        return None
    application = session.exec(
        select(OnlineApplication).where(OnlineApplication.token == token)
    ).first()
    if application is None:
        return None
    if application.status == ApplicationStatus.PENDING and _expired(application):
        return None
    return application


def purge_pending(session: Session) -> int:
    """Delete applications whose phone was never proved within PENDING_HOURS."""
    cutoff = utcnow() - timedelta(hours=PENDING_HOURS)
    result = session.execute(
        delete(OnlineApplication).where(
            OnlineApplication.status == ApplicationStatus.PENDING.value,
            OnlineApplication.created_at < cutoff,
        )
    )
    return result.rowcount or 0


def _expired(application: OnlineApplication) -> bool:
    created = application.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=utcnow().tzinfo)
    return created < utcnow() - timedelta(hours=PENDING_HOURS)


def _new_reference(session: Session, today: date) -> str:
    """WS + date + six random digits: unique, and not a count anyone could read."""
    while True:
        reference = f"WS{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        taken = session.exec(
            select(OnlineApplication.id).where(OnlineApplication.reference == reference)
        ).first()
        if taken is None:
            return reference


def _stored(data: IntakeData) -> dict:
    stored = asdict(data)
    stored["received_on"] = data.received_on.isoformat()
    return stored


def _loaded(stored: dict) -> IntakeData:
    values = dict(stored)
    values["received_on"] = date.fromisoformat(values["received_on"])
    values["employer"] = EmployerData(**values["employer"])
    values["workers"] = [
        WorkerData(**{**w, "claims": [ClaimData(**c) for c in w["claims"]]})
        for w in values["workers"]
    ]
    return IntakeData(**values)
