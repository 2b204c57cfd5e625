"""The periodic report's page, submission, print, PDF, workbook and JSON contract."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlmodel import select

from conftest import csrf_from, text_of
from mediation.cases import lifecycle
from models import PeriodReport, User

TODAY = date(2026, 11, 24)
Q1 = {"period": "custom", "from": "2021-01-01", "to": "2021-03-31"}


def test_period_contract_holds_the_identity_and_agrees_with_stats(client, login_as, stats_dataset):
    login_as("city_supervisor")
    report = client.get("/api/reports/period?from=2021-03-01&to=2021-03-31").get_json()
    stats = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()["mediation"]
    for key in (
        "carried_over",
        "accepted",
        "reopened",
        "collective",
        "workers",
        "collective_workers",
        "closed",
        "succeeded",
        "failed",
        "withdrawn",
        "open_at_end",
        "claimed_fen",
        "agreed_fen",
        "paid_fen",
        "legal_services",
    ):
        assert key in report, key
    assert (
        report["carried_over"] + report["accepted"] + report["reopened"] - report["closed"]
        == report["open_at_end"]
    )
    assert report["closed"] == report["succeeded"] + report["failed"] + report["withdrawn"]
    # March 2021: five accepted; two succeeded and one failed in March, one withdrawn in April
    assert (report["accepted"], report["closed"], report["open_at_end"]) == (5, 3, 2)
    assert (report["collective"], report["collective_workers"]) == (1, 10)
    assert report["accepted"] == stats["handled"]
    assert (report["agreed_fen"], report["paid_fen"]) == (
        stats["recovered_fen"],
        stats["paid_fen"],
    )
    april = client.get("/api/reports/period?from=2021-04-01&to=2021-04-30").get_json()
    assert april["carried_over"] == report["open_at_end"]
    assert (april["accepted"], april["withdrawn"]) == (1, 1)


def test_period_contract_respects_scope(client, login_as):
    login_as("district_supervisor", None, "NH")
    assert client.get("/api/reports/period?district=CC").status_code == 403
    assert client.get("/api/reports/period?district=NH").status_code == 200
    assert client.get("/api/reports/period?from=2021-13-01").status_code == 400


def test_submitted_report_is_locked_and_corrections_are_shown(
    client, login_as, db, make_case, stats_dataset
):
    user = login_as("centre_supervisor", "NH-LS")
    query = "period=custom&from=2021-03-01&to=2021-03-31&centre=NH-LS"
    page = client.get(f"/reports/period?{query}")
    assert "未报送" in text_of(page.text, "report-status")
    token = csrf_from(client, f"/reports/period?{query}")
    response = client.post(
        f"/reports/period/submit?{query}",
        data={"csrf_token": token, "responsible": "李主任", "preparer": "王五"},
    )
    assert response.status_code == 302
    assert text_of(client.get(f"/reports/period?{query}").text, "row-accepted").split()[-1] == "4"

    actor = db.get(User, user.id)
    late = make_case("NH-LS", received_on=date(2021, 3, 5), actor=actor)
    lifecycle.accept(db, late, actor, date(2021, 3, 5), today=TODAY)  # late data
    db.flush()
    page = client.get(f"/reports/period?{query}").text
    assert text_of(page, "row-accepted").split()[-3:] == ["4", "5", "+1"]  # 报送数 当前数 更正
    refused = client.post(f"/reports/period/submit?{query}", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "更正理由" in refused.text
    client.post(
        f"/reports/period/submit?{query}", data={"csrf_token": token, "reason": "补录受理案件"}
    )
    page = client.get(f"/reports/period?{query}").text
    assert "第2版" in text_of(page, "report-status")
    assert "补录受理案件" in text_of(page, "report-versions")
    assert [v.version for v in db.exec(select(PeriodReport))] == [1, 2]


def test_others_may_not_submit_a_centre_report(client, login_as, db):
    login_as("mediator", "NH-LS")
    token = csrf_from(client, "/account/password")
    response = client.post(
        "/reports/period/submit?period=2021&centre=NH-LS", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert "报送本报表" not in client.get("/reports/period?period=2021").text


def test_print_pdf_and_workbook_in_the_form_layout(client, login_as, stats_dataset):
    login_as("city_supervisor")
    query = "period=custom&from=2021-03-01&to=2021-03-31"
    page = client.get(f"/reports/period/print?{query}").text
    for words in ("表号", "制表机关", "填报单位", "报告期", "单位负责人", "填表人", "报出日期"):
        assert words in page
    assert "期末未结案件数" in page
    pdf = client.get(f"/reports/period.pdf?{query}")
    assert pdf.data.startswith(b"%PDF")
    book = load_workbook(BytesIO(client.get(f"/reports/period.xlsx?{query}").data))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any(str(c).startswith("表号") for c in cells)
    assert any(str(c).startswith("填报单位：佛山市") for c in cells)
    rows = {row[0]: row[3] for row in book.active.iter_rows(values_only=True) if row[0]}
    assert rows["本期受理案件数"] == 5
    assert rows["期末未结案件数"] == 2
