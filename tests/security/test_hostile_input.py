"""Stored XSS payloads in free-text fields are inert on pages, in the API and in exports."""

import csv
import io
import shutil
import subprocess

import pytest
from sqlmodel import select

from conftest import PASSWORD, csrf_from
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


HUGE = "99999999999999999999"


def test_out_of_range_ids_and_odd_digits_never_answer_500(app, client, db, login_as, make_case):
    """Ids beyond the database's integer range are 404 on every <int:…> route and as query ids;
    digits that pass str.isdigit but not int() are no id either (issue 15's nineteen 500s)."""
    case = make_case("NH-LS")
    login_as("admin")
    for huge in (HUGE, str(2**31), str(2**63)):
        assert client.get(f"/cases/{huge}").status_code == 404
        assert client.get(f"/api/cases/{huge}").status_code == 404
        assert client.get(f"/cases/{case.id}/attachments/{huge}").status_code == 404
        assert client.get(f"/lawyers/{huge}").status_code == 404
        assert client.get(f"/employers/{huge}").status_code == 404
        assert client.get(f"/legal/{huge}").status_code == 404
        for query in ("cursor", "lawyer", "employer"):
            assert client.get(f"/cases/?{query}={huge}").status_code == 200, query
        assert client.get(f"/legal?cursor={huge}").status_code == 200
        assert client.get(f"/api/cases?cursor={huge}").status_code == 200
        assert client.get(f"/cases/{case.id}/print/sheet?session={huge}").status_code != 500
    for odd in ("²", "١٢", "½"):
        assert client.get(f"/cases/?lawyer={odd}").status_code == 200
        assert client.get(f"/cases/?employer={odd}").status_code == 200
        assert client.get(f"/cases/?cursor={odd}").status_code == 200
        assert client.get(f"/cases/{case.id}/print/sheet?session={odd}").status_code != 500


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&date_from=9999-01-01&date_to=9999-12-31",
        "period=custom&date_from=0001-01-01&date_to=2024-12-31",
        "period=custom&date_from=0001-01-01&date_to=0001-01-31",
        "period=9999",
        "period=0001-Q1",
        "period=9999-12",
    ],
)
def test_extreme_statistics_periods_are_a_chinese_error_at_the_field(client, login_as, query):
    login_as("city_supervisor")
    page = client.get(f"/stats?{query}")
    assert page.status_code == 200
    assert "has-error" in page.get_data(as_text=True)  # the period or date field says why
    for path in ("/stats/report", "/stats/union"):
        assert client.get(f"{path}?{query}").status_code == 200, path
    for path in ("/stats/export.xlsx", "/stats/union.xlsx", f"/api/stats?{query}"):
        assert client.get(f"{path}?{query}").status_code != 500, path


def test_a_newline_in_next_never_reaches_a_header(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    token = csrf_from(client, "/login")
    response = client.post(
        "/login?next=%2F%0D%0AX-Test:%201",
        data={"username": "liang", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-Test" not in response.headers
