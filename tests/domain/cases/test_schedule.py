"""Per-worker instalments: the same schedule for all is split by agreed amounts, a worker's own
schedule is checked against their amount, and default, overdue amounts and bulk payments are
worked out per worker."""

from datetime import date, datetime

import pytest

from conftest import messages_at
from mediation.cases import agreements, payments, schedule
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.lifecycle import accept, record_session
from mediation.cases.workload import workload
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.scope import Scope
from models import Worker

DAY = date(2026, 3, 2)
FIRST, SECOND = date(2026, 4, 1), date(2026, 5, 1)
AFTER_FIRST = date(2026, 4, 15)  # the first instalment has fallen due, the second not yet
EVERYWHERE = Scope(centre_ids=None)


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", "NH-LS")


@pytest.fixture
def case(db, mediator, centres):
    actor = mediator
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市某即时配送服务有限公司"),
        workers=[
            WorkerData(name="梁敏", claims=[ClaimData("工资", 680_000)]),
            WorkerData(name="何志强", claims=[ClaimData("工资", 720_000)]),
            WorkerData(name="陈小芳", claims=[ClaimData("工资", 600_001)]),
        ],
    )
    found = intake(db, actor, centres["NH-LS"], data, today=DAY)
    accept(db, found, actor, DAY, today=DAY)
    record_session(db, found, actor, datetime(2026, 3, 2, 9, tzinfo=TZ), 60, "调解室", "", "笔录")
    return found


def workers(db, case) -> dict[str, int]:
    rows = db.exec(Worker.__table__.select().where(Worker.case_id == case.id)).all()
    return {row.name: row.id for row in rows}


def save(db, case, mediator, signed=DAY, **plan):
    lines = {line.id: line.claimed_fen for _, line, _ in agreements.claim_lines(db, case)}
    return agreements.save_agreement(
        db,
        case,
        mediator,
        terms="分两期支付",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        parties_signed_on=signed,
        mediator_signed_on=signed,
        centre_sealed_on=signed,
        today=DAY,
        **plan,
    )


def test_the_same_schedule_for_all_is_split_by_agreed_amounts_in_whole_fen(db, case, mediator):
    save(db, case, mediator, instalments=[(FIRST, 1_000_001), (SECOND, 1_000_000)])
    ids = workers(db, case)
    plan = schedule.schedule_of(db, agreements.agreement_of(db, case))
    assert plan[ids["梁敏"]] == [(FIRST, 340_000), (SECOND, 340_000)]
    assert plan[ids["何志强"]] == [(FIRST, 360_000), (SECOND, 360_000)]
    assert plan[ids["陈小芳"]] == [(FIRST, 300_001), (SECOND, 300_000)]
    dates = agreements.instalments_of(db, agreements.agreement_of(db, case))
    assert [(d.due_on, d.amount_fen) for d in dates] == [(FIRST, 1_000_001), (SECOND, 1_000_000)]


def test_a_per_worker_schedule_is_kept_as_entered(db, case, mediator):
    ids = workers(db, case)
    own = {
        ids["梁敏"]: [(FIRST, 680_000)],
        ids["何志强"]: [(FIRST, 320_000), (SECOND, 400_000)],
        ids["陈小芳"]: [(date(2026, 4, 20), 600_001)],
    }
    save(db, case, mediator, per_worker=own)
    assert schedule.schedule_of(db, agreements.agreement_of(db, case)) == own


def test_each_workers_schedule_must_add_up_to_their_agreed_amount(db, case, mediator):
    ids = workers(db, case)
    with pytest.raises(RuleViolation) as caught:
        save(
            db,
            case,
            mediator,
            per_worker={
                ids["梁敏"]: [(FIRST, 600_000), (FIRST, 80_000)],
                ids["何志强"]: [(FIRST, 700_000), (date(2026, 2, 1), 0)],
            },
        )
    problems = caught.value
    assert messages_at(problems, f"schedule-{ids['梁敏']}-1-due_on") == ["付款期限与前一期重复"]
    assert messages_at(problems, f"schedule-{ids['何志强']}-1-amount") == ["每期金额须大于0"]
    assert messages_at(problems, f"schedule-{ids['何志强']}-1-due_on") == [
        "付款期限不能早于收到申请日期"
    ]
    assert messages_at(problems, f"schedule-{ids['何志强']}") == [
        "何志强各期金额合计 7,000.00 元与其协议金额 7,200.00 元不一致"
    ]
    assert messages_at(problems, f"schedule-{ids['陈小芳']}") == ["请填写陈小芳的付款期限"]
    assert case.status == "in_mediation"  # nothing saved


def test_one_worker_unpaid_past_due_is_default_though_another_paid_ahead(db, case, mediator):
    """梁敏 was paid his whole amount early; 何志强's first instalment fell due unpaid. By the
    agreement-level sums enough was paid, but per worker the agreement is in default."""
    save(db, case, mediator, instalments=[(FIRST, 1_000_001), (SECOND, 1_000_000)])
    ids = workers(db, case)
    payments.record_payment(
        db, case, mediator, worker_id=ids["梁敏"], amount_fen=680_000, paid_on=DAY, today=DAY
    )
    payments.record_payments(
        db, case, mediator, amounts={ids["陈小芳"]: 600_001}, paid_on=DAY, today=DAY
    )
    assert case.paid_fen >= 1_000_001  # more than the first date's total
    state = payments.payment_state(db, case, today=AFTER_FIRST)
    assert state is payments.PaymentState.IN_DEFAULT
    assert payments.overdue_by_worker(db, case, AFTER_FIRST) == {ids["何志强"]: 360_000}
    overdue = workload(db, EVERYWHERE, AFTER_FIRST).overdue_instalments
    assert [(c.id, owed) for c, _, owed in overdue] == [(case.id, 360_000)]

    payments.record_payment(
        db, case, mediator, worker_id=ids["何志强"], amount_fen=360_000, paid_on=DAY, today=DAY
    )
    assert payments.payment_state(db, case, today=AFTER_FIRST) is payments.PaymentState.PENDING
    assert workload(db, EVERYWHERE, AFTER_FIRST).overdue_instalments == []


def test_instalment_choices_prefill_what_each_worker_still_needs(db, case, mediator):
    save(db, case, mediator, instalments=[(FIRST, 1_000_001), (SECOND, 1_000_000)])
    ids = workers(db, case)
    current = agreements.agreement_of(db, case)
    rows = {r.worker.id: r for r in payments.worker_amounts(db, case)}
    agreed = {w: r.agreed_fen for w, r in rows.items()}

    choices = schedule.instalment_choices(schedule.schedule_of(db, current), agreed, {})
    assert [c.label for c in choices] == ["第1期（2026-04-01）", "第2期（2026-05-01）", "全部尚欠"]
    assert schedule.next_choice(choices).key == "1"
    assert choices[0].amounts == {
        ids["梁敏"]: 340_000,
        ids["何志强"]: 360_000,
        ids["陈小芳"]: 300_001,
    }

    paid = {ids["梁敏"]: 340_000, ids["何志强"]: 360_000, ids["陈小芳"]: 300_001}
    choices = schedule.instalment_choices(schedule.schedule_of(db, current), agreed, paid)
    assert schedule.next_choice(choices).key == "2"
    assert choices[1].amounts == {
        ids["梁敏"]: 340_000,
        ids["何志强"]: 360_000,
        ids["陈小芳"]: 300_000,
    }


def test_bulk_payment_refuses_more_than_a_workers_own_amount_at_that_worker(db, case, mediator):
    save(db, case, mediator, instalments=[(FIRST, 2_000_001)])
    ids = workers(db, case)
    with pytest.raises(RuleViolation) as caught:
        payments.record_payments(
            db,
            case,
            mediator,
            amounts={ids["梁敏"]: 700_000, ids["何志强"]: 700_000},
            paid_on=DAY,
            today=DAY,
        )
    assert messages_at(caught.value, f"amount-{ids['梁敏']}") == [
        "累计支付 7,000.00 元将超过梁敏的协议金额 6,800.00 元（尚欠 6,800.00 元）"
    ]
    assert not messages_at(caught.value, f"amount-{ids['何志强']}")
    assert case.paid_fen == 0

    with pytest.raises(RuleViolation) as caught:
        payments.record_payments(db, case, mediator, amounts={}, paid_on=DAY, today=DAY)
    assert messages_at(caught.value, "amounts") == ["请勾选收到款项的申请人并填写金额"]
