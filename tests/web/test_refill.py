"""A form posted after the login expired is kept and shown refilled after logging in again,
to the same user only, never submitted on their behalf."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from conftest import TODAY, csrf_from, login
from mediation.cases import lifecycle
from models import MediationSession, SavedForm, User
from views.refill import FILES_NOTICE, REFILLED_NOTICE, SAVED_NOTICE

MINUTES = "申请人阿永陈述：2021年1月至3月工资未发，共计22,767.50元。\n被申请单位同意分两期支付。"


@pytest.fixture
def accepted(db, make_case):
    case = make_case("NH-LS", workers=1, received_on=date(2024, 5, 6))
    mediator = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, mediator, date(2024, 5, 6), today=TODAY)
    db.flush()
    return case, mediator


def _idle(client, minutes: int = 31) -> None:
    with client.session_transaction() as session:
        session["seen"] -= minutes * 60


def _session_form(case, token: str) -> dict:
    return {
        "csrf_token": token,
        "version": str(case.version),
        "starts_at": "2024-05-07T09:30",
        "duration_minutes": "90",
        "place": "里水调解室",
        "attendees": "阿永、公司代理人",
        "minutes": MINUTES,
    }


def _sessions(db, case) -> list:
    return db.exec(select(MediationSession).where(MediationSession.case_id == case.id)).all()


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)).replace("\r\n", "\n").strip() if match else ""


def test_minutes_posted_after_expiry_come_back_after_logging_in_again(db, client, accepted):
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    response = client.post(url, data=_session_form(case, token))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert SAVED_NOTICE in client.get("/login").get_data(as_text=True)
    assert _sessions(db, case) == []
    with client.session_transaction() as session:  # the cookie holds a token, not the text
        assert MINUTES not in repr(dict(session))
    [kept] = db.exec(select(SavedForm)).all()
    assert kept.username == mediator.username and "csrf_token" not in dict(kept.fields)

    back = login(client, mediator.username)
    assert back.status_code == 302 and back.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert REFILLED_NOTICE in page
    assert _textarea(page, "minutes").replace("\r\n", "\n") == MINUTES
    assert 'value="里水调解室"' in page and 'value="90"' in page
    assert _sessions(db, case) == []  # shown, never submitted for the user
    assert db.exec(select(SavedForm)).all() == []  # handed back once
    again = client.post(url, data=_session_form(case, csrf_from(client, url)))
    assert again.status_code == 302
    [record] = _sessions(db, case)
    assert record.minutes.replace("\r\n", "\n") == MINUTES
    assert REFILLED_NOTICE not in client.get(url).get_data(as_text=True)


def test_another_user_on_the_same_browser_never_gets_the_form(db, client, accepted, make_user):
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    client.post(url, data=_session_form(case, token))
    colleague = make_user("mediator", "NH-LS")
    response = login(client, colleague.username)
    assert not response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert MINUTES.splitlines()[0] not in page and REFILLED_NOTICE not in page
    assert db.exec(select(SavedForm)).all() == []


def test_a_form_from_another_tab_after_expiry_is_kept_too(db, client, accepted):
    """The login expired on a page in one tab; the form open in another still holds the old
    session's CSRF token: it is kept for the user who was logged in, not refused."""
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    assert client.get("/cases/").status_code == 302  # the first tab: logged out
    response = client.post(url, data=_session_form(case, token))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert SAVED_NOTICE in client.get("/login").get_data(as_text=True)
    assert login(client, mediator.username).headers["Location"].endswith(url)
    assert _textarea(client.get(url).get_data(as_text=True), "minutes")


def test_files_are_not_kept_and_the_user_is_told(db, client, accepted):
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/attachments/new"
    import io

    token = csrf_from(client, f"/cases/{case.id}")
    _idle(client)
    client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "evidence",
            "note": "工资条",
            "file": (io.BytesIO(b"%PDF-1.4"), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert FILES_NOTICE in client.get("/login").get_data(as_text=True)
    login(client, mediator.username)
    page = client.get(url).get_data(as_text=True)
    assert 'value="工资条"' in page and FILES_NOTICE in page


def test_an_expired_kept_form_is_not_returned(db, client, accepted):
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    client.post(url, data=_session_form(case, token))
    kept = db.exec(select(SavedForm)).one()
    kept.expires_at -= timedelta(days=2)
    db.flush()
    assert not login(client, mediator.username).headers["Location"].endswith(url)
    assert REFILLED_NOTICE not in client.get(url).get_data(as_text=True)


def test_passwords_are_never_kept(db, client, login_as, make_user):
    admin = login_as("admin")
    other = make_user("mediator", "NH-LS")
    url = f"/admin/users/{other.id}/password"
    token = csrf_from(client, url)
    _idle(client)
    client.post(url, data={"csrf_token": token, "password": "Secret-passw0rd-2026"})
    [kept] = db.exec(select(SavedForm)).all()
    assert kept.username == admin.username
    assert "Secret-passw0rd-2026" not in repr(kept.fields)


def test_refilled_values_are_escaped(db, client, accepted):
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    hostile = "</textarea><script>alert(1)</script>"
    client.post(url, data={**_session_form(case, token), "minutes": hostile, "place": '"><b>x'})
    login(client, mediator.username)
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in page and '"><b>x' not in page
    assert _textarea(page, "minutes") == hostile


def test_a_refilled_form_keeps_the_version_it_was_opened_at(db, client, accepted, make_user):
    """Someone else saved the case while the login was expired: the refilled form does not
    silently overwrite it, it says so and keeps the text."""
    case, mediator = accepted
    login(client, mediator.username)
    url = f"/cases/{case.id}/sessions/new"
    token = csrf_from(client, url)
    _idle(client)
    client.post(url, data=_session_form(case, token))
    colleague = make_user("mediator", "NH-LS")
    lifecycle.extend(db, case, colleague, date(2024, 5, 7), 10, today=TODAY)
    db.flush()
    login(client, mediator.username)
    page = client.get(url).get_data(as_text=True)
    opened_at = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    assert int(opened_at) < case.version
    form = {**_session_form(case, csrf_from(client, url)), "version": opened_at}
    stale = client.post(url, data=form)
    assert stale.status_code == 422 and "该案件已被他人修改" in stale.get_data(as_text=True)
    assert _textarea(stale.get_data(as_text=True), "minutes") == MINUTES
