"""The transition table, checked through the verb operations: every (from, to) pair either
succeeds through the operation that moves a case to `to`, or is refused with a RuleViolation;
and the actions table (the case page's buttons) agrees with the operations."""

from datetime import date, datetime

import pytest

from conftest import TODAY, messages_at
from mediation.cases import actions, lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.assignment import assign
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.reference.roster import LawyerData, save_lawyer
from models import CLOSED_STATUSES, CaseStatus

S = CaseStatus
ACCEPTED_ON = date(2024, 5, 7)
ON = date(2024, 5, 20)


def _hold_session(db, case, actor):
    lifecycle.record_session(
        db, case, actor, datetime(2024, 5, 8, 10, tzinfo=TZ), 60, "调解室", "双方", "笔录"
    )


def _succeed(db, case, actor):
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(db, case)}
    save_agreement(
        db,
        case,
        actor,
        terms="一次性支付",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(ON, sum(lines.values()))],
        parties_signed_on=date(2024, 5, 9),
        mediator_signed_on=date(2024, 5, 9),
        centre_sealed_on=date(2024, 5, 9),
        today=TODAY,
    )


def _accept(db, case, actor):
    lifecycle.accept(db, case, actor, ACCEPTED_ON, today=TODAY)


# How a case reaches each status, through the operations.
SETUP = {
    S.RECEIVED: [],
    S.ACCEPTED: [_accept],
    S.IN_MEDIATION: [_accept, _hold_session],
    S.SUCCEEDED: [_accept, _hold_session, _succeed],
    S.FAILED: [
        _accept,
        lambda db, c, a: lifecycle.fail(db, c, a, ON, "no_agreement", today=TODAY),
    ],
    S.WITHDRAWN: [lambda db, c, a: lifecycle.withdraw(db, c, a, ON, today=TODAY)],
    S.REFUSED: [lambda db, c, a: lifecycle.refuse(db, c, a, ON, "不存在劳动关系", today=TODAY)],
    S.VOIDED: [lambda db, c, a: lifecycle.void(db, c, a, "重复登记", today=TODAY)],
}

# The operation that moves a case to each target status.
OPERATIONS = {
    S.ACCEPTED: ("accept", lambda db, c, a: lifecycle.accept(db, c, a, ON, today=TODAY)),
    S.REFUSED: (
        "refuse",
        lambda db, c, a: lifecycle.refuse(db, c, a, ON, "不存在劳动关系", today=TODAY),
    ),
    S.FAILED: (
        "fail",
        lambda db, c, a: lifecycle.fail(db, c, a, ON, "employer_refuses", today=TODAY),
    ),
    S.WITHDRAWN: ("withdraw", lambda db, c, a: lifecycle.withdraw(db, c, a, ON, today=TODAY)),
    S.VOIDED: ("void", lambda db, c, a: lifecycle.void(db, c, a, "录入错误", today=TODAY)),
    S.SUCCEEDED: ("agreement", _succeed),
}


@pytest.fixture
def case_in(db, make_case, make_user):
    def make(status: CaseStatus):
        actor = make_user("mediator", "NH-LS")
        case = make_case("NH-LS", actor=actor)
        for step in SETUP[status]:
            step(db, case, actor)
        db.flush()
        assert case.status_enum is status
        return case, actor

    return make


def test_every_status_is_set_up_and_every_target_has_an_operation():
    assert set(SETUP) == set(CaseStatus)
    targets = {t for targets in lifecycle.TRANSITIONS.values() for t in targets}
    assert targets == set(OPERATIONS) | {S.IN_MEDIATION}  # in_mediation: see below


@pytest.mark.parametrize("source", list(CaseStatus), ids=str)
@pytest.mark.parametrize("target", list(OPERATIONS), ids=str)
def test_transition_table_through_the_operations(db, case_in, source, target):
    case, actor = case_in(source)
    name, operation = OPERATIONS[target]
    button_shown = actions.refusal(case, name) == ""
    if target in lifecycle.TRANSITIONS[source]:
        operation(db, case, actor)
        assert case.status_enum is target
        assert button_shown
    else:
        with pytest.raises(RuleViolation) as refused:
            operation(db, case, actor)
        if target is not S.SUCCEEDED:  # the agreement form has its own wording
            assert "不能变更为" in str(refused.value)
        assert case.status_enum is source
        assert not button_shown


def test_mediation_starts_when_a_session_is_held_or_both_are_assigned(db, case_in, centres):
    case, actor = case_in(S.ACCEPTED)
    _hold_session(db, case, actor)
    assert case.status_enum is S.IN_MEDIATION

    lawyer = save_lawyer(
        db,
        None,
        LawyerData("梁律师", "14406201210000009", "某律所", centre_ids=(centres["NH-LS"].id,)),
        None,
    )
    received, _ = case_in(S.RECEIVED)
    assign(db, received, actor, actor.id, lawyer.id)
    assert received.status_enum is S.RECEIVED  # nothing to mediate before acceptance
    _accept(db, received, actor)
    assert received.status_enum is S.IN_MEDIATION  # assigned beforehand: mediation starts


@pytest.mark.parametrize(
    "source,back_to",
    [
        (S.REFUSED, S.RECEIVED),
        (S.VOIDED, S.RECEIVED),
        (S.WITHDRAWN, S.RECEIVED),
        (S.FAILED, S.ACCEPTED),
        (S.SUCCEEDED, S.IN_MEDIATION),
    ],
    ids=str,
)
def test_reopen_returns_a_closed_case_to_where_its_work_stood(db, case_in, source, back_to):
    case, actor = case_in(source)
    lifecycle.reopen(db, case, actor, "结案登记有误")
    assert case.status_enum is back_to and case.closed_on is None


@pytest.mark.parametrize("source", sorted(set(CaseStatus) - CLOSED_STATUSES), ids=str)
def test_an_open_case_cannot_be_reopened(db, case_in, source):
    case, actor = case_in(source)
    with pytest.raises(RuleViolation, match="只有已结案的案件才能重新打开"):
        lifecycle.reopen(db, case, actor, "误操作")


def test_reasons_longer_than_the_column_are_refused_at_the_field(db, case_in):
    case, actor = case_in(S.RECEIVED)
    with pytest.raises(RuleViolation) as refused:
        lifecycle.refuse(db, case, actor, ON, "理" * 201, today=TODAY)
    assert messages_at(refused.value, "reason") == ["不予受理理由不超过200字"]
    with pytest.raises(RuleViolation) as refused:
        lifecycle.void(db, case, actor, "理" * 201, today=TODAY)
    assert messages_at(refused.value, "reason") == ["作废理由不超过200字"]


def test_extension_once_only_and_the_button_goes(db, case_in):
    case, actor = case_in(S.ACCEPTED)
    assert actions.refusal(case, "extend") == ""
    lifecycle.extend(db, case, actor, ON, 5, today=TODAY)
    assert actions.refusal(case, "extend") == "调解期限只能延长一次"
    with pytest.raises(RuleViolation, match="调解期限只能延长一次"):
        lifecycle.extend(db, case, actor, ON, 5, today=TODAY)
