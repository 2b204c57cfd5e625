"""End to end in Chromium: an admin uploads a clerk's own workbook (Sheet1, a title row, the
centre's column names, a 合计 row) for one centre, corrects the one column the import could not
tell in the preview, and imports."""

import re
from datetime import date

from sqlmodel import Session, select

from bench.ledger_bench import clerk_table, generate_rows
from models import Case, Centre
from tests.browser.conftest import log_in


def clerk_workbook(path, short_name: str):
    """Six cases in the clerk's layout; their 备注 column is headed 情况说明, a name the
    import does not know."""
    import openpyxl

    rows = generate_rows(6, {"NH-LS": short_name}, [], seed=5, last_day=date(2026, 10, 31))
    table = clerk_table(rows, excel=True)
    table[2] = ["情况说明" if name == "备注" else name for name in table[2]]
    workbook = openpyxl.Workbook()
    for line in table:
        workbook.active.append(line)
    workbook.active.merge_cells("A1:T1")
    workbook.save(path)
    notes = [row[table[2].index("情况说明")] for row in table[3:-1]]
    return path, sum(1 for note in notes if note)


def test_admin_imports_a_clerks_workbook_after_correcting_one_column(
    page, live_server, live_engine, tmp_path
):
    base, engine = live_server, live_engine
    with Session(engine) as session:
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    path, with_notes = clerk_workbook(tmp_path / "里水镇调解台账.xlsx", centre.short_name)

    log_in(page, base, "admin")
    page.goto(f"{base}/ledger/")
    page.set_input_files("#file", str(path))
    page.select_option("#centre", str(centre.id))
    page.shot("upload")
    page.click("text=上传并检查")
    page.wait_for_url(re.compile(r".*/ledger/[A-Za-z0-9_-]{32}$"))
    assert "表头在第 3 行" in page.inner_text(".ledger-mapping")
    assert "合计行 1 行未导入" in page.inner_text("#ledger-notes")
    assert page.inner_text("#ledger-new").strip() == "6"
    unknown = 'select[aria-label="「情况说明」对应的台账列"]'
    assert page.eval_on_selector(unknown, "s => s.value") == ""  # not told: not imported
    page.shot("preview")

    page.select_option(unknown, "备注")
    page.click("#ledger-remap")
    page.wait_for_load_state()
    assert page.eval_on_selector(unknown, "s => s.value") == "备注"
    page.shot("corrected")
    page.click("text=确认导入 6 件案件")
    page.wait_for_url(re.compile(r".*/cases/.*"))
    assert "已从「里水镇调解台账.xlsx」导入 6 件案件" in page.content()
    page.shot("imported")

    with Session(engine) as session:
        notes = session.exec(select(Case.note).where(Case.imported_from == path.name)).all()
    assert len(notes) == 6 and sum(1 for note in notes if note) == with_notes > 0
