"""Sessions, the agreement, follow-up filings and payments, through the pages a mediator uses."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from conftest import csrf_from, login
from mediation.bounds import latest_schedule_day
from mediation.cases import agreements, payments
from mediation.cases.assignment import assign
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.lifecycle import accept, record_session
from mediation.dates import TZ, today
from mediation.reference.roster import LawyerData, save_lawyer
from models import ClaimLine, MediationSession

DAY = date(2021, 3, 9)  # the article's case: received, accepted, mediated and settled that day
NAMES = ["阿永", "李建华", "王秀英", "张伟", "刘芳", "陈志强", "杨丽", "黄海", "周敏", "吴俊"]
SHARE = 2_276_750  # 22,767.50 yuan each; ten shares are 227,675.00 yuan
EMPLOYER = "佛山市某包装印刷有限公司"


def new_case(db, user, centre, names=NAMES, share=SHARE, kind="工资"):
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name=EMPLOYER),
        workers=[WorkerData(name=name, claims=[ClaimData(kind, share)]) for name in names],
    )
    case = intake(db, user, centre, data, today=DAY)
    accept(db, case, user, DAY, today=DAY)
    return case


def mediating_case(db, user, centre, **kwargs):
    case = new_case(db, user, centre, **kwargs)
    record_session(db, case, user, datetime(2021, 3, 9, 14, tzinfo=TZ), 130, "调解室", "", "笔录")
    return case


def line_ids(db, case):
    return list(
        db.exec(select(ClaimLine.id).where(ClaimLine.case_id == case.id).order_by(ClaimLine.id))
    )


def tag(html, name):
    """The opening tag of the form control called `name`."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no control {name}"
    return match.group(0)


def with_tokens(client, db, case, url, data, prefix=""):
    db.refresh(case)
    data = {f"{prefix}csrf_token": csrf_from(client, url), f"{prefix}version": case.version, **data}
    return data


def agreement_data(db, case, amounts=None, signed=("2021-03-09",) * 3, schedule=None):
    ids = line_ids(db, case)
    amounts = amounts or ["22767.50"] * len(ids)
    data = {
        "terms": "被申请人同意于2021年3月9日一次性支付申请人工资共计227,675元。",
        "payment_method": "银行转账",
        "copies": "3",
        **{f"line-{i}": amount for i, amount in zip(ids, amounts, strict=True)},
        "parties_signed_on": signed[0],
        "mediator_signed_on": signed[1],
        "centre_sealed_on": signed[2],
    }
    for index, (due_on, amount) in enumerate(schedule or [("2021-03-09", "227,675")]):
        data[f"instalments-{index}-due_on"] = due_on
        data[f"instalments-{index}-amount"] = amount
    return data


def test_the_articles_case_from_session_to_payment(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = new_case(db, mediator, centres["NH-LS"])
    assert case.collective and case.worker_count == 10

    url = f"/cases/{case.id}/sessions/new"
    data = with_tokens(
        client,
        db,
        case,
        url,
        {
            "starts_at": "2021-03-09T14:00",
            "duration_minutes": "130",
            "place": "里水镇劳动争议联合调解中心",
            "attendees": "阿永等10名职工；被申请单位代理人；调解员",
            "minutes": "双方就拖欠工资数额达成一致。",
        },
    )
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.refresh(case)
    assert case.status == "in_mediation"
    held = db.exec(select(MediationSession).where(MediationSession.case_id == case.id)).one()
    assert held.duration_minutes == 130

    url = f"/cases/{case.id}/agreement"
    page = client.get(url).get_data(as_text=True)
    assert "阿永等10名职工" in page and EMPLOYER in page  # the template text names the parties
    assert "贰拾贰万柒仟陆佰柒拾伍元整" in page  # prefilled with the claimed amounts
    assert 'value="22767.50"' in tag(page, f"line-{line_ids(db, case)[0]}")

    response = client.post(url, data=with_tokens(client, db, case, url, agreement_data(db, case)))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.refresh(case)
    assert case.status == "succeeded"
    assert case.closed_on == DAY
    assert case.agreed_fen == 22_767_500
    assert agreements.agreement_of(db, case).effective_on == DAY

    url = f"/cases/{case.id}/payments/new"
    page = client.get(url).get_data(as_text=True)
    assert "阿永（尚欠 22,767.50 元）" in page
    assert "贰拾贰万柒仟陆佰柒拾伍元整" in page
    data = with_tokens(
        client, db, case, url, {"all-paid_on": "2021-03-09", "all-method": "银行转账"}, "all-"
    )
    response = client.post(f"/cases/{case.id}/payments/all", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.refresh(case)
    assert case.paid_fen == 22_767_500
    assert payments.payment_state(db, case, today=DAY) is payments.PaymentState.PERFORMED
    page = client.get(url).get_data(as_text=True)
    assert "已履行" in page and "协议款项已全部支付" in page
    response = client.post(f"/cases/{case.id}/payments/all", data=data)  # the same form again
    assert response.status_code == 422
    assert "该案件已被他人修改" in response.get_data(as_text=True)
    db.refresh(case)
    assert case.paid_fen == 22_767_500

    # A succeeded case takes no more agreement edits: the action's page says why.
    response = client.get(f"/cases/{case.id}/agreement")
    assert response.status_code == 422
    assert "不能进行「调解协议」操作" in response.get_data(as_text=True)


def test_a_draft_agreement_keeps_the_case_in_mediation(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/agreement"
    data = with_tokens(
        client, db, case, url, agreement_data(db, case, signed=("2021-03-09", "2021-03-09", ""))
    )
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.refresh(case)
    assert case.status == "in_mediation" and case.closed_on is None
    assert agreements.agreement_of(db, case).effective_on is None
    # A form opened before that save is stale: refused, and what was typed is kept.
    data["terms"] = "改过的协议内容"
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该案件已被他人修改" in html and "改过的协议内容" in html
    # Reopening the draft shows what was saved.
    page = client.get(url).get_data(as_text=True)
    assert 'value="2021-03-09"' in tag(page, "mediator_signed_on")
    assert 'value="227675.00"' in tag(page, "instalments-0-amount")


def test_schedule_not_matching_the_total_is_refused_at_the_schedule(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/agreement"
    schedule = [("2021-03-20", "100,000"), ("2021-04-20", "100,000")]
    data = agreement_data(db, case, schedule=schedule)
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "各期金额合计 200,000.00 元与协议金额合计 227,675.00 元不一致"
    assert html.index("付款安排") < html.index(message) < html.index("签名盖章")
    assert 'value="100,000"' in tag(html, "instalments-1-amount")  # the input is kept
    db.refresh(case)
    assert case.status == "in_mediation"
    assert agreements.agreement_of(db, case) is None


def test_instalment_row_errors_and_adding_a_row_without_javascript(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/agreement"
    data = agreement_data(db, case, schedule=[("2021-03-20", "abc")])
    data["add_instalment"] = "增加一期"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # nothing saved, one more row offered
    assert 'value=""' in tag(html, "instalments-1-amount")
    assert 'value="abc"' in tag(html, "instalments-0-amount")  # what was typed stays
    del data["add_instalment"]
    data["instalments-1-due_on"] = ""
    data["instalments-1-amount"] = ""  # a blank row is ignored
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "金额格式不正确" in html
    assert 'aria-invalid="true"' in tag(html, "instalments-0-amount")
    data["instalments-0-due_on"] = "2021-03-01"
    data["instalments-0-amount"] = "227675"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "付款期限不能早于收到申请日期" in html
    assert 'aria-invalid="true"' in tag(html, "instalments-0-due_on")


def test_agreed_above_claimed_is_saved_with_a_warning(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永"])
    url = f"/cases/{case.id}/agreement"
    data = agreement_data(
        db, case, amounts=["25000"], schedule=[("2021-03-20", "25000")], signed=("", "", "")
    )
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302
    with client.session_transaction() as flask_session:
        flashes = flask_session["_flashes"]
    assert ("warning", "阿永「工资」协议金额 25,000.00 元高于请求金额 22,767.50 元") in flashes


def test_paying_above_agreed_is_refused_at_amount_and_input_kept(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华"])
    lines = line_ids(db, case)
    agreements.save_agreement(
        db,
        case,
        mediator,
        terms="协议",
        payment_method="现金",
        copies=3,
        lines=dict.fromkeys(lines, SHARE),
        instalments=[(date(2021, 3, 20), 2 * SHARE)],
        parties_signed_on=DAY,
        mediator_signed_on=DAY,
        centre_sealed_on=DAY,
    )
    worker_id = payments.worker_amounts(db, case)[0].worker.id
    url = f"/cases/{case.id}/payments/new"
    data = {
        "worker_id": str(worker_id),
        "amount": "30,000",
        "paid_on": "2021-03-10",
        "method": "现金",
        "note": "第一笔",
    }
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "累计支付 30,000.00 元将超过阿永的协议金额 22,767.50 元" in html
    assert 'aria-invalid="true"' in tag(html, "amount")
    assert 'value="30,000"' in tag(html, "amount")
    assert 'value="第一笔"' in tag(html, "note")
    db.refresh(case)
    assert case.paid_fen == 0

    data["amount"] = "10000"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302
    db.refresh(case)
    assert case.paid_fen == 1_000_000
    page = client.get(url).get_data(as_text=True)
    assert "阿永（尚欠 12,767.50 元）" in page
    assert "逾期未履行" in page  # 2021-03-20 has passed long ago


def test_unpaid_wage_instalment_past_due_allows_a_payment_order(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永"])
    agreements.save_agreement(
        db,
        case,
        mediator,
        terms="协议",
        payment_method="银行转账",
        copies=3,
        lines=dict.fromkeys(line_ids(db, case), SHARE),
        instalments=[(date(2021, 3, 20), SHARE)],
        parties_signed_on=DAY,
        mediator_signed_on=DAY,
        centre_sealed_on=date(2021, 3, 10),
    )
    assert payments.payment_state(db, case, today=date(2021, 3, 21)).value == "in_default"
    assert payments.payment_order_possible(db, case, today=date(2021, 3, 21))
    page = client.get(f"/cases/{case.id}/filings").get_data(as_text=True)
    assert "2021-03-25前" in page and "2021-04-09前" in page  # effective 03-10: 15 / 30 days
    assert "申请支付令" in page

    url = f"/cases/{case.id}/filings"
    data = {"payment_order_filed_on": "2021-03-22", "payment_order_result": "法院已受理"}
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302
    assert agreements.agreement_of(db, case).payment_order_filed_on == date(2021, 3, 22)

    data = {"review_filed_on": "2021-03-01"}
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 422
    assert "申请仲裁审查日期不能早于协议生效日期" in response.get_data(as_text=True)


def test_a_held_session_cannot_start_in_the_future(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = new_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/sessions/new"
    data = {
        "starts_at": "2099-03-09T14:00",
        "duration_minutes": "130",
        "place": "调解室",
        "minutes": "双方同意……",
    }
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已举行的调解，开始时间不能晚于现在" in html
    assert 'aria-invalid="true"' in tag(html, "starts_at")
    assert "双方同意……" in html

    # Scheduling ahead is fine; completing it later adds the duration and the minutes.
    ahead = f"{today() + timedelta(days=30):%Y-%m-%d}T14:00"
    data = {"starts_at": ahead, "duration_minutes": "", "place": "调解室"}
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302
    scheduled = db.exec(select(MediationSession).where(MediationSession.case_id == case.id)).one()
    assert scheduled.duration_minutes is None
    db.refresh(case)
    assert case.status == "accepted"
    edit = f"/cases/{case.id}/sessions/{scheduled.id}"
    page = client.get(edit).get_data(as_text=True)
    assert f'value="{ahead}"' in tag(page, "starts_at")  # shown in Asia/Shanghai
    data = {"starts_at": "2021-03-09T14:00", "duration_minutes": "130", "minutes": "笔录"}
    response = client.post(edit, data=with_tokens(client, db, case, edit, data))
    assert response.status_code == 302
    db.refresh(scheduled)
    db.refresh(case)
    assert scheduled.duration_minutes == 130 and case.status == "in_mediation"


def test_a_session_is_scheduled_at_most_a_year_ahead(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = new_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/sessions/new"
    last = latest_schedule_day(today())
    for starts_at in ("9999-12-31T14:00", f"{last + timedelta(days=1):%Y-%m-%d}T09:00"):
        data = {"starts_at": starts_at, "duration_minutes": "", "place": "调解室"}
        response = client.post(url, data=with_tokens(client, db, case, url, data))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, starts_at
        assert f"调解时间不能晚于{last:%Y-%m-%d}（一年以内）" in html
        assert 'aria-invalid="true"' in tag(html, "starts_at")
    data = {"starts_at": f"{last:%Y-%m-%d}T09:00", "duration_minutes": "", "place": "调解室"}
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302


def test_session_of_another_case_is_not_found(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    first = mediating_case(db, mediator, centres["NH-LS"], names=["阿永"])
    second = new_case(db, mediator, centres["NH-LS"], names=["李建华"])
    held = db.exec(select(MediationSession).where(MediationSession.case_id == first.id)).one()
    assert client.get(f"/cases/{second.id}/sessions/{held.id}").status_code == 404


@pytest.fixture
def lawyer_case(db, make_user, centres):
    """A case at NH-LS with a mediator and an assigned, stationed lawyer; and another lawyer
    stationed there but not assigned."""
    centre = centres["NH-LS"]
    mediator = make_user("mediator", "NH-LS")
    case = new_case(db, mediator, centre, names=["阿永"])
    lawyers = []
    for number, name in ((1, "冯律师"), (2, "邓律师")):
        user = make_user("lawyer", "NH-LS")
        data = LawyerData(
            name=name,
            certificate_no=f"1440620091012345{number}",
            firm_name=f"广东某{name}律师事务所",
            centre_ids=(centre.id,),
            username=user.username,
        )
        lawyers.append((user, save_lawyer(db, None, data, None)))
    assign(db, case, mediator, mediator.id, lawyers[0][1].id)
    return case, lawyers[0][0], lawyers[1][0]


def test_assigned_lawyer_records_a_session_other_lawyer_is_refused(app, db, lawyer_case):
    case, assigned, other = lawyer_case
    client, other_client = app.test_client(), app.test_client()
    url = f"/cases/{case.id}/sessions/new"
    data = {"starts_at": "2021-03-09T14:00", "duration_minutes": "60", "minutes": "律师参与调解"}
    assert login(other_client, other.username).status_code == 302
    assert other_client.get(url).status_code == 403
    assert login(client, assigned.username).status_code == 302
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    assert response.status_code == 302
    assert db.exec(select(MediationSession).where(MediationSession.case_id == case.id)).one()
    # A lawyer records sessions but does not write the agreement.
    assert client.get(f"/cases/{case.id}/agreement").status_code == 403


@pytest.mark.parametrize(
    "url", ["sessions/new", "agreement", "filings", "payments/new", "payments/all"]
)
def test_other_centres_mediator_gets_404_and_district_supervisor_403(
    app, db, make_user, centres, url
):
    case = mediating_case(db, make_user("mediator", "NH-LS"), centres["NH-LS"], names=["阿永"])
    outsider, supervisor = app.test_client(), app.test_client()
    assert login(outsider, make_user("mediator", "CC-ZC").username).status_code == 302
    assert (
        login(supervisor, make_user("district_supervisor", None, "NH").username).status_code == 302
    )
    for client, status in ((outsider, 404), (supervisor, 403)):
        if url == "payments/all":
            token = csrf_from(client, "/account/password")
            response = client.post(f"/cases/{case.id}/{url}", data={"all-csrf_token": token})
        else:
            response = client.get(f"/cases/{case.id}/{url}")
        assert response.status_code == status


def test_wrong_status_answers_with_the_reason(client, db, login_as, centres):
    mediator = login_as("mediator", "NH-LS")
    case = new_case(db, mediator, centres["NH-LS"], names=["阿永"])  # accepted, no session yet
    reason = "案件当前状态为「已受理」，不能进行「登记付款」操作（仅适用于调解成功的案件）"
    response = client.get(f"/cases/{case.id}/payments/new")
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    token = csrf_from(client, f"/cases/{case.id}")
    response = client.post(f"/cases/{case.id}/payments/new", data={"csrf_token": token})
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)


def test_agreement_errors_are_summed_up_at_the_top_linking_to_each_field(
    client, db, login_as, centres
):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华"])
    url = f"/cases/{case.id}/agreement"
    first, second = line_ids(db, case)
    data = agreement_data(db, case, amounts=["12x", "100"]) | {"terms": "", "copies": "99"}
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    for field in (f"line-{first}", "terms", "copies"):
        assert f'href="#{field}"' in summary, field
    assert 'value="12x"' in tag(html, f"line-{first}")


def test_a_malformed_field_and_a_schedule_that_does_not_add_up_show_at_once(
    client, db, login_as, centres
):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"])
    url = f"/cases/{case.id}/agreement"
    schedule = [("2021-03-20", "100,000"), ("2021-03-01", "127,675")]
    data = agreement_data(db, case, schedule=schedule) | {
        "copies": "三份",
        "mediator_signed_on": "2021-02-30",
    }
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "份数请填写整数" in html  # the form's own errors
    assert "日期格式不正确" in html
    assert "付款期限不能早于收到申请日期" in html  # and the domain's, in the same answer
    assert 'aria-invalid="true"' in tag(html, "instalments-1-due_on")
    assert "各期金额合计 227,675.00 元" not in html  # the schedule's total matches
    data["instalments-1-amount"] = "100,000"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert "份数请填写整数" in html
    assert "各期金额合计 200,000.00 元与协议金额合计 227,675.00 元不一致" in html
    assert html.count("请填写协议内容") == 0
    db.refresh(case)
    assert agreements.agreement_of(db, case) is None


def test_an_unreadable_agreed_amount_hides_only_the_totals_it_would_skew(
    client, db, login_as, centres
):
    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华"])
    url = f"/cases/{case.id}/agreement"
    first, _ = line_ids(db, case)
    data = agreement_data(db, case, amounts=["12x", "100"], schedule=[("2021-03-01", "100")]) | {
        "terms": ""
    }
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in tag(html, f"line-{first}")
    assert "付款期限不能早于收到申请日期" in html
    assert "请填写协议内容" in html
    assert "不一致" not in html  # the agreed total is unknown while 12x cannot be read


def test_a_half_filled_per_worker_cell_is_shown_at_that_cell_with_the_forms_errors(
    client, db, login_as, centres
):
    from models import Worker

    mediator = login_as("mediator", "NH-LS")
    case = mediating_case(db, mediator, centres["NH-LS"], names=["阿永", "李建华"], share=100_00)
    url = f"/cases/{case.id}/agreement"
    first, second = db.exec(select(Worker.id).where(Worker.case_id == case.id)).all()
    data = agreement_data(db, case, amounts=["100", "100"], schedule=[("", "")]) | {
        "copies": "x",
        "schedule_mode": "per_worker",
        f"schedule-{first}-0-due_on": "2021-03-20",
        f"schedule-{first}-1-due_on": "2021-04-20",
        f"schedule-{first}-1-amount": "50",
        f"schedule-{second}-0-due_on": "2021-03-20",
        f"schedule-{second}-0-amount": "100",
    }
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "份数请填写整数" in html
    assert 'aria-invalid="true"' in tag(html, f"schedule-{first}-0-amount")
    assert 'aria-invalid="true"' not in tag(html, f"schedule-{first}-1-amount")
    data["copies"] = "3"
    response = client.post(url, data=with_tokens(client, db, case, url, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in tag(html, f"schedule-{first}-0-amount")
    assert 'aria-invalid="true"' not in tag(html, f"schedule-{first}-1-amount")
