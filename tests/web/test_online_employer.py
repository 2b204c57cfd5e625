"""The employer answers an application by the link sent to its mobile: names and claims only,
an answer the mediator sees on the case, and a link that dies with the acceptance decision."""

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from conftest import csrf_from, text_of
from mediation.cases import lifecycle
from mediation.dates import now as local_now
from mediation.identifiers import lookup_key
from models import AccessRecord, Employer, EmployerReply, Message, Worker
from views.extensions import limiter

EMPLOYER_MOBILE = "13900139000"


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def received(db, make_case):
    case = make_case(workers=2)
    employer = db.get(Employer, case.employer_id)
    employer.phone = EMPLOYER_MOBILE
    db.add(employer)
    db.flush()
    return case


def send_link(client, case) -> str:
    token = csrf_from(client, f"/cases/{case.id}")
    response = client.post(f"/cases/{case.id}/employer-link", data={"csrf_token": token})
    assert response.status_code == 302
    return response


def link_in_sms(db) -> str:
    message = db.exec(
        select(Message)
        .where(Message.recipient_key == lookup_key("phone", EMPLOYER_MOBILE))
        .order_by(Message.id.desc())
    ).first()
    return re.search(r"http://localhost(/respond/\S+)", message.text).group(1)


def test_the_employer_agrees_and_the_mediator_sees_it(client, db, received, login_as):
    login_as("mediator", "NH-LS")
    send_link(client, received)
    url = link_in_sms(db)
    client.post("/logout", data={"csrf_token": csrf_from(client, url)})  # the employer has none

    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    workers = db.exec(select(Worker).where(Worker.case_id == received.id)).all()
    assert all(w.name in html for w in workers)
    assert not any(w.id_number in html or w.phone in html for w in workers)
    assert "10,000.00" in text_of(html, "claimants")
    logged = db.exec(select(AccessRecord).where(AccessRecord.kind == "employer_page")).first()
    assert logged.case_id == received.id and logged.username == "被申请单位"

    when = (local_now() + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    answered = client.post(
        url,
        data={
            "agrees": "yes",
            "proposed_1": when,
            "contact_name": "人事部刘女士",
            "version": "1",
            "csrf_token": csrf_from(client, url),
        },
    )
    assert answered.status_code == 200 and "答复已提交" in answered.get_data(as_text=True)

    login_as("mediator", "NH-LS")
    case_page = client.get(f"/cases/{received.id}").get_data(as_text=True)
    assert "同意调解" in text_of(case_page, "employer-reply")
    assert "人事部刘女士" in text_of(case_page, "employer-reply")


def test_refusing_needs_a_reason(client, db, received, login_as):
    login_as("mediator", "NH-LS")
    send_link(client, received)
    url = link_in_sms(db)
    refused = client.post(
        url, data={"agrees": "no", "version": "1", "csrf_token": csrf_from(client, url)}
    )
    assert refused.status_code == 422
    assert "不同意调解请说明理由" in refused.get_data(as_text=True)
    reply = db.exec(select(EmployerReply)).one()
    assert reply.answered_at is None


def test_the_link_dies_with_the_acceptance_decision(client, db, received, login_as, make_user):
    mediator = login_as("mediator", "NH-LS")
    send_link(client, received)
    url = link_in_sms(db)
    lifecycle.accept(db, received, mediator, date(2024, 5, 8), today=date(2026, 11, 24))
    db.flush()
    assert client.get(url).status_code == 404


def test_no_link_without_a_mobile(client, db, received, login_as):
    employer = db.get(Employer, received.employer_id)
    employer.phone = "0757-85621234"
    db.add(employer)
    db.flush()
    login_as("mediator", "NH-LS")
    response = send_link(client, received)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "没有登记手机号码" in page
    assert db.exec(select(EmployerReply)).first() is None


def test_an_unknown_link_is_not_found(client, db):
    assert client.get("/respond/not-a-token").status_code == 404


def test_the_employer_changes_its_answer_until_the_decision(client, db, received, login_as):
    login_as("mediator", "NH-LS")
    send_link(client, received)
    url = link_in_sms(db)
    first = client.post(
        url, data={"agrees": "yes", "version": "1", "csrf_token": csrf_from(client, url)}
    )
    version = re.search(r'name="version"[^>]*value="(\d+)"', first.get_data(as_text=True))
    changed = client.post(
        url,
        data={
            "agrees": "no",
            "reason": "已自行支付",
            "version": version.group(1),
            "csrf_token": csrf_from(client, url),
        },
    )
    assert changed.status_code == 200 and "答复已提交" in changed.get_data(as_text=True)
    reply = db.exec(select(EmployerReply)).one()
    db.refresh(reply)
    assert reply.agrees is False and reply.reason == "已自行支付"
