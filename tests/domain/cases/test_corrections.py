"""Corrections of intake data: audited field by field, never the number, never what an
effective agreement fixed, never removing a worker who has an agreed amount or a payment."""

from datetime import date

import pytest
from sqlmodel import select

from conftest import TODAY, messages_at, resident_id, succeed
from mediation.cases import lifecycle
from mediation.cases.corrections import (
    CANNOT_REMOVE,
    FIXED_BY_AGREEMENT,
    WorkerEdit,
    correct,
    current_data,
    may_correct,
)
from mediation.cases.intake import ClaimData, WorkerData
from mediation.errors import RuleViolation, StaleEdit
from models import AuditEvent, Case, Employer, User, Worker


def _events(db, case, action: str) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
    )


def _save(db, case, actor, data, **kw):
    return correct(db, case, actor, data, case.version, today=TODAY, **kw)


def test_name_phone_and_claim_are_corrected_with_before_and_after(db, make_case):
    case = make_case("NH-LS", workers=2)
    actor = db.get(User, case.created_by_id)
    number, version = case.number, case.version
    data = current_data(db, case)
    first = data.workers[0].data
    old_name, old_phone = first.name, first.phone
    first.name, first.phone = "梁敏", "139 1234 5678"
    first.claims = [ClaimData("工资", 1_234_500)]
    assert _save(db, case, actor, data) == 1
    worker = db.get(Worker, data.workers[0].worker_id)
    assert (worker.name, worker.phone) == ("梁敏", "13912345678")
    [event] = _events(db, case, "correct_worker")
    assert event.changes["name"] == [old_name, "梁敏"]
    assert event.changes["phone"] == [old_phone, "13912345678"]
    assert event.changes["claims.工资"] == ["10,000.00", "12,345.00"]
    db.refresh(case)
    assert case.number == number and case.version > version
    assert case.claimed_fen == 1_234_500 + 1_000_000


def test_adding_the_tenth_worker_makes_the_case_collective_and_removing_undoes_it(db, make_case):
    case = make_case("NH-LS", workers=9)
    actor = db.get(User, case.created_by_id)
    data = current_data(db, case)
    data.workers.append(
        WorkerEdit(None, WorkerData("新增职工", id_number=resident_id(901), phone="13700000001"))
    )
    _save(db, case, actor, data)
    assert (case.worker_count, case.collective) == (10, True)
    assert len(_events(db, case, "add_worker")) == 1
    data = current_data(db, case)
    del data.workers[0]
    _save(db, case, actor, data)
    assert (case.worker_count, case.collective) == (9, False)
    assert len(_events(db, case, "remove_worker")) == 1


@pytest.mark.parametrize("paid", [False, True])
def test_a_worker_with_an_agreed_amount_or_a_payment_cannot_be_removed(db, make_case, paid):
    case = make_case("NH-LS", workers=2)
    actor = db.get(User, case.created_by_id)
    succeed(db, case, actor, date(2024, 5, 10), pay=paid)
    lifecycle.reopen(db, case, actor, "补充申请人")
    data = current_data(db, case)
    del data.workers[1]
    with pytest.raises(RuleViolation) as refused:
        _save(db, case, actor, data)
    assert any(CANNOT_REMOVE in message for _, message in refused.value.problems)


def test_effective_agreement_fixes_amounts_but_not_names(db, make_case, make_user):
    case = make_case("NH-LS", workers=2)
    actor = db.get(User, case.created_by_id)
    succeed(db, case, actor, date(2024, 5, 10), pay=False)
    supervisor = make_user("centre_supervisor", "NH-LS")
    assert not may_correct(actor, case)  # closed: a mediator no longer corrects it
    assert may_correct(supervisor, case)
    data = current_data(db, case)
    data.workers[0].data.claims = [ClaimData("工资", 1)]
    data.reason = "笔误"
    with pytest.raises(RuleViolation) as refused:
        _save(db, case, supervisor, data)
    assert messages_at(refused.value, "workers-0-claims") == [FIXED_BY_AGREEMENT]
    data = current_data(db, case)
    data.workers[0].data.name = "梁敏"
    with pytest.raises(RuleViolation) as no_reason:
        _save(db, case, supervisor, data)
    assert messages_at(no_reason.value, "reason")
    data.reason = "姓名笔误，以身份证为准"
    _save(db, case, supervisor, data)
    [event] = _events(db, case, "correct_worker")
    assert "姓名笔误" in event.summary


def test_lawyers_and_district_supervisors_never_correct(db, make_case, make_user):
    case = make_case("NH-LS")
    for role, centre, district in (
        ("lawyer", "NH-LS", None),
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
    ):
        user = make_user(role, centre, district)
        assert not may_correct(user, case), role
        with pytest.raises(RuleViolation):
            _save(db, case, user, current_data(db, case))


def test_a_stale_form_is_refused(db, make_case):
    case = make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    opened = case.version
    data = current_data(db, case)
    data.facts = "第一次更正"
    _save(db, case, actor, data)
    data.facts = "基于旧页面的更正"
    with pytest.raises(StaleEdit):
        correct(db, case, actor, data, opened, today=TODAY)


def test_the_employer_is_relinked_to_another_or_a_new_one(db, make_case):
    case = make_case("NH-LS", employer="佛山市甲公司")
    other = make_case("NH-LS", employer="佛山市乙公司")
    actor = db.get(User, case.created_by_id)
    data = current_data(db, case)
    data.employer.name = "佛山市乙公司"
    _save(db, case, actor, data)
    assert case.employer_id == other.employer_id
    data = current_data(db, case)
    data.employer.name = "佛山市丙公司"
    _save(db, case, actor, data)
    assert db.get(Employer, case.employer_id).name == "佛山市丙公司"
    assert [e.changes["employer"] for e in _events(db, case, "correct_employer")] == [
        ["佛山市甲公司", "佛山市乙公司"],
        ["佛山市乙公司", "佛山市丙公司"],
    ]


def test_intake_checks_apply_and_nothing_changes_when_nothing_was_corrected(db, make_case):
    case = make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    assert _save(db, case, actor, current_data(db, case)) == 0
    data = current_data(db, case)
    data.workers[0].data.id_number = "440605199001011234"
    data.workers[1].data.phone = "12345"
    data.received_on = date(2030, 1, 1)
    with pytest.raises(RuleViolation) as refused:
        _save(db, case, actor, data)
    fields = {name for name, _ in refused.value.problems}
    assert {"workers-0-id_number", "workers-1-phone", "received_on"} <= fields
    assert db.get(Case, case.id).received_on == date(2024, 5, 6)


def test_receipt_and_acceptance_dates_before_2008_are_refused_at_their_fields(db, make_case):
    """A receipt date of 0001-01-01 numbered a case 「(1)南里调字第1号」 (issue 15)."""
    case = make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 7), today=TODAY)
    data = current_data(db, case)
    data.received_on = date(1, 1, 1)
    data.accepted_on = date(2007, 12, 31)
    with pytest.raises(RuleViolation) as refused:
        _save(db, case, actor, data)
    assert messages_at(refused.value, "received_on") == ["收到申请日期不能早于2008-01-01"]
    data.received_on = date(2007, 12, 1)
    with pytest.raises(RuleViolation) as refused:
        _save(db, case, actor, data)
    assert messages_at(refused.value, "accepted_on") == ["受理日期不能早于2008-01-01"]
    db.refresh(case)
    assert (case.received_on, case.accepted_on) == (date(2024, 5, 6), date(2024, 5, 7))
