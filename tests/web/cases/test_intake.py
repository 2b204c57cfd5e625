"""The intake form (调解申请登记): a 50-worker collective case typed without JavaScript, the
table buttons (add, remove, paste from Excel), errors at the right cell, repeat claims, roles."""

import html as html_lib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from conftest import csrf_from
from mediation.dates import today
from mediation.identifiers import lookup_key, resident_id_check_char
from models import Case, ClaimLine, Employer, Worker

URL = "/cases/new"


def rid(n: int) -> str:
    """A valid resident ID number, distinct per n (0-99)."""
    first17 = f"440605199001011{n:02d}"
    return first17 + resident_id_check_char(first17)


def worker_rows(count: int, start: int = 0) -> list[dict]:
    return [
        {
            "name": f"申请人{i + 1}",
            "id_number": rid(start + i),
            "phone": f"1380000{start + i:04d}",
            "job": "印刷工",
            "amount_1": "8,000.50",
        }
        for i in range(count)
    ]


def form_data(token: str, workers: list[dict], **overrides) -> dict:
    data = {
        "csrf_token": token,
        "channel": "现场申请",
        "application_form": "written",
        "oral_record": "",
        "received_on": today().isoformat(),
        "category": "劳动报酬",
        "new_employment": "",
        "employer_name": "佛山市里水包装印刷有限公司",
        "employer_credit_code": "91110108551385082Q",
        "employer_legal_rep": "陈总",
        "employer_address": "佛山市南海区里水镇工业大道1号",
        "employer_phone": "0757-85620000",
        "facts": "公司拖欠2021年1月至2月工资。",
        "requests": "支付拖欠工资。",
        "claim_kind_1": "工资",
        "claim_kind_2": "",
        "claim_kind_3": "",
        "paste": "",
    }
    for index, row in enumerate(workers):
        data.update(
            {
                f"workers-{index}-name": row.get("name", ""),
                f"workers-{index}-id_type": row.get("id_type", "resident"),
                f"workers-{index}-id_number": row.get("id_number", ""),
                f"workers-{index}-phone": row.get("phone", ""),
                f"workers-{index}-job": row.get("job", ""),
                f"workers-{index}-amount_1": row.get("amount_1", ""),
                f"workers-{index}-amount_2": row.get("amount_2", ""),
                f"workers-{index}-amount_3": row.get("amount_3", ""),
            }
        )
        if row.get("representative"):
            data[f"workers-{index}-representative"] = "y"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def case_count(db) -> int:
    return db.exec(select(func.count()).select_from(Case)).one()


def value_of(page: str, name: str) -> str | None:
    """The value an input named `name` shows, None when there is no such input."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def _end_of_field(page: str, name: str) -> int:
    """Where the input, select or textarea named `name` ends in the page."""
    match = re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no field {name}"
    if match.group(1) == "input":
        return match.end()
    return page.index(f"</{match.group(1)}>", match.end()) + len(match.group(1)) + 3


ERROR = re.compile(r'\s*<div class="error" role="alert">([^<]*)</div>')


def errors_at(page: str, name: str) -> list[str]:
    """The error messages drawn right under the field named `name` (a table cell)."""
    position, errors = _end_of_field(page, name), []
    while match := ERROR.match(page, position):
        errors.append(html_lib.unescape(match.group(1)))
        position = match.end()
    return errors


def field_errors(page: str, name: str) -> list[str]:
    """The error messages of a field drawn with render_field: after the input and its help
    text, before the next field."""
    position = _end_of_field(page, name)
    following = re.search(r'<div class="field|</section>', page[position:])
    chunk = page[position : position + following.start()]
    return [html_lib.unescape(m) for m in re.findall(r'role="alert">([^<]*)<', chunk)]


def test_mediator_registers_a_50_worker_collective_case(client, login_as, db, centres):
    login_as("mediator", "NH-LS")
    page = client.get(URL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "南海区里水镇劳动争议联合调解中心" in text
    assert 'name="centre"' not in text  # the mediator's own centre, not a choice
    assert value_of(text, "received_on") == today().isoformat()

    workers = worker_rows(50)
    workers[0]["representative"] = True
    response = client.post(URL, data=form_data(csrf_from(client, URL), workers))

    assert response.status_code == 302
    case_id = int(re.fullmatch(r"/cases/(\d+)", response.headers["Location"]).group(1))
    case = db.get(Case, case_id)
    assert case.centre_id == centres["NH-LS"].id
    assert case.worker_count == 50 and case.collective is True
    assert re.fullmatch(rf"\({today().year}\)南里调字第\d+号", case.number)
    assert case.claimed_fen == 50 * 800050
    workers_saved = db.exec(select(Worker).where(Worker.case_id == case.id)).all()
    assert len(workers_saved) == 50
    assert [w.representative for w in workers_saved].count(True) == 1
    kinds = db.exec(select(ClaimLine.kind).where(ClaimLine.case_id == case.id)).all()
    assert kinds == ["工资"] * 50
    assert f"已登记 {case.number}" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_empty_rows_are_ignored_and_three_amount_columns_become_claims(client, login_as, db):
    login_as("mediator", "NH-LS")
    rows = [
        {"name": "阿永", "id_number": rid(1), "amount_1": "1000", "amount_3": "￥250.5元"},
        {},
        {"name": "阿强", "id_number": rid(2), "amount_2": "300"},
    ]
    data = form_data(csrf_from(client, URL), rows, claim_kind_2="加班费", claim_kind_3="经济补偿金")
    response = client.post(URL, data=data)
    assert response.status_code == 302
    case = db.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.worker_count == 2 and case.collective is False
    claims = db.exec(
        select(Worker.name, ClaimLine.kind, ClaimLine.claimed_fen)
        .join(Worker, Worker.id == ClaimLine.worker_id)
        .where(ClaimLine.case_id == case.id)
        .order_by(ClaimLine.id)
    ).all()
    assert [tuple(c) for c in claims] == [
        ("阿永", "工资", 100000),
        ("阿永", "经济补偿金", 25050),
        ("阿强", "加班费", 30000),
    ]


def test_paste_from_excel_fills_rows_and_saves_nothing(client, login_as, db):
    login_as("mediator", "NH-LS")
    before = case_count(db)
    pasted = (
        "姓名\t证件号码\t电话\t岗位\t金额1\n"
        f"阿永\t{rid(1)}\t13800000001\t机长\t22,767.50\n"
        "\n"
        f"阿明\t{rid(2)}\t13800000002\t印刷工\t20000\n"
        f"阿芳\t{rid(3)}\t\t包装工\t18000\t500\n"
    )
    data = form_data(csrf_from(client, URL), [{}], paste=pasted, paste_rows="填入表格")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert case_count(db) == before
    assert [value_of(page, f"workers-{i}-name") for i in range(3)] == ["阿永", "阿明", "阿芳"]
    assert value_of(page, "workers-0-id_number") == rid(1)
    assert value_of(page, "workers-0-amount_1") == "22,767.50"
    assert value_of(page, "workers-2-amount_2") == "500"
    assert value_of(page, "workers-3-name") is None  # the empty first row was replaced
    assert value_of(page, "employer_name") == "佛山市里水包装印刷有限公司"
    assert "已填入3行" in page
    assert '共<strong class="n">3</strong>名申请人' in page


def test_paste_with_commas_appends_after_typed_rows(client, login_as):
    login_as("mediator", "NH-LS")
    rows = worker_rows(1)
    data = form_data(
        csrf_from(client, URL), rows, paste="阿永，440605199001011X，13800000001", paste_rows="1"
    )
    page = client.post(URL, data=data).get_data(as_text=True)
    assert value_of(page, "workers-0-name") == "申请人1"
    assert value_of(page, "workers-1-name") == "阿永"
    assert value_of(page, "workers-1-phone") == "13800000001"


def test_add_and_remove_rows_keep_every_value(client, login_as, db):
    login_as("mediator", "NH-LS")
    before = case_count(db)
    rows = worker_rows(3)
    data = form_data(csrf_from(client, URL), rows, add_row="添加一行", facts="欠薪两个月")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert [value_of(page, f"workers-{i}-name") for i in range(4)] == [
        "申请人1",
        "申请人2",
        "申请人3",
        "",
    ]
    assert value_of(page, "workers-2-id_number") == rid(2)
    assert "欠薪两个月" in page

    data = form_data(csrf_from(client, URL), rows, remove_row="1", facts="欠薪两个月")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert [value_of(page, f"workers-{i}-name") for i in range(2)] == ["申请人1", "申请人3"]
    assert value_of(page, "workers-1-id_number") == rid(2)
    assert value_of(page, "workers-2-name") is None
    assert value_of(page, "employer_credit_code") == "91110108551385082Q"
    assert case_count(db) == before


def test_wrong_id_checksum_is_shown_at_that_row_and_input_is_kept(client, login_as, db):
    login_as("mediator", "NH-LS")
    before = case_count(db)
    rows = worker_rows(5)
    good = rows[3]["id_number"]
    rows[3]["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    rows[4]["name"] = ""
    response = client.post(URL, data=form_data(csrf_from(client, URL), rows))
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert errors_at(page, "workers-3-id_number") == ["校验位错误"]
    assert errors_at(page, "workers-2-id_number") == []
    assert errors_at(page, "workers-4-name") == ["请填写姓名"]
    for index, row in enumerate(rows):
        for key in ("name", "id_number", "phone", "job", "amount_1"):
            assert value_of(page, f"workers-{index}-{key}") == row[key]
    assert value_of(page, "employer_name") == "佛山市里水包装印刷有限公司"
    assert "公司拖欠2021年1月至2月工资。" in page
    assert case_count(db) == before


def test_amount_errors_are_at_the_cell(client, login_as):
    login_as("mediator", "NH-LS")
    rows = worker_rows(2)
    rows[0]["amount_1"] = "八千"
    rows[1]["amount_2"] = "100"
    response = client.post(URL, data=form_data(csrf_from(client, URL), rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert errors_at(page, "workers-0-amount_1") == ["金额格式不正确"]
    assert errors_at(page, "workers-1-amount_2") == ["请先在表格上方选择金额2列的请求事项"]
    assert value_of(page, "workers-0-amount_1") == "八千"


def test_oral_application_without_record_is_refused_at_the_record(client, login_as, db):
    login_as("mediator", "NH-LS")
    before = case_count(db)
    data = form_data(csrf_from(client, URL), worker_rows(1), application_form="oral")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any("口头申请须当场记录" in e for e in field_errors(page, "oral_record"))
    assert re.search(r'value="oral"[^>]*checked|checked[^>]*value="oral"', page)
    assert case_count(db) == before

    data = form_data(
        csrf_from(client, URL),
        worker_rows(1),
        application_form="oral",
        oral_record="申请人阿永于今日到中心口头申请，称公司拖欠两个月工资。",
    )
    response = client.post(URL, data=data)
    assert response.status_code == 302
    case = db.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.application_form == "oral" and "口头申请" in case.oral_record


def test_invalid_credit_code_is_reported_at_the_credit_code(client, login_as):
    login_as("mediator", "NH-LS")
    data = form_data(
        csrf_from(client, URL), worker_rows(2), employer_credit_code="91110108551385082A"
    )
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "employer_credit_code") == ["统一社会信用代码校验位错误"]
    assert value_of(page, "employer_credit_code") == "91110108551385082A"


def test_received_date_in_the_future_is_refused(client, login_as, db):
    login_as("mediator", "NH-LS")
    before = case_count(db)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    data = form_data(csrf_from(client, URL), worker_rows(1), received_on=tomorrow)
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "received_on") == ["收到申请日期不能晚于今天"]
    assert value_of(page, "received_on") == tomorrow
    assert case_count(db) == before


@pytest.mark.parametrize(
    "typed", ["0001-01-01", "2007-12-31", "1900-01-01"], ids=["year-1", "2007", "1900"]
)
def test_receipt_dates_before_2008_are_refused_at_the_field(client, login_as, db, typed):
    """0001-01-01 registered a case numbered 「(1)南里调字第1号」 (issue 15)."""
    login_as("mediator", "NH-LS")
    before = case_count(db)
    data = form_data(csrf_from(client, URL), worker_rows(1), received_on=typed)
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "received_on") == ["收到申请日期不能早于2008-01-01"]
    assert case_count(db) == before


def test_a_claim_above_100_million_yuan_is_refused_at_the_cell(client, login_as, db):
    """Ten billion yuan was accepted as a claim (issue 15); the cap is 1亿元 per amount."""
    login_as("mediator", "NH-LS")
    before = case_count(db)
    rows = worker_rows(2)
    rows[0]["amount_1"] = "10,000,000,000"
    rows[1]["amount_1"] = "100,000,000.00"  # exactly 1亿元 is still accepted
    response = client.post(URL, data=form_data(csrf_from(client, URL), rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert errors_at(page, "workers-0-amount_1") == ["金额不能超过1亿元"]
    assert errors_at(page, "workers-1-amount_1") == []
    assert case_count(db) == before


def test_missing_particulars_are_reported_at_their_fields(client, login_as):
    login_as("mediator", "NH-LS")
    data = form_data(
        csrf_from(client, URL), [{}], channel="", category="", employer_name="", received_on=""
    )
    page = client.post(URL, data=data).get_data(as_text=True)
    assert field_errors(page, "received_on") == ["请填写收到申请日期"]

    data = form_data(csrf_from(client, URL), [{}], channel="", category="", employer_name="")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "channel") == ["请选择案件来源"]
    assert field_errors(page, "category") == ["请选择争议类别"]
    assert field_errors(page, "employer_name") == ["请填写被申请单位名称"]
    assert "至少填写一名申请人" in page


def test_repeat_claim_warns_and_blocks_until_confirmed(client, login_as, db, make_case):
    user = login_as("mediator", "NH-LS")
    earlier = make_case("NH-LS", workers=2, actor=user)
    named = db.exec(select(Worker).where(Worker.case_id == earlier.id).order_by(Worker.id)).first()
    rows = worker_rows(2)
    rows[1].update(name=named.name, id_number=named.id_number.lower())
    before = case_count(db)

    response = client.post(URL, data=form_data(csrf_from(client, URL), rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "重复申请" in page
    warning = page[page.index('id="repeat-warning"') :]
    assert named.name in warning and named.id_number in warning and earlier.number in warning
    assert 'name="confirm_repeat"' in page
    assert value_of(page, "workers-1-id_number") == named.id_number.lower()
    assert case_count(db) == before

    response = client.post(URL, data=form_data(csrf_from(client, URL), rows, confirm_repeat="y"))
    assert response.status_code == 302
    assert case_count(db) == before + 1


def test_repeat_claim_at_another_centre_names_the_case_and_centre_not_the_worker(
    client, login_as, db, make_case, centres
):
    """The worker's name at another centre is masked on the warning; the case is named by
    number and centre so that the two centres can talk (issue 15)."""
    login_as("mediator", "NH-LS")
    elsewhere = make_case("CC-ZC", workers=1)
    named = db.exec(select(Worker).where(Worker.case_id == elsewhere.id)).one()
    rows = worker_rows(1)
    rows[0].update(name="另填的名字", id_number=named.id_number)
    page = client.post(URL, data=form_data(csrf_from(client, URL), rows)).get_data(as_text=True)
    warning = page[page.index('id="repeat-warning"') :]
    assert f"{elsewhere.number}（{centres['CC-ZC'].name}）" in warning
    assert named.name not in warning and named.name[0] + "*" in warning


def test_existing_employer_is_reused(client, login_as, db):
    login_as("mediator", "NH-LS")
    for start in (0, 10):
        data = form_data(csrf_from(client, URL), worker_rows(1, start=start))
        assert client.post(URL, data=data).status_code == 302
    employers = db.exec(select(Employer).where(Employer.credit_code == "91110108551385082Q")).all()
    assert len(employers) == 1
    page = client.get(URL).get_data(as_text=True)
    assert "沿用已有单位档案" in page


@pytest.mark.parametrize(
    "role,centre,district",
    [
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
        ("lawyer", "NH-LS", None),
    ],
)
def test_roles_without_intake_get_403(client, login_as, role, centre, district):
    login_as(role, centre, district)
    assert client.get(URL).status_code == 403
    token = csrf_from(client, "/")
    assert client.post(URL, data=form_data(token, worker_rows(1))).status_code == 403


def test_centre_supervisor_registers_at_own_centre_only(client, login_as, db, centres):
    login_as("centre_supervisor", "CC-ZC")
    data = form_data(csrf_from(client, URL), worker_rows(1), centre="NH-LS")
    response = client.post(URL, data=data)
    assert response.status_code == 302
    case = db.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.centre_id == centres["CC-ZC"].id and "禅张调字" in case.number


def test_admin_chooses_the_centre(client, login_as, db, centres):
    login_as("admin")
    page = client.get(URL).get_data(as_text=True)
    assert 'name="centre"' in page and 'value="CC-ZC"' in page

    response = client.post(URL, data=form_data(csrf_from(client, URL), worker_rows(1)))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "centre") == ["请选择调解中心"]

    data = form_data(csrf_from(client, URL), worker_rows(1), centre="CC-ZC")
    response = client.post(URL, data=data)
    assert response.status_code == 302
    case = db.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.centre_id == centres["CC-ZC"].id
    assert re.fullmatch(rf"\({today().year}\)禅张调字第\d+号", case.number)


def test_an_81_number_outside_810000_is_a_resident_id_as_in_the_legal_form(client, login_as, db):
    first17 = "81123419900101123"
    number = first17 + resident_id_check_char(first17)
    login_as("mediator", "NH-LS")
    row = {**worker_rows(1)[0], "id_number": number, "id_type": "hmt_permit"}
    response = client.post(URL, data=form_data(csrf_from(client, URL), [row]))
    assert response.status_code == 422
    assert errors_at(response.get_data(as_text=True), "workers-0-id_number") == [
        "该号码为居民身份证，请选择对应证件类型"
    ]
    row["id_type"] = "resident"
    assert client.post(URL, data=form_data(csrf_from(client, URL), [row])).status_code == 302
    worker = db.exec(select(Worker).where(Worker.id_key == lookup_key("id", number))).one()
    assert worker.id_type == "resident"


def test_a_worker_past_retirement_age_is_registered_and_flagged(client, login_as, db, centres):
    from conftest import resident_id
    from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake

    mediator = login_as("mediator", "NH-LS")
    received = date(2026, 11, 20)
    data = IntakeData(
        channel="现场申请",
        received_on=received,
        category="劳动报酬",
        employer=EmployerData(name="佛山市某保洁服务有限公司"),
        workers=[
            # a man born May 1965 reached 60 and 2 months in July 2025
            WorkerData(name="老周", id_number=resident_id(1, birth="19650510"),
                       claims=[ClaimData("工资", 100_00)]),
            WorkerData(name="小林", id_number=resident_id(3, birth="19900101"),
                       claims=[ClaimData("工资", 100_00)]),
        ],
    )  # fmt: skip
    case = intake(db, mediator, centres["NH-LS"], data, today=received)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert html.count(">已达法定退休年龄<") == 1
    row = html[html.index("老周") : html.index("小林")]
    assert ">已达法定退休年龄<" in row


def test_every_error_at_once_with_a_summary_and_the_input_kept(client, login_as):
    login_as("mediator", "NH-LS")
    rows = worker_rows(3)
    rows[0]["amount_1"] = "8,000.5.0"  # malformed: the form's own check
    rows[1]["id_number"] = "440605199001011234"  # wrong check digit: the domain's
    data = form_data(csrf_from(client, URL), rows, employer_name="", channel="")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    for field in ("workers-0-amount_1", "workers-1-id_number", "employer_name", "channel"):
        assert f'href="#{field}"' in page, field
    assert "校验位错误" in page and 'value="8,000.5.0"' in page
