"""The review windows (仲裁审查, 司法确认) and the payment-order notice (支付令) after an agreement
takes effect: the case page, the filings page and the agreement document read them from one place,
mediation.cases.agreements.REVIEW_WINDOWS and mediation.cases.payments.PAYMENT_ORDER_NOTICE."""

import html
import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlmodel import select

from mediation.cases import agreements, filings, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.lifecycle import accept, record_session
from mediation.dates import TZ
from models import ClaimLine

DAY = date(2021, 3, 9)
EFFECTIVE = date(2021, 3, 10)  # the centre sealed a day later: the windows count from here
SHARE = 2_276_750


def agreed_case(db, mediator, centre, sealed_on):
    """A wage claim of 22,767.50 yuan agreed in full, payable by 2021-03-20; in effect once the
    centre has sealed it (`sealed_on`), a draft while not."""
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市某包装印刷有限公司"),
        workers=[WorkerData(name="阿永", claims=[ClaimData("工资", SHARE)])],
    )
    case = intake(db, mediator, centre, data, today=DAY)
    accept(db, case, mediator, DAY, today=DAY)
    record_session(db, case, mediator, datetime(2021, 3, 9, 14, tzinfo=TZ), 130, "调解室", "", "")
    lines = db.exec(select(ClaimLine.id).where(ClaimLine.case_id == case.id)).all()
    agreements.save_agreement(
        db,
        case,
        mediator,
        terms="协议",
        payment_method="银行转账",
        copies=3,
        lines=dict.fromkeys(lines, SHARE),
        instalments=[(date(2021, 3, 20), SHARE)],
        parties_signed_on=DAY,
        mediator_signed_on=DAY,
        centre_sealed_on=sealed_on,
    )
    return case


@pytest.fixture
def settled(db, login_as, centres):
    """The agreement in effect since 2021-03-10, its one instalment unpaid, and the arbitration
    review applied for on 2021-03-15."""
    mediator = login_as("mediator", "NH-LS")
    case = agreed_case(db, mediator, centres["NH-LS"], EFFECTIVE)
    filings.record_filings(
        db,
        case,
        mediator,
        review_filed_on=date(2021, 3, 15),
        review_result="",
        confirmation_filed_on=None,
        confirmation_result="",
        payment_order_filed_on=None,
        payment_order_result="",
    )
    return case


def pages(client, case) -> dict[str, str]:
    """The three pages as text, tags dropped and spaces collapsed."""
    found = {}
    for name, url in (
        ("case", f"/cases/{case.id}"),
        ("filings", f"/cases/{case.id}/filings"),
        ("agreement", f"/cases/{case.id}/print/agreement"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
        found[name] = " ".join(text.split())
    return found


def test_every_page_shows_the_same_windows_and_payment_order_notice(client, settled):
    found = pages(client, settled)
    case, filings, agreement = found["case"], found["filings"], found["agreement"]
    # 15 and 30 days from 2021-03-10 end on 2021-03-25 and 2021-04-09.
    assert "申请仲裁审查：2021-03-25前（生效后15日内） · 已于2021-03-15申请" in case
    assert "申请司法确认：2021-04-09前（生效后30日内）" in case
    assert (
        "协议于2021-03-10生效。双方当事人可在2021-03-25前（生效后15日内）共同申请仲裁审查，"
        "或在2021-04-09前（生效后30日内）共同申请司法确认。"
    ) in filings
    assert (
        "仲裁审查：双方当事人可以自本协议生效之日起十五日内（即2021年3月25日前），"
        "共同向劳动人事争议仲裁委员会提出仲裁审查申请。"
    ) in agreement
    assert (
        "司法确认：双方当事人可以自本协议生效之日起三十日内（即2021年4月9日前），"
        "共同向人民法院申请司法确认。"
    ) in agreement
    # The instalment is past due and the claim is for wages (art.16): all three say so alike.
    for text in found.values():
        assert payments.PAYMENT_ORDER_NOTICE in text


def test_changing_the_one_definition_moves_every_page(client, settled, monkeypatch):
    review, confirmation = agreements.REVIEW_WINDOWS
    monkeypatch.setattr(
        agreements, "REVIEW_WINDOWS", (replace(review, days=20), replace(confirmation, days=60))
    )
    found = pages(client, settled)
    assert "申请仲裁审查：2021-03-30前（生效后20日内）" in found["case"]
    assert "申请司法确认：2021-05-10前（生效后60日内）" in found["case"]
    assert "在2021-03-30前（生效后20日内）共同申请仲裁审查" in found["filings"]
    assert "在2021-05-10前（生效后60日内）共同申请司法确认" in found["filings"]
    assert "生效之日起二十日内（即2021年3月30日前）" in found["agreement"]
    assert "生效之日起六十日内（即2021年5月10日前）" in found["agreement"]
    for text in found.values():
        assert "2021-03-25" not in text and "2021年3月25日" not in text


def test_a_draft_agreement_states_the_windows_without_dates(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = agreed_case(db, mediator, centres["NH-LS"], sealed_on=None)
    assert agreements.review_windows(agreements.agreement_of(db, case)) == []
    response = client.get(f"/cases/{case.id}/print/agreement")
    assert response.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    assert (
        "仲裁审查：双方当事人可以自本协议生效之日起十五日内，"
        "共同向劳动人事争议仲裁委员会提出仲裁审查申请。"
    ) in text
    assert (
        "司法确认：双方当事人可以自本协议生效之日起三十日内，共同向人民法院申请司法确认。"
    ) in text
    assert "协议生效后" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
