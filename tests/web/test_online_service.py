"""Electronic service: a link by SMS opens the document only after a code sent to the same
phone; that moment is the time of service, shown on the 送达回证; the served copy masks every
ID number and phone."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from, succeed
from mediation.identifiers import lookup_key
from models import AccessRecord, DocumentService, Message, Worker
from views.extensions import limiter


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def agreed(db, make_case, make_user):
    mediator = make_user("mediator", "NH-LS")
    case = make_case(workers=2, actor=mediator)
    workers = list(db.exec(select(Worker).where(Worker.case_id == case.id)))
    for worker in workers:
        worker.notices_consent = True
        db.add(worker)
    succeed(db, case, mediator, date(2024, 5, 10))
    return case, workers


def serve_agreement(client, case, workers):
    token = csrf_from(client, f"/cases/{case.id}")
    data = {"doc": "agreement", "workers": [workers[0].id], "csrf_token": token}
    return client.post(f"/cases/{case.id}/serve", data=data)


def link_and_code(db, phone: str, kind: str) -> str:
    message = db.exec(
        select(Message)
        .where(Message.recipient_key == lookup_key("phone", phone), Message.kind == kind)
        .order_by(Message.id.desc())
    ).first()
    return message.text


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def open_with_code(client, db, url, phone):
    client.post(url, data={"resend": "1", "csrf_token": csrf_from(client, url)})
    code = re.search(r"验证码为(\d{6})", link_and_code(db, phone, "code")).group(1)
    return client.post(
        url, data={"code": code, "submit": "1", "csrf_token": csrf_from(client, url)}
    )


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_a_served_agreement_opens_with_the_code_and_the_receipt_shows_when(
    client, db, agreed, login_as
):
    case, workers = agreed
    login_as("mediator", "NH-LS")
    assert serve_agreement(client, case, workers).status_code == 302
    sms = link_and_code(db, workers[0].phone, "service")
    url = re.search(r"http://127\.0\.0\.1:5000(/served/\S+)", sms).group(1)
    client.post("/logout", data={"csrf_token": csrf_from(client, f"/cases/{case.id}")})

    assert client.get(url).status_code == 200  # a link preview fetches this: not opened
    record = db.exec(select(DocumentService)).one()
    assert record.opened_at is None
    assert client.get(url + "/document.pdf").status_code == 302

    opened = open_with_code(client, db, url, workers[0].phone)
    assert opened.status_code == 302
    db.refresh(record)
    assert record.opened_at is not None
    document = client.get(url + "/document.pdf")
    assert document.mimetype == "application/pdf"
    text = pdf_text(document.data)
    assert "调解协议书" in text
    assert not any(w.id_number in text or w.phone in text for w in workers)
    logged = db.exec(select(AccessRecord).where(AccessRecord.kind == "party_document")).one()
    assert logged.case_id == case.id and "调解协议书" in logged.detail

    login_as("mediator", "NH-LS")
    receipt = client.get(f"/cases/{case.id}/print/service").get_data(as_text=True)
    assert "电子送达记录" in receipt and "尚未打开" not in receipt
    assert workers[0].name in receipt


def test_a_wrong_code_opens_nothing(client, db, agreed, login_as):
    case, workers = agreed
    login_as("mediator", "NH-LS")
    serve_agreement(client, case, workers)
    url = re.search(r"(/served/\S+)", link_and_code(db, workers[0].phone, "service")).group(1)
    client.post(url, data={"resend": "1", "csrf_token": csrf_from(client, url)})
    wrong = client.post(
        url, data={"code": "000000", "submit": "1", "csrf_token": csrf_from(client, url)}
    )
    assert wrong.status_code == 422
    assert db.exec(select(DocumentService)).one().opened_at is None


def test_only_consenting_workers_and_only_servable_documents(client, db, agreed, login_as):
    case, workers = agreed
    workers[1].notices_consent = False
    db.add(workers[1])
    db.flush()
    login_as("mediator", "NH-LS")
    token = csrf_from(client, f"/cases/{case.id}")
    data = {"doc": "agreement", "workers": [workers[1].id], "csrf_token": token}
    page = client.get(client.post(f"/cases/{case.id}/serve", data=data).headers["Location"])
    assert "请选择同意电子送达" in page.get_data(as_text=True)
    data = {"doc": "application", "workers": [workers[0].id], "csrf_token": token}
    page = client.get(client.post(f"/cases/{case.id}/serve", data=data).headers["Location"])
    assert "该文书目前不能送达" in page.get_data(as_text=True)
    assert db.exec(select(DocumentService)).first() is None


def test_an_unknown_link_is_not_found(client, db):
    assert client.get("/served/not-a-token").status_code == 404


def test_the_mediator_records_a_workers_consent(client, db, make_case, login_as):
    case = make_case(workers=1)
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).one()
    login_as("mediator", "NH-LS")
    token = csrf_from(client, f"/cases/{case.id}")
    url = f"/cases/{case.id}/workers/{worker.id}/consent"
    assert client.post(url, data={"consents": "1", "csrf_token": token}).status_code == 302
    db.refresh(worker)
    assert worker.notices_consent
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已同意" in page and "接收短信通知和电子送达" in page  # the badge and the timeline
    client.post(url, data={"consents": "0", "csrf_token": token})
    db.refresh(worker)
    assert not worker.notices_consent
