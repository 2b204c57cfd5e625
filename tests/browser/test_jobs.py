"""End to end in Chromium on a 390 px phone: print every document of a case as a job, watch
its progress bar move to 100 % on the job page (polling its JSON), and download the zip."""

import io
import zipfile
from pathlib import Path

from tests.browser.conftest import log_in
from tests.browser.test_mediators_day import seed_succeeded_case


def test_the_progress_bar_moves_to_the_download_on_a_phone(browser, live_server, worker):
    case_id = seed_succeeded_case(live_server.database_url)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = context.new_page()
    log_in(page, live_server, "mediator")
    page.goto(f"{live_server}/cases/{case_id}#documents")
    page.click("text=全部文书打包下载（ZIP）")
    page.wait_for_url(f"{live_server}/jobs/*")
    page.wait_for_selector("#job-download:not([hidden])", timeout=120_000)
    assert page.get_attribute("#job-bar", "value") == "100"
    rows = page.inner_text("#job-rows")
    assert rows.startswith("已处理 ") and rows.split(" / ")[0][4:] == rows.split(" / ")[1]
    assert page.inner_text("#job-state") == "已完成"
    assert page.is_hidden("#job-cancel")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    with page.expect_download() as download:
        page.click("#job-download-link")
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert any(name.endswith("调解协议书.pdf") for name in names)
    context.close()
