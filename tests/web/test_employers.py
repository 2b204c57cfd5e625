"""Employers: repeat respondents counted within the user's scope, editing with checked credit
codes, and the law firms acting for an employer (which make a lawyer of that firm recuse)."""

import re

from sqlmodel import select

from conftest import csrf_from
from mediation.cases import lifecycle
from mediation.cases.assignment import conflict_of
from mediation.identifiers import credit_code_check_char
from mediation.reference.roster import LawyerData, save_lawyer
from models import AuditEvent, Employer, EmployerCounsel, User

REPEAT = "佛山市南海区重复五金有限公司"
ONCE = "佛山市南海区一次包装有限公司"
ELSEWHERE = "佛山市禅城区别处陶瓷有限公司"


def code(body: str) -> str:
    return body + credit_code_check_char(body)


def wrong_check(body: str) -> str:
    right = credit_code_check_char(body)
    return body + ("1" if right != "1" else "2")


def employer_named(db, name) -> Employer:
    return db.exec(select(Employer).where(Employer.name == name)).one()


def row_of(html: str, name: str) -> str:
    start = html.index(name)
    return html[html.rfind("<tr", 0, start) : html.index("</tr>", start)]


def counts_in(row: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(?:<a [^>]*>)?(\d+)', row)]


def field_block(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    begin = html.rfind('<div class="field', 0, start)
    end = html.find('<div class="field', start)
    return html[begin : end if end != -1 else len(html)]


def test_repeat_respondents_are_counted_within_the_users_scope(client, login_as, make_case):
    for _ in range(3):
        make_case("NH-LS", employer=REPEAT)
    make_case("CC-ZC", employer=REPEAT)  # outside a Lishui user's scope
    make_case("NH-LS", employer=ONCE)
    make_case("CC-ZC", employer=ELSEWHERE)
    login_as("mediator", "NH-LS")
    html = client.get("/employers").get_data(as_text=True)
    assert ELSEWHERE not in html
    assert html.index(REPEAT) < html.index(ONCE)  # most cases first
    assert counts_in(row_of(html, REPEAT)) == [3, 3]  # all, open
    assert "多次被申请" in row_of(html, REPEAT)
    assert counts_in(row_of(html, ONCE)) == [1, 1]
    assert "多次被申请" not in row_of(html, ONCE)
    searched = client.get("/employers?q=一次").get_data(as_text=True)
    assert ONCE in searched and REPEAT not in searched


def test_city_users_count_every_centre(client, login_as, make_case):
    for centre in ("NH-LS", "NH-LS", "CC-ZC"):
        case = make_case(centre, employer=REPEAT)
    login_as("city_supervisor")
    html = client.get("/employers").get_data(as_text=True)
    assert counts_in(row_of(html, REPEAT)) == [3, 3]
    # no edit link: the name leads to the union's supervision page (letters)
    assert f'href="/employers/{case.employer_id}"' not in row_of(html, REPEAT)
    assert f'href="/employers/{case.employer_id}/supervision"' in row_of(html, REPEAT)


def test_search_by_credit_code(client, login_as, make_case, db):
    make_case("NH-LS", employer=REPEAT)
    make_case("NH-LS", employer=ONCE)
    employer = employer_named(db, ONCE)
    employer.credit_code = code("91440605MA4W1234X")
    db.flush()
    login_as("mediator", "NH-LS")
    html = client.get(f"/employers?q={employer.credit_code.lower()}").get_data(as_text=True)
    assert ONCE in html and REPEAT not in html


def test_edit_checks_the_credit_code_at_the_field_and_keeps_input(client, login_as, make_case, db):
    make_case("NH-LS", employer=REPEAT)
    make_case("NH-LS", employer=ONCE)
    taken = employer_named(db, ONCE)
    taken.credit_code = code("91440605MA4W1234X")
    db.flush()
    employer = employer_named(db, REPEAT)
    login_as("mediator", "NH-LS")
    url = f"/employers/{employer.id}"
    data = {
        "name": "佛山市南海区重复五金制品有限公司",
        "credit_code": wrong_check("91440605MA4W12345"),
        "legal_rep": "陈大文",
        "address": "里水镇草场工业区",
        "phone": "0757-85621234",
        "csrf_token": csrf_from(client, url),
    }
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "统一社会信用代码校验位错误" in field_block(html, "credit_code")
    assert 'value="佛山市南海区重复五金制品有限公司"' in html and 'value="陈大文"' in html
    assert f'value="{wrong_check("91440605MA4W12345")}"' in html
    response = client.post(url, data={**data, "credit_code": taken.credit_code})
    assert f"该统一社会信用代码已登记为「{ONCE}」" in response.get_data(as_text=True)
    good = code("91440605MA4W9999Y")
    response = client.post(url, data={**data, "credit_code": good.lower()})
    assert response.status_code == 302
    db.refresh(employer)
    assert employer.name == "佛山市南海区重复五金制品有限公司"
    assert (employer.credit_code, employer.legal_rep) == (good, "陈大文")


def test_employers_outside_scope_are_404_and_readers_cannot_edit(client, login_as, make_case, db):
    make_case("CC-ZC", employer=ELSEWHERE)
    make_case("NH-LS", employer=REPEAT)
    elsewhere, ours = employer_named(db, ELSEWHERE), employer_named(db, REPEAT)
    login_as("mediator", "NH-LS")
    assert client.get(f"/employers/{elsewhere.id}").status_code == 404
    assert client.get(f"/employers/{ours.id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as("district_supervisor", None, "NH")
    assert client.get("/employers").status_code == 200
    assert client.get(f"/employers/{ours.id}").status_code == 403


def test_counsel_firms_flag_conflicted_lawyers(client, login_as, make_case, db, centres):
    make_case("NH-LS", employer=REPEAT)
    employer = employer_named(db, REPEAT)
    firm_code = code("31440000MD0123456")
    lawyer = save_lawyer(
        db,
        None,
        LawyerData(
            name="区嘉伟",
            certificate_no="14406201510000001",
            firm_name="广东里湖明德律师事务所",
            firm_credit_code=firm_code,
            centre_ids=(centres["NH-LS"].id,),
        ),
        None,
    )
    login_as("mediator", "NH-LS")
    url = f"/employers/{employer.id}"
    token = csrf_from(client, url)
    # A firm recorded under a new name still matches by its credit code.
    response = client.post(
        f"{url}/counsel",
        data={"firm_name": "明德律所", "firm_credit_code": firm_code, "csrf_token": token},
    )
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "明德律所" in html and "区嘉伟（广东里湖明德律师事务所）" in html
    assert "应当回避" in conflict_of(db, lawyer, employer)

    bad = client.post(
        f"{url}/counsel",
        data={"firm_name": "明德律所", "firm_credit_code": "123", "csrf_token": token},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "该律师事务所已登记为本单位的代理律所" in field_block(html, "firm_name")
    assert "统一社会信用代码应为18位（当前3位）" in field_block(html, "firm_credit_code")

    removed = client.post(
        f"{url}/counsel/remove", data={"firm_name": "明德律所", "csrf_token": token}
    )
    assert removed.status_code == 302
    assert db.exec(select(EmployerCounsel)).all() == []
    assert conflict_of(db, lawyer, employer) == ""


def test_voided_registrations_do_not_count_as_applications(client, login_as, make_case, db):
    first = make_case("NH-LS", employer=REPEAT)
    duplicate = make_case("NH-LS", employer=REPEAT)
    lifecycle.void(db, duplicate, db.get(User, duplicate.created_by_id), "重复登记")
    db.flush()
    login_as("centre_supervisor", "NH-LS")
    html = client.get("/employers").get_data(as_text=True)
    assert counts_in(row_of(html, REPEAT)) == [1, 1]
    assert "多次被申请" not in row_of(html, REPEAT)
    employer = employer_named(db, REPEAT)
    page = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert "本单位被申请 1 次，其中未结 1 件" in page
    assert first.status == "received"


def _edit_data(client, url, **fields) -> dict:
    data = {
        "name": "佛山市重复五金制品有限公司",
        "credit_code": "",
        "legal_rep": "",
        "address": "",
        "phone": "",
        "csrf_token": csrf_from(client, url),
    }
    data.update(fields)
    return data


def test_a_shared_employer_is_renamed_only_by_its_centres_supervisors(
    client, login_as, make_case, db
):
    """An employer with cases at two centres: a mediator neither renames it nor changes its
    counsel (which decides recusals at the other centre too); a supervisor of one of its
    centres does, and each edit leaves an audit event with before and after (issue 15)."""
    make_case("NH-LS", employer=REPEAT)
    make_case("CC-ZC", employer=REPEAT)
    employer = employer_named(db, REPEAT)
    url = f"/employers/{employer.id}"
    login_as("mediator", "NH-LS")
    refused = client.post(url, data=_edit_data(client, url))
    assert refused.status_code == 422
    assert "多个调解中心" in field_block(refused.get_data(as_text=True), "name")
    token = csrf_from(client, url)
    counsel = client.post(f"{url}/counsel", data={"firm_name": "某律所", "csrf_token": token})
    assert counsel.status_code == 422
    assert "多个调解中心" in field_block(counsel.get_data(as_text=True), "firm_name")
    assert db.exec(select(EmployerCounsel)).all() == []
    # Its address and phone are still the mediator's to correct.
    kept = _edit_data(client, url, name=REPEAT, address="里水镇草场工业区")
    assert client.post(url, data=kept).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})

    login_as("centre_supervisor", "CC-ZC")
    renamed = _edit_data(client, url, address="里水镇草场工业区")
    assert client.post(url, data=renamed).status_code == 302
    token = csrf_from(client, url)
    assert (
        client.post(f"{url}/counsel", data={"firm_name": "某律所", "csrf_token": token}).status_code
        == 302
    )
    db.refresh(employer)
    assert employer.name == "佛山市重复五金制品有限公司"
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action.like("employer%")).order_by(AuditEvent.id)
    ).all()
    assert [e.changes for e in events] == [
        {"address": ["", "里水镇草场工业区"]},
        {"name": [REPEAT, "佛山市重复五金制品有限公司"]},
        {"counsel": [None, "某律所"]},
    ]
    assert REPEAT in events[1].summary


def test_an_employer_of_one_centre_stays_its_mediators_to_edit(client, login_as, make_case, db):
    make_case("NH-LS", employer=REPEAT)
    employer = employer_named(db, REPEAT)
    url = f"/employers/{employer.id}"
    login_as("mediator", "NH-LS")
    assert client.post(url, data=_edit_data(client, url)).status_code == 302
