"""Reopening a succeeded case undoes its outcome: the agreement is superseded (kept as history),
the case is in mediation again with no agreement in force, statistics stop counting it, and a new
agreement is needed to succeed again. Payments stay with the workers who received them."""

from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from mediation.cases import agreements, lifecycle, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.payments import PaymentState
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.statistics.figures import statistics
from mediation.statistics.period import Period
from mediation.statistics.rollup import rollup_drift
from models import Agreement, AgreementLine, CaseStatus

DAY = date(2021, 3, 9)
REOPENED = date(2021, 4, 1)
TODAY = date(2021, 6, 1)
MARCH = Period(date(2021, 3, 1), date(2021, 3, 31))


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", "NH-LS")


@pytest.fixture
def supervisor(make_user):
    return make_user("centre_supervisor", "NH-LS")


@pytest.fixture
def succeeded(db, mediator, centres):
    """阿永 agreed 4,850 and paid in full; 李建华 agreed 5,000 and paid 1,000."""
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市某包装印刷有限公司"),
        workers=[
            WorkerData(name="阿永", claims=[ClaimData("工资", 485_000)]),
            WorkerData(name="李建华", claims=[ClaimData("工资", 500_000)]),
        ],
    )
    case = intake(db, mediator, centres["NH-LS"], data, today=DAY)
    lifecycle.accept(db, case, mediator, DAY, today=DAY)
    lifecycle.record_session(
        db, case, mediator, datetime(2021, 3, 9, 14, tzinfo=TZ), 60, "调解室", "", "笔录"
    )
    sign(db, case, mediator, {"阿永": 485_000, "李建华": 500_000}, (DAY, DAY, DAY), today=DAY)
    ayong, li = (row.worker for row in payments.worker_amounts(db, case))
    payments.record_payment(
        db, case, mediator, worker_id=ayong.id, amount_fen=485_000, paid_on=DAY, today=DAY
    )
    payments.record_payment(
        db, case, mediator, worker_id=li.id, amount_fen=100_000, paid_on=DAY, today=DAY
    )
    return case


def sign(db, case, actor, amounts: dict[str, int], signed, today=TODAY, terms="一次性支付"):
    lines = {line.id: amounts[worker.name] for worker, line, _ in agreements.claim_lines(db, case)}
    total = sum(lines.values())
    return agreements.save_agreement(
        db,
        case,
        actor,
        terms=terms,
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(DAY, total)],
        parties_signed_on=signed[0],
        mediator_signed_on=signed[1],
        centre_sealed_on=signed[2],
        today=today,
    )


def by_name(db, case) -> dict[str, payments.WorkerAmounts]:
    return {row.worker.name: row for row in payments.worker_amounts(db, case)}


def test_reopening_supersedes_the_agreement_and_keeps_it_as_history(db, succeeded, supervisor):
    old = agreements.agreement_of(db, succeeded)
    lifecycle.reopen(db, succeeded, supervisor, "协议内容有误，双方要求重新调解", today=REOPENED)

    assert succeeded.status_enum is CaseStatus.IN_MEDIATION
    assert succeeded.closed_on is None
    assert agreements.agreement_of(db, succeeded) is None
    assert succeeded.agreed_fen == 0
    assert agreements.review_windows(agreements.agreement_of(db, succeeded)) == []
    [history] = agreements.superseded_agreements(db, succeeded)
    assert history.agreement.id == old.id
    assert history.agreement.superseded_on == REOPENED
    assert history.agreement.terms == "一次性支付"
    assert history.agreement.effective_on == DAY
    assert history.agreement.parties_signed_on == DAY
    assert history.amounts == [("阿永", 485_000), ("李建华", 500_000)]
    assert history.agreed_fen == 985_000
    # Payments stay recorded against the worker who received them, shown as 多付 for now.
    rows = by_name(db, succeeded)
    assert (rows["阿永"].paid_fen, rows["阿永"].overpaid_fen) == (485_000, 485_000)
    assert (rows["李建华"].paid_fen, rows["李建华"].overpaid_fen) == (100_000, 100_000)
    assert succeeded.paid_fen == 585_000
    assert payments.payment_state(db, succeeded, TODAY) is None


def test_statistics_stop_counting_a_reopened_case_and_count_it_again_once_re_signed(
    db, succeeded, supervisor, mediator
):
    before = statistics(db, MARCH, None, TODAY).total
    assert (before.succeeded, before.recovered_fen, before.paid_fen) == (1, 985_000, 585_000)

    lifecycle.reopen(db, succeeded, supervisor, "重新调解", today=REOPENED)
    db.flush()
    after = statistics(db, MARCH, None, TODAY).total
    assert (after.handled, after.succeeded, after.open) == (1, 0, 1)
    # "Paid" has the same basis as "recovered": neither counts a case with no agreement.
    assert (after.recovered_fen, after.paid_fen) == (0, 0)
    assert rollup_drift(db) == {}

    sign(db, succeeded, mediator, {"阿永": 485_000, "李建华": 450_000}, (REOPENED,) * 3)
    db.flush()
    again = statistics(db, MARCH, None, TODAY).total
    assert (again.succeeded, again.recovered_fen, again.paid_fen) == (1, 935_000, 585_000)
    assert rollup_drift(db) == {}


def test_succeeding_again_needs_a_new_agreement_signed_after_the_reopening(
    db, succeeded, supervisor, mediator
):
    lifecycle.reopen(db, succeeded, supervisor, "重新调解", today=REOPENED)
    amounts = {"阿永": 485_000, "李建华": 500_000}
    # The old signature dates do not carry over: signed before the reopening is refused.
    with pytest.raises(RuleViolation) as refused:
        sign(db, succeeded, mediator, amounts, (DAY, DAY, DAY))
    assert {name for name, _ in refused.value.problems} == {
        "parties_signed_on",
        "mediator_signed_on",
        "centre_sealed_on",
    }
    assert "重新打开日期（2021-04-01）" in refused.value.problems[0][1]
    # Without all three dates it is a draft: the case stays in mediation.
    sign(db, succeeded, mediator, amounts, (REOPENED, None, REOPENED))
    assert succeeded.status_enum is CaseStatus.IN_MEDIATION
    sign(db, succeeded, mediator, amounts, (REOPENED, date(2021, 4, 2), REOPENED))
    assert succeeded.status_enum is CaseStatus.SUCCEEDED
    assert succeeded.closed_on == date(2021, 4, 2)
    current = agreements.agreement_of(db, succeeded)
    assert current.effective_on == date(2021, 4, 2)
    assert [h.agreement.effective_on for h in agreements.superseded_agreements(db, succeeded)] == [
        DAY
    ]
    # The new agreement's review windows run from its own effective date.
    assert agreements.review_windows(current)[0].until == date(2021, 4, 19)


def test_no_workers_agreed_amount_can_go_below_what_they_were_paid(
    db, succeeded, supervisor, mediator
):
    lifecycle.reopen(db, succeeded, supervisor, "重新调解", today=REOPENED)
    with pytest.raises(RuleViolation) as refused:
        sign(db, succeeded, mediator, {"阿永": 360_000, "李建华": 500_000}, (REOPENED,) * 3)
    [(field, message)] = refused.value.problems
    ayong_line = next(
        line.id for w, line, _ in agreements.claim_lines(db, succeeded) if w.name == "阿永"
    )
    assert field == f"line-{ayong_line}"
    assert message == "阿永已收到 4,850.00 元，协议金额（3,600.00 元）不能低于已支付金额"
    assert succeeded.status_enum is CaseStatus.IN_MEDIATION


def test_an_overpayment_is_never_netted_against_another_workers_balance(db, succeeded, mediator):
    """Data from before this rule (an amount lowered after payment): 阿永 agreed 3,600 but was
    paid 4,850; 李建华 still owes 4,000 and is owed all of it."""
    ayong_line = next(
        line.id for w, line, _ in agreements.claim_lines(db, succeeded) if w.name == "阿永"
    )
    row = db.exec(select(AgreementLine).where(AgreementLine.claim_line_id == ayong_line)).one()
    row.agreed_fen = 360_000
    db.add(row)
    db.flush()
    rows = by_name(db, succeeded)
    assert rows["阿永"].overpaid_fen == 125_000
    assert rows["阿永"].outstanding_fen == 0
    assert rows["李建华"].outstanding_fen == 400_000
    assert payments.payment_state(db, succeeded, DAY) is PaymentState.PENDING
    assert payments.payment_state(db, succeeded, TODAY) is PaymentState.IN_DEFAULT
    paid = payments.pay_outstanding(db, succeeded, mediator, paid_on=TODAY, today=TODAY)
    assert paid == 400_000
    assert payments.payment_state(db, succeeded, TODAY) is PaymentState.PERFORMED
    # Counted in "paid": every payment received under a succeeded case, the overpayment too.
    assert statistics(db, MARCH, None, TODAY).total.paid_fen == 985_000


def test_the_database_holds_at_most_one_agreement_in_force_per_case(db, succeeded, supervisor):
    lifecycle.reopen(db, succeeded, supervisor, "重新调解", today=REOPENED)
    db.add(Agreement(case_id=succeeded.id, terms="草稿一"))
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Agreement(case_id=succeeded.id, terms="草稿二"))
        db.flush()


def test_the_database_refuses_invented_or_partial_dates_on_an_imported_agreement(
    db, succeeded, supervisor
):
    lifecycle.reopen(db, succeeded, supervisor, "重新调解", today=REOPENED)
    # A paper agreement with no date at all is allowed (the ledger gives none)...
    paper = Agreement(case_id=succeeded.id, imported=True, effective_on=REOPENED)
    db.add(paper)
    db.flush()
    assert paper.undated_paper
    db.delete(paper)
    db.flush()
    # ...one with some dates missing is not, imported or not.
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(
            Agreement(
                case_id=succeeded.id,
                imported=True,
                effective_on=REOPENED,
                parties_signed_on=REOPENED,
            )
        )
        db.flush()
