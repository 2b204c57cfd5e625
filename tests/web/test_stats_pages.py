"""The statistics pages: figures with numerator and denominator, drill-down links whose case
list totals equal the numbers clicked, the .xlsx workbook, the printable report, scope and roles."""

import html
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from conftest import text_of
from mediation.statistics.figures import DEFINITIONS

MARCH = "/stats?period=2021-03"
LINK_RE = re.compile(r'<a class="drill" href="([^"]+)">([\d,]+)</a>')
TOTAL_RE = re.compile(r'id="case-total">(\d+)<')


def drill_links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(n.replace(",", ""))) for url, n in LINK_RE.findall(page)]


def case_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = TOTAL_RE.search(response.get_data(as_text=True))
    assert match, url
    return int(match.group(1))


def test_page_shows_the_known_figures(client, login_as, stats_dataset):
    login_as("city_supervisor")
    response = client.get(MARCH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert text_of(page, "stats-scope") == "佛山市（全市）"
    assert "2021年3月（2021-03-01 至 2021-03-31）" in text_of(page, "stats-period")
    for key in ("handled", "succeeded", "failed", "withdrawn", "open", "refused"):
        assert text_of(page, f"figure-{key}") == str(stats_dataset[key]), key
    assert text_of(page, "figure-overdue") == "1"
    assert "调解成功率（按受理数）40.00%＝2 / 5" in text_of(page, "rate-handled")
    assert "调解成功率（按结案数）50.00%＝2 / 4" in text_of(page, "rate-closed")
    recovered = stats_dataset["recovered_fen"]
    assert f"{recovered // 100:,}.{recovered % 100:02d} 元" in text_of(page, "figure-recovered")
    assert "10,000.00 元" in text_of(page, "figure-paid")
    assert text_of(page, "figure-served").startswith("17 人次")
    assert text_of(page, "figure-benefited").startswith("12 人次")
    assert text_of(page, "figure-days").startswith("3.0 天")
    # Breakdowns and the top respondents are on the page.
    for title in ("按区", "按调解中心", "按争议类别", "按案件来源", "按特约律师", "按月份"):
        assert f"<h2>{title}</h2>" in page
    assert "佛山市测试制造有限公司" in page
    assert "口径说明" in page


def test_charts_are_inline_svg_without_styles_or_scripts(client, login_as, stats_dataset):
    login_as("city_supervisor")
    response = client.get(MARCH)
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert page.count("<svg") >= 3  # the monthly trend, by district, by centre, ...
    assert 'id="chart-trend"' in page and 'id="chart-category"' in page
    assert "style=" not in page and "<script" not in page and "<style" not in page
    # Two series told apart by pattern, and labelled values, not colour alone.
    assert 'id="chart-trend-hatch"' in page
    assert ">调解成功</text>" in page


def test_picker_offers_periods_and_the_scope(client, login_as):
    login_as("city_supervisor")
    page = client.get("/stats").get_data(as_text=True)
    for option in ('value="last5"', 'value="custom"', '<optgroup label="季度">'):
        assert option in page
    assert '<optgroup label="月份">' in page
    assert 'name="district"' in page and 'name="centre"' in page
    assert ">南海区</option>" in page


def test_every_drill_down_link_totals_the_number_clicked(client, login_as, stats_dataset):
    login_as("city_supervisor")
    # March and April, cut at both ends: whole-month and partial-month figures, month clipping.
    page = client.get("/stats?period=custom&from=2021-03-02&to=2021-04-30").get_data(as_text=True)
    links = drill_links(page)
    assert len(links) > 60
    for url, number in set(links):
        assert url.startswith("/cases/?")
        assert case_total(client, url) == number, url


def test_drill_down_totals_inside_a_district(client, login_as, stats_dataset):
    login_as("district_supervisor", district="NH")
    page = client.get(MARCH).get_data(as_text=True)
    assert text_of(page, "stats-scope") == "南海区"
    assert text_of(page, "figure-handled") == "4"
    links = drill_links(page)
    assert any("district=NH" in url for url, _ in links)
    for url, number in set(links):
        assert case_total(client, url) == number, url


def test_case_list_shows_the_drill_down_filters(client, login_as, stats_dataset):
    login_as("city_supervisor")
    url = (
        "/cases/?period_from=2021-03-01&period_to=2021-03-31"
        "&statuses=accepted,in_mediation&district=NH&lawyer=none"
    )
    page = client.get(url).get_data(as_text=True)
    assert TOTAL_RE.search(page).group(1) == "1"
    applied = text_of(page, "applied-filters")
    assert "统计期间：2021-03-01 至 2021-03-31" in applied
    assert "状态：已受理、调解中" in applied
    assert "区：南海区" in applied and "特约律师：未指派律师" in applied
    # The filter form keeps them, so filtering further stays inside the drill-down.
    assert '<input type="hidden" name="statuses" value="accepted,in_mediation">' in page


def test_export_workbook_holds_the_numbers(client, login_as, stats_dataset):
    login_as("city_supervisor")
    response = client.get("/stats/export.xlsx?period=2021-03")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "总体",
        "按区",
        "按调解中心",
        "按争议类别",
        "按案件来源",
        "按特约律师",
        "按月份",
        "被申请单位",
    ]
    headline = book["总体"]
    rows = {row[0].value: row for row in headline.iter_rows() if row and row[0].value}
    assert rows["统计期间"][1].value == "2021年3月"
    assert rows["统计范围"][1].value == "佛山市（全市）"
    notes = [r[1].value for r in headline.iter_rows(max_row=20) if len(r) > 1]
    assert all(definition in notes for definition in DEFINITIONS)
    counts = [("受理（承接调解）", "handled"), ("调解成功", "succeeded"), ("撤回", "withdrawn")]
    for label, key in counts:
        assert rows[label][1].value == stats_dataset[key]
        assert isinstance(rows[label][1].value, int)
    rate = rows["调解成功率（按受理数）"]
    assert (rate[1].value, rate[2].value, rate[3].value) == (0.4, 2, 5)
    assert rate[1].number_format == "0.00%"
    money = rows["挽回经济损失（元）"][1]
    assert money.value == pytest.approx(stats_dataset["recovered_fen"] / 100)
    assert money.number_format == "#,##0.00"
    assert rows["实际到位（元）"][1].value == 10_000
    assert rows["超期未结"][1].value == 1

    centres = book["按调解中心"]
    assert centres["B2"].value == "2021年3月"
    table = {r[0].value: r for r in centres.iter_rows() if r and r[0].value}
    headings = [c.value for c in table["调解中心"]]
    handled = headings.index("受理（承接调解）")
    assert table["南海区里水镇劳动争议联合调解中心"][handled].value == 4
    assert table["禅城区张槎街道劳动争议联合调解中心"][handled].value == 1
    assert table["合计"][handled].value == 5
    categories = {r[0].value: r for r in book["按争议类别"].iter_rows() if r and r[0].value}
    assert categories["工伤"][headings.index("调解成功")].value == 1


def test_report_page_is_printable_without_navigation(client, login_as, stats_dataset):
    login_as("city_supervisor")
    response = client.get("/stats/report?period=2021-03")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<nav" not in page and "mainnav" not in page and "退出" not in page
    assert "劳动争议联合调解统计报表" in page
    assert text_of(page, "figure-handled") == "5"
    assert "40.00%＝2 / 5" in text_of(page, "rate-handled")
    assert 'class="drill"' not in page  # plain numbers on paper
    assert "css/stats.css" in page and "<svg" in page


def test_mediator_sees_only_their_centre(client, login_as, stats_dataset):
    login_as("mediator", "CC-ZC")
    page = client.get(MARCH).get_data(as_text=True)
    assert text_of(page, "stats-scope") == "禅城区张槎街道劳动争议联合调解中心"
    assert text_of(page, "figure-handled") == "1"
    assert text_of(page, "figure-withdrawn") == "1"
    assert text_of(page, "figure-succeeded") == "0"
    assert 'name="centre"' not in page  # nothing to choose from
    for url in ("/stats?centre=NH-LS", "/stats?district=NH", "/stats?district=CC"):
        assert client.get(url).status_code == 403, url
    assert client.get("/stats/export.xlsx?centre=NH-LS").status_code == 403
    assert client.get("/stats/report?centre=NH-LS").status_code == 403
    for url, number in set(drill_links(page)):
        assert case_total(client, url) == number, url


def test_district_supervisor_is_kept_to_their_district(client, login_as, stats_dataset):
    login_as("district_supervisor", district="NH")
    assert client.get("/stats?district=CC").status_code == 403
    assert client.get("/stats?centre=CC-ZC").status_code == 403
    assert client.get("/stats/export.xlsx?district=CC").status_code == 403
    page = client.get(MARCH + "&centre=NH-LS").get_data(as_text=True)
    assert text_of(page, "figure-handled") == "4"


def test_lawyers_have_no_statistics(client, login_as):
    login_as("lawyer", "NH-LS")
    for url in ("/stats", "/stats/report", "/stats/export.xlsx"):
        assert client.get(url).status_code == 403, url
    assert "统计</a>" not in client.get("/").get_data(as_text=True)


def test_nav_links_to_statistics_for_readers(client, login_as):
    login_as("mediator", "NH-LS")
    assert 'href="/stats"' in client.get("/").get_data(as_text=True)


def test_login_required(client):
    response = client.get("/stats")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_code_is_flashed_and_ignored(client, login_as, stats_dataset):
    login_as("city_supervisor")
    response = client.get(MARCH + "&district=XX")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "未知区代码「XX」" in page
    assert text_of(page, "figure-handled") == "5"


@pytest.mark.parametrize(
    "query,message",
    [
        ("period=custom&from=2021-03-05&to=2021-03-01", "开始日期不能晚于结束日期"),
        ("period=custom&from=2021-03-05", "自定义期间请填写开始日期和结束日期"),
        ("period=2021-13", "无法识别的统计期间「2021-13」"),
    ],
)
def test_bad_periods_are_explained_at_the_picker(client, login_as, query, message):
    login_as("city_supervisor")
    response = client.get(f"/stats?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(rf'<div class="error" role="alert">{message}</div>', page)


def test_unreadable_date_is_flagged_at_its_field(client, login_as):
    login_as("city_supervisor")
    page = client.get("/stats?period=custom&from=2021-02-30&to=2021-03-31").get_data(as_text=True)
    assert "日期格式不正确" in page
