"""The mediator registry on the web: the centre's list and its printed form agree with
/api/stats, the centre's supervisor records certificates, training and specialties, district
supervisors read it and may not edit."""

import re
import shutil
import subprocess
from datetime import date

import pytest

from conftest import TODAY, csrf_from, succeed
from mediation.cases import assignment, lifecycle

YEAR = 2025


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("views.registry.today", lambda: TODAY)


@pytest.fixture
def mediator(db, make_user, make_case):
    """The only mediator at CC-ZC: two settled cases and a failed one in 2025, one open."""
    who = make_user("mediator", "CC-ZC", display_name="陈调解")

    def case(day, workers=1):
        made = make_case("CC-ZC", workers=workers, received_on=day, actor=who)
        assignment.assign(db, made, who, who.id, None)
        return made

    succeed(db, case(date(YEAR, 1, 6), workers=10), who, date(YEAR, 1, 8))
    succeed(db, case(date(YEAR, 8, 4)), who, date(YEAR, 8, 6), pay=False)
    failed = case(date(YEAR, 9, 1))
    lifecycle.accept(db, failed, who, date(YEAR, 9, 1), today=TODAY)
    lifecycle.fail(db, failed, who, date(YEAR, 9, 10), "employer_refuses", today=TODAY)
    lifecycle.accept(db, case(date(2026, 10, 8)), who, date(2026, 10, 9), today=TODAY)
    db.flush()
    return who


def cells(page: str, user) -> list[str]:
    row = re.search(rf'<tr id="registry-{user.id}">(.*?)</tr>', page, re.S).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_the_registrys_figures_are_the_statistics(client, login_as, mediator):
    login_as("centre_supervisor", "CC-ZC")
    stats = client.get(f"/api/stats?from={YEAR}-01-01&to={YEAR}-12-31&centre=CC-ZC").get_json()
    m = stats["mediation"]

    page = client.get(f"/registry/?year={YEAR}").get_data(as_text=True)

    row = cells(page, mediator)
    assert row[1] == "陈调解"
    assert row[5] == "1"  # open now (received in 2026)
    closed = m["succeeded"] + m["failed"] + m["withdrawn"]
    assert row[6:11] == [str(m["handled"]), str(closed), str(m["succeeded"]), str(m["failed"]), "0"]
    rate = f"{m['success_rate_handled'] * 100:.1f}%（{m['succeeded']}/{m['handled']}）"
    assert row[11] == rate == "66.7%（2/3）"
    assert row[12] == f"{m['recovered_fen'] / 100:,.2f}"
    assert row[13] == f"{m['paid_fen'] / 100:,.2f}"


def test_the_centres_supervisor_records_certificates_training_and_specialties(
    client, login_as, mediator
):
    login_as("centre_supervisor", "CC-ZC")
    url = f"/registry/{mediator.id}"

    def post(path, **data):
        return client.post(f"{url}{path}", data={"csrf_token": csrf_from(client, url)} | data)

    refused = post("/qualifications", name="", issuer="佛山市总工会", issued_on="2024-05-01")
    assert refused.status_code == 422
    assert "请填写证书名称" in refused.get_data(as_text=True)
    assert "佛山市总工会" in refused.get_data(as_text=True)  # the input is kept
    done = post(
        "/qualifications",
        name="劳动争议调解员培训合格证书",
        number="FS-2024-0137",
        issuer="佛山市总工会",
        issued_on="2024-05-01",
    )
    assert done.status_code == 302
    assert post("/training", year="2026", hours="36").status_code == 302
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page).group(1)
    assert post("", specialties="劳动报酬、工伤", version=version).status_code == 302
    stale = post("", specialties="旧的", version=version)
    assert stale.status_code == 422 and "已被他人修改" in stale.get_data(as_text=True)

    listed = cells(client.get("/registry/").get_data(as_text=True), mediator)
    assert listed[2] == "劳动争议调解员培训合格证书（FS-2024-0137），佛山市总工会，2024-05-01"
    assert listed[3] == "36" and listed[4] == "劳动报酬、工伤"


def test_district_supervisors_read_the_centres_in_their_district_only(client, login_as, mediator):
    login_as("district_supervisor", district="CC")
    page = client.get("/registry/?centre=CC-ZC").get_data(as_text=True)
    assert "陈调解" in page
    assert f'href="/registry/{mediator.id}"' not in page  # no editing
    assert client.get(f"/registry/{mediator.id}").status_code == 403
    assert client.get("/registry/?centre=NH-LS").status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext not installed")
def test_the_printed_list_a_centre_publishes(client, login_as, mediator):
    login_as("centre_supervisor", "CC-ZC")
    pdf = client.get(f"/registry/print.pdf?centre=CC-ZC&year={YEAR}")
    assert pdf.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert "调解员名册（2025年）" in flat
    assert "陈调解" in flat and "66.7%（2/3）" in flat
    html = client.get(f"/registry/print?centre=CC-ZC&year={YEAR}").get_data(as_text=True)
    assert "66.7%（2/3）" in html
