"""Reopening a succeeded case, seen on the pages: the old agreement in the case history, 多付 on
the case and the payment form, and a new agreement form prefilled from the old one without its
signature dates."""

import re
from datetime import date, datetime

from sqlmodel import select

from conftest import csrf_from, text_of
from mediation.cases import agreements, lifecycle, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from mediation.ledger.importing import import_ledger
from mediation.scope import Scope
from models import AgreementLine, Case

DAY = date(2021, 3, 9)


def settled_and_paid(db, mediator, centre):
    """阿永 agreed 4,850 and paid it; 李建华 claimed 5,000, agreed 4,500 and was paid 1,000."""
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
    case = intake(db, mediator, centre, data, today=DAY)
    lifecycle.accept(db, case, mediator, DAY, today=DAY)
    lifecycle.record_session(
        db, case, mediator, datetime(2021, 3, 9, 14, tzinfo=TZ), 60, "调解室", "", "笔录"
    )
    agreed = {"阿永": 485_000, "李建华": 450_000}
    lines = {line.id: agreed[w.name] for w, line, _ in agreements.claim_lines(db, case)}
    agreements.save_agreement(
        db,
        case,
        mediator,
        terms="被申请人于2021年3月9日一次性支付。",
        payment_method="现金",
        copies=4,
        lines=lines,
        instalments=[(DAY, sum(lines.values()))],
        parties_signed_on=DAY,
        mediator_signed_on=DAY,
        centre_sealed_on=DAY,
        today=DAY,
    )
    ayong, li = (row.worker for row in payments.worker_amounts(db, case))
    for worker, fen in ((ayong, 485_000), (li, 100_000)):
        payments.record_payment(
            db, case, mediator, worker_id=worker.id, amount_fen=fen, paid_on=DAY, today=DAY
        )
    db.flush()
    return case


def test_reopened_case_shows_the_superseded_agreement_and_what_each_worker_was_paid(
    client, db, login_as, make_user, centres
):
    case = settled_and_paid(db, make_user("mediator", "NH-LS"), centres["NH-LS"])
    login_as("centre_supervisor", "NH-LS")
    response = client.post(
        f"/cases/{case.id}/reopen",
        data={
            "reason": "协议金额计算有误",
            "version": case.version,
            "csrf_token": csrf_from(client, f"/cases/{case.id}/reopen"),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    history = text_of(page, "superseded-agreements")
    assert "2021-03-09生效" in history and "因案件重新打开失效" in history
    assert "被申请人于2021年3月9日一次性支付。" in history
    assert "阿永 4,850.00 元；李建华 4,500.00 元" in history
    assert "双方签章2021-03-09 调解员签名2021-03-09 调解组织盖章2021-03-09" in history
    assert "多付 4,850.00 元" in page and "多付 1,000.00 元" in page
    api = client.get(f"/api/cases/{case.id}").get_json()
    assert (api["status"], api["agreed_fen"], api["paid_fen"]) == ("in_mediation", 0, 585_000)
    assert [w["overpaid_fen"] for w in api["worker_list"]] == [485_000, 100_000]
    assert "调解协议草稿" not in page and "生效</span>" not in page  # none in force
    assert "原调解协议（2021-03-09生效）失效，需重新签订" in page  # the timeline

    # The new agreement starts from the old one, without its signature dates.
    form = client.get(f"/cases/{case.id}/agreement").get_data(as_text=True)
    assert "被申请人于2021年3月9日一次性支付。" in form
    assert 'value="现金"' in form
    for name in ("parties_signed_on", "mediator_signed_on", "centre_sealed_on"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value=""', form), name
    amounts = re.findall(r'name="line-\d+"[^>]*value="([^"]*)"', form)
    assert amounts == ["4850.00", "4500.00"]  # the old agreement's, not the claims


def test_payment_form_shows_an_overpayment_for_that_worker_only(client, db, login_as, centres):
    """Data from before the rule: 阿永's amount was lowered to 3,600 after he received 4,850."""
    mediator = login_as("mediator", "NH-LS")
    case = settled_and_paid(db, mediator, centres["NH-LS"])
    ayong_line = next(
        line.id for w, line, _ in agreements.claim_lines(db, case) if w.name == "阿永"
    )
    row = db.exec(select(AgreementLine).where(AgreementLine.claim_line_id == ayong_line)).one()
    row.agreed_fen = 360_000
    db.add(row)
    db.flush()
    page = client.get(f"/cases/{case.id}/payments/new").get_data(as_text=True)
    assert "阿永（多付 1,250.00 元）" in page
    assert "李建华（尚欠 3,500.00 元）" in page
    assert "多付 1,250.00 元</span>" in page
    # The pay-all total is what 李建华 is owed, not less by 阿永's overpayment.
    assert "合计 <strong>3,500.00</strong> 元" in page


def test_an_imported_paper_agreement_says_its_signing_date_is_not_known(
    client, db, login_as, tmp_path
):
    login_as("mediator", "NH-LS")
    path = tmp_path / "台账.csv"
    path.write_text(
        "案件编号,调解组织,受理日期,案件来源,争议类别,申请人数,被申请单位,请求金额,调解结果,"
        "结案日期,协议金额\n"
        "(2024)南里调字第9号,NH-LS,2024-05-07,现场申请,劳动报酬,1,甲公司,1000,调解成功,"
        "2024-05-20,800\n",
        encoding="utf-8",
    )
    report = import_ledger(db, path, path.name, actor=None, scope=Scope(None), today=DAY.today())
    assert report.ok, [str(p) for p in report.problems]
    case = db.exec(select(Case).where(Case.number == "(2024)南里调字第9号")).one()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert text_of(page, "agreement-signatures") == "纸质协议，签署日期不详"
    assert "双方签章" not in page
    sheet = client.get(f"/cases/{case.id}/print/agreement").get_data(as_text=True)
    assert text_of(sheet, "undated-paper") == "纸质协议，签署日期不详。"
