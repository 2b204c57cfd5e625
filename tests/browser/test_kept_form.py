"""End to end in Chromium: a mediator types minutes, the login expires before 保存, and after
logging in again the minutes are back in the form, to be checked and saved by hand."""

import threading
import time
from datetime import date

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from app import create_app
from conftest import BACKENDS, fresh_database
from mediation.cases import lifecycle
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models import Centre, MediationSession
from models.db import make_engine, upgrade
from tests.browser.conftest import PASSWORD, log_in
from views.refill import REFILLED_NOTICE, SAVED_NOTICE

MINUTES = "申请人阿永陈述：2021年1月至3月工资未发。\n被申请单位同意于3月31日前一次性支付。"


@pytest.fixture(scope="module", params=BACKENDS)
def served(request, tmp_path_factory):
    """A live server whose app this test can reach (to shorten the idle limit on the spot),
    with an accepted case at NH-LS."""
    with fresh_database(request.param, tmp_path_factory.mktemp("kept")) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            actor = accounts.create_user(
                session, "mediator", PASSWORD, "mediator", "NH-LS", None, display_name="调解员"
            )
            centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
            day = date(2026, 11, 2)
            data = IntakeData(
                channel="现场申请",
                received_on=day,
                category="劳动报酬",
                employer=EmployerData(name="佛山市某包装印刷有限公司"),
                workers=[WorkerData(name="阿永", claims=[ClaimData("工资", 2_276_750)])],
            )
            case = intake(session, actor, centre, data, today=day)
            lifecycle.accept(session, case, actor, day, today=day)
            session.commit()
            case_id = case.id
        app = create_app({"SECRET_KEY": "browser", "DATABASE_URL": url})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield app, f"http://127.0.0.1:{server.server_port}", engine, case_id
        server.shutdown()
        app.extensions["database"].engine.dispose()
        engine.dispose()


def test_minutes_typed_before_the_login_expired_come_back_after_logging_in(page, served):
    app, base, engine, case_id = served
    log_in(page, base, "mediator")
    page.goto(f"{base}/cases/{case_id}/sessions/new")
    page.fill("#duration_minutes", "90")
    page.fill("#attendees", "阿永、公司代理人")
    page.fill("#minutes", MINUTES)
    page.shot("typed")
    time.sleep(1.1)
    app.config["SESSION_IDLE_MINUTES"] = 0  # the hour of typing has passed
    try:
        page.click("button[type=submit].primary")
        page.wait_for_url("**/login**")
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30
    assert SAVED_NOTICE in page.content()
    page.shot("login-expired")
    page.fill("#username", "mediator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/cases/{case_id}/sessions/new")
    assert REFILLED_NOTICE in page.content()
    assert page.input_value("#minutes").replace("\r\n", "\n") == MINUTES
    assert page.input_value("#duration_minutes") == "90"
    page.shot("refilled")
    with Session(engine) as session:  # shown again, not saved behind the user's back
        stored = select(MediationSession).where(MediationSession.case_id == case_id)
        assert session.exec(stored).all() == []
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/cases/{case_id}")
    with Session(engine) as session:
        [record] = session.exec(stored).all()
        assert record.minutes.replace("\r\n", "\n") == MINUTES
    page.shot("saved")
