"""Following one's own case at /track: the same answer whether or not the case and the person
are known, a code to the phone on record, and only the worker's own part of the case."""

import re
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from, succeed, text_of
from mediation.identifiers import lookup_key
from models import AccessRecord, Message, Worker
from views.extensions import limiter


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def agreed_case(db, make_case, make_user):
    """Two workers, an agreement for 10,000.00 each, paid."""
    mediator = make_user("mediator", "NH-LS")
    case = make_case(workers=2, actor=mediator)
    succeed(db, case, mediator, date(2024, 5, 10))
    workers = db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.position))
    return case, list(workers)


def ask(client, number: str, id_number: str):
    token = csrf_from(client, "/track")
    return client.post(
        "/track", data={"number": number, "id_number": id_number, "csrf_token": token}
    )


def code_sent_to(db, phone: str) -> str | None:
    message = db.exec(
        select(Message)
        .where(Message.recipient_key == lookup_key("phone", phone))
        .order_by(Message.id.desc())
    ).first()
    return re.search(r"验证码为(\d{6})", message.text).group(1) if message else None


def enter(client, location: str, code: str):
    token = csrf_from(client, location)
    return client.post(location, data={"code": code, "submit": "1", "csrf_token": token})


def test_a_worker_sees_their_own_part_of_the_case(client, db, agreed_case):
    case, (first, second) = agreed_case
    full_width = case.number.replace("(", "（").replace(")", "）")
    asked = ask(client, full_width, first.id_number.lower())
    assert asked.status_code == 302
    verified = enter(client, asked.headers["Location"], code_sent_to(db, first.phone))
    assert verified.status_code == 302
    page = client.get("/track/case")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert text_of(html, "case-number") == case.number
    assert "调解成功" in text_of(html, "stage")
    assert text_of(html, "agreed") == "10,000.00"
    assert text_of(html, "paid") == "10,000.00"
    assert first.name in html
    assert second.name not in html and second.id_number not in html and second.phone not in html
    logged = db.exec(select(AccessRecord).where(AccessRecord.kind == "party_case")).one()
    assert logged.case_id == case.id and logged.username == f"申请人{first.name}"
    assert logged.user_id is None


def test_an_unknown_person_gets_the_same_answer_and_no_code(client, db, agreed_case):
    case, (first, _) = agreed_case
    known = ask(client, case.number, first.id_number)
    unknown = ask(client, case.number, "440605199001010011")
    nonsense = ask(client, "（2099）不存在调字第1号", first.id_number)
    assert known.status_code == unknown.status_code == nonsense.status_code == 302
    pages = [client.get(r.headers["Location"]).get_data(as_text=True) for r in (known, unknown)]
    without_tokens = [re.sub(r'value="[^"]+"', "", p) for p in pages]
    assert without_tokens[0] == without_tokens[1]
    assert len(db.exec(select(Message)).all()) == 1  # only the known worker's phone got one
    assert enter(client, unknown.headers["Location"], "000000").status_code == 422


def test_a_wrong_code_shows_nothing(client, db, agreed_case):
    case, (first, _) = agreed_case
    asked = ask(client, case.number, first.id_number)
    code = code_sent_to(db, first.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert enter(client, asked.headers["Location"], wrong).status_code == 422
    assert client.get("/track/case").status_code == 302


def test_a_tampered_link_is_not_found(client, db):
    assert client.get("/track/verify/not-a-token").status_code == 404


def test_leaving_ends_the_view(client, db, agreed_case):
    case, (first, _) = agreed_case
    asked = ask(client, case.number, first.id_number)
    enter(client, asked.headers["Location"], code_sent_to(db, first.phone))
    assert client.get("/track/case").status_code == 200
    token = csrf_from(client, "/track/case")
    client.post("/track/end", data={"csrf_token": token})
    assert client.get("/track/case").status_code == 302


def test_asking_many_times_from_one_address_is_refused(client, db, agreed_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "CODE_REQUESTS_PER_IP", "2 per hour")
    case, (first, _) = agreed_case
    assert ask(client, case.number, "440605199001010011").status_code == 302
    assert ask(client, case.number, first.id_number).status_code == 302
    refused = ask(client, case.number, first.id_number)
    assert refused.status_code == 429
    assert "获取验证码过于频繁" in refused.get_data(as_text=True)
