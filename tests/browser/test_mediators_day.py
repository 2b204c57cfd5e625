"""End to end in Chromium, a mediator's day: correct what was typed wrong at intake (a name, a
phone, a claim), add the 13th worker to the case, find the case again by a worker's ID number,
by phone and by the full-width number an input method types; and every page of the day fits a
390 px phone screen without scrolling sideways."""

import re
from datetime import date, datetime

from sqlmodel import Session, select

from conftest import resident_id
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from models import Centre, User
from models.db import make_engine
from tests.browser.conftest import log_in

RIDERS = ["梁敏", "何志强", "陈小芳", "李伟", "黄俊", "吴婷"]
RIDERS += ["郑浩", "冯磊", "蔡明", "邓超", "许晴", "曾勇"]
ID_OF = {name: resident_id(300 + i, "19950315", "440605") for i, name in enumerate(RIDERS)}
PHONE_OF = {name: f"1391234{5600 + i}" for i, name in enumerate(RIDERS)}


def seed_succeeded_case(database_url: str) -> int:
    """A one-worker case with an effective agreement, for the payment form (through the
    domain, as the mediator would have done it)."""
    engine = make_engine(database_url)
    on = date(2026, 10, 9)
    with Session(engine) as session:
        actor = session.exec(select(User).where(User.username == "mediator")).one()
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        data = IntakeData(
            channel="现场申请",
            received_on=on,
            category="劳动报酬",
            employer=EmployerData(name="佛山市某五金制品有限公司"),
            workers=[WorkerData(name="付款人", claims=[ClaimData("工资", 500_000)])],
        )
        case = intake(session, actor, centre, data, today=on)
        lifecycle.accept(session, case, actor, on, today=on)
        starts = datetime(2026, 10, 9, 9, tzinfo=TZ)
        lifecycle.record_session(session, case, actor, starts, 60, "调解室", "", "笔录")
        lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(session, case)}
        save_agreement(
            session,
            case,
            actor,
            terms="一次性支付",
            payment_method="银行转账",
            copies=3,
            lines=lines,
            instalments=[(date(2026, 12, 31), sum(lines.values()))],
            parties_signed_on=on,
            mediator_signed_on=on,
            centre_sealed_on=on,
            today=on,
        )
        session.commit()
        case_id = case.id
    engine.dispose()
    return case_id


def register_riders(page, base: str) -> str:
    page.goto(f"{base}/cases/new")
    page.select_option("#channel", "现场申请")
    page.fill("#received_on", "2026-11-02")
    page.select_option("#category", "劳动报酬")
    page.check("#new_employment")
    page.fill("#employer_name", "佛山市某即时配送服务有限公司")
    rows = "\n".join(
        f"{name}\t{ID_OF[name]}\t{PHONE_OF[name]}\t骑手\t6800" for name in RIDERS
    ).replace("梁敏", "梁敏敏", 1)  # typed wrong at intake
    page.locator("details", has_text="从Excel粘贴").locator("summary").click()
    page.fill("#paste", rows)
    page.click("[name=paste_rows]")
    page.wait_for_selector("#workers-11-name")
    with page.expect_navigation():
        page.click("[name=save]:not(.default-submit)")
    if page.locator("#confirm_repeat").count():  # the same riders, registered before
        page.check("#confirm_repeat")
        page.click("[name=save]:not(.default-submit)")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def test_a_mediators_day_corrections_and_search(page, live_server):
    base = live_server
    log_in(page, base, "mediator")
    case_url = register_riders(page, base)
    number = page.locator("h1").inner_text()

    page.click(".case-actions a:text-is('更正登记信息')")
    page.wait_for_url(case_url + "/edit")
    assert page.input_value("#workers-0-name") == "梁敏敏"
    page.fill("#workers-0-name", "梁敏")
    page.fill("#workers-1-phone", "138 0013 8000")
    page.fill("#workers-2-amount_1", "7,200.00")
    page.click("#add-row")  # the 13th worker joins this case instead of a new one
    page.fill("#workers-12-name", "罗家明")
    page.fill("#workers-12-id_number", resident_id(399, "19960101", "440605"))
    page.fill("#workers-12-phone", "13922223333")
    page.fill("#workers-12-job", "骑手")
    page.fill("#workers-12-amount_1", "5000")
    page.shot("corrections-filled")
    page.click("button[name=save].primary")
    page.wait_for_url(case_url)
    text = page.inner_text("main")
    assert "已保存更正" in text
    workers = page.locator("section.card", has_text="申请人（13人）").inner_text()
    assert "梁敏敏" not in workers and "梁敏" in workers and "罗家明" in workers
    assert "13800138000" in workers and "7,200.00" in workers
    assert "更正申请人 梁敏敏 的姓名" in text and "增加申请人 罗家明" in text
    assert page.locator("h1").inner_text() == number  # a correction never renumbers
    page.shot("corrected")
    case_id = case_url.rsplit("/", 1)[1]

    for q in (ID_OF["何志强"], "13800138000", "+86 139 1234 5602"):
        page.goto(f"{base}/cases/")
        page.fill("#q", q)
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r".*/cases/\?.*q="))
        assert page.locator(f"table.cases a[href$='/cases/{case_id}']").count() == 1, q
    wide = number.replace("(", "（").replace(")", "）")
    assert wide != number
    page.goto(f"{base}/cases/")
    page.fill("#q", wide)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r".*/cases/\?.*q="))
    assert page.inner_text("#case-total") == "1"
    assert page.locator(f"table.cases a[href$='/cases/{case_id}']").count() == 1
    page.shot("found-by-full-width-number")


def test_every_page_of_the_day_fits_a_390px_screen(browser, live_server):
    base = live_server
    paid_case = seed_succeeded_case(live_server.database_url)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, base, "mediator")
        case_url = register_riders(page, base)
        page.click(".case-actions a:text-is('受理')")
        page.fill("#accepted_on", "2026-11-02")
        page.click("button[type=submit].primary")
        page.wait_for_url(case_url)
        pages = {
            "home": f"{base}/",
            "case list": f"{base}/cases/",
            "case page": case_url,
            "intake": f"{base}/cases/new",
            "corrections": case_url + "/edit",
            "session form": case_url + "/sessions/new",
            "payment form": f"{base}/cases/{paid_case}/payments/new",
        }
        for name, url in pages.items():
            page.goto(url)
            assert page.url.split("#")[0] == url, (name, page.url)
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, (name, page.evaluate("document.documentElement.scrollWidth"))
        page.goto(f"{base}/cases/")
        assert not page.locator(".mainnav").is_visible()  # the menu folds behind a button
        page.click(".nav-toggle-button")
        assert page.locator(".mainnav").is_visible()
        assert not page.locator(".more-filters .grid-filters").is_visible()  # filters fold
        page.screenshot(path=str(_shots() / "case-list-390.png"), full_page=True)
    finally:
        context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_per_worker_agreement_and_instalment_1_for_all_twelve_in_one_form(browser, live_server):
    """On a 390 px phone: the 12 riders' agreement in two instalments, per worker (the shared
    schedule split, then one rider's changed), and instalment 1 recorded for all twelve in one
    form. The agreement and payment pages fit the screen at every step."""
    base = live_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    shots = _shots()
    try:
        log_in(page, base, "mediator")
        case_url = register_riders(page, base)
        page.click(".case-actions a:text-is('受理')")
        page.fill("#accepted_on", "2026-11-02")
        page.click("button[type=submit].primary")
        page.wait_for_url(case_url)
        page.click(".case-actions a:text-is('安排/记录调解')")
        page.fill("#starts_at", "2026-11-03T09:30")
        page.fill("#duration_minutes", "90")
        page.fill("#minutes", "双方同意分两期支付。")
        page.click("button[type=submit].primary")
        page.wait_for_url(case_url)

        page.click(".case-actions a:text-is('调解协议')")
        page.wait_for_url(case_url + "/agreement")
        assert fits(page), page.evaluate("document.documentElement.scrollWidth")
        assert not page.locator("#schedule-per-worker").is_visible()  # same for all by default
        page.fill("#instalments-0-due_on", "2026-12-01")
        page.fill("#instalments-0-amount", "40800")
        page.click("#add-instalment")  # a second row, without a round trip
        page.fill("#instalments-1-due_on", "2027-01-01")
        page.fill("#instalments-1-amount", "40800")
        with page.expect_navigation():
            page.click("#fill-schedule")
        assert page.locator("#schedule-per-worker").is_visible()
        first = page.locator("tr.worker-plan").first
        assert first.locator("td.card-head").inner_text().startswith("梁敏敏")
        amounts = first.locator("input[name$='-amount']")
        assert [amounts.nth(i).input_value() for i in range(2)] == ["3400.00", "3400.00"]
        amounts.nth(0).fill("4000")  # the first rider gets more of it first
        amounts.nth(1).fill("2800")
        assert first.locator(".plan-total").inner_text() == "6,800.00"
        for field in ("parties_signed_on", "mediator_signed_on", "centre_sealed_on"):
            page.fill(f"#{field}", "2026-11-03")
        assert fits(page), page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(shots / "agreement-per-worker-390.png"), full_page=True)
        page.click("form.agreement-form button[type=submit].primary")
        page.wait_for_url(case_url)
        assert "调解成功" in page.inner_text(".badges")

        page.click(".case-actions a:text-is('登记付款')")
        assert fits(page), page.evaluate("document.documentElement.scrollWidth")
        choice = page.locator("select[name='all-instalment']")
        assert choice.input_value() == "1"  # the next instalment due
        rows = page.locator("tr.bulk-row")
        assert rows.count() == 12
        assert rows.first.locator("input.cell").input_value() == "4000.00"
        assert rows.nth(11).locator("input.cell").input_value() == "3400.00"
        assert page.locator("tr.bulk-row input[type=checkbox]:checked").count() == 12
        assert page.inner_text("#bulk-total") == "41,400.00"
        page.screenshot(path=str(shots / "instalment-1-for-twelve-390.png"), full_page=True)
        page.click("form.bulk-form button[name=record]")
        page.wait_for_url(case_url)
        text = page.inner_text("main")
        assert "已登记12位申请人收到款项，合计 41,400.00 元" in text
        assert "履行中" in page.inner_text(".badges")

        page.click(".case-actions a:text-is('登记付款')")
        assert page.locator("select[name='all-instalment']").input_value() == "2"
        assert page.locator("tr.bulk-row").first.locator("input.cell").input_value() == "2800.00"
        assert fits(page), page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()


def _shots():
    from tests.browser.conftest import SHOTS

    folder = SHOTS / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
