"""The combined union report (工会劳动争议调处工作报告): mediation and legal services for a period
side by side, in the article's words, printable and exportable, inside the user's scope."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from conftest import text_of
from mediation.legal import cases as legal
from mediation.money import InvalidAmount, approximate_yuan
from mediation.statistics.union import UNION_DEFINITIONS

TODAY = date(2026, 11, 24)
MARCH = "?period=2021-03"


def _legal(db, centre, service, accepted_on, workers, outcome=None, recovered=0):
    created = legal.create_legal_case(
        db,
        None,
        centre,
        service,
        accepted_on,
        [legal.LegalWorkerData(f"职工{i + 1}", claimed_fen=200_000) for i in range(workers)],
        today=TODAY,
    )
    if outcome:
        amounts = {w.id: (recovered, recovered) for w in legal.workers_of(db, created)}
        legal.record_result(db, created, None, outcome, accepted_on, amounts, today=TODAY)
    return created


@pytest.fixture
def union_dataset(db, centres, stats_dataset):
    """stats_dataset (March 2021 mediation) plus legal services: at NH-LS an arbitration case
    for 3 workers (1,000 yuan each recovered) and a pending litigation case for 2 workers; at
    CC-ZC an arbitration case for 1 worker (500 yuan); advice (not counted) and April (outside)."""
    nh, cc = centres["NH-LS"], centres["CC-ZC"]
    _legal(db, nh, "仲裁代理", date(2021, 3, 5), 3, "胜诉", 100_000)
    _legal(db, nh, "诉讼代理", date(2021, 3, 20), 2)
    _legal(db, cc, "仲裁代理", date(2021, 3, 10), 1, "部分胜诉", 50_000)
    _legal(db, nh, "法律咨询", date(2021, 3, 11), 4, "调解结案", 70_000)
    _legal(db, nh, "仲裁代理", date(2021, 4, 2), 5, "胜诉", 100_000)
    db.flush()
    return stats_dataset | {"legal_cases": 3, "legal_workers": 6, "legal_recovered_fen": 350_000}


# --- approximate_yuan ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fen,text",
    [
        (14_000_000_000, "约1.4亿元"),
        (11_000_000_000, "约1.1亿元"),
        (22_767_500, "约22.8万元"),
        (2_277_000_000, "约2,277.0万元"),
        (1_100_000, "约1.1万元"),
        (999_999, "约1.0万元"),  # 9,999.99元 rounds up into 万元
        (9_999_960_000, "约1.0亿元"),  # 9,999.96万元 rounds up into 亿元
        (350_000, "3,500元"),
        (123_456, "约1,235元"),
        (0, "0元"),
    ],
)
def test_approximate_yuan(fen, text):
    assert approximate_yuan(fen) == text


def test_approximate_yuan_refuses_negative_and_non_integers():
    with pytest.raises(InvalidAmount):
        approximate_yuan(-1)
    with pytest.raises(TypeError):
        approximate_yuan(1.5)


# --- the page -------------------------------------------------------------------------------


def test_page_shows_both_families_and_the_summary(client, login_as, union_dataset):
    login_as("city_supervisor")
    response = client.get("/stats/union" + MARCH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    expected = union_dataset
    recovered = expected["recovered_fen"]
    assert text_of(page, "stats-scope") == "佛山市（全市）"
    assert "2021年3月（2021-03-01 至 2021-03-31）" in text_of(page, "stats-period")
    assert text_of(page, "union-handled") == "5 宗"
    assert text_of(page, "union-succeeded") == "2 宗"
    assert text_of(page, "union-rate").startswith("40.00%＝2 / 5")
    assert text_of(page, "union-served").startswith("17 人次")
    assert text_of(page, "union-benefited") == "12"
    assert text_of(page, "union-recovered").startswith(f"{recovered / 100:,.2f} 元")
    assert text_of(page, "union-paid").startswith("10,000.00 元")
    assert text_of(page, "union-legal-cases") == "3 宗"
    assert text_of(page, "union-legal-workers").startswith("6 人次")
    assert text_of(page, "union-legal-recovered").startswith("3,500.00 元")
    assert text_of(page, "union-summary") == (
        "2021年3月，全市各级工会承办仲裁、诉讼法律服务案件3宗，惠及职工6人次，"
        "为职工挽回经济损失3,500元；承接调解案件5宗，其中调解成功2宗，"
        f"为职工挽回经济损失{approximate_yuan(recovered)}。"
    )
    assert approximate_yuan(recovered).startswith("约") and "万元" in approximate_yuan(recovered)
    # By district, both families; the total row adds up.
    rows = text_of(page, "table-union")
    assert "禅城区 1 0 0.00%0 / 1 1 0.00 1 1 500.00" in rows
    assert f"南海区 4 2 50.00%2 / 4 16 {recovered / 100:,.2f} 2 5 3,000.00" in rows
    assert f"合计 5 2 40.00%2 / 5 17 {recovered / 100:,.2f} 3 6 3,500.00" in rows
    # Printable on its own: no navigation, the report styles, the definitions.
    assert "<nav" not in page and "退出" not in page
    assert "css/stats.css" in page and "report-page" in page
    assert all(text in page for text in UNION_DEFINITIONS)
    assert "style=" not in page and "<script" not in page


def test_statistics_page_links_to_the_union_report(client, login_as, union_dataset):
    login_as("city_supervisor")
    page = client.get("/stats" + MARCH).get_data(as_text=True)
    assert 'href="/stats/union?period=2021-03"' in page


def test_one_district_is_broken_down_by_centre(client, login_as, union_dataset):
    login_as("district_supervisor", district="NH")
    page = client.get("/stats/union" + MARCH).get_data(as_text=True)
    assert text_of(page, "stats-scope") == "南海区"
    assert "<h2>按调解中心</h2>" in page
    rows = text_of(page, "table-union")
    assert rows.startswith("调解中心") and "南海区里水镇劳动争议联合调解中心 4 2 50.00%" in rows
    assert "禅城区" not in rows
    assert text_of(page, "union-summary").startswith(
        "2021年3月，南海区各级工会承办仲裁、诉讼法律服务案件2宗，惠及职工5人次，"
        "为职工挽回经济损失3,000元；承接调解案件4宗，其中调解成功2宗"
    )


# --- the export -----------------------------------------------------------------------------


def test_export_holds_the_same_figures(client, login_as, union_dataset):
    login_as("city_supervisor")
    response = client.get("/stats/union.xlsx" + MARCH)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["工会调处工作"]
    sheet = book["工会调处工作"]
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    first = {line[0]: line for line in lines if line and line[0]}
    assert first["统计期间"][1] == "2021年3月"
    assert first["统计范围"][1] == "佛山市（全市）"
    notes = [line[1] for line in lines if len(line) > 1]
    assert all(text in notes for text in UNION_DEFINITIONS)
    assert "法律服务案件3宗" in first["概述"][1]

    cells = {row[0].value: row for row in sheet.iter_rows() if row and row[0].value}
    assert cells["承接调解案件"][1].value == 5 and isinstance(cells["承接调解案件"][1].value, int)
    assert cells["调解成功"][1].value == 2
    rate = cells["调解成功率"]
    assert (rate[1].value, rate[2].value, rate[3].value) == (0.4, 2, 5)
    assert rate[1].number_format == "0.00%"
    assert cells["受益职工人次"][1].value == 12
    assert cells["实际到位（元）"][1].value == 10_000
    assert cells["实际到位（元）"][1].number_format == "#,##0.00"
    assert cells["仲裁、诉讼法律服务案件"][1].value == 3
    # The labels shared by both blocks: the first is mediation's, the last the legal one's.
    served = [r for r in sheet.iter_rows() if r and r[0].value == "惠及职工人次"]
    assert [r[1].value for r in served] == [17, 6]
    money = [r[1] for r in sheet.iter_rows() if r and r[0].value == "挽回经济损失（元）"]
    assert money[0].value == pytest.approx(union_dataset["recovered_fen"] / 100)
    assert money[1].value == 3500 and money[1].number_format == "#,##0.00"

    headings = list(first["区"])
    legal_cases = headings.index("法律服务案件")
    assert first["禅城区"][1] == 1 and first["禅城区"][legal_cases] == 1
    assert first["南海区"][1] == 4 and first["南海区"][legal_cases] == 2
    assert first["合计"][1] == 5 and first["合计"][legal_cases] == 3
    assert first["合计"][-1] == 3500


# --- scope and roles ------------------------------------------------------------------------


def test_mediator_sees_their_centre_and_nothing_else(client, login_as, union_dataset):
    login_as("mediator", "CC-ZC")
    page = client.get("/stats/union" + MARCH).get_data(as_text=True)
    assert text_of(page, "stats-scope") == "禅城区张槎街道劳动争议联合调解中心"
    assert text_of(page, "union-handled") == "1 宗"
    assert text_of(page, "union-legal-cases") == "1 宗"
    assert text_of(page, "union-legal-recovered").startswith("500.00 元")
    for url in ("/stats/union?centre=NH-LS", "/stats/union.xlsx?centre=NH-LS"):
        assert client.get(url).status_code == 403, url
    assert client.get("/stats/union?district=NH").status_code == 403


def test_lawyers_get_403(client, login_as):
    login_as("lawyer", "NH-LS")
    assert client.get("/stats/union").status_code == 403
    assert client.get("/stats/union.xlsx").status_code == 403


def test_login_required(client):
    response = client.get("/stats/union")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
