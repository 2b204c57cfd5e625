"""The access log and the security events (issue 15): every read of a case's personal data and
every login or permission change leaves one record, admins read them on filtered pages and as
CSV, and nobody — not even the application — changes or deletes a record."""

import csv
import io

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from app import create_app
from conftest import PASSWORD, csrf_from, login
from mediation.reference.roster import LawyerData, save_lawyer
from models import AccessRecord, SecurityEvent, SecurityKind, Worker
from tests.web.cases.test_intake import URL as INTAKE_URL
from tests.web.cases.test_intake import form_data, worker_rows


def records(db, **where) -> list[AccessRecord]:
    statement = select(AccessRecord).order_by(AccessRecord.id)
    for column, value in where.items():
        statement = statement.where(getattr(AccessRecord, column) == value)
    return list(db.exec(statement))


def events(db, kind: SecurityKind) -> list[SecurityEvent]:
    statement = select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)
    return list(db.exec(statement))


def log_out(client) -> None:
    if client.get("/").status_code == 200:  # someone is logged in
        client.post("/logout", data={"csrf_token": csrf_from(client, "/")})


def as_admin(client, make_user):
    """Log the client in as a fresh admin (after logging out whoever was in)."""
    log_out(client)
    admin = make_user("admin")
    assert login(client, admin.username).status_code == 302
    return admin


def first_worker(db, case) -> Worker:
    return db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.id)).first()


def test_reading_a_case_writes_one_record_the_admin_sees(
    db, client, login_as, make_case, make_user
):
    case = make_case("NH-LS")
    reader = login_as("mediator", "NH-LS")
    assert client.get(f"/cases/{case.id}", headers={"User-Agent": "Firefox/140"}).status_code == 200

    [record] = records(db, case_id=case.id)
    assert (record.kind, record.user_id, record.username) == (
        "case_page",
        reader.id,
        reader.username,
    )
    assert record.case_number == case.number and record.detail == ""
    assert record.ip == "127.0.0.1" and record.user_agent == "Firefox/140"

    as_admin(client, make_user)
    page = client.get(f"/admin/access-log?user={reader.username}").get_data(as_text=True)
    assert case.number in page and reader.username in page and "查看案件" in page


def test_the_api_answer_is_a_read_and_a_masked_read_says_so(db, client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("district_supervisor", None, "NH")
    assert client.get(f"/api/cases/{case.id}").status_code == 200
    [record] = records(db, case_id=case.id)
    assert record.kind == "case_api"
    assert record.detail == "（个人信息已脱敏）"  # the supervisor saw 张* and 440605********


def test_a_read_outside_scope_writes_nothing(db, client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "CC-ZC")
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert records(db, case_id=case.id) == []


def test_a_search_by_id_number_or_phone_logs_each_case_found(db, client, login_as, make_case):
    first, second, other = make_case("NH-LS"), make_case("NH-LS"), make_case("NH-LS")
    worker = first_worker(db, first)
    twin = first_worker(db, second)
    twin.id_number = worker.id_number  # the same person in two cases
    db.add(twin)
    db.flush()
    reader = login_as("mediator", "NH-LS")

    assert client.get("/cases/", query_string={"q": worker.id_number}).status_code == 200
    found = records(db, kind="search")
    assert {(r.case_id, r.username) for r in found} == {
        (first.id, reader.username),
        (second.id, reader.username),
    }
    assert all(worker.id_number not in r.detail for r in found)  # the number is not copied

    assert client.get("/api/cases", query_string={"q": first_worker(db, other).phone}).status_code
    assert [r.case_id for r in records(db, kind="search")][2:] == [other.id]

    client.get("/cases/", query_string={"q": worker.name})  # by name: a list, not a lookup
    assert len(records(db, kind="search")) == 3


def test_a_search_finding_many_cases_writes_them_in_one_statement(
    db, client, login_as, make_case, app
):
    cases = [make_case("NH-LS") for _ in range(5)]
    number = first_worker(db, cases[0]).id_number
    for case in cases[1:]:
        worker = first_worker(db, case)
        worker.id_number = number
        db.add(worker)
    db.flush()
    login_as("mediator", "NH-LS")
    inserts = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO ACCESS_LOG"):
            inserts.append(statement)

    from sqlalchemy import event

    engine = app.extensions["database"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/cases/", query_string={"q": number})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(records(db, kind="search")) == 5
    assert len(inserts) == 1


def test_a_repeat_claim_warning_is_a_read_of_the_cases_it_names(db, client, login_as, make_case):
    user = login_as("mediator", "NH-LS")
    earlier = make_case("CC-ZC")
    named = first_worker(db, earlier)
    rows = worker_rows(2)
    rows[1].update(name=named.name, id_number=named.id_number)
    response = client.post(INTAKE_URL, data=form_data(csrf_from(client, INTAKE_URL), rows))
    assert response.status_code == 422 and earlier.number in response.get_data(as_text=True)
    [record] = records(db, kind="repeat_claim")
    assert (record.case_id, record.case_number, record.username) == (
        earlier.id,
        earlier.number,
        user.username,
    )


def test_a_ledger_export_is_one_record_naming_what_was_exported(db, client, login_as, make_case):
    case = [make_case("NH-LS") for _ in range(3)][0]
    login_as("centre_supervisor", "NH-LS")
    response = client.get("/ledger/export.csv?status=open")
    assert response.status_code == 200
    response.get_data()
    [record] = records(db, kind="export")
    assert record.case_id is None
    assert record.detail == "调解案件台账（CSV）；筛选：status=open"
    client.get("/ledger/export.xlsx", buffered=True)  # closes the spooled file
    assert records(db, kind="export")[1].detail == "调解案件及法律服务案件台账（Excel）；筛选：无"
    number = first_worker(db, case).id_number
    client.get("/ledger/export.csv", query_string={"q": number}).get_data()
    assert records(db, kind="export")[2].detail == "调解案件台账（CSV）；筛选：q=（证件号或电话）"


def test_a_legal_case_page_is_a_read(db, client, login_as, make_case, make_user, centres):
    from datetime import date

    from mediation.legal import cases as legal

    actor = make_user("mediator", "NH-LS")
    legal_case = legal.create_legal_case(
        db,
        actor,
        centres["NH-LS"],
        "仲裁代理",
        date(2024, 5, 6),
        [legal.LegalWorkerData("职工甲")],
        today=date(2024, 5, 6),
    )
    db.flush()
    login_as("mediator", "NH-LS")
    assert client.get(f"/legal/{legal_case.id}").status_code == 200
    [record] = records(db, kind="legal_case")
    assert (record.legal_case_id, record.case_number) == (legal_case.id, legal_case.number)
    as_admin(client, make_user)
    page = client.get("/admin/access-log", query_string={"case": legal_case.number}).get_data(
        as_text=True
    )
    assert f"/legal/{legal_case.id}" in page


def test_a_failed_login_is_recorded_with_the_username_never_the_password(db, client, make_user):
    user = make_user("mediator", "NH-LS")
    assert login(client, user.username, "Wrong-password-2026").status_code == 401
    assert login(client, "nobody-such", "Another-guess-2026").status_code == 401
    failures = events(db, SecurityKind.LOGIN_FAILED)
    assert [(e.username, e.target_user_id, e.changes) for e in failures] == [
        (user.username, user.id, {"reason": "密码错误"}),
        ("nobody-such", None, {"reason": "未知用户名"}),
    ]
    stored = " ".join(f"{e.username}{e.target}{e.changes}{e.user_agent}" for e in failures)
    assert "Wrong-password-2026" not in stored and "Another-guess-2026" not in stored

    as_admin(client, make_user)
    page = client.get("/admin/security-log?kind=login_failed").get_data(as_text=True)
    assert "nobody-such" in page and user.username in page
    assert "Wrong-password-2026" not in page


def test_five_failures_lock_the_account_and_the_lockout_is_an_event(db, client, make_user):
    user = make_user("mediator", "NH-LS")
    for _ in range(5):
        login(client, user.username, "Wrong-password-2026")
    [lockout] = events(db, SecurityKind.LOCKOUT)
    assert lockout.target_user_id == user.id
    assert login(client, user.username).status_code == 401  # locked: refused, recorded
    assert events(db, SecurityKind.LOGIN_FAILED)[-1].changes == {"reason": "账户锁定中"}


def test_login_logout_password_change_are_events(db, client, login_as):
    user = login_as("mediator", "NH-LS")
    [event] = events(db, SecurityKind.LOGIN)
    assert (event.user_id, event.username, event.ip) == (user.id, user.username, "127.0.0.1")
    token = csrf_from(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "Another-secret-2027",
            "confirm": "Another-secret-2027",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [e.target_user_id for e in events(db, SecurityKind.PASSWORD_CHANGE)] == [user.id]
    log_out(client)
    assert [e.user_id for e in events(db, SecurityKind.LOGOUT)] == [user.id]


def test_role_change_reset_and_deactivation_by_an_admin_are_events(db, client, login_as, make_user):
    target = make_user("mediator", "NH-LS")
    admin = login_as("admin")
    url = f"/admin/users/{target.id}"
    data = {
        "csrf_token": csrf_from(client, url),
        "username": target.username,
        "display_name": "",
        "role": "centre_supervisor",
        "centre": "NH-LS",
        "district": "",
        "active": "y",
    }
    assert client.post(url, data=data).status_code == 302
    [change] = events(db, SecurityKind.ROLE_CHANGE)
    assert (change.user_id, change.target_user_id) == (admin.id, target.id)
    assert change.changes == {"role": ["mediator", "centre_supervisor"]}

    del data["active"]
    assert client.post(url, data=data).status_code == 302
    assert [e.target_user_id for e in events(db, SecurityKind.USER_DEACTIVATED)] == [target.id]

    reset = f"/admin/users/{target.id}/password"
    token = csrf_from(client, reset)
    new = "Reset-by-admin-2026"
    response = client.post(reset, data={"csrf_token": token, "password": new, "confirm": new})
    assert response.status_code == 302, response.get_data(as_text=True)
    [event] = events(db, SecurityKind.PASSWORD_RESET)
    assert (event.user_id, event.target_user_id) == (admin.id, target.id)


def test_linking_a_lawyer_account_is_a_roster_event(db, client, login_as, make_user, centres):
    account = make_user("lawyer", "NH-LS")
    lawyer = save_lawyer(
        db,
        None,
        LawyerData(
            "李律师", "14406201510000002", "广东某律师事务所", centre_ids=(centres["NH-LS"].id,)
        ),
        None,
    )
    admin = login_as("admin")
    save_lawyer(
        db,
        lawyer,
        LawyerData(
            "李律师",
            "14406201510000002",
            "广东某律师事务所",
            centre_ids=(centres["NH-LS"].id,),
            username=account.username,
        ),
        None,
        admin,
    )
    edit = events(db, SecurityKind.ROSTER_EDIT)[-1]
    assert (edit.user_id, edit.target_user_id) == (admin.id, account.id)
    assert edit.changes == {"username": [None, account.username]}
    assert "李律师" in edit.target


def test_an_employer_edit_is_a_security_event_with_before_and_after(
    db, client, login_as, make_case
):
    case = make_case("NH-LS")
    user = login_as("mediator", "NH-LS")
    url = f"/employers/{case.employer_id}"
    data = {
        "csrf_token": csrf_from(client, url),
        "name": "佛山市测试制造有限公司",
        "credit_code": "",
        "legal_rep": "王总",
        "address": "",
        "phone": "",
    }
    assert client.post(url, data=data).status_code == 302
    [event] = events(db, SecurityKind.EMPLOYER_EDIT)
    assert event.user_id == user.id
    assert event.changes == {"legal_rep": ["", "王总"]}
    assert "佛山市测试制造有限公司" in event.target


@pytest.mark.parametrize(
    "role,centre,district",
    [
        ("mediator", "NH-LS", None),
        ("centre_supervisor", "NH-LS", None),
        ("city_supervisor", None, None),
    ],
)
def test_only_admins_read_the_logs(client, login_as, role, centre, district):
    login_as(role, centre, district)
    for url in (
        "/admin/access-log",
        "/admin/access-log.csv",
        "/admin/security-log",
        "/admin/security-log.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_the_csv_export_holds_the_filtered_records(db, client, login_as, make_case, make_user):
    case, other = make_case("NH-LS"), make_case("NH-LS")
    reader = login_as("mediator", "NH-LS")
    client.get(f"/cases/{case.id}")
    client.get(f"/api/cases/{other.id}")
    as_admin(client, make_user)
    response = client.get(
        "/admin/access-log.csv", query_string={"user": reader.username, "kind": "case_page"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["时间", "用户ID", "用户名", "类别", "案号"]
    assert [row[2:5] for row in rows[1:]] == [[reader.username, "查看案件", case.number]]

    security = client.get("/admin/security-log.csv", query_string={"kind": "login"})
    lines = list(csv.reader(io.StringIO(security.get_data(as_text=True).lstrip("\ufeff"))))
    assert {line[3] for line in lines[1:]} >= {reader.username}


def test_a_typed_username_cannot_become_a_spreadsheet_formula(db, client, make_user):
    login(client, '=HYPERLINK("http://evil")', "Whatever-2026-x")
    as_admin(client, make_user)
    body = client.get("/admin/security-log.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_filters_by_date_and_ip_and_paging(db, client, login_as, make_case, make_user, app):
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    for _ in range(3):
        client.get(f"/cases/{case.id}")
    as_admin(client, make_user)
    app.config["PAGE_SIZE"] = 2
    try:
        first = client.get("/admin/access-log?kind=case_page&ip=127.0.0.1").get_data(as_text=True)
        assert first.count(case.number) == 2 and "更早" in first
        ids = [r.id for r in records(db, kind="case_page")]
        rest = client.get(f"/admin/access-log?kind=case_page&cursor={ids[1]}").get_data(
            as_text=True
        )
        assert rest.count(case.number) == 1
    finally:
        app.config["PAGE_SIZE"] = 50
    assert case.number not in client.get("/admin/access-log?ip=10.0.0.9").get_data(as_text=True)
    old = client.get("/admin/access-log?to=2020-01-01").get_data(as_text=True)
    assert case.number not in old
    bad = client.get("/admin/access-log?from=0001-01-01")
    assert bad.status_code == 200 and "2000年至2100年" in bad.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_client_address_is_recorded(
    db, make_case, make_user, app, database_url
):
    behind = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "TRUSTED_PROXIES": 1}
    )
    behind.extensions["database"].session_factory = app.extensions["database"].session_factory
    try:
        case = make_case("NH-LS")
        user = make_user("mediator", "NH-LS")
        proxied = behind.test_client()
        headers = {"X-Forwarded-For": "203.0.113.7"}
        login(proxied, user.username)
        proxied.get(f"/cases/{case.id}", headers=headers)
        direct = app.test_client()
        login(direct, user.username)
        direct.get(f"/cases/{case.id}", headers=headers)  # no proxy trusted: header ignored
        assert [r.ip for r in records(db, case_id=case.id)] == ["203.0.113.7", "127.0.0.1"]
    finally:
        behind.extensions["database"].engine.dispose()


def test_the_logs_are_append_only_in_the_database(db, make_case, client, login_as):
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    client.get(f"/cases/{case.id}")
    assert records(db, case_id=case.id)
    for statement in (
        update(AccessRecord).values(username="someone-else"),
        delete(AccessRecord),
        update(SecurityEvent).values(username="someone-else"),
        delete(SecurityEvent),
    ):
        savepoint = db.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(statement)
        savepoint.rollback()
    if db.get_bind().dialect.name == "postgresql":
        savepoint = db.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(text("TRUNCATE access_log"))
        savepoint.rollback()
    assert records(db, case_id=case.id)[0].username != "someone-else"


HOSTILE = {
    "cursor": ["99999999999999999999", "²", "-1"],
    "from": ["9999-12-31", "0001-01-01", "2026-02-30"],
    "to": ["9999-12-31", "0001-01-01"],
    "user": ["x" * 500, "a\r\nX-Test: 1"],
    "case": ["（", "x" * 500, "\u202efdp.exe"],
    "ip": ["::ffff:" + "1" * 100],
    "kind": ["nothing-such"],
}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/access-log",
        "/admin/access-log.csv",
        "/admin/security-log",
        "/admin/security-log.csv",
    ],
)
def test_hostile_filters_never_answer_500(client, login_as, url):
    login_as("admin")
    for name, values in HOSTILE.items():
        for value in values:
            response = client.get(url, query_string={name: value})
            assert response.status_code == 200, (url, name, value)
            response.get_data()


def test_an_account_created_by_an_admin_or_the_command_line_is_an_event(db, client, login_as):
    admin = login_as("admin")
    url = "/admin/users/new"
    data = {
        "csrf_token": csrf_from(client, url),
        "username": "new-mediator",
        "display_name": "新调解员",
        "role": "mediator",
        "centre": "NH-LS",
        "district": "",
        "password": "Brand-new-2026-pass",
        "confirm": "Brand-new-2026-pass",
    }  # "active" left unticked: created inactive
    assert client.post(url, data=data).status_code == 302
    created = [e for e in events(db, SecurityKind.USER_CREATED) if e.user_id == admin.id]
    assert [(e.target, e.changes["active"]) for e in created] == [
        ("用户「new-mediator」", [None, False])
    ]
    by_cli = [e for e in events(db, SecurityKind.USER_CREATED) if e.target_user_id == admin.id]
    assert [(e.user_id, e.username, e.user_agent) for e in by_cli] == [(None, "", "命令行")]
