"""Every route, for every role, in and out of scope.

The table below declares who may reach each endpoint and which record scopes it. A new route
that is not in the table fails the build; a route that forgets its login, permission or scope
check fails the matrix. CSRF is required on every state-changing request.
"""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.cases import lifecycle
from mediation.legal import cases as legal
from mediation.permissions import Permission, can
from mediation.reports import letters
from mediation.scope import Scope
from models import Centre, Employer, User, Worker

P = Permission
# Public pages: no login, their own abuse controls (tests/web/test_online_apply.py).
PUBLIC = {
    "static",
    "auth.login",
    "main.healthz",
    "main.favicon",
    "online.apply",
    "online.confirm",
    "online.done",
    "online.track",
    "online.track_verify",
    "online.track_case",
    "online.track_end",
    "online.respond",
    "online.rate",
    "online.served",
    "online.served_document",
}
LOGIN_ONLY = None  # any logged-in user
# endpoint: (permission needed, what record scopes it: "case" or None)
ROUTES: dict[str, tuple[Permission | None, str | None]] = {
    "main.home": (LOGIN_ONLY, None),
    "auth.logout": (LOGIN_ONLY, None),
    "auth.change_password": (LOGIN_ONLY, None),
    "admin.users": (P.USERS_MANAGE, None),
    "admin.edit_user": (P.USERS_MANAGE, None),
    "admin.reset_password": (P.USERS_MANAGE, None),
    "admin.unlock_user": (P.USERS_MANAGE, None),
    "admin.centres": (P.CENTRES_MANAGE, None),
    "admin.edit_centre": (P.CENTRES_MANAGE, None),
    "api.stats": (P.STATS_VIEW, None),
    "api.cases": (P.CASE_READ, None),
    "api.case_detail": (P.CASE_READ, "case"),
    "api.ratings": (P.STATS_VIEW, None),
    "online.poster": (P.CASE_READ, None),
    "cases.index": (P.CASE_READ, None),
    "cases.intake": (P.CASE_CREATE, None),
    "cases.detail": (P.CASE_READ, "case"),
    "cases.accept": (P.CASE_WORK, "case"),
    "cases.refuse": (P.CASE_WORK, "case"),
    "cases.void": (P.CASE_WORK, "case"),
    "cases.withdraw": (P.CASE_WORK, "case"),
    "cases.fail": (P.CASE_WORK, "case"),
    "cases.arbitration": (P.CASE_WORK, "case"),
    "cases.extend": (P.CASE_WORK, "case"),
    "cases.assign": (P.CASE_WORK, "case"),
    "cases.move": (P.CASELOAD_MOVE, None),
    "cases.reopen": (P.CASE_CORRECT, "case"),
    "cases.unarchive": (P.CASE_UNARCHIVE, "case"),
    "cases.edit": (P.CASE_WORK, "case"),  # closed cases: CASE_CORRECT too
    "cases.session_new": (P.CASE_RECORD_SESSION, "case"),
    "cases.session_edit": (P.CASE_RECORD_SESSION, "case"),
    "cases.agreement": (P.CASE_WORK, "case"),
    "cases.filings": (P.CASE_WORK, "case"),
    "cases.payment": (P.CASE_WORK, "case"),
    "cases.pay_all": (P.CASE_WORK, "case"),
    "cases.employer_link": (P.CASE_WORK, "case"),
    "cases.serve": (P.CASE_WORK, "case"),
    "cases.consent": (P.CASE_WORK, "case"),
    "sheets.page": (P.CASE_READ, "case"),
    "sheets.pdf": (P.CASE_READ, "case"),
    "attachments.upload": (P.CASE_WORK, "case"),
    "attachments.download": (P.CASE_READ, "case"),
    "stats.index": (P.STATS_VIEW, None),
    "stats.report": (P.STATS_VIEW, None),
    "stats.export": (P.STATS_VIEW, None),
    "stats.union": (P.STATS_VIEW, None),
    "stats.union_export": (P.STATS_VIEW, None),
    "reports.period": (P.STATS_VIEW, None),
    "reports.submit_period": (P.STATS_VIEW, None),  # then REPORT_SUBMIT_* for the unit
    "reports.period_print": (P.STATS_VIEW, None),
    "reports.period_pdf": (P.STATS_VIEW, None),
    "reports.period_xlsx": (P.STATS_VIEW, None),
    "reports_api.period_json": (P.STATS_VIEW, None),
    "warnings.index": (P.WARNINGS_VIEW, None),
    "warnings.kind": (P.WARNINGS_VIEW, None),
    "warnings_api.index_json": (P.WARNINGS_VIEW, None),
    "ledger.index": (P.LEDGER_IMPORT, None),
    "ledger.preview": (P.LEDGER_IMPORT, None),
    "ledger.confirm": (P.LEDGER_IMPORT, None),
    "ledger.discard": (P.LEDGER_IMPORT, None),
    "ledger.mapping": (P.LEDGER_IMPORT, None),
    "ledger.template": (P.LEDGER_IMPORT, None),
    "ledger.export": (P.CASE_READ, None),
    "roster.index": (P.ROSTER_MANAGE, None),
    "roster.edit": (P.ROSTER_MANAGE, None),
    "employers.index": (P.CASE_READ, None),
    "employers.edit": (P.CASE_WORK, None),
    "employers.add_counsel": (P.CASE_WORK, None),
    "employers.remove_counsel": (P.CASE_WORK, None),
    "letters.employer": (P.LETTER_ISSUE, "case"),  # an employer with cases in scope
    "letters.new": (P.LETTER_ISSUE, "case"),
    "letters.detail": (P.LETTER_ISSUE, "case"),  # a letter listing a case in scope
    "letters.service": (P.LETTER_ISSUE, "case"),
    "letters.reply": (P.LETTER_ISSUE, "case"),
    "letters.referral": (P.LETTER_ISSUE, "case"),
    "letters.page": (P.LETTER_ISSUE, "case"),
    "letters.pdf": (P.LETTER_ISSUE, "case"),
    "registry.index": (P.REGISTRY_VIEW, None),
    "registry.print_page": (P.REGISTRY_VIEW, None),
    "registry.pdf": (P.REGISTRY_VIEW, None),
    "registry.edit": (P.REGISTRY_MANAGE, None),  # a mediator of the user's centre, else 404
    "registry.add_qualification": (P.REGISTRY_MANAGE, None),
    "registry.remove_qualification": (P.REGISTRY_MANAGE, None),
    "registry.training": (P.REGISTRY_MANAGE, None),
    "calendar.index": (P.CENTRES_MANAGE, None),
    "calendar.delete": (P.CENTRES_MANAGE, None),
    "legal.index": (P.CASE_READ, None),
    "legal.new": (P.CASE_WORK, None),
    "legal.detail": (P.CASE_READ, "case"),
    "legal.convert": (P.CASE_WORK, "case"),
    "legal.stage_new": (P.CASE_RECORD_SESSION, "case"),
    "legal.result": (P.CASE_WORK, "case"),
    "jobs.index": (LOGIN_ONLY, None),
    "jobs.detail": (LOGIN_ONLY, None),  # their own jobs only (an admin: all); others 404
    "jobs.progress": (LOGIN_ONLY, None),
    "jobs.cancel": (LOGIN_ONLY, None),
    "jobs.download": (LOGIN_ONLY, None),
    "jobs.export_ledger": (P.CASE_READ, None),
    "jobs.print_case": (P.CASE_READ, "case"),
    "jobs.print_agreements": (P.CASE_READ, None),
    "logs.access": (P.LOGS_READ, None),
    "logs.access_csv": (P.LOGS_READ, None),
    "logs.security": (P.LOGS_READ, None),
    "logs.security_csv": (P.LOGS_READ, None),
}
# Roles, with the centre or district they belong to. The case under test is at NH-LS.
ROLES = {
    "mediator@NH-LS": ("mediator", "NH-LS", None, True),
    "mediator@CC-ZC": ("mediator", "CC-ZC", None, False),
    "lawyer@NH-LS": ("lawyer", "NH-LS", None, True),
    "centre_supervisor@NH-LS": ("centre_supervisor", "NH-LS", None, True),
    "centre_supervisor@CC-ZC": ("centre_supervisor", "CC-ZC", None, False),
    "district_supervisor@NH": ("district_supervisor", None, "NH", True),
    "district_supervisor@CC": ("district_supervisor", None, "CC", False),
    "city_supervisor": ("city_supervisor", None, None, True),
    "admin": ("admin", None, None, True),
}


def test_every_route_is_declared(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = endpoints - set(ROUTES) - PUBLIC
    assert not undeclared, f"declare who may reach these routes in ROUTES: {sorted(undeclared)}"


@pytest.fixture
def world(db, make_case, make_user, centres):
    """A case at NH-LS with a session, and the ids every URL needs."""
    case = make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, case.received_on, today=case.received_on)
    meeting = lifecycle.record_session(
        db, case, actor, datetime(2024, 5, 7, 2, 0, tzinfo=UTC), 60, "调解室", "双方", "笔录"
    )
    some_user = make_user("mediator", "SD")
    legal_case = legal.create_legal_case(
        db,
        actor,
        centres["NH-LS"],
        "仲裁代理",
        case.received_on,
        [legal.LegalWorkerData("职工甲")],
        today=case.received_on,
    )
    db.flush()
    letter = letters.issue_letter(
        db,
        make_user("admin"),
        Scope(centre_ids=None),
        db.get(Employer, case.employer_id),
        letters.LetterData("notice", case.received_on, [case.id], [], "拖欠工资"),
        today=case.received_on,
    )
    return {
        "case_id": case.id,
        "letter_id": letter.id,
        "legal_id": legal_case.id,
        "session_id": meeting.id,
        "attachment_id": 999_999,
        "user_id": some_user.id,
        "centre_id": db.exec(select(Centre.id).where(Centre.code == "SD")).first(),
        "lawyer_id": 999_999,
        "employer_id": case.employer_id,
        "counsel_id": 999_999,
        "qualification_id": 999_999,
        "day": "2024-10-01",
        "doc": "sheet",
        "token": "nothing",
        "kind": "csv",
        "firm_name": "某律所",
        "warning": "stale",
        "code": "NH-LS",
        "worker_id": db.exec(select(Worker.id).where(Worker.case_id == case.id)).first(),
        "job_id": "nothing",
    }


def urls(app, world, method: str):
    """(endpoint, url) for every declared route that answers `method`."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC or method not in rule.methods:
                continue
            values = {arg: world[arg] for arg in rule.arguments}
            found.append(
                (
                    rule.endpoint,
                    app.url_map.bind("localhost").build(rule.endpoint, values, method=method),
                )
            )
    return found


def test_anonymous_users_are_sent_to_login(app, client, world):
    for _, url in urls(app, world, "GET"):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", list(ROLES))
def test_each_role_in_and_out_of_scope(app, client, world, login_as, who):
    role, centre, district, in_scope = ROLES[who]
    user = login_as(role, centre, district)
    for endpoint, url in urls(app, world, "GET"):
        permission, scoped = ROUTES[endpoint]
        status = client.get(url).status_code
        allowed = permission is None or can(user, permission)
        if role == "lawyer" and permission is P.CASE_RECORD_SESSION:
            allowed = False  # lawyers record sessions only on cases assigned to them
        if not allowed:
            assert status in (403, 404), (who, url, status)
        elif scoped == "case" and not in_scope:
            assert status == 404, (who, url, status)  # out of scope looks like "no such case"
        else:
            assert status not in (401, 403, 500), (who, url, status)


def test_state_changing_requests_need_a_csrf_token(app, client, world, login_as):
    login_as("admin")
    token = csrf_from(client, "/account/password")
    assert token
    for endpoint, url in urls(app, world, "POST"):
        if endpoint == "auth.logout":
            continue
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, (endpoint, url, response.status_code)
