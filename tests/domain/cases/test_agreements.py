"""The agreement, its effectiveness and schedule, payments and the rights that follow (domain)."""

from datetime import date, datetime

import pytest

from conftest import messages_at
from mediation.cases import agreements, filings, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.lifecycle import accept, record_session
from mediation.cases.payments import PaymentState
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.money import to_chinese_capital
from models import CaseStatus

DAY = date(2021, 3, 9)
LATER = date(2021, 6, 1)  # "today" for the checks below
NAMES = ["阿永", "李建华", "王秀英", "张伟", "刘芳", "陈志强", "杨丽", "黄海", "周敏", "吴俊"]
SHARE = 2_276_750


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", "NH-LS")


@pytest.fixture
def new_case(db, mediator, centres):
    def make(names=NAMES, kind="工资", share=SHARE, session=True):
        data = IntakeData(
            channel="现场申请",
            received_on=DAY,
            category="劳动报酬",
            employer=EmployerData(name="佛山市某包装印刷有限公司"),
            workers=[WorkerData(name=n, claims=[ClaimData(kind, share)]) for n in names],
        )
        case = intake(db, mediator, centres["NH-LS"], data, today=DAY)
        accept(db, case, mediator, DAY, today=DAY)
        if session:
            start = datetime(2021, 3, 9, 14, 0, tzinfo=TZ)
            record_session(db, case, mediator, start, 130, "调解室", "", "笔录")
        return case

    return make


def save(db, case, actor, amounts=None, schedule=None, signed=(DAY, DAY, DAY), **kwargs):
    lines = [line for _, line, _ in agreements.claim_lines(db, case)]
    amounts = amounts or [line.claimed_fen for line in lines]
    total = sum(amounts)
    return agreements.save_agreement(
        db,
        case,
        actor,
        terms=kwargs.pop("terms", "协议内容"),
        payment_method="银行转账",
        copies=kwargs.pop("copies", 3),
        lines={line.id: fen for line, fen in zip(lines, amounts, strict=True)},
        instalments=[(DAY, total)] if schedule is None else schedule,
        parties_signed_on=signed[0],
        mediator_signed_on=signed[1],
        centre_sealed_on=signed[2],
        today=LATER,
        **kwargs,
    )


def fields(violation: RuleViolation) -> set:
    return {name for name, _ in violation.problems}


def test_the_articles_agreement_takes_effect_and_closes_the_case(db, mediator, new_case):
    case = new_case()
    assert case.status_enum is CaseStatus.IN_MEDIATION
    assert save(db, case, mediator) == []
    assert case.status_enum is CaseStatus.SUCCEEDED
    assert case.closed_on == DAY
    assert case.agreed_fen == 22_767_500
    assert to_chinese_capital(case.agreed_fen) == "贰拾贰万柒仟陆佰柒拾伍元整"
    rows = payments.worker_amounts(db, case)
    assert [r.worker.name for r in rows] == NAMES
    assert all(type(r.agreed_fen) is int and r.agreed_fen == SHARE for r in rows)
    windows = agreements.review_windows(agreements.agreement_of(db, case))
    assert [(w.name, w.until, w.filed_on) for w in windows] == [
        ("仲裁审查", date(2021, 3, 24), None),
        ("司法确认", date(2021, 4, 8), None),
    ]


def test_effective_on_is_the_latest_signature(db, mediator, new_case):
    case = new_case(names=["阿永"])
    save(db, case, mediator, signed=(date(2021, 3, 10), DAY, date(2021, 3, 12)))
    assert agreements.agreement_of(db, case).effective_on == date(2021, 3, 12)
    assert case.closed_on == date(2021, 3, 12)
    # the 15th and 30th days are a Saturday and a Sunday: both windows end the next Monday
    windows = agreements.review_windows(agreements.agreement_of(db, case))
    assert [w.until for w in windows] == [date(2021, 3, 29), date(2021, 4, 12)]


def test_a_draft_can_be_revised_until_signed(db, mediator, new_case):
    case = new_case(names=["阿永", "李建华"])
    save(db, case, mediator, signed=(DAY, None, DAY))
    assert agreements.review_windows(agreements.agreement_of(db, case)) == []
    assert case.status_enum is CaseStatus.IN_MEDIATION
    assert case.closed_on is None
    assert payments.payment_state(db, case, LATER) is None
    schedule = [(date(2021, 3, 20), 2_000_000), (date(2021, 4, 20), 2_000_000)]
    save(db, case, mediator, amounts=[2_000_000, 2_000_000], schedule=schedule)
    assert case.status_enum is CaseStatus.SUCCEEDED
    assert case.agreed_fen == 4_000_000
    current = agreements.agreement_of(db, case)
    assert [(i.due_on, i.amount_fen) for i in agreements.instalments_of(db, current)] == schedule


def test_schedule_must_add_up_to_the_agreed_total(db, mediator, new_case):
    case = new_case(names=["阿永"])
    with pytest.raises(RuleViolation) as refused:
        save(db, case, mediator, schedule=[(DAY, 1_000_000)])
    assert fields(refused.value) == {"instalments"}
    assert "不一致" in messages_at(refused.value, "instalments")[0]
    with pytest.raises(RuleViolation) as refused:
        save(db, case, mediator, schedule=[])
    assert messages_at(refused.value, "instalments") == ["请填写付款期限（可为一期）"]
    with pytest.raises(RuleViolation) as refused:
        save(db, case, mediator, schedule=[(date(2021, 3, 1), SHARE), (DAY, 0)])
    assert {"instalments-0-due_on", "instalments-1-amount"} <= fields(refused.value)
    assert case.status_enum is CaseStatus.IN_MEDIATION
    assert agreements.agreement_of(db, case) is None


def test_signature_dates_and_other_fields_are_checked(db, mediator, new_case):
    case = new_case(names=["阿永"])
    with pytest.raises(RuleViolation) as refused:
        save(
            db,
            case,
            mediator,
            signed=(date(2021, 3, 1), DAY, date(2021, 7, 1)),
            terms=" ",
            copies=0,
        )
    assert messages_at(refused.value, "parties_signed_on") == [
        "双方当事人签名（盖章）日期不能早于受理日期"
    ]
    assert messages_at(refused.value, "centre_sealed_on") == ["调解组织盖章日期不能晚于今天"]
    assert fields(refused.value) >= {"terms", "copies"}


def test_agreed_above_claimed_is_a_warning_not_a_refusal(db, mediator, new_case):
    case = new_case(names=["阿永"])
    warnings = save(db, case, mediator, amounts=[2_500_000], signed=(None, None, None))
    assert warnings == ["阿永「工资」协议金额 25,000.00 元高于请求金额 22,767.50 元"]
    assert case.agreed_fen == 2_500_000


def test_no_agreement_before_mediation_has_started(db, mediator, new_case):
    case = new_case(names=["阿永"], session=False)
    assert case.status_enum is CaseStatus.ACCEPTED
    with pytest.raises(RuleViolation, match="不能录入调解协议"):
        save(db, case, mediator)


def test_payments_cannot_exceed_what_was_agreed(db, mediator, new_case):
    case = new_case(names=["阿永", "李建华"])
    with pytest.raises(RuleViolation, match="协议生效后"):
        payments.pay_outstanding(db, case, mediator, paid_on=DAY, today=LATER)
    save(db, case, mediator)
    first = payments.worker_amounts(db, case)[0].worker
    with pytest.raises(RuleViolation) as refused:
        payments.record_payment(
            db, case, mediator, worker_id=first.id, amount_fen=SHARE + 1, paid_on=DAY, today=LATER
        )
    assert "将超过阿永的协议金额 22,767.50 元" in messages_at(refused.value, "amount")[0]
    with pytest.raises(RuleViolation) as refused:
        payments.record_payment(
            db, case, mediator, worker_id=-1, amount_fen=100, paid_on=date(2021, 7, 1), today=LATER
        )
    assert fields(refused.value) == {"worker_id", "paid_on"}
    payments.record_payment(
        db, case, mediator, worker_id=first.id, amount_fen=1_000_000, paid_on=DAY, today=LATER
    )
    assert payments.worker_amounts(db, case)[0].outstanding_fen == SHARE - 1_000_000
    paid = payments.pay_outstanding(db, case, mediator, paid_on=DAY, today=LATER)
    assert paid == 2 * SHARE - 1_000_000
    assert case.paid_fen == 2 * SHARE
    assert payments.payment_state(db, case, LATER) is PaymentState.PERFORMED
    with pytest.raises(RuleViolation, match="已全部支付"):
        payments.pay_outstanding(db, case, mediator, paid_on=DAY, today=LATER)


def test_an_unpaid_instalment_past_due_is_a_default(db, mediator, new_case):
    case = new_case(names=["阿永"])
    due = date(2021, 3, 20)
    save(db, case, mediator, schedule=[(due, 1_000_000), (date(2021, 4, 20), SHARE - 1_000_000)])
    assert payments.payment_state(db, case, due) is PaymentState.PENDING  # due that day
    assert not payments.payment_order_possible(db, case, due)
    assert payments.payment_state(db, case, date(2021, 3, 21)) is PaymentState.IN_DEFAULT
    assert payments.payment_order_possible(db, case, date(2021, 3, 21))  # 工资 (art.16)
    worker = payments.worker_amounts(db, case)[0].worker
    payments.record_payment(
        db, case, mediator, worker_id=worker.id, amount_fen=1_000_000, paid_on=due, today=LATER
    )
    assert payments.payment_state(db, case, date(2021, 3, 21)) is PaymentState.PENDING
    assert payments.payment_state(db, case, date(2021, 4, 21)) is PaymentState.IN_DEFAULT


def test_no_payment_order_for_claims_outside_article_16(db, mediator, new_case):
    case = new_case(names=["阿永"], kind="社会保险")
    save(db, case, mediator, schedule=[(date(2021, 3, 20), SHARE)])
    assert payments.payment_state(db, case, LATER) is PaymentState.IN_DEFAULT
    assert not payments.payment_order_possible(db, case, LATER)


def test_filings_only_after_the_agreement_took_effect(db, mediator, new_case):
    case = new_case(names=["阿永"])
    empty = {"review_result": "", "confirmation_result": "", "payment_order_result": ""}
    dates = {"review_filed_on": DAY, "confirmation_filed_on": None, "payment_order_filed_on": None}
    with pytest.raises(RuleViolation, match="协议生效后"):
        filings.record_filings(db, case, mediator, **dates, **empty, today=LATER)
    save(db, case, mediator, signed=(DAY, DAY, date(2021, 3, 10)))
    with pytest.raises(RuleViolation) as refused:
        filings.record_filings(db, case, mediator, **dates, **empty, today=LATER)
    assert messages_at(refused.value, "review_filed_on") == ["申请仲裁审查日期不能早于协议生效日期"]
    dates["review_filed_on"] = date(2021, 3, 15)
    filings.record_filings(db, case, mediator, **dates, **empty, today=LATER)
    assert agreements.agreement_of(db, case).review_filed_on == date(2021, 3, 15)
    windows = agreements.review_windows(agreements.agreement_of(db, case))
    assert [(w.until, w.filed_on) for w in windows] == [
        (date(2021, 3, 25), date(2021, 3, 15)),
        (date(2021, 4, 9), None),
    ]


def test_review_windows_are_stated_once_in_their_legal_wording():
    review, confirmation = agreements.REVIEW_WINDOWS
    assert (review.days, review.days_in_words, review.within) == (15, "十五", "生效后15日内")
    assert (confirmation.days, confirmation.days_in_words) == (30, "三十")
    assert review.notice("2021年3月24日") == (
        "双方当事人可以自本协议生效之日起十五日内（即2021年3月24日前），"
        "共同向劳动人事争议仲裁委员会提出仲裁审查申请。"
    )
    assert confirmation.notice() == (
        "双方当事人可以自本协议生效之日起三十日内，共同向人民法院申请司法确认。"
    )


def test_default_terms_name_the_parties(db, new_case):
    case = new_case()
    text = agreements.default_terms(db, case)
    assert text.startswith("申请人：阿永等10名职工")
    assert "被申请人：佛山市某包装印刷有限公司" in text
    assert (
        "双方当事人可自协议生效之日起十五日内共同向劳动人事争议仲裁委员会申请仲裁审查，"
        "或自生效之日起三十日内共同向人民法院申请司法确认。"
    ) in text
