"""End to end in Chromium: a supervisor reads the statistics, drills down and exports Excel;
an admin adds a user who can then log in."""

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlmodel import Session, select

from mediation.cases import lifecycle
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from models import Centre, User
from models.db import make_engine
from tests.browser.conftest import PASSWORD, log_in


def seed_cases(database_url: str) -> int:
    """Three accepted NH-LS cases of 2021, through the domain."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        actor = session.exec(select(User).where(User.username == "mediator")).one()
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        for i in range(3):
            data = IntakeData(
                channel="仲裁委托",
                received_on=date(2021, 5, 10 + i),
                category="劳动报酬",
                employer=EmployerData(name="佛山市某五金制品有限公司"),
                workers=[WorkerData(name=f"职工{i}", claims=[ClaimData("工资", 800_000)])],
            )
            case = intake(session, actor, centre, data, today=date(2021, 6, 1))
            lifecycle.accept(session, case, actor, date(2021, 5, 11 + i), today=date(2021, 6, 1))
        session.commit()
    engine.dispose()
    return 3


def test_supervisor_drills_down_and_exports(page, live_server, tmp_path):
    base = live_server
    seeded = seed_cases(live_server.database_url)
    log_in(page, base, "city")
    page.goto(f"{base}/stats?period=custom&from=2021-01-01&to=2021-12-31")
    page.shot("statistics")
    handled = page.inner_text("#figure-handled").strip()
    assert handled == str(seeded)
    page.click("#figure-handled a")
    page.wait_for_url(re.compile(r".*/cases/.*"))
    assert page.inner_text("#case-total").strip() == handled
    page.shot("drill-down")
    page.go_back()
    with page.expect_download() as download_info:
        page.click("text=导出 Excel")
    path = tmp_path / "stats.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    assert "总体" in workbook.sheetnames
    page.shot("exported")


def test_admin_adds_a_user_who_logs_in(page, live_server, browser):
    base = live_server
    log_in(page, base, "admin")
    page.goto(f"{base}/admin/users/new")
    page.fill("#username", "new.mediator")
    page.fill("#display_name", "新调解员")
    page.fill("#email", "xin.mediator@example.org")
    page.select_option("#role", "mediator")
    page.select_option("#centre", "CC-ZC")
    page.fill("#password", PASSWORD)
    page.shot("new-user-form")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/admin/users")
    assert "新调解员" in page.inner_text("main")
    assert "xin.mediator@example.org" in page.inner_text("main")
    page.shot("users")

    other = browser.new_context(locale="zh-CN").new_page()
    log_in(other, base, "new.mediator")
    assert "新调解员" in other.inner_text(".usermenu")
    other.context.close()
