"""End to end in Chromium: a mediator takes the article's 10-worker case from intake to an
agreement, full payment and the printed agreement."""

import re

from conftest import resident_id
from tests.browser.conftest import log_in

WORKERS = ["阿永", "李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "黄丽", "赵军", "周敏"]


def test_mediator_takes_a_collective_case_to_a_performed_agreement(page, live_server):
    base = live_server
    log_in(page, base, "mediator")
    page.shot("home")

    page.goto(f"{base}/cases/new")
    page.select_option("#channel", "现场申请")
    page.fill("#received_on", "2021-03-09")
    page.select_option("#category", "劳动报酬")
    page.fill("#employer_name", "佛山市南海区某包装印刷有限公司")
    rows = "\n".join(
        f"{name}\t{resident_id(i + 1, '19850101', '440605')}\t1380000{i:04d}\t印刷工\t22767.50"
        for i, name in enumerate(WORKERS)
    )
    page.locator("details", has_text="从Excel粘贴").locator("summary").click()
    page.fill("#paste", rows)
    page.click("[name=paste_rows]")
    page.wait_for_selector("#workers-9-name")
    assert page.input_value("#workers-9-name") == "周敏"
    page.shot("intake-filled")
    page.click("[name=save]:not(.default-submit)")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    assert "南里调字第" in page.inner_text("h1")
    assert "集体争议" in page.content()
    page.shot("case-received")

    page.click(".case-actions a:text-is('受理')")
    page.fill("#accepted_on", "2021-03-09")
    page.click("button[type=submit].primary")
    page.wait_for_url(case_url)
    page.shot("accepted")

    page.click(".case-actions a:text-is('安排/记录调解')")
    page.fill("#starts_at", "2021-03-09T09:30")
    page.fill("#duration_minutes", "130")
    page.fill("#minutes", "双方就拖欠工资数额达成一致。")
    page.click("button[type=submit].primary")
    page.wait_for_url(case_url)
    assert "调解中" in page.inner_text(".badges")
    page.shot("session-recorded")

    page.click(".case-actions a:text-is('调解协议')")
    page.fill("#instalments-0-due_on", "2021-03-09")
    page.fill("#instalments-0-amount", "227675.00")
    for field in ("parties_signed_on", "mediator_signed_on", "centre_sealed_on"):
        page.fill(f"#{field}", "2021-03-09")
    page.shot("agreement-form")
    page.click("button[type=submit].primary")
    page.wait_for_url(case_url)
    assert "调解成功" in page.inner_text(".badges")
    page.shot("agreement-effective")

    page.click(".case-actions a:text-is('登记付款')")
    page.fill("#all-paid_on", "2021-03-09")
    page.locator("form[action$='/payments/all'] button[type=submit]").click()
    page.wait_for_url(case_url)
    badges = page.inner_text(".badges")
    assert "已履行" in badges
    assert "协议已全部履行" in page.inner_text(".next-step")
    text = page.inner_text("main")
    assert "227,675.00" in text
    page.shot("performed")

    page.goto(case_url + "/print/agreement")
    sheet = page.inner_text("body")
    assert "贰拾贰万柒仟陆佰柒拾伍元整" in sheet
    assert all(name in sheet for name in WORKERS)
    page.shot("printed-agreement")
