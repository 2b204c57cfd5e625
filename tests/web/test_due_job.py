"""The daily job: at JOB_DUE_HOUR it computes what is due (sessions tomorrow, instalments due
tomorrow or in default, deadlines near) into due_item, once per day whatever the nodes."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select, update

from conftest import TODAY, succeed
from jobs import queue
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.assignment import assign
from mediation.dates import TZ
from mediation.notices import outbox
from models import DueItem, DueKind, Job, MediationSession, Message, Worker
from tests.domain.notices.smtp_server import smtp_server

DAY = date(2024, 5, 10)


@pytest.fixture
def due_world(db, make_case, make_user):
    actor = make_user("mediator", "NH-LS")
    meeting, late, paying, near, quiet = (
        make_case("NH-LS", actor=actor, received_on=date(2024, 4, 20)) for _ in range(5)
    )
    for case in (meeting, near, quiet):
        lifecycle.accept(db, case, actor, date(2024, 5, 6), today=TODAY)
    db.add(MediationSession(case_id=meeting.id, starts_at=datetime(2024, 5, 11, 9, 30, tzinfo=TZ)))
    db.add(MediationSession(case_id=quiet.id, starts_at=datetime(2024, 5, 12, 9, 30, tzinfo=TZ)))
    owed = succeed(db, late, actor, date(2024, 5, 1), pay=False)
    lifecycle.accept(db, paying, actor, date(2024, 5, 6), today=TODAY)
    paying.status = "in_mediation"
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(db, paying)}
    signed, rest = date(2024, 5, 9), sum(lines.values()) - 300_000
    save_agreement(
        db, paying, actor, terms="分两期", payment_method="银行转账", copies=3, lines=lines,
        instalments=[(date(2024, 5, 11), 300_000), (date(2024, 6, 11), rest)],
        parties_signed_on=signed, mediator_signed_on=signed, centre_sealed_on=signed, today=TODAY,
    )  # fmt: skip
    near.mediation_due_on = DAY + timedelta(days=2)
    quiet.mediation_due_on = DAY + timedelta(days=20)
    db.flush()
    return {"meeting": meeting, "late": late, "owed": owed, "paying": paying, "near": near}


def _items(db) -> list[tuple[str, int, int | None]]:
    rows = db.exec(
        select(DueItem).where(DueItem.day == DAY).order_by(DueItem.kind, DueItem.case_id)
    )
    return [(item.kind, item.case_id, item.amount_fen) for item in rows]


def _reminders(db) -> int:
    return len(db.exec(select(Message).where(Message.kind == "instalment_due")).all())


def test_the_daily_job_stores_what_is_due_once_per_day(app, db, due_world, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_DUE_HOUR", 6)
    paying = due_world["paying"]
    db.exec(update(Worker).where(Worker.case_id == paying.id).values(notices_consent=True))
    with app.app_context():
        assert queue.due_job(datetime(2024, 5, 10, 5, 50, tzinfo=TZ)) is None  # not yet
        job_id = queue.due_job(datetime(2024, 5, 10, 6, 0, tzinfo=TZ))
        assert job_id == "due-2024-05-10"
        assert queue.due_job(datetime(2024, 5, 10, 6, 10, tzinfo=TZ)) is None  # one a day
    queue.engine(app).send(job_id)
    queue.drain(app)
    w = due_world
    expected = sorted(
        [
            (DueKind.SESSION_TOMORROW.value, w["meeting"].id, None),
            (DueKind.INSTALMENT_DEFAULTED.value, w["late"].id, w["owed"]),
            (DueKind.INSTALMENT_DUE.value, w["paying"].id, 300_000),
            (DueKind.DEADLINE_NEAR.value, w["near"].id, None),
        ]
    )
    assert _items(db) == expected
    db.expire_all()
    job = db.get(Job, job_id)
    assert job.state == "done" and job.owner_id is None and job.rows_total == 4
    assert _reminders(db) == paying.worker_count  # the workers owed tomorrow are reminded

    # A retry of the same day's job (a killed worker's rerun) leaves one set, not two.
    db.exec(update(Job).where(Job.id == job_id).values(state="queued"))
    db.commit()
    queue.engine(app).send(job_id)
    queue.drain(app)
    assert _items(db) == expected
    assert _reminders(db) == paying.worker_count  # and only once


def run_due_job(app, db, job_id: str = "due-2024-05-10") -> None:
    """The day's due job, run (again) by the worker."""
    if db.get(Job, job_id) is None:
        with app.app_context():
            assert queue.due_job(datetime(2024, 5, 10, 6, 0, tzinfo=TZ)) == job_id
    else:
        db.exec(update(Job).where(Job.id == job_id).values(state="queued"))
        db.commit()
    queue.engine(app).send(job_id)
    queue.drain(app)
    db.expire_all()


def _deadline_notices(db) -> list[Message]:
    return list(
        db.exec(select(Message).where(Message.kind == "deadline_near").order_by(Message.id))
    )


def test_the_mediator_is_told_by_email_once_that_a_deadline_approaches(
    app, db, due_world, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "JOB_DUE_HOUR", 6)
    near = due_world["near"]
    mediator = make_user("mediator", "NH-LS", display_name="张调解", email="zhang@example.org")
    assign(db, near, mediator, mediator.id, None)
    db.flush()
    with smtp_server() as inbox:
        run_due_job(app, db)
        run_due_job(app, db)  # a rerun of the day's job tells nobody twice
    (message,) = _deadline_notices(db)
    assert message.recipient == "zhang@example.org" and message.channel == "email"
    assert message.status == "sent" and message.case_id == near.id
    (mail,) = inbox.received
    assert mail["To"] == "zhang@example.org"
    assert mail["Subject"] == f"调解期限将至：{near.number}"
    body = mail.get_content()
    assert near.number in body and "2024年5月12日" in body
    assert outbox.public_url(f"/cases/{near.id}") in body


def test_without_a_mediator_the_centres_supervisors_are_told_in_the_outbox(
    app, db, due_world, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "JOB_DUE_HOUR", 6)
    supervisor = make_user("centre_supervisor", "NH-LS", username="lishui-head")
    make_user("centre_supervisor", "CC-ZC")  # another centre's: not told
    run_due_job(app, db)
    run_due_job(app, db)
    notices = _deadline_notices(db)
    assert [(m.recipient, m.channel, m.case_id) for m in notices] == [
        (supervisor.username, "outbox", due_world["near"].id)
    ]
    assert "调解期限将至" in notices[0].text and due_world["near"].number in notices[0].text


def test_the_periodic_tasks_reap_check_the_due_job_and_pull_receipts(app):
    huey = queue.engine(app).huey

    def due_at(minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2026, 11, 27, 8, minute))}

    assert due_at(3) == {"reap"}
    assert due_at(5) == {"reap", "pull_receipts"}
    assert due_at(10) == {"reap", "schedule_due", "pull_receipts"}
