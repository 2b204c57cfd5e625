"""Applying online from a phone: /apply, the one-time code, the case awaiting acceptance, and
the abuse controls of a public page."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from conftest import csrf_from, resident_id, text_of
from mediation.dates import today
from mediation.identifiers import lookup_key
from models import Case, Message, OneTimeCode, OnlineApplication, Worker, utcnow
from views.extensions import limiter

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def fresh_limits(app):
    """The app lives for the whole session; each test starts with no requests counted."""
    limiter.reset()
    yield
    limiter.reset()


def application(**overrides) -> dict:
    form = {
        "name": "王小明",
        "id_type": "resident",
        "id_number": resident_id(11),
        "phone": PHONE,
        "job": "骑手",
        "employer_name": "佛山市快送配送有限公司",
        "employer_phone": "13900139000",
        "category": "劳动报酬",
        "claim_kind": "工资",
        "amount": "6,800元",
        "facts": "2026年9月至10月工资未发。",
        "co_workers": f"李大力 {resident_id(12)} 13700137000 5200\n"
        f"陈阿强，{resident_id(13)}，13600136000，4100.50",
        "notices_consent": "y",
        "truthful": "y",
    }
    form.update(overrides)
    return form


def post_application(client, url="/apply/NH-LS", **overrides):
    data = application(**overrides)
    data["csrf_token"] = csrf_from(client, url)
    return client.post(url, data=data)


def latest_code(db, phone=PHONE) -> str:
    message = db.exec(
        select(Message)
        .where(Message.recipient_key == lookup_key("phone", phone))
        .order_by(Message.id.desc())
    ).first()
    assert message is not None, "no message to the phone"
    return re.search(r"验证码为(\d{6})", message.text).group(1)


def confirm(client, location: str, code: str):
    token = csrf_from(client, location)
    return client.post(location, data={"code": code, "submit": "1", "csrf_token": token})


def test_a_worker_and_two_co_workers_apply_and_the_case_awaits_acceptance(client, db, login_as):
    response = post_application(client)
    assert response.status_code == 302
    confirm_url = response.headers["Location"]
    assert db.exec(select(Case).where(Case.channel == "网上申请")).first() is None

    page = client.get(confirm_url).get_data(as_text=True)
    assert "138****8000" in page and PHONE not in page

    done = confirm(client, confirm_url, latest_code(db))
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    reference = text_of(page, "reference")
    assert re.fullmatch(r"WS\d{14}", reference)

    case = db.exec(select(Case).where(Case.channel == "网上申请")).one()
    assert text_of(page, "case-number") == case.number
    assert case.status == "received"
    assert case.received_on == today()
    assert case.created_by_id is None
    workers = db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.position))
    assert [w.name for w in workers] == [
        "王小明",
        "李大力",
        "陈阿强",
    ]
    assert case.claimed_fen == 680_000 + 520_000 + 410_050
    stored = db.exec(
        select(OnlineApplication).where(OnlineApplication.reference == reference)
    ).one()
    assert stored.case_id == case.id and stored.data == {}

    login_as("mediator", "NH-LS")
    listed = client.get("/api/cases?status=received").get_json()
    row = next(r for r in listed["items"] if r["id"] == case.id)
    assert row["channel"] == "网上申请" and row["status"] == "received"


def test_every_problem_is_shown_at_its_field_and_the_input_is_kept(client, db):
    response = post_application(
        client,
        id_number="440605199001011234",
        co_workers=f"李大力 {resident_id(12)} 13700137000\n\n陈阿强 {resident_id(13)} 1360013",
        amount="六千",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "校验码" in page or "证件号码" in page
    assert "第3行：" in page  # the co-worker's phone, by the line the worker typed it on
    assert "金额" in page
    assert 'value="佛山市快送配送有限公司"' in page and "陈阿强" in page
    assert db.exec(select(OnlineApplication)).first() is None
    assert db.exec(select(Message)).first() is None


def test_a_group_under_ten_names_no_representative(client, db):
    response = post_application(client, representatives="王小明")
    assert response.status_code == 422
    assert "不推举代表人" in response.get_data(as_text=True)


def test_a_wrong_code_counts_and_five_wrong_tries_spend_the_code(client, db):
    confirm_url = post_application(client).headers["Location"]
    code = latest_code(db)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    first = confirm(client, confirm_url, wrong)
    assert first.status_code == 422
    assert "验证码错误或已失效" in first.get_data(as_text=True)
    for _ in range(4):
        confirm(client, confirm_url, wrong)
    late = confirm(client, confirm_url, code)
    assert late.status_code == 422
    assert db.exec(select(Case).where(Case.channel == "网上申请")).first() is None


def test_an_expired_code_fails_and_a_new_one_works(client, db):
    confirm_url = post_application(client).headers["Location"]
    old = latest_code(db)
    for row in db.exec(select(OneTimeCode)):
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
    db.flush()
    assert confirm(client, confirm_url, old).status_code == 422

    token = csrf_from(client, confirm_url)
    resent = client.post(confirm_url, data={"resend": "1", "csrf_token": token})
    assert "验证码已重新发送" in resent.get_data(as_text=True)
    new = latest_code(db)
    assert confirm(client, confirm_url, new).status_code == 302


def test_the_sixth_code_for_one_phone_within_an_hour_is_refused(client, db):
    for _ in range(5):
        assert post_application(client).status_code == 302
    refused = post_application(client)
    assert refused.status_code == 429
    assert "获取验证码过于频繁" in refused.get_data(as_text=True)
    assert len(db.exec(select(Message)).all()) == 5


def test_one_address_asking_codes_for_many_phones_is_refused(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "CODE_REQUESTS_PER_IP", "3 per hour")
    phones = ["13800138001", "13800138002", "13800138003", "13800138004"]
    statuses = [post_application(client, phone=phone).status_code for phone in phones]
    assert statuses == [302, 302, 302, 429]


def test_a_refused_form_uses_no_code_request(client, db):
    for _ in range(6):
        assert post_application(client, employer_name="").status_code == 422
    assert post_application(client).status_code == 302


def test_unknown_centres_and_links_are_not_found(client, db):
    assert client.get("/apply/NO-SUCH").status_code == 404
    assert client.get("/apply/confirm/not-a-token").status_code == 404
    assert client.get("/apply/done/not-a-token").status_code == 404


def test_the_form_needs_its_csrf_token(client, db):
    response = client.post("/apply/NH-LS", data=application())
    assert response.status_code == 400
    assert db.exec(select(OnlineApplication)).first() is None


def test_without_a_centre_code_the_worker_picks_the_centre(client, db):
    missing = post_application(client, url="/apply")
    assert missing.status_code == 422
    assert "请选择调解中心" in missing.get_data(as_text=True)
    chosen = post_application(client, url="/apply", centre="NH-LS")
    assert chosen.status_code == 302


def test_the_outbox_command_prints_the_code(app, client, db):
    post_application(client)
    code = latest_code(db)
    db.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "--phone", PHONE, "--last", "1"])
    assert result.exit_code == 0
    assert code in result.output and "outbox" in result.output


def test_a_centre_prints_its_poster_with_the_apply_address(client, db, login_as):
    login_as("mediator", "NH-LS")
    page = client.get("/centres/NH-LS/poster").get_data(as_text=True)
    assert "http://127.0.0.1:5000/apply/NH-LS" in page
    assert "<svg" in page and "qrline" in page
    assert client.get("/centres/SD-RG/poster").status_code == 404  # another centre's scope
