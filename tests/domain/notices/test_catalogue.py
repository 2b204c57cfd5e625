"""The notices workers get as their case moves, and the daily reminders of instalments: only
to workers who consented, with a phone on record, each daily one once."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from conftest import TODAY
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.assignment import assign
from mediation.cases.caseload import Target, move
from mediation.cases.payments import pay_outstanding
from mediation.dates import TZ
from mediation.dates import now as local_now
from mediation.notices.daily import send_due_notices
from models import Message, Worker

ACCEPTED_ON = date(2024, 5, 8)


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", "NH-LS")


@pytest.fixture
def case(db, make_case, mediator):
    """Three workers; the first two consented to notices, the third did not."""
    found = make_case(workers=3, actor=mediator)
    workers = db.exec(select(Worker).where(Worker.case_id == found.id).order_by(Worker.position))
    for worker in list(workers)[:2]:
        worker.notices_consent = True
        db.add(worker)
    db.flush()
    return found


def workers_of(db, case) -> list[Worker]:
    query = select(Worker).where(Worker.case_id == case.id).order_by(Worker.position)
    return list(db.exec(query))


def sent(db, kind: str) -> list[Message]:
    return list(db.exec(select(Message).where(Message.kind == kind).order_by(Message.id)))


def test_acceptance_is_told_to_the_consenting_workers_only(db, case, mediator):
    lifecycle.accept(db, case, mediator, ACCEPTED_ON, today=TODAY)
    messages = sent(db, "accepted")
    first, second, third = workers_of(db, case)
    assert [m.recipient for m in messages] == [first.phone, second.phone]
    assert all(case.number in m.text and "2024年5月8日受理" in m.text for m in messages)
    assert all(m.status == "sent" and m.case_id == case.id for m in messages)


def test_a_refusal_gives_its_reason(db, case, mediator):
    lifecycle.refuse(db, case, mediator, ACCEPTED_ON, "不属于劳动争议", today=TODAY)
    assert all("理由：不属于劳动争议" in m.text for m in sent(db, "refused"))


def test_a_session_scheduled_then_moved_then_held(db, case, mediator):
    lifecycle.accept(db, case, mediator, ACCEPTED_ON, today=TODAY)
    start = (local_now() + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    planned = lifecycle.record_session(db, case, mediator, start, None, "第一调解室", "", "")
    assert len(sent(db, "session_scheduled")) == 2
    assert "第一调解室" in sent(db, "session_scheduled")[0].text
    later = start + timedelta(days=1)
    lifecycle.record_session(db, case, mediator, later, None, "第一调解室", "", "", planned)
    changed = sent(db, "session_changed")
    assert len(changed) == 2 and f"{later.day}日 09:30" in changed[0].text
    held = datetime(2024, 5, 9, 9, 0, tzinfo=TZ)
    lifecycle.record_session(db, case, mediator, held, 60, "第一调解室", "", "笔录")
    assert len(sent(db, "session_scheduled")) == 2 and len(sent(db, "session_changed")) == 2


def test_an_effective_agreement_tells_each_worker_their_own_amount(db, case, mediator):
    lifecycle.accept(db, case, mediator, ACCEPTED_ON, today=TODAY)
    case.status = "in_mediation"
    lines = {line.id: 100_000 * (n + 1) for n, (_, line, _) in enumerate(claim_lines(db, case))}
    signed = date(2024, 5, 10)
    save_agreement(
        db,
        case,
        mediator,
        terms="一次付清",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(signed, sum(lines.values()))],
        parties_signed_on=signed,
        mediator_signed_on=signed,
        centre_sealed_on=signed,
        today=TODAY,
    )
    texts = [m.text for m in sent(db, "agreement_effective")]
    assert len(texts) == 2
    assert "协议金额为1,000.00元" in texts[0] and "协议金额为2,000.00元" in texts[1]


def test_a_new_handler_is_news_but_the_first_is_not(db, case, mediator, make_user):
    other = make_user("mediator", "NH-LS", display_name="何晓")
    assign(db, case, mediator, mediator.id, None)
    assert sent(db, "handler_changed") == []
    assign(db, case, mediator, other.id, None)
    assert all("改由调解员何晓承办" in m.text for m in sent(db, "handler_changed"))


def test_a_caseload_move_tells_the_workers(db, case, mediator, make_user, centres):
    supervisor = make_user("centre_supervisor", "NH-LS")
    other = make_user("mediator", "NH-LS", display_name="黎敏")
    assign(db, case, mediator, mediator.id, None)
    move(db, supervisor, centres["NH-LS"].id, [case.id], Target("mediator", other.id))
    assert len(sent(db, "handler_changed")) == 2


def agreement_with_instalment(db, case, mediator, due_on: date) -> None:
    lifecycle.accept(db, case, mediator, ACCEPTED_ON, today=TODAY)
    case.status = "in_mediation"
    lines = {line.id: 50_000 for _, line, _ in claim_lines(db, case)}
    signed = date(2024, 5, 10)
    save_agreement(
        db,
        case,
        mediator,
        terms="分期",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(due_on, sum(lines.values()))],
        parties_signed_on=signed,
        mediator_signed_on=signed,
        centre_sealed_on=signed,
        today=TODAY,
    )


def test_an_instalment_due_tomorrow_is_reminded_once(db, case, mediator):
    agreement_with_instalment(db, case, mediator, date(2024, 6, 1))
    assert send_due_notices(db, date(2024, 5, 31)).due_tomorrow == 2
    assert send_due_notices(db, date(2024, 5, 31)).due_tomorrow == 0
    reminders = sent(db, "instalment_due")
    assert len(reminders) == 2 and "明日（2024年6月1日）应向您支付500.00元" in reminders[0].text


def test_an_unpaid_instalment_is_reported_the_day_after_and_a_paid_one_is_not(db, case, mediator):
    agreement_with_instalment(db, case, mediator, date(2024, 6, 1))
    assert send_due_notices(db, date(2024, 6, 2)).defaulted == 2
    assert (
        "应于2024年6月1日向您支付的500.00元尚未足额支付" in sent(db, "instalment_defaulted")[0].text
    )

    pay_outstanding(db, case, mediator, paid_on=date(2024, 6, 2), today=TODAY)
    assert send_due_notices(db, date(2024, 6, 2)).defaulted == 0


def test_an_instalment_paid_in_advance_needs_no_reminder(db, case, mediator):
    agreement_with_instalment(db, case, mediator, date(2024, 6, 1))
    pay_outstanding(db, case, mediator, paid_on=date(2024, 5, 20), today=TODAY)
    assert send_due_notices(db, date(2024, 5, 31)).due_tomorrow == 0
