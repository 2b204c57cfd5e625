"""The workflow forms: accept, refuse, void, withdraw, fail, arbitration, extend, reopen, assign.

Driven through the test client with the CSRF token and case version read from each form page,
as a browser would submit them."""

import re
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.cases import assignment, lifecycle
from mediation.dates import today as local_today
from mediation.reference.roster import LawyerData, save_lawyer
from models import AuditEvent, EmployerCounsel

TODAY = date(2026, 11, 24)
RECEIVED = date(2024, 5, 6)  # make_case's default receipt date
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')

TOKEN_PAGE = "/account/password"  # any page with a form gives the session's CSRF token
URLS = ["accept", "refuse", "void", "withdraw", "fail", "arbitration", "extend", "reopen", "assign"]


def form_state(client, url: str) -> dict[str, str]:
    """The hidden fields a browser would send back: CSRF token and the case version."""
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, (url, page.status_code)
    match = VERSION_RE.search(html)
    assert match, f"no version field on {url}"
    return {"csrf_token": csrf_from(client, url), "version": match.group(1) or match.group(2)}


def submit(client, url: str, **data):
    return client.post(url, data={**form_state(client, url), **data})


def field_block(html: str, name: str) -> str:
    """The markup of one rendered field (label, input, errors)."""
    start = html.index(f'id="{name}"')
    begin = html.rfind('<div class="field', 0, start)
    end = html.find('<div class="field', start)
    return html[begin : end if end != -1 else len(html)]


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def stationed_lawyer(
    db, centres, name="梁律师", firm="广东佛法律师事务所", cert="14406201210000001"
):
    data = LawyerData(
        name=name, certificate_no=cert, firm_name=firm, centre_ids=(centres["NH-LS"].id,)
    )
    return save_lawyer(db, None, data, None)


@pytest.fixture
def mediator(login_as):
    return login_as("mediator", "NH-LS")


@pytest.fixture
def case(make_case, mediator):
    return make_case("NH-LS", actor=mediator)


@pytest.fixture
def accepted(db, case, mediator):
    lifecycle.accept(db, case, mediator, date(2024, 5, 7), today=TODAY)
    db.flush()
    return case


def reload(db, case):
    db.expire_all()
    return db.get(type(case), case.id)


def test_accept_then_assign_mediator_and_lawyer_starts_mediation(
    db, client, case, mediator, centres
):
    lawyer = stationed_lawyer(db, centres)
    page = client.get(f"/cases/{case.id}/accept").get_data(as_text=True)
    assert "受理日期" in page and f'value="{local_today():%Y-%m-%d}"' in page
    response = submit(client, f"/cases/{case.id}/accept", accepted_on="2024-05-07")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert "案件已受理" in flashes(client)
    case = reload(db, case)
    assert case.status == "accepted" and case.accepted_on == date(2024, 5, 7)

    page = client.get(f"/cases/{case.id}/assign").get_data(as_text=True)
    assert "梁律师" in page and "广东佛法律师事务所" in page and "无利益冲突" in page
    assert mediator.name in field_block(page, "mediator_id")
    response = submit(
        client, f"/cases/{case.id}/assign", mediator_id=str(mediator.id), lawyer_id=str(lawyer.id)
    )
    assert response.status_code == 302
    case = reload(db, case)
    assert (case.status, case.mediator_id, case.lawyer_id) == (
        "in_mediation",
        mediator.id,
        lawyer.id,
    )


def test_assign_shows_each_lawyers_open_caseload(db, client, make_case, mediator, centres):
    busy = stationed_lawyer(db, centres, "陈律师", "甲律师事务所", "14406201210000002")
    for _ in range(2):
        other = make_case("NH-LS", actor=mediator)
        assignment.assign(db, other, mediator, None, busy.id)
    db.flush()
    target = make_case("NH-LS", actor=mediator)
    html = client.get(f"/cases/{target.id}/assign").get_data(as_text=True)
    row = html[html.index("陈律师") :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]


def test_accept_date_errors_are_at_the_field_and_input_is_kept(client, case):
    response = submit(client, f"/cases/{case.id}/accept", accepted_on="2024-13-45")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "日期格式不正确" in field_block(html, "accepted_on")
    assert 'value="2024-13-45"' in html

    response = submit(client, f"/cases/{case.id}/accept", accepted_on="2024-05-01")
    assert response.status_code == 422
    assert "受理日期不能早于收到申请日期" in field_block(
        response.get_data(as_text=True), "accepted_on"
    )

    response = submit(client, f"/cases/{case.id}/accept", accepted_on="2099-01-01")
    assert "受理日期不能晚于今天" in field_block(response.get_data(as_text=True), "accepted_on")


def test_an_acceptance_date_before_2008_is_refused_at_the_field(db, client, make_case, mediator):
    case = make_case("NH-LS", actor=mediator, received_on=date(2008, 1, 1))
    response = submit(client, f"/cases/{case.id}/accept", accepted_on="0001-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "受理日期不能早于2008-01-01" in field_block(html, "accepted_on")
    assert reload(db, case).status == "received"


def test_refuse_needs_a_reason_and_keeps_the_input(db, client, case):
    response = submit(
        client, f"/cases/{case.id}/refuse", refused_on="2024-05-08", reason="", reason_detail=""
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不予受理须写明理由" in field_block(html, "reason")
    assert 'value="2024-05-08"' in html
    assert reload(db, case).status == "received"

    response = submit(
        client,
        f"/cases/{case.id}/refuse",
        refused_on="2024-05-08",
        reason="不存在劳动关系",
        reason_detail="申请人系个体承揽人员",
    )
    assert response.status_code == 302
    case = reload(db, case)
    assert case.status == "refused" and case.closed_on == date(2024, 5, 8)
    assert case.refusal_reason == "不存在劳动关系：申请人系个体承揽人员"


def test_refuse_with_other_reason_records_the_details(db, client, case):
    response = submit(
        client,
        f"/cases/{case.id}/refuse",
        refused_on="2024-05-08",
        reason="其他",
        reason_detail="申请人未提供身份证明",
    )
    assert response.status_code == 302
    assert reload(db, case).refusal_reason == "申请人未提供身份证明"


def test_a_refused_case_cannot_be_accepted(db, client, case, mediator):
    lifecycle.refuse(db, case, mediator, date(2024, 5, 8), "不存在劳动关系", today=TODAY)
    db.flush()
    response = client.get(f"/cases/{case.id}/accept")
    assert response.status_code == 422
    assert "案件当前状态为「不予受理」，不能进行「受理」操作" in response.get_data(as_text=True)

    response = client.post(
        f"/cases/{case.id}/accept",
        data={
            "csrf_token": csrf_from(client, TOKEN_PAGE),
            "version": "1",
            "accepted_on": "2024-05-07",
        },
    )
    assert response.status_code == 422
    assert "不能进行「受理」操作" in response.get_data(as_text=True)
    assert reload(db, case).status == "refused"


def test_void_needs_a_reason(db, client, case):
    response = submit(client, f"/cases/{case.id}/void", reason="  ")
    assert response.status_code == 422
    assert "作废须写明理由" in field_block(response.get_data(as_text=True), "reason")
    response = submit(client, f"/cases/{case.id}/void", reason="重复登记")
    assert response.status_code == 302
    case = reload(db, case)
    assert case.status == "voided" and case.void_reason == "重复登记"
    assert case.closed_on is not None


def test_withdraw_closes_the_case(db, client, accepted):
    response = submit(
        client, f"/cases/{accepted.id}/withdraw", closed_on="2024-05-10", note="双方已自行和解"
    )
    assert response.status_code == 302
    case = reload(db, accepted)
    assert case.status == "withdrawn" and case.closed_on == date(2024, 5, 10)
    assert case.outcome_note == "双方已自行和解"


def test_fail_tells_the_mediator_about_arbitration_and_closes(db, client, accepted):
    html = client.get(f"/cases/{accepted.id}/fail").get_data(as_text=True)
    assert "书面告知申请人可以依法申请劳动争议仲裁" in html
    assert "2024年5月6日" in html and "仲裁时效中断" in html
    assert "用人单位拒绝调解" in field_block(html, "reason")

    response = submit(
        client, f"/cases/{accepted.id}/fail", closed_on="2024-05-20", reason="", note=""
    )
    assert response.status_code == 422
    assert "请选择调解不成的原因" in field_block(response.get_data(as_text=True), "reason")

    response = submit(
        client,
        f"/cases/{accepted.id}/fail",
        closed_on="2024-05-20",
        reason="employer_refuses",
        note="用人单位拒不到场",
        arbitration_applied_on="2024-05-25",
    )
    assert response.status_code == 302
    case = reload(db, accepted)
    assert case.status == "failed" and case.closed_on == date(2024, 5, 20)
    assert case.failure_reason == "employer_refuses"
    assert case.arbitration_applied_on == date(2024, 5, 25)


def test_arbitration_date_is_recorded_after_failure(db, client, accepted, mediator):
    lifecycle.fail(db, accepted, mediator, date(2024, 5, 20), "no_agreement", today=TODAY)
    db.flush()
    response = submit(client, f"/cases/{accepted.id}/arbitration", arbitration_applied_on="")
    assert response.status_code == 422
    assert "请填写申请仲裁日期" in field_block(
        response.get_data(as_text=True), "arbitration_applied_on"
    )
    response = submit(
        client, f"/cases/{accepted.id}/arbitration", arbitration_applied_on="2024-06-01"
    )
    assert response.status_code == 302
    assert reload(db, accepted).arbitration_applied_on == date(2024, 6, 1)


def test_extension_is_granted_once_only(db, client, accepted):
    response = submit(client, f"/cases/{accepted.id}/extend", consent_on="2024-05-15", days="20")
    assert response.status_code == 422
    assert "延长天数为1至15天" in field_block(response.get_data(as_text=True), "days")

    response = submit(client, f"/cases/{accepted.id}/extend", consent_on="2024-05-15", days="10")
    assert response.status_code == 302
    case = reload(db, accepted)
    # 25 days from 7 May end on Saturday 1 June: the deadline rolls to Monday (民法典 art.203)
    assert case.extension_days == 10 and case.mediation_due_on == date(2024, 6, 3)

    response = client.get(f"/cases/{accepted.id}/extend")
    assert response.status_code == 422
    assert "调解期限只能延长一次" in response.get_data(as_text=True)
    response = client.post(
        f"/cases/{accepted.id}/extend",
        data={
            "csrf_token": csrf_from(client, TOKEN_PAGE),
            "version": str(case.version),
            "consent_on": "2024-05-16",
            "days": "5",
        },
    )
    assert response.status_code == 422
    assert "调解期限只能延长一次" in response.get_data(as_text=True)
    assert reload(db, accepted).extension_days == 10


def test_centre_supervisor_reopens_but_a_mediator_may_not(db, client, login_as, accepted, mediator):
    lifecycle.withdraw(db, accepted, mediator, date(2024, 5, 10), today=TODAY)
    db.flush()
    assert client.get(f"/cases/{accepted.id}/reopen").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client, TOKEN_PAGE)})
    login_as("centre_supervisor", "NH-LS")
    response = submit(client, f"/cases/{accepted.id}/reopen", reason="")
    assert response.status_code == 422
    assert "重新打开须写明理由" in field_block(response.get_data(as_text=True), "reason")
    response = submit(client, f"/cases/{accepted.id}/reopen", reason="申请人撤回登记有误")
    assert response.status_code == 302
    case = reload(db, accepted)
    assert case.status == "accepted" and case.closed_on is None


def test_a_conflicted_lawyer_needs_an_override_reason_which_is_audited(
    db, client, accepted, mediator, centres
):
    lawyer = stationed_lawyer(db, centres)
    db.add(EmployerCounsel(employer_id=accepted.employer_id, firm_name=lawyer.firm_name))
    db.flush()
    url = f"/cases/{accepted.id}/assign"
    html = client.get(url).get_data(as_text=True)
    assert "应当回避" in html and "广东佛法律师事务所登记为" in html

    response = submit(client, url, mediator_id=str(mediator.id), lawyer_id=str(lawyer.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "如确需指派，请填写理由" in field_block(html, "override_reason")
    assert f'<option selected value="{lawyer.id}">' in html
    assert reload(db, accepted).lawyer_id is None

    response = submit(
        client,
        url,
        mediator_id=str(mediator.id),
        lawyer_id=str(lawyer.id),
        override_reason="本中心仅此一名派驻律师，申请人同意",
    )
    assert response.status_code == 302
    assert reload(db, accepted).lawyer_id == lawyer.id
    event = db.exec(
        select(AuditEvent).where(AuditEvent.case_id == accepted.id, AuditEvent.action == "assign")
    ).one()
    assert event.changes["conflict_override"] == [None, "本中心仅此一名派驻律师，申请人同意"]
    assert "利益冲突已说明理由" in event.summary


def test_a_stale_form_is_refused_and_keeps_what_was_typed(db, client, make_user, case):
    url = f"/cases/{case.id}/refuse"
    state = form_state(client, url)
    colleague = make_user("mediator", "NH-LS", display_name="同事")
    lifecycle.void(db, case, colleague, "重复登记", today=TODAY)
    lifecycle.reopen(db, case, colleague, "误作废")
    db.flush()
    response = client.post(
        url,
        data={
            **state,
            "refused_on": "2024-05-08",
            "reason": "已申请仲裁或起诉",
            "reason_detail": "已向区仲裁委申请",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已被他人修改" in html
    assert "已向区仲裁委申请" in html and 'value="2024-05-08"' in html
    assert reload(db, case).status == "received"


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("role", ["mediator", "centre_supervisor"])
def test_staff_of_another_centre_get_404(client, login_as, make_case, name, role):
    other_case = make_case("CC-ZC")
    login_as(role, "NH-LS")
    # Reopening needs a permission mediators never have: refused before the case is looked up.
    expected = 403 if (role, name) == ("mediator", "reopen") else 404
    assert client.get(f"/cases/{other_case.id}/{name}").status_code == expected
    token = csrf_from(client, TOKEN_PAGE)
    response = client.post(f"/cases/{other_case.id}/{name}", data={"csrf_token": token})
    assert response.status_code == expected


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("role,centre", [("city_supervisor", None), ("lawyer", "NH-LS")])
def test_readers_get_403(client, login_as, make_case, name, role, centre):
    target = make_case("NH-LS")
    login_as(role, centre)
    assert client.get(f"/cases/{target.id}/{name}").status_code == 403


def test_an_extension_after_expiry_is_recorded_only_when_the_form_says_so(db, client, accepted):
    # accepted 2024-05-07: the 15 days ended on 22 May
    url = f"/cases/{accepted.id}/extend"
    response = submit(client, url, consent_on="2024-05-24", days="5")
    assert response.status_code == 422
    assert "原调解期限已于2024-05-22届满" in field_block(
        response.get_data(as_text=True), "consent_on"
    )
    assert reload(db, accepted).extension_days == 0
    response = submit(client, url, consent_on="2024-05-24", days="5", after_expiry="y")
    assert response.status_code == 302
    case = reload(db, accepted)
    assert (case.extension_days, case.extension_consent_on) == (5, date(2024, 5, 24))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "期限届满后经双方同意延长5日" in html


def test_the_registering_mediator_is_preselected_when_a_supervisor_assigns(
    client, login_as, make_case, make_user
):
    registrar = make_user("mediator", "NH-LS")
    case = make_case("NH-LS", actor=registrar)
    login_as("centre_supervisor", "NH-LS")
    html = client.get(f"/cases/{case.id}/assign").get_data(as_text=True)
    assert f'<option selected value="{registrar.id}">' in html
