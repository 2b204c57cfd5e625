"""End to end in Chromium: a 20,000-row ledger (above JOB_IMPORT_ROWS) is checked by a job, its
preview shown, and its import confirmed; the job page's progress bar moves to 100 % and lands on
the case list with the import's summary, as after an import in the request."""

import json
import re
from datetime import date

from sqlmodel import Session, func, select

from bench.ledger_bench import generate_rows, write_csv
from models import Case, Centre
from tests.browser.conftest import log_in

ROWS = 20_000
# Every value the progress bar shows, kept per page in the tab's sessionStorage, which outlives
# the job page's redirect to the result.
RECORD_BAR = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("job-bar");
  if (!bar) return;
  const key = "bar:" + location.pathname;
  const keep = () => {
    const seen = JSON.parse(sessionStorage.getItem(key) || "[]");
    seen.push(Number(bar.value));
    sessionStorage.setItem(key, JSON.stringify(seen));
  };
  keep();
  new MutationObserver(keep).observe(bar, { attributes: true, attributeFilter: ["value"] });
});
"""


def test_a_large_import_shows_its_progress_and_lands_on_the_result(
    page, live_server, live_engine, worker, tmp_path
):
    base = live_server
    assert live_server.app.config["JOB_IMPORT_ROWS"] < ROWS
    with Session(live_engine) as session:
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    rows = generate_rows(
        ROWS, {"NH-LS": centre.short_name}, [], seed=20, first_day=date(2012, 1, 4),
        last_day=date(2014, 12, 30),
    )  # fmt: skip
    path = write_csv(tmp_path / "两万件台账.csv", rows)
    page.context.add_init_script(RECORD_BAR)

    log_in(page, base, "admin")
    page.goto(f"{base}/ledger/")
    page.set_input_files("#file", str(path))
    page.click("text=上传并检查")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]{32}$"))
    assert "检查台账「两万件台账.csv」" in page.inner_text("h1")
    page.shot("checking")
    page.wait_for_url(re.compile(r".*/ledger/[A-Za-z0-9_-]{32}$"), timeout=180_000)
    assert page.inner_text("#ledger-new").strip() == str(ROWS)
    page.shot("preview")

    page.click(f"text=确认导入 {ROWS} 件案件")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]{32}$"))
    job_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert "导入台账「两万件台账.csv」" in page.inner_text("h1")
    page.shot("importing")
    page.wait_for_url(re.compile(r".*/cases/.*"), timeout=300_000)
    assert f"已从「两万件台账.csv」导入 {ROWS} 件案件" in page.content()
    page.shot("imported")

    seen = json.loads(page.evaluate(f"sessionStorage.getItem('bar:{job_path}')"))
    assert seen[-1] == 100 and seen == sorted(seen)  # it only moved forward, to the end
    assert any(0 < value < 100 for value in seen), seen  # and was seen on its way
    with Session(live_engine) as session:
        imported = session.exec(
            select(func.count()).select_from(Case).where(Case.imported_from == path.name)
        ).one()
    assert imported == ROWS
