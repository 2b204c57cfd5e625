"""Retention: closed cases are archived (read-only) after ARCHIVE_AFTER_DAYS and anonymised
after RETENTION_YEARS, per centre; an archived case refuses every write until a centre
supervisor unarchives it with a reason."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from conftest import TODAY, succeed
from mediation import retention
from mediation.cases import actions, lifecycle, payments
from mediation.cases.attachments import add_attachment
from mediation.cases.corrections import correct, current_data
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.notices import outbox
from models import (
    Attachment,
    AuditEvent,
    Case,
    FileType,
    MediationSession,
    Message,
    User,
    Worker,
)

POLICY = retention.Policy(archive_after_days=365, retention_years=10)
CLOSED = date(2021, 3, 12)


@pytest.fixture
def closed(db, make_case):
    """A withdrawn case closed on 2021-03-12, with its mediator."""
    case = make_case("NH-LS", workers=2, received_on=date(2021, 3, 9))
    mediator = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, mediator, date(2021, 3, 9), today=TODAY)
    lifecycle.withdraw(db, case, mediator, CLOSED, note="申请人撤回", today=TODAY)
    return case, mediator


def test_a_closed_case_is_archived_exactly_archive_after_days_after_closure(db, closed, make_case):
    case, _ = closed
    open_case = make_case("NH-LS", received_on=date(2021, 3, 9))
    day_before = CLOSED + timedelta(days=364)
    assert case not in retention.due(db, POLICY, day_before).archive
    due = retention.due(db, POLICY, CLOSED + timedelta(days=365))
    assert case in due.archive and open_case not in due.archive
    assert case not in due.anonymise


def test_a_centre_overrides_the_configured_periods(db, closed, centres):
    case, _ = closed
    centres["NH-LS"].archive_after_days = 30
    centres["NH-LS"].retention_years = 2
    db.flush()
    assert case in retention.due(db, POLICY, CLOSED + timedelta(days=30)).archive
    assert case in retention.due(db, POLICY, date(2023, 3, 12)).anonymise
    assert case not in retention.due(db, POLICY, date(2023, 3, 11)).anonymise


def test_an_instalment_still_to_come_postpones_archiving(db, make_case):
    case = make_case("NH-LS", workers=1, received_on=date(2021, 3, 9))
    actor = db.get(User, case.created_by_id)
    succeed(db, case, actor, date(2021, 3, 9), pay=False)
    assert case.status == "succeeded"
    instalment_day = date(2021, 3, 9)
    later = case.closed_on + timedelta(days=365)
    assert case in retention.due(db, POLICY, later).archive
    # the schedule's last date moves to a year after closure: no archiving before it + 365
    from models import Agreement, Instalment

    agreement = db.exec(select(Agreement).where(Agreement.case_id == case.id)).one()
    row = db.exec(select(Instalment).where(Instalment.agreement_id == agreement.id)).one()
    assert row.due_on == instalment_day
    row.due_on = case.closed_on + timedelta(days=200)
    db.flush()
    assert case not in retention.due(db, POLICY, later).archive
    assert case in retention.due(db, POLICY, row.due_on + timedelta(days=365)).archive


def test_an_archived_case_refuses_corrections_payments_scans_and_reopening(db, closed, make_user):
    case, mediator = closed
    supervisor = make_user("centre_supervisor", "NH-LS")
    retention.archive(db, case, date(2022, 3, 12))
    data = current_data(db, case)
    data.workers[0].data.name = "梁敏"
    data.reason = "更正姓名"
    with pytest.raises(RuleViolation) as refused:
        correct(db, case, supervisor, data, case.version, today=TODAY)
    assert retention.ARCHIVED in str(refused.value.problems)
    db.expire_all()
    assert db.get(Worker, data.workers[0].worker_id).name != "梁敏"
    with pytest.raises(RuleViolation, match=retention.ARCHIVED):
        lifecycle.reopen(db, case, supervisor, "当事人申请", today=TODAY)
    db.expire_all()
    with pytest.raises(RuleViolation, match=retention.ARCHIVED):
        add_attachment(
            db,
            case,
            mediator,
            kind="other",
            original_name="a.pdf",
            file_type=FileType.PDF,
            data=b"%PDF-1.4",
        )
    for pending in list(db.new):  # what a view's rollback would discard
        db.expunge(pending)
    db.expire_all()
    assert db.get(Case, case.id).status == "withdrawn"
    # every action, for every role, answers 「案件已归档」; the supervisor may only unarchive
    for name in ("edit", "reopen", "payment", "arbitration", "session_new"):
        assert actions.refusal(case, name).startswith(retention.ARCHIVED)
    assert [a.name for a in actions.available(db, supervisor, case)] == ["unarchive"]
    assert actions.available(db, mediator, case) == []


def test_payments_on_an_archived_succeeded_case_are_refused(db, make_case):
    case = make_case("NH-LS", workers=1, received_on=date(2021, 3, 9))
    actor = db.get(User, case.created_by_id)
    succeed(db, case, actor, date(2021, 3, 9), pay=False)
    retention.archive(db, case, date(2022, 3, 9))
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).one()
    with pytest.raises(RuleViolation, match=retention.ARCHIVED):
        payments.record_payment(
            db, case, actor, worker_id=worker.id, amount_fen=100, paid_on=TODAY, today=TODAY
        )


def test_only_a_supervisor_unarchives_with_a_reason_audited_and_the_clock_restarts(
    db, closed, make_user
):
    case, mediator = closed
    supervisor = make_user("centre_supervisor", "NH-LS")
    retention.archive(db, case, date(2022, 3, 12))
    with pytest.raises(RuleViolation, match="中心负责人"):
        retention.unarchive(db, case, mediator, "更正", today=date(2023, 1, 2))
    with pytest.raises(RuleViolation) as no_reason:
        retention.unarchive(db, case, supervisor, "  ", today=date(2023, 1, 2))
    assert no_reason.value.problems == [("reason", "取消归档须写明理由")]
    retention.unarchive(db, case, supervisor, "须更正申请人姓名", today=date(2023, 1, 2))
    assert case.archived_on is None and case.unarchived_on == date(2023, 1, 2)
    event = db.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "unarchive")
    ).one()
    assert event.summary == "取消归档：须更正申请人姓名" and event.user_id == supervisor.id
    assert event.changes["archived_on"] == ["2022-03-12", None]
    # writable again, and not archived again until a full period after the unarchiving
    lifecycle.reopen(db, case, supervisor, "当事人申请", today=date(2023, 1, 2))
    lifecycle.withdraw(db, case, supervisor, CLOSED, today=TODAY)
    assert case not in retention.due(db, POLICY, date(2024, 1, 1)).archive
    assert case in retention.due(db, POLICY, date(2024, 1, 2)).archive


def test_anonymisation_removes_personal_data_and_keeps_the_figures(db, closed, make_user):
    case, _ = closed
    workers = db.exec(select(Worker).where(Worker.case_id == case.id)).all()
    names = [w.name for w in workers]
    id_number, phone = workers[0].id_number, workers[0].phone
    case.facts = f"{names[0]}于2020年入职，住佛山市南海区某街10号，电话{phone}"
    case.outcome_note = f"{names[1]}撤回"
    db.add(case)
    db.add(
        MediationSession(
            case_id=case.id,
            starts_at=datetime(2021, 3, 10, 9, tzinfo=TZ),
            duration_minutes=30,
            place="调解室",
            attendees=f"{names[0]}、{names[1]}",
            minutes=f"{names[0]}称身份证号{id_number}",
        )
    )
    db.add(
        Attachment(
            case_id=case.id,
            kind="application",
            original_name=f"{names[0]}申请书.pdf",
            stored_name="a" * 32 + ".pdf",
            content_type="application/pdf",
            size_bytes=10,
            sha256="0" * 64,
        )
    )
    outbox.send(db, phone, f"{names[0]}，您的案件已受理", "accepted", case_id=case.id)
    db.flush()
    figures = (case.number, case.worker_count, case.claimed_fen, case.status, case.closed_on)
    files = retention.anonymise(db, case, date(2031, 3, 12))
    assert files == ["a" * 32 + ".pdf"]
    assert db.exec(select(Attachment).where(Attachment.case_id == case.id)).all() == []
    workers = db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.id)).all()
    assert [(w.name, w.id_number, w.phone, w.id_key, w.phone_key) for w in workers] == [
        ("申请人1", "", "", None, None),
        ("申请人2", "", "", None, None),
    ]
    assert (case.facts, case.outcome_note) == ("", "")
    message = db.exec(select(Message).where(Message.case_id == case.id)).one()
    assert (message.recipient, message.text) == ("", retention.ANONYMISED)
    record = db.exec(select(MediationSession).where(MediationSession.case_id == case.id)).one()
    assert (record.attendees, record.minutes) == ("", retention.ANONYMISED)
    assert figures == (
        case.number,
        case.worker_count,
        case.claimed_fen,
        case.status,
        case.closed_on,
    )
    assert case.archived_on == date(2031, 3, 12) == case.anonymised_on
    history = db.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    text = repr([(e.summary, e.changes) for e in history])
    for secret in (*names, id_number, phone):
        assert secret not in text
    with pytest.raises(RuleViolation, match="已匿名化"):
        retention.unarchive(db, case, make_user("centre_supervisor", "NH-LS"), "x")


def test_run_archives_and_anonymises_what_is_due_and_a_dry_run_changes_nothing(db, closed):
    case, _ = closed
    dry = retention.run(db, POLICY, date(2031, 3, 12), dry_run=True)
    assert (dry.archived, dry.anonymised) == (0, 1)
    assert case.archived_on is None
    done = retention.run(db, POLICY, date(2031, 3, 12))
    assert (done.archived, done.anonymised) == (0, 1)
    assert case.anonymised_on == date(2031, 3, 12)
    again = retention.run(db, POLICY, date(2031, 3, 13))
    assert (again.archived, again.anonymised) == (0, 0)


def test_the_guard_holds_after_a_commit_expired_the_case(db, closed):
    """A case whose attributes expired (after a commit) is still recognised as archived."""
    case, mediator = closed
    retention.archive(db, case, date(2022, 3, 12))
    db.expire(case)
    case.note = "补记"
    with pytest.raises(RuleViolation, match=retention.ARCHIVED):
        db.flush()
    db.expire_all()
    case.archived_on = None  # nor can anyone but retention unarchive by hand
    with pytest.raises(RuleViolation, match=retention.ARCHIVED):
        db.flush()
