"""Every route, for every role, in and out of scope.

The table below declares who may reach each endpoint and which record scopes it. A new route
that is not in the table fails the build; a route that forgets its login, permission or scope
check fails the matrix. CSRF is required on every state-changing request.

Each entry also declares what the route reads from its query string and form (`reads`, see
reads.py): the crawl (test_crawl.py) sends hostile values to each of them.
"""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from conftest import csrf_from, resident_id
from forms.admin import CentreForm, ResetPasswordForm, UserForm
from forms.auth import ChangePasswordForm, LoginForm
from forms.caseload import MoveCaseloadForm
from forms.cases import CaseFilterForm
from forms.corrections import CorrectionForm
from forms.intake import IntakeForm
from forms.legal import ConvertForm, NewLegalForm, StageForm
from forms.letters import IssueLetterForm, ReferralForm, ServiceForm
from forms.letters import ReplyForm as LetterReplyForm
from forms.logs import LogFilterForm
from forms.online import ApplyForm, CodeForm, RateForm, ServeForm, TrackForm
from forms.online import ReplyForm as OnlineReplyForm
from forms.outcome import AgreementForm, FilingsForm, PaymentForm, SessionForm
from forms.registry import (
    QualificationForm,
    RegistryFilterForm,
    RemoveQualificationForm,
    SpecialtiesForm,
    TrainingForm,
)
from forms.reports import SubmitReportForm
from forms.roster import (
    CalendarDayForm,
    CalendarYearForm,
    CounselForm,
    DeleteDayForm,
    EmployerForm,
    EmployerSearchForm,
    LawyerFilterForm,
    LawyerForm,
    RemoveCounselForm,
)
from forms.stats import StatsFilterForm
from forms.workflow import (
    AcceptForm,
    ArbitrationForm,
    AssignForm,
    ExtendForm,
    FailForm,
    RefuseForm,
    ReopenForm,
    UnarchiveForm,
    VoidForm,
    WithdrawForm,
)
from mediation.cases import lifecycle
from mediation.legal import cases as legal
from mediation.permissions import Permission, can
from mediation.reports import letters
from mediation.scope import Scope
from models import Centre, Employer, User, Worker
from security.reads import NOTHING, Reads, reads

P = Permission
APPLY = {
    "centre": "NH-LS",
    "name": "王小明",
    "id_number": resident_id(8),
    "phone": "13800002222",
    "employer_name": "佛山市某某有限公司",
    "category": "劳动报酬",
    "truthful": "y",
}
PUBLIC = {
    "static": NOTHING,
    "auth.login": reads("next", LoginForm),
    "main.healthz": NOTHING,
    "main.favicon": NOTHING,
    # the parties' pages: no login, their own abuse controls (tests/web/test_online_*.py)
    "online.apply": reads(form=ApplyForm, **APPLY),
    "online.confirm": reads(form=CodeForm),
    "online.done": NOTHING,
    "online.track": reads(form=TrackForm),
    "online.track_verify": reads(form=CodeForm),
    "online.track_case": NOTHING,
    "online.track_end": NOTHING,
    "online.respond": reads(form=OnlineReplyForm),
    "online.rate": reads(form=RateForm),
    "online.served": reads(form=CodeForm),
    "online.served_document": NOTHING,
}
LOGIN_ONLY = None  # any logged-in user
# Ordinary values for the fields a form needs before its view reaches the domain.
INTAKE = {
    "channel": "现场申请",
    "category": "劳动报酬",
    "employer_name": "佛山市某某有限公司",
    "workers-0-name": "张三",
    "workers-0-id_number": resident_id(7),
    "workers-0-phone": "13800001111",
    "workers-0-amount_1": "1000",
}
AGREEMENT_CELLS = "line-{line_id} schedule-{worker_id}-0-due_on schedule-{worker_id}-0-amount"
AGREEMENT = {"terms": "一次性支付", "instalments-0-due_on": "2024-06-01", "parties_signed_on": ""}
PAY_ALL = (
    "all-version all-instalment all-refill all-pasted all-paid_on all-method all-note"
    " all-pay-{worker_id} all-amount-{worker_id}"
)
PAY_ALL_EXAMPLE = {"all-paid_on": "2024-06-01", "all-pay-{worker_id}": "y"}
LEGAL = {"service_type": "仲裁代理", "workers": "职工甲", "employer_name": "某公司"}
# endpoint: (permission needed, what record scopes it: "case" or None, what it reads)
ROUTES: dict[str, tuple[Permission | None, str | None, Reads]] = {
    "main.home": (LOGIN_ONLY, None, NOTHING),
    "auth.logout": (LOGIN_ONLY, None, NOTHING),
    "auth.change_password": (LOGIN_ONLY, None, reads(form=ChangePasswordForm)),
    "admin.users": (P.USERS_MANAGE, None, NOTHING),
    "admin.edit_user": (P.USERS_MANAGE, None, reads(form=UserForm)),
    "admin.reset_password": (P.USERS_MANAGE, None, reads(form=ResetPasswordForm)),
    "admin.unlock_user": (P.USERS_MANAGE, None, NOTHING),
    "admin.centres": (P.CENTRES_MANAGE, None, NOTHING),
    "admin.edit_centre": (P.CENTRES_MANAGE, None, reads(form=CentreForm)),
    "api.stats": (P.STATS_VIEW, None, reads("from to district centre")),
    "api.cases": (P.CASE_READ, None, reads("district centre status limit from to q cursor")),
    "api.case_detail": (P.CASE_READ, "case", NOTHING),
    "cases.index": (P.CASE_READ, None, reads((CaseFilterForm, "cursor"))),
    "cases.intake": (P.CASE_CREATE, None, reads(form=(IntakeForm, "remove_row"), **INTAKE)),
    "cases.detail": (P.CASE_READ, "case", NOTHING),
    "cases.accept": (P.CASE_WORK, "case", reads(form=AcceptForm)),
    "cases.refuse": (P.CASE_WORK, "case", reads(form=RefuseForm)),
    "cases.void": (P.CASE_WORK, "case", reads(form=VoidForm)),
    "cases.withdraw": (P.CASE_WORK, "case", reads(form=WithdrawForm)),
    "cases.fail": (P.CASE_WORK, "case", reads(form=FailForm)),
    "cases.arbitration": (P.CASE_WORK, "case", reads(form=ArbitrationForm)),
    "cases.extend": (P.CASE_WORK, "case", reads(form=ExtendForm)),
    "cases.assign": (P.CASE_WORK, "case", reads(form=AssignForm)),
    "cases.move": (P.CASELOAD_MOVE, None, reads("centre mediator", MoveCaseloadForm)),
    "cases.reopen": (P.CASE_CORRECT, "case", reads(form=ReopenForm)),
    "cases.edit": (
        P.CASE_WORK,
        "case",
        reads(form=(CorrectionForm, "remove_row")),
    ),  # closed cases: CASE_CORRECT too
    "cases.session_new": (
        P.CASE_RECORD_SESSION,
        "case",
        reads(form=SessionForm, duration_minutes="60", minutes="笔录"),
    ),
    "cases.session_edit": (P.CASE_RECORD_SESSION, "case", reads(form=SessionForm)),
    "cases.agreement": (
        P.CASE_WORK,
        "case",
        reads(form=(AgreementForm, AGREEMENT_CELLS), **AGREEMENT),
    ),
    "cases.filings": (P.CASE_WORK, "case", reads(form=FilingsForm)),
    "cases.payment": (
        P.CASE_WORK,
        "case",
        reads(form=PaymentForm, worker_id="{worker_id}", amount="100"),
    ),
    "cases.pay_all": (P.CASE_WORK, "case", reads(form=PAY_ALL, **PAY_ALL_EXAMPLE)),
    "sheets.page": (P.CASE_READ, "case", reads("session")),
    "sheets.pdf": (P.CASE_READ, "case", reads("session")),
    "attachments.upload": (P.CASE_WORK, "case", reads(form="kind file note")),
    "attachments.download": (P.CASE_READ, "case", NOTHING),
    "stats.index": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "stats.report": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "stats.export": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "stats.union": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "stats.union_export": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "reports.period": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "reports.submit_period": (
        P.STATS_VIEW,
        None,
        reads(StatsFilterForm, SubmitReportForm),
    ),  # then REPORT_SUBMIT_* for the unit
    "reports.period_print": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "reports.period_pdf": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "reports.period_xlsx": (P.STATS_VIEW, None, reads(StatsFilterForm)),
    "reports_api.period_json": (P.STATS_VIEW, None, reads("from to district centre")),
    "warnings.index": (P.WARNINGS_VIEW, None, NOTHING),
    "warnings.kind": (P.WARNINGS_VIEW, None, reads("page")),
    "warnings_api.index_json": (P.WARNINGS_VIEW, None, reads("kind page")),
    "ledger.index": (P.LEDGER_IMPORT, None, reads(form="file")),
    "ledger.preview": (P.LEDGER_IMPORT, None, NOTHING),
    "ledger.confirm": (P.LEDGER_IMPORT, None, NOTHING),
    "ledger.discard": (P.LEDGER_IMPORT, None, NOTHING),
    "ledger.mapping": (
        P.LEDGER_IMPORT,
        None,
        reads(form="sheet col-0 head-0 was-0 centre_id channel"),
    ),
    "ledger.imported": (P.LEDGER_IMPORT, None, NOTHING),
    "ledger.template": (P.LEDGER_IMPORT, None, NOTHING),
    "ledger.export": (P.CASE_READ, None, reads((CaseFilterForm, "kind"))),
    "roster.index": (P.ROSTER_MANAGE, None, reads((LawyerFilterForm, "page"))),
    "roster.edit": (P.ROSTER_MANAGE, None, reads(form=LawyerForm)),
    "employers.index": (P.CASE_READ, None, reads((EmployerSearchForm, "page"))),
    "employers.edit": (P.CASE_WORK, None, reads(form=EmployerForm)),
    "employers.add_counsel": (P.CASE_WORK, None, reads(form=CounselForm, firm_name="某律师事务所")),
    "employers.remove_counsel": (
        P.CASE_WORK,
        None,
        reads(form=RemoveCounselForm, firm_name="某律师事务所"),
    ),
    "calendar.index": (
        P.CENTRES_MANAGE,
        None,
        reads(CalendarYearForm, (CalendarDayForm, "load_official")),
    ),
    "calendar.delete": (P.CENTRES_MANAGE, None, reads(form=DeleteDayForm, day="2024-10-01")),
    "legal.index": (P.CASE_READ, None, reads("cursor")),
    "legal.new": (P.CASE_WORK, None, reads(form=NewLegalForm, **LEGAL)),
    "legal.detail": (P.CASE_READ, "case", NOTHING),
    "legal.convert": (P.CASE_WORK, "case", reads(form=ConvertForm)),
    "legal.stage_new": (P.CASE_RECORD_SESSION, "case", reads(form=StageForm)),
    "legal.result": (
        P.CASE_WORK,
        "case",
        reads(
            form=("version outcome closed_on awarded_{legal_worker_id} recovered_{legal_worker_id}")
        ),
    ),
    "api.ratings": (P.STATS_VIEW, None, reads("from to district centre")),
    "online.poster": (P.CASE_READ, None, NOTHING),
    "cases.unarchive": (P.CASE_UNARCHIVE, "case", reads(form=UnarchiveForm)),
    "cases.employer_link": (P.CASE_WORK, "case", NOTHING),
    "cases.serve": (P.CASE_WORK, "case", reads(form=ServeForm)),
    "cases.consent": (P.CASE_WORK, "case", reads(form="consents")),
    "letters.employer": (P.LETTER_ISSUE, "case", NOTHING),  # an employer with cases in scope
    "letters.new": (P.LETTER_ISSUE, "case", reads("kind", IssueLetterForm)),
    "letters.detail": (P.LETTER_ISSUE, "case", NOTHING),  # a letter listing a case in scope
    "letters.service": (P.LETTER_ISSUE, "case", reads(form=ServiceForm)),
    "letters.reply": (P.LETTER_ISSUE, "case", reads(form=LetterReplyForm)),
    "letters.referral": (P.LETTER_ISSUE, "case", reads(form=ReferralForm)),
    "letters.page": (P.LETTER_ISSUE, "case", NOTHING),
    "letters.pdf": (P.LETTER_ISSUE, "case", NOTHING),
    "registry.index": (P.REGISTRY_VIEW, None, reads(RegistryFilterForm)),
    "registry.print_page": (P.REGISTRY_VIEW, None, reads(RegistryFilterForm)),
    "registry.pdf": (P.REGISTRY_VIEW, None, reads(RegistryFilterForm)),
    "registry.edit": (P.REGISTRY_MANAGE, None, reads(form=SpecialtiesForm)),  # own centre
    "registry.add_qualification": (P.REGISTRY_MANAGE, None, reads(form=QualificationForm)),
    "registry.remove_qualification": (
        P.REGISTRY_MANAGE,
        None,
        reads(form=RemoveQualificationForm),
    ),
    "registry.training": (P.REGISTRY_MANAGE, None, reads(form=TrainingForm)),
    "jobs.index": (LOGIN_ONLY, None, NOTHING),
    "jobs.detail": (LOGIN_ONLY, None, NOTHING),  # their own jobs only (an admin: all); others 404
    "jobs.progress": (LOGIN_ONLY, None, NOTHING),
    "jobs.cancel": (LOGIN_ONLY, None, NOTHING),
    "jobs.download": (LOGIN_ONLY, None, NOTHING),
    "jobs.export_ledger": (P.CASE_READ, None, reads((CaseFilterForm, "kind"))),
    "jobs.print_case": (P.CASE_READ, "case", NOTHING),
    "jobs.print_agreements": (P.CASE_READ, None, reads(form="centre month")),
    "logs.access": (P.LOGS_READ, None, reads((LogFilterForm, "cursor"))),
    "logs.access_csv": (P.LOGS_READ, None, reads(LogFilterForm)),
    "logs.security": (P.LOGS_READ, None, reads((LogFilterForm, "cursor"))),
    "logs.security_csv": (P.LOGS_READ, None, reads(LogFilterForm)),
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
    undeclared = endpoints - set(ROUTES) - set(PUBLIC)
    assert not undeclared, f"declare who may reach these routes in ROUTES: {sorted(undeclared)}"
    unread = [
        e for e, entry in ROUTES.items() if len(entry) != 3 or not isinstance(entry[2], Reads)
    ]
    assert not unread, f"declare what these routes read (reads(...) or NOTHING): {unread}"


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
        permission, scoped, _ = ROUTES[endpoint]
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
