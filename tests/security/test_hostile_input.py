"""Stored XSS payloads in free-text fields are inert on pages, in the API and in exports."""

import csv
import io
import shutil
import subprocess

import pytest
from sqlmodel import select

from mediation.cases import lifecycle
from models import User


def accepted(db, case):
    """The ledger lists cases from acceptance on."""
    lifecycle.accept(
        db, case, db.get(User, case.created_by_id), case.received_on, today=case.received_on
    )
    return case


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_payloads_are_escaped_on_pages_and_exports(client, db, login_as, make_case):
    case = accepted(
        db, make_case("NH-LS", employer=f"佛山市{PAYLOAD}有限公司", facts=PAYLOAD, requests=PAYLOAD)
    )
    user = login_as("centre_supervisor", "NH-LS")
    assert db.exec(select(User).where(User.id == user.id)).one()
    for url in (f"/cases/{case.id}", "/cases/", f"/cases/{case.id}/print/sheet", "/employers"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url
    body = client.get(f"/api/cases/{case.id}").get_data(as_text=True)
    assert "<script>" not in body  # JSON escapes < as \\u003c
    export = client.get("/ledger/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    employer_column = rows[0].index("被申请单位")
    assert rows[1][employer_column] == f"佛山市{PAYLOAD}有限公司"  # data intact, never executed


def test_formula_payloads_are_neutralised_in_exports(client, db, login_as, make_case):
    accepted(db, make_case("NH-LS", employer='=HYPERLINK("http://evil.example","点我")'))
    login_as("centre_supervisor", "NH-LS")
    export = client.get("/ledger/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    column = rows[0].index("被申请单位")
    assert rows[1][column].startswith("'=")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_payloads_print_as_plain_text_in_pdfs(client, db, login_as, make_case, tmp_path):
    case = accepted(db, make_case("NH-LS", employer=f"佛山市{PAYLOAD}有限公司", facts=PAYLOAD))
    login_as("centre_supervisor", "NH-LS")
    response = client.get(f"/cases/{case.id}/print/sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "<script>" in "".join(text.split())  # shown as the letters typed, never markup


def test_stray_query_arguments_neither_break_lists_nor_ride_along(client, login_as, make_case):
    """url_for has arguments of its own (endpoint, kind, _external): a list page must not pass
    the query string on to it wholesale."""
    make_case("NH-LS")
    login_as("centre_supervisor", "NH-LS")
    junk = "endpoint=x&kind=x&_external=1&_anchor=x&cursor=x&page=x"
    lists = (f"/cases/?status=open&{junk}", f"/employers?q=佛山&{junk}", f"/lawyers?q=律&{junk}")
    for url in lists:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "endpoint=x" not in html and "_anchor" not in html and "http://" not in html, url
    listing = client.get(f"/cases/?status=open&{junk}").get_data(as_text=True)
    assert "/ledger/export.csv?status=open" in listing  # the filter itself is carried
