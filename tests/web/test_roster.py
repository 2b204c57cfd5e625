"""The lawyer roster: admins manage every lawyer, a centre supervisor only their centre's
stationings; identifiers are checked at the field; nobody else gets in."""

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.reference.roster import LawyerData, save_lawyer, stationed_centre_ids
from models import Lawyer

CERT = "14406201810012345"


def valid_firm_code() -> str:
    from mediation.identifiers import credit_code_check_char

    body = "31440000MD0123456"
    return body + credit_code_check_char(body)


def lawyer_at(db, centres, *codes, name="梁律师", cert=CERT, firm="广东佛联律师事务所"):
    data = LawyerData(
        name=name,
        certificate_no=cert,
        firm_name=firm,
        centre_ids=tuple(centres[c].id for c in codes),
    )
    return save_lawyer(db, None, data, None)


def field_block(html: str, name: str) -> str:
    """The markup of one rendered field (label, input, errors)."""
    start = html.index(f'id="{name}"')
    begin = html.rfind('<div class="field', 0, start)
    end = html.find('<div class="field', start)
    return html[begin : end if end != -1 else len(html)]


def form_data(client, url, **fields):
    data = {
        "name": "冯志坚",
        "certificate_no": CERT,
        "firm_name": "广东佛联律师事务所",
        "firm_credit_code": valid_firm_code(),
        "phone": "13800138000",
        "active": "y",
        "username": "",
        "csrf_token": csrf_from(client, url),
    }
    data.update(fields)
    return data


def test_admin_registers_a_lawyer_stationed_at_two_centres(client, login_as, db, centres):
    login_as("admin")
    centre_ids = [centres["NH-LS"].id, centres["NH"].id]
    response = client.post(
        "/lawyers/new", data=form_data(client, "/lawyers/new", centres=centre_ids)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    lawyer = db.exec(select(Lawyer).where(Lawyer.certificate_no == CERT)).one()
    assert lawyer.firm_credit_code == valid_firm_code() and lawyer.active
    assert stationed_centre_ids(db, lawyer) == set(centre_ids)

    html = client.get("/lawyers").get_data(as_text=True)
    assert "冯志坚" in html and CERT in html and "广东佛联律师事务所" in html
    assert centres["NH-LS"].name in html and centres["NH"].name in html
    # Filtering by another centre leaves the lawyer out; by text finds them.
    assert "冯志坚" not in client.get("/lawyers?centre=SD").get_data(as_text=True)
    assert "冯志坚" in client.get("/lawyers?q=佛联").get_data(as_text=True)


def test_lawyers_are_deactivated_never_deleted(client, login_as, db, centres):
    lawyer = lawyer_at(db, centres, "NH-LS")
    login_as("admin")
    url = f"/lawyers/{lawyer.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="梁律师"' in page and "checked" in page
    data = form_data(client, url, name="梁律师", centres=[centres["NH-LS"].id])
    del data["active"]  # unticked
    assert client.post(url, data=data).status_code == 302
    db.refresh(lawyer)
    assert lawyer.active is False
    assert "已停用" in client.get("/lawyers").get_data(as_text=True)
    assert db.get(Lawyer, lawyer.id) is not None


def test_identifier_errors_are_at_their_field_and_input_is_kept(client, login_as, centres):
    login_as("admin")
    response = client.post(
        "/lawyers/new",
        data=form_data(
            client,
            "/lawyers/new",
            name="张律师",
            certificate_no="1440620181001234",  # 16 digits
            firm_name="广东南粤劳维律师事务所",
            firm_credit_code="91440605MA4W12345X",  # wrong check character
            centres=[centres["NH-LS"].id],
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "执业证号应为17位数字" in field_block(html, "certificate_no")
    assert "统一社会信用代码校验位错误" in field_block(html, "firm_credit_code")
    assert 'value="张律师"' in html and 'value="1440620181001234"' in html
    assert 'value="广东南粤劳维律师事务所"' in html and 'value="91440605MA4W12345X"' in html


def test_duplicate_certificate_and_unsuitable_linked_account(client, login_as, make_user, centres):
    login_as("admin")
    make_user("mediator", "NH-LS", username="not.a.lawyer")
    first = form_data(client, "/lawyers/new", centres=[centres["NH-LS"].id])
    assert client.post("/lawyers/new", data=first).status_code == 302
    again = form_data(
        client, "/lawyers/new", name="另一位", username="not.a.lawyer", centres=[centres["SD"].id]
    )
    html = client.post("/lawyers/new", data=again).get_data(as_text=True)
    assert "执业证号已登记（冯志坚）" in field_block(html, "certificate_no")
    assert "关联账户须为已存在的「特约律师」角色用户" in field_block(html, "username")


def test_linking_a_lawyer_account(client, login_as, make_user, db, centres):
    user = make_user("lawyer", "NH-LS", username="feng.lawyer")
    login_as("admin")
    data = form_data(client, "/lawyers/new", username="feng.lawyer", centres=[centres["NH-LS"].id])
    assert client.post("/lawyers/new", data=data).status_code == 302
    lawyer = db.exec(select(Lawyer).where(Lawyer.certificate_no == CERT)).one()
    assert lawyer.user_id == user.id
    assert 'value="feng.lawyer"' in client.get(f"/lawyers/{lawyer.id}").get_data(as_text=True)


def test_centre_supervisor_may_not_link_a_lawyer_to_an_account(
    client, login_as, make_user, db, centres
):
    """The linked account reads every case of the lawyer unmasked, at every centre: linking is
    for admins; a centre supervisor saving the entry unchanged is fine (issue 15)."""
    linked = make_user("lawyer", "NH-LS", username="feng.lawyer")
    other = make_user("lawyer", "NH-LS", username="someone.else")
    lawyer = lawyer_at(db, centres, "NH-LS", "CC")
    lawyer.user_id = linked.id
    db.flush()
    login_as("centre_supervisor", "NH-LS")
    url = f"/lawyers/{lawyer.id}"
    response = client.post(url, data=form_data(client, url, username=other.username))
    assert response.status_code == 422
    assert "关联账户只能由管理员设置或更改" in field_block(
        response.get_data(as_text=True), "username"
    )
    db.refresh(lawyer)
    assert lawyer.user_id == linked.id
    response = client.post(url, data=form_data(client, url, username=""))
    assert response.status_code == 422
    unchanged = form_data(client, url, username=linked.username, centres=[centres["NH-LS"].id])
    assert client.post(url, data=unchanged).status_code == 302
    new = form_data(
        client,
        "/lawyers/new",
        certificate_no="14406201810099999",
        username=other.username,
        centres=[centres["NH-LS"].id],
    )
    assert client.post("/lawyers/new", data=new).status_code == 422


def test_centre_supervisor_sees_only_their_centres_lawyers(client, login_as, db, centres):
    ours = lawyer_at(db, centres, "NH-LS", "NH", name="本中心律师")
    theirs = lawyer_at(db, centres, "CC", name="禅城律师", cert="14406201810099999")
    login_as("centre_supervisor", "NH-LS")
    html = client.get("/lawyers").get_data(as_text=True)
    assert "本中心律师" in html and "禅城律师" not in html
    assert client.get(f"/lawyers/{theirs.id}").status_code == 404
    token = csrf_from(client, "/lawyers/new")
    response = client.post(f"/lawyers/{theirs.id}", data={"name": "改名", "csrf_token": token})
    assert response.status_code == 404
    page = client.get(f"/lawyers/{ours.id}").get_data(as_text=True)
    nanhai = page[page.index(f'value="{centres["NH"].id}"') - 200 :]
    assert "disabled" in nanhai.split("</label>")[0]  # another centre's stationing: locked


def test_centre_supervisor_changes_only_their_own_stationing(client, login_as, db, centres):
    lawyer = lawyer_at(db, centres, "NH-LS", "NH")
    login_as("centre_supervisor", "NH-LS")
    url = f"/lawyers/{lawyer.id}"
    # Adding another centre is refused, at the field, and nothing changes.
    data = form_data(client, url, centres=[centres["NH-LS"].id, centres["SD"].id])
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "只能调整本中心的派驻" in response.get_data(as_text=True)
    assert stationed_centre_ids(db, lawyer) == {centres["NH-LS"].id, centres["NH"].id}
    # Unticking their own centre (the NH one is not even submitted: it is disabled) keeps NH.
    data = form_data(client, url, centres=[])
    assert client.post(url, data=data).status_code == 302
    assert stationed_centre_ids(db, lawyer) == {centres["NH"].id}
    assert client.get(url).status_code == 404  # no longer stationed here


def test_centre_supervisor_registers_a_lawyer_for_their_centre(client, login_as, db, centres):
    login_as("centre_supervisor", "NH-LS")
    page = client.get("/lawyers/new").get_data(as_text=True)
    assert centres["NH-LS"].name in page and centres["SD"].name not in page
    data = form_data(client, "/lawyers/new", centres=[centres["NH-LS"].id])
    assert client.post("/lawyers/new", data=data).status_code == 302
    lawyer = db.exec(select(Lawyer).where(Lawyer.certificate_no == CERT)).one()
    assert stationed_centre_ids(db, lawyer) == {centres["NH-LS"].id}


@pytest.mark.parametrize(
    "role,centre,district",
    [
        ("mediator", "NH-LS", None),
        ("lawyer", "NH-LS", None),
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
    ],
)
def test_others_may_not_manage_the_roster(client, login_as, db, centres, role, centre, district):
    lawyer = lawyer_at(db, centres, "NH-LS")
    login_as(role, centre, district)
    for url in ("/lawyers", "/lawyers/new", f"/lawyers/{lawyer.id}"):
        assert client.get(url).status_code == 403
    assert "/lawyers" not in client.get("/").get_data(as_text=True)
