"""Through the pages: a per-worker schedule on the agreement form (filled from the shared one,
then edited), and one instalment for many workers in one request to POST /payments/all."""

import re
from datetime import date

from sqlmodel import select

from mediation.cases import agreements, payments, schedule
from models import Payment, Worker
from tests.web.cases.test_outcome import (
    agreement_data,
    line_ids,
    mediating_case,
    tag,
    with_tokens,
)

NAMES = [f"骑手{i:02d}" for i in range(1, 51)]  # fifty workers


def worker_ids(db, case) -> list[int]:
    return list(
        db.exec(select(Worker.id).where(Worker.case_id == case.id).order_by(Worker.position))
    )


def test_fill_the_per_worker_schedule_from_the_shared_one_edit_it_and_save(
    client, db, login_as, centres
):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华", "王秀英"])
    url = f"/cases/{case.id}/agreement"
    ids = worker_ids(db, case)
    data = agreement_data(
        db,
        case,
        amounts=["22767.50"] * 3,
        schedule=[("2021-04-01", "30000"), ("2021-05-01", "38302.50")],
    )
    data["fill_schedule"] = "1"
    page = client.post(url, data=with_tokens(client, db, case, url, data)).get_data(as_text=True)
    chosen = re.search(r'<input[^>]*name="schedule_mode"[^>]*value="per_worker"[^>]*>', page)
    assert "checked" in chosen.group(0)  # the cells are now the schedule
    # 10,000.00 yuan of the first date each; the second gives the rest of each share
    assert 'value="10000.00"' in tag(page, f"schedule-{ids[0]}-0-amount")
    assert 'value="12767.50"' in tag(page, f"schedule-{ids[0]}-1-amount")
    assert 'value="2021-05-01"' in tag(page, f"schedule-{ids[2]}-1-due_on")

    data.pop("fill_schedule")
    data["schedule_mode"] = "per_worker"
    for worker_id in ids:  # 阿永 gets everything on the first date
        for column, (due, amount) in enumerate(
            [("2021-04-01", "10000"), ("2021-05-01", "12767.50")]
        ):
            data[f"schedule-{worker_id}-{column}-due_on"] = due
            data[f"schedule-{worker_id}-{column}-amount"] = amount
    data[f"schedule-{ids[0]}-0-amount"] = "22767.50"
    data[f"schedule-{ids[0]}-1-due_on"] = data[f"schedule-{ids[0]}-1-amount"] = ""
    data[f"schedule-{ids[1]}-1-amount"] = "12000"  # 767.50 short
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 422
    assert "李建华各期金额合计 22,000.00 元与其协议金额 22,767.50 元不一致" in response.get_data(
        as_text=True
    )
    data[f"schedule-{ids[1]}-1-amount"] = "12767.50"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302, response.get_data(as_text=True)
    plan = schedule.schedule_of(db, agreements.agreement_of(db, case))
    assert plan[ids[0]] == [(date(2021, 4, 1), 2_276_750)]
    assert plan[ids[1]] == [(date(2021, 4, 1), 1_000_000), (date(2021, 5, 1), 1_276_750)]

    # The case page adds each date's instalments up; the printed agreement has each worker's.
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "2021-04-01" in page and "42,767.50" in page  # 22,767.50 + 2 × 10,000.00
    sheet = client.get(f"/cases/{case.id}/print/agreement").get_data(as_text=True)
    table = sheet[sheet.index("各申请人每期应得金额") :]
    table = re.sub(r"\s+", "", table[: table.index("</table>")])
    assert '<td>阿永</td><tdclass="num">22,767.50</td><tdclass="num">—</td>' in table
    assert '<td>李建华</td><tdclass="num">10,000.00</td><tdclass="num">12,767.50</td>' in table


def test_one_instalment_for_fifty_workers_is_one_request(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=NAMES, share=600_000)
    lines = line_ids(db, case)
    url = f"/cases/{case.id}/agreement"
    data = agreement_data(
        db,
        case,
        amounts=["6000"] * 50,
        schedule=[("2021-03-09", "150000"), ("2021-06-09", "150000")],
    )
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(lines) == 50

    page_url = f"/cases/{case.id}/payments/new"
    page = client.get(page_url).get_data(as_text=True)
    assert "第1期（2021-03-09）：150,000.00 元" in page
    ids = worker_ids(db, case)
    assert 'value="3000.00"' in tag(page, f"all-amount-{ids[0]}")
    assert "checked" in tag(page, f"all-pay-{ids[49]}")

    form = {"all-instalment": "1", "all-paid_on": "2021-03-09", "all-method": "银行转账"}
    for worker_id in ids:  # the page as sent: every worker ticked with 3,000.00
        form[f"all-pay-{worker_id}"] = "y"
        form[f"all-amount-{worker_id}"] = "3000.00"
    del form[f"all-pay-{ids[49]}"]  # the last rider was not paid this time
    form[f"all-amount-{ids[0]}"] = "2,500"  # the first received less
    response = client.post(
        f"/cases/{case.id}/payments/all", data=with_tokens(client, db, case, page_url, form, "all-")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.refresh(case)
    assert case.paid_fen == 48 * 300_000 + 250_000
    recorded = db.exec(select(Payment).where(Payment.case_id == case.id)).all()
    assert len(recorded) == 49
    follow = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已登记49位申请人收到款项，合计 146,500.00 元" in follow

    # Next time the form offers what is still due of instalment 1 first: 500.00 and 3,000.00.
    page = client.get(page_url).get_data(as_text=True)
    assert 'value="500.00"' in tag(page, f"all-amount-{ids[0]}")
    assert 'value="3000.00"' in tag(page, f"all-amount-{ids[49]}")
    assert "checked" not in tag(page, f"all-pay-{ids[1]}")


def test_a_pasted_column_and_errors_at_each_worker(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华", "王秀英"])
    url = f"/cases/{case.id}/agreement"
    response = client.post(
        url,
        data=with_tokens(
            client,
            db,
            case,
            url,
            agreement_data(
                db, case, amounts=["22767.50"] * 3, schedule=[("2021-03-09", "68302.50")]
            ),
        ),
    )
    assert response.status_code == 302
    ids = worker_ids(db, case)
    page_url = f"/cases/{case.id}/payments/new"
    post = f"/cases/{case.id}/payments/all"
    base = {"all-instalment": "1", "all-paid_on": "2021-03-09"}

    bad = {**base, f"all-pay-{ids[0]}": "y", f"all-amount-{ids[0]}": "30000",
           f"all-pay-{ids[1]}": "y", f"all-amount-{ids[1]}": ""}  # fmt: skip
    response = client.post(post, data=with_tokens(client, db, case, page_url, bad, "all-"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写金额" in page
    response = client.post(
        post,
        data=with_tokens(
            client, db, case, page_url, {**bad, f"all-amount-{ids[1]}": "100"}, "all-"
        ),
    )
    page = response.get_data(as_text=True)
    assert "累计支付 30,000.00 元将超过阿永的协议金额 22,767.50 元" in page
    assert 'value="30000"' in tag(page, f"all-amount-{ids[0]}")  # input kept

    pasted = {**base, "all-pasted": "10,000.00\r\n\r\n22767.5\r\n"}  # Excel's column, CRLF
    short = {**base, "all-pasted": "100\n200"}
    response = client.post(post, data=with_tokens(client, db, case, page_url, short, "all-"))
    assert "粘贴了2行金额，本案有3位申请人，须每人一行" in response.get_data(as_text=True)
    response = client.post(post, data=with_tokens(client, db, case, page_url, pasted, "all-"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert payments.paid_by_worker(db, case) == {ids[0]: 1_000_000, ids[2]: 2_276_750}

    # Without JavaScript, 「按所选期次填入金额」 asks the server for another instalment's amounts.
    refill = {**base, "all-instalment": "all", "all-refill": "1"}
    response = client.post(post, data=with_tokens(client, db, case, page_url, refill, "all-"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="12767.50"' in tag(page, f"all-amount-{ids[0]}")
    assert "checked" not in tag(page, f"all-pay-{ids[2]}")
    assert payments.paid_by_worker(db, case)[ids[0]] == 1_000_000  # nothing recorded
