"""Stored XSS in every free-text column is inert on every page, in printed PDFs, in exports and
in the API.

The demo data gives every table rows; then every string column that is not a code, an
enumeration, a hash or a checked identifier is overwritten with a payload carrying a marker
(`x<n>x`, n naming the column). The crawl fetches every GET route for a case of each status and
the cases' documents. No page may carry a marker followed by a raw "<"; every column's marker
must be seen somewhere (escaped on pages, as typed in PDFs, exports and the API), so a field
that is shown unescaped, or a page that stops showing a field, fails here.
"""

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import String, Text, insert, update
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel, select

from conftest import PDF, upload
from mediation.dates import today
from mediation.documents import case_documents as documents
from mediation.legal.cases import add_stage
from mediation.reference import mediators
from mediation.reports import letters
from mediation.reports.periodic import period_figures
from mediation.scope import Scope
from mediation.statistics.period import period_from_picker
from models import (
    Attachment,
    Case,
    CaseStatus,
    DocumentService,
    Employer,
    EmployerCounsel,
    EmployerReply,
    Lawyer,
    LegalCase,
    MediationSession,
    Message,
    PeriodReport,
    Rating,
    User,
    Worker,
    utcnow,
)

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"

# String columns holding codes, enumerations, hashes or identifiers checked on input (the
# product refuses anything else there). Every other string column is free text.
STRUCTURED = {
    "calendar_day": {"kind"},
    "district": {"code"},
    "centre": {"code"},
    "employer": {"credit_code"},
    "employer_counsel": {"firm_credit_code"},
    "case_rollup": {"kind", "value", "status"},
    "user": {"username", "password_hash", "role"},
    "lawyer": {"certificate_no", "firm_credit_code"},
    "mediation_case": {
        "number",
        "channel",
        "application_form",
        "category",
        "status",
        "failure_reason",
        "number_key",  # search key derived from the number
    },
    "attachment": {"kind", "stored_name", "content_type", "sha256"},
    "audit_event": {"action"},
    "case_worker": {"id_type", "id_number", "id_key", "phone_key"},  # keys: search, never shown
    "claim_line": {"kind"},
    "legal_case": {"number", "number_key", "service_type", "outcome"},
    "legal_stage": {"stage"},
    "legal_worker": {"id_type", "id_number"},
    "case_reopening": {"outcome"},
    "period_report": {"scope_kind", "scope_code"},
    # The online services: codes, links' tokens and keys are never shown; phones only masked.
    "one_time_code": {"purpose", "subject", "phone_key", "code_hash"},
    # (an application's data and a message's values are JSON: what they hold is shown, escaped,
    # on the case the application became and in the message's text)
    "online_application": {"token", "reference", "status", "phone", "remote_addr", "data"},
    # provider_ref: the provider's name for a message (SerialNo, Message-ID), never shown
    "message": {
        "kind",
        "channel",
        "status",
        "dedupe_key",
        "recipient",
        "recipient_key",
        "params",
        "provider_ref",
    },
    "employer_reply": {"token", "phone"},
    "document_service": {"doc_code", "token", "phone"},
    "rating": {"token"},
    "data_key_check": {"key_id", "token"},  # models.crypto: the data key's id and check
    "stored_file": {"key", "media_type", "sha256"},
    # a job's texts are made by the app (titles from case numbers, centre names and a ledger
    # file's cleaned name, escaped) and shown only on its own page, tested in
    # tests/web/test_jobs.py; result_url is a path the app built (url_for), never shown
    "job": {
        "id",
        "kind",
        "state",
        "worker_token",
        "result_key",
        "title",
        "error",
        "result_name",
        "result_url",
    },
    "due_item": {"kind", "job_id"},
    "access_log": {"kind", "document"},  # document: a print's key (sheet, minutes:12)
    "security_event": {"kind"},
    "ledger_upload": {"token", "sha256", "status"},
    "letter_counter": {"unit", "kind"},
    "supervision_letter": {"kind", "unit", "service_method", "number"},  # number: generated
    # a form kept across an expired login: its values go back into the form (escaped by
    # WTForms, tests/web/test_refill.py); these columns are keys, never shown
    "saved_form": {"token", "username", "path"},
    "ledger_mapping": {"signature"},  # a hash of the header names, never shown
}
# Append-only tables (the database refuses UPDATE): poisoned by a row inserted with every
# free-text column set, and the other columns as given here.
APPEND_ONLY = {"access_log": {"kind": "case_page"}, "security_event": {"kind": "login_failed"}}
# Free text the product keeps without showing it on any page, document or export.
NOT_SHOWN: dict[str, str] = {
    "message.error": "the provider's refusal, for operators reading the message table",
    # The preview shows the name from the stored preview (its own test escapes it); the column
    # itself is never rendered.
    "ledger_upload.filename": "kept to name an imported file",
}


def free_text_columns() -> list[tuple[str, str, int | None]]:
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else None
            if not isinstance(kind or column.type, (String, Text)):
                continue
            if column.name not in STRUCTURED.get(table.name, set()):
                found.append((table.name, column.name, getattr(column.type, "length", None)))
    return found


COLUMNS = free_text_columns()
ESCAPED = re.compile(r"x(\d+)x\d*&lt;")
RAW = re.compile(r"x(\d+)x\d*<")


def poison(db) -> None:
    """Overwrite every free-text column of every row with the payload and the column's marker
    (unique columns get the row id too), cut to the column's length."""
    tables = SQLModel.metadata.tables
    inserted = {name: {**columns, "at": utcnow()} for name, columns in APPEND_ONLY.items()}
    for n, (table_name, column_name, length) in enumerate(COLUMNS):
        table = tables[table_name]
        column = table.c[column_name]
        if table_name in inserted:
            inserted[table_name][column_name] = f"x{n}x{PAYLOAD}"[: length or None]
        elif column.unique:
            for row_id in db.exec(select(table.c.id)).all():
                value = f"x{n}x{row_id}{PAYLOAD}"[:length]
                db.exec(update(table).where(table.c.id == row_id).values({column_name: value}))
        else:
            db.exec(update(table).values({column_name: f"x{n}x{PAYLOAD}"[: length or None]}))
    for table_name, values in inserted.items():
        db.exec(insert(tables[table_name]).values(values))
    db.expire_all()


@pytest.fixture
def world(app, db, client, login_as, tmp_path, monkeypatch):
    """Demo data with an attachment and a legal stage, poisoned; the admin logged in."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    cases = {
        status: db.exec(select(Case).where(Case.status == status.value).order_by(Case.id)).first()
        for status in CaseStatus
    }
    legal = db.exec(select(LegalCase).order_by(LegalCase.id)).first()
    admin = login_as("admin")
    succeeded = cases[CaseStatus.SUCCEEDED]
    assert upload(client, succeeded, PDF, "协议.pdf", note="签章").status_code == 302
    add_stage(db, legal, admin, "开庭", legal.accepted_on, note="第一次开庭")
    this_year = period_from_picker(None, today())  # the report page's default, city-wide
    figures = period_figures(db, this_year, None).as_dict()
    db.add(PeriodReport(scope_kind="city", period_start=this_year.start,
                        period_end=this_year.end, figures=figures, reason="更正",
                        responsible="负责人", preparer="填表人"))  # fmt: skip
    online_records(db, cases[CaseStatus.RECEIVED], succeeded)
    letter = letters.issue_letter(
        db,
        admin,
        Scope(centre_ids=None),
        db.get(Employer, succeeded.employer_id),
        letters.LetterData("opinion", succeeded.received_on, [succeeded.id], [], "问题", "要求"),
        today(),
    )
    day = succeeded.received_on
    letters.record_service(db, letter, admin, day, "direct", "签收人", today())
    letters.record_reply(db, letter, admin, day, "回复", today())
    letters.record_referral(db, letter, admin, day, "移送", today())
    mediator = db.exec(select(User).where(User.role == "mediator").order_by(User.id)).first()
    mediators.save_specialties(db, admin, mediator, "擅长", 0)
    mediators.add_qualification(db, admin, mediator, "证书", "001", "发证机关", day, today())
    db.flush()
    poison(db)
    return {"cases": list(cases.values()), "legal": legal, "admin": admin, "letter": letter}


def online_records(db, received: Case, succeeded: Case) -> None:
    """An employer's answer, a message, an electronic service and a rating with a comment."""
    worker = db.exec(select(Worker).where(Worker.case_id == succeeded.id)).first()
    db.add(EmployerReply(case_id=received.id, token="t1", phone="13900139000", agrees=False,
                         reason="理由", contact_name="联系人", answered_at=utcnow()))  # fmt: skip
    db.add(Message(case_id=succeeded.id, kind="accepted", channel="outbox",
                   recipient="13900139000", text="通知"))  # fmt: skip
    db.add(DocumentService(case_id=succeeded.id, worker_id=worker.id, doc_code="agreement",
                           title="调解协议书", token="t2", phone="13900139000"))  # fmt: skip
    db.add(Rating(case_id=succeeded.id, worker_id=worker.id, centre_id=succeeded.centre_id,
                  closed_on=today(), token="t3", score=4, comment="意见",
                  answered_at=utcnow()))  # fmt: skip


def case_urls(app, db, case: Case) -> list[str]:
    """Every GET page of a case (forms included), and its documents."""
    session = db.exec(select(MediationSession.id).where(MediationSession.case_id == case.id))
    attachment = db.exec(select(Attachment.id).where(Attachment.case_id == case.id))
    values = {
        "case_id": case.id,
        "session_id": session.first(),
        "attachment_id": attachment.first(),
    }
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "case_id" not in rule.arguments:
            continue
        if rule.endpoint == "sheets.page" or rule.endpoint == "sheets.pdf":
            continue  # below, one per document that applies
        if any(values.get(arg) is None for arg in rule.arguments):
            continue
        urls.append(adapter.build(rule.endpoint, {arg: values[arg] for arg in rule.arguments}))
    for link in documents.applicable(db, case):
        query = f"?session={link.session_id}" if link.session_id else ""
        urls.append(f"/cases/{case.id}/print/{link.code}{query}")
    return urls


def other_urls(app, db, world) -> list[str]:
    """Every GET page that is not a case's, with the ids it needs."""
    legal = world["legal"]
    some_user = db.exec(select(User).where(User.role == "mediator").order_by(User.id)).first()
    values = {
        "legal_id": legal.id,
        "user_id": some_user.id,
        "centre_id": some_user.centre_id,
        "employer_id": db.exec(select(EmployerCounsel.employer_id)).first(),
        "lawyer_id": db.exec(select(Lawyer.id)).first(),
        "kind": "csv",
        "letter_id": world["letter"].id,
    }
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "case_id" in rule.arguments or rule.endpoint == "static":
            continue
        if rule.endpoint == "main.favicon":
            continue  # a vendored file, like static/: it shows no stored text
        if rule.endpoint in {"auth.logout", "ledger.preview", "calendar.delete"}:
            continue  # POST-only in practice, or a one-off import token
        if any(values.get(arg) is None for arg in rule.arguments):
            continue
        urls.append(adapter.build(rule.endpoint, {arg: values[arg] for arg in rule.arguments}))
    return [*urls, "/ledger/export.xlsx", "/cases/?q=x", "/legal?q=x"]


def texts_of(response) -> list[str]:
    """What a person (or a program) reading the response sees, as text."""
    if response.mimetype == "application/pdf":
        return [pdf_text(response.data)]
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data))
        return [
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
    if response.mimetype == "text/csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    if response.mimetype == "application/json":
        return [json.dumps(response.get_json(), ensure_ascii=False)]
    return [response.get_data(as_text=True)]


def pdf_text(data: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return "".join(text.split())  # the payload may wrap across lines


def markers_shown(url: str, response) -> set[int]:
    """The columns whose payload the response shows, after checking it shows none raw (a 422 is
    a case action the case's status refuses: a page like any other)."""
    assert response.status_code in (200, 302, 422), (url, response.status_code)
    if response.status_code == 302:
        return set()
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not RAW.search(html), (url, RAW.search(html).group(0))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        return {int(n) for n in ESCAPED.findall(html)}
    # Downloads are never rendered as pages: a file type, an attachment, no sniffing.
    assert response.headers["X-Content-Type-Options"] == "nosniff", url
    if response.mimetype != "application/json":
        assert "attachment" in response.headers.get("Content-Disposition", ""), url
    if "/attachments/" in url:
        return set()  # the scan as uploaded
    shown = set()
    for text in texts_of(response):
        shown |= {int(n) for n in RAW.findall(text)}
        if response.mimetype == "application/pdf":
            # Printed as typed: each marker is followed by the payload's own "<", never by what
            # a renderer would leave of an interpreted tag.
            assert not re.search(r"x\d+x\d*alert", text), url
    return shown


def test_every_free_text_field_is_inert_everywhere(app, db, client, world, login_as):
    assert len(COLUMNS) >= 40, COLUMNS  # the classification above still matches the schema
    seen: set[int] = set()
    urls = [u for case in world["cases"] for u in case_urls(app, db, case)]
    urls += other_urls(app, db, world)
    pdfs = {}
    for url in urls:
        if "/print/" in url:
            page, _, query = url.partition("?")
            pdfs[page.rsplit("/", 1)[1]] = f"{page}.pdf?{query}"
    if shutil.which("pdftotext"):
        urls += list(pdfs.values())  # each kind of document once
    for url in urls:
        response = client.get(url)
        try:
            seen |= markers_shown(url, response)
        finally:
            response.close()  # as a WSGI server would: streamed exports close their files
    missing = {f"{t}.{c}" for n, (t, c, _) in enumerate(COLUMNS) if n not in seen} - set(NOT_SHOWN)
    assert not missing, f"free text never shown (escaped) anywhere: {sorted(missing)}"
