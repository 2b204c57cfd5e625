"""Supervision letters (一函两书) on the web: each kind's printed letter (HTML and the PDF's
text), who may issue for which employer, and the service, reply and referral shown on the
employer's pages."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from, text_of
from mediation.cases import lifecycle
from models import SupervisionLetter, User

TODAY = date(2026, 11, 24)
EMPLOYER = "佛山市南海区屡欠工资制衣有限公司"

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed"
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("views.letters.today", lambda: TODAY)
    monkeypatch.setattr("views.employers.today", lambda: TODAY)


@pytest.fixture
def repeat_cases(db, make_case):
    """Three wage cases against one employer at NH-LS: one settled, one failed, one open."""
    first = make_case("NH-LS", workers=3, received_on=date(2026, 3, 2), employer=EMPLOYER)
    second = make_case("NH-LS", workers=12, received_on=date(2026, 6, 8), employer=EMPLOYER)
    third = make_case("NH-LS", workers=1, received_on=date(2026, 10, 12), employer=EMPLOYER)
    actor = db.get(User, first.created_by_id)
    lifecycle.accept(db, second, actor, date(2026, 6, 9), today=TODAY)
    lifecycle.fail(db, second, actor, date(2026, 6, 20), "employer_refuses", today=TODAY)
    db.flush()
    return [first, second, third]


def issue(client, employer_id, kind, **extra):
    url = f"/employers/{employer_id}/letters/new?kind={kind}"
    page = client.get(url).get_data(as_text=True)
    case_ids = re.findall(r'name="case_ids"[^>]*value="(\d+)"', page)
    data = {
        "csrf_token": csrf_from(client, url),
        "kind": kind,
        "issued_on": "2026-11-24",
        "case_ids": case_ids,
        "provisions": ["labour_50", "contract_30"],
        "findings": "该单位一年内三次因拖欠工资被职工申请调解，涉及16名职工。",
        "requests": "请于答复期限前足额支付拖欠的工资。",
    } | extra
    return client.post(f"/employers/{employer_id}/letters/new", data=data)


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout.decode())


KINDS = {
    "notice": (
        "工会劳动法律监督提示函",
        "南海工监提字〔2026〕第1号",
        "佛山市南海区屡欠工资制衣有限公司：",
    ),
    "opinion": (
        "工会劳动法律监督意见书",
        "南海工监意字〔2026〕第1号",
        "《工会劳动法律监督办法》第二十条",
    ),
    "proposal": (
        "工会劳动法律监督建议书",
        "南海工监建字〔2026〕第1号",
        "佛山市南海区人力资源和社会保障局：",
    ),
}


@needs_poppler
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_prints_the_cases_masked_and_the_provisions(client, login_as, repeat_cases, kind):
    title, number, particular = KINDS[kind]
    login_as("district_supervisor", district="NH")

    response = issue(client, repeat_cases[0].employer_id, kind)

    assert response.status_code == 302, response.get_data(as_text=True)
    letter_url = response.headers["Location"]
    html = client.get(f"{letter_url}/print").get_data(as_text=True)
    pdf = client.get(f"{letter_url}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for shown in (re.sub(r"\s+", "", html), text):
        assert "佛山市南海区总工会" in shown
        assert title in shown and number in shown and particular in shown
        for case in repeat_cases:
            assert case.number in shown
        # names masked for a district supervisor (mediation/privacy.py)
        assert "职*、职*、职*" in shown and "职工1" not in shown
        assert "职*、职*、职*等12人" in shown
        assert "调解不成" in shown and "待受理" in shown
        assert "《中华人民共和国劳动法》第八十八条" in shown
        assert "《中华人民共和国劳动合同法》第七十八条" in shown
        assert "《中华人民共和国工会法》第二十二条" in shown
        assert "《中华人民共和国劳动法》第五十条" in shown
        assert "合计（3件）" in shown and "16" in shown
        # the answer is due in 15 working days, a proposal's decision in 5
        assert ("2026年12月1日" if kind == "proposal" else "2026年12月15日") in shown
    if kind == "proposal":
        assert "《工会劳动法律监督办法》第二十一条" in text


def test_a_district_supervisor_cannot_issue_outside_the_district(
    db, client, login_as, repeat_cases
):
    employer_id = repeat_cases[0].employer_id
    login_as("district_supervisor", district="CC")

    assert client.get(f"/employers/{employer_id}/supervision").status_code == 404
    assert client.get(f"/employers/{employer_id}/letters/new").status_code == 404
    token = csrf_from(client, "/account/password")
    posted = client.post(
        f"/employers/{employer_id}/letters/new",
        data={"csrf_token": token, "kind": "notice", "issued_on": "2026-11-24"},
    )
    assert posted.status_code == 404
    assert db.exec(select(SupervisionLetter)).all() == []


def test_mediators_may_not_issue(client, login_as, repeat_cases):
    login_as("mediator", "NH-LS")
    assert client.get(f"/employers/{repeat_cases[0].employer_id}/supervision").status_code == 403


def test_refused_issue_keeps_the_input_and_says_why_at_the_fields(client, login_as, repeat_cases):
    login_as("district_supervisor", district="NH")
    response = issue(
        client,
        repeat_cases[0].employer_id,
        "notice",
        findings="",
        case_ids=[],
        issued_on="2027-01-05",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写发现的问题" in page
    assert "请至少选择一件本单位的案件" in page
    assert "发出日期不能晚于今天" in page
    assert "请于答复期限前足额支付拖欠的工资。" in page  # kept


def test_service_reply_and_referral_are_recorded_and_shown_on_the_employer_pages(
    db, client, login_as, repeat_cases, make_user
):
    employer_id = repeat_cases[0].employer_id
    login_as("district_supervisor", district="NH")
    letter_url = issue(client, employer_id, "opinion").headers["Location"]
    letter = db.exec(select(SupervisionLetter)).one()

    def post(part, **data):
        """Send the letter page's form as a browser would, with the version it carries."""
        page = client.get(letter_url).get_data(as_text=True)
        version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
        token = csrf_from(client, letter_url)
        return client.post(
            f"{letter_url}/{part}", data={"csrf_token": token, "version": version} | data
        )

    refused = post("reply", replied_on="2026-11-24", summary="已支付")
    assert refused.status_code == 422
    assert "请先登记送达情况，再登记回复" in refused.get_data(as_text=True)
    missing = post("service", served_on="2026-11-24", method="direct", served_to="")
    assert missing.status_code == 422
    assert "请填写签收人（受送达人）" in missing.get_data(as_text=True)

    assert (
        post(
            "service", served_on="2026-11-24", method="direct", served_to="人事主管李某"
        ).status_code
        == 302
    )
    db.refresh(letter)
    stale = client.post(
        f"{letter_url}/reply",
        data={
            "csrf_token": csrf_from(client, letter_url),
            "version": letter.version - 1,
            "replied_on": "2026-11-24",
            "summary": "旧表单",
        },
    )
    assert stale.status_code == 422
    assert "已被他人修改" in stale.get_data(as_text=True)
    assert post("reply", replied_on="2026-11-24", summary="承诺月底前补发工资").status_code == 302
    assert post("referral", referred_on="2026-11-24", note="逾期未改正").status_code == 302

    page = client.get(letter_url).get_data(as_text=True)
    assert text_of(page, "letter-service") == "2026-11-24 直接送达，签收人：人事主管李某"
    assert text_of(page, "letter-referral") == "2026-11-24 已移送劳动保障监察：逾期未改正"
    supervision = client.get(f"/employers/{employer_id}/supervision").get_data(as_text=True)
    history = text_of(supervision, "letter-history")
    assert "南海工监意字〔2026〕第1号" in history
    assert "承诺月底前补发工资" in history and "已移送劳动保障监察" in history

    # the centre's own employer page shows the same history
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as("centre_supervisor", "NH-LS")
    edit = client.get(f"/employers/{employer_id}").get_data(as_text=True)
    assert "南海工监意字〔2026〕第1号" in text_of(edit, "letter-history")
    assert "人事主管李某" in text_of(edit, "letter-history")


def test_another_union_may_read_but_not_record(db, client, login_as, repeat_cases):
    login_as("district_supervisor", district="NH")
    letter_url = issue(client, repeat_cases[0].employer_id, "notice").headers["Location"]
    letter = db.exec(select(SupervisionLetter)).one()
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as("city_supervisor")
    assert client.get(letter_url).status_code == 200
    token = csrf_from(client, letter_url)
    response = client.post(
        f"{letter_url}/referral",
        data={"csrf_token": token, "version": letter.version, "referred_on": "2026-11-24"},
    )
    assert response.status_code == 403


def test_the_repeat_employer_warning_leads_to_the_letters(
    client, login_as, repeat_cases, monkeypatch
):
    monkeypatch.setattr("views.warnings.today", lambda: TODAY)
    login_as("district_supervisor", district="NH")
    page = client.get("/warnings/repeat_employers").get_data(as_text=True)
    assert f'href="/employers/{repeat_cases[0].employer_id}/supervision"' in page
