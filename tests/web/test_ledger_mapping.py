"""A clerk's own ledger (one sheet called Sheet1, a title row, the centre's own column names,
Chinese date forms, amounts in 万 and with 元, the clerk's outcome words, a 合计 row, no
调解组织) imports to the same /api/stats figures as the same cases in the ledger's format; as
a workbook, a UTF-8 CSV and a GB18030 CSV, in two header vocabularies."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from bench.ledger_bench import (
    clerk_table,
    generate_rows,
    write_clerk_csv,
    write_clerk_xlsx,
    write_csv,
)
from conftest import csrf_from
from mediation.ledger import guard, uploads
from mediation.ledger.importing import import_ledger
from mediation.ledger.mapping import MappingChoice
from mediation.scope import Scope
from models import Case, Lawyer, LedgerUpload

CITY = Scope(centre_ids=None)
STANDARD, CLERK = "NH-LS", "CC-ZC"  # the same cases go to each, in either format


def _stats(client, centre: str) -> dict:
    body = client.get(f"/api/stats?from=2021-01-01&to=2026-11-20&centre={centre}").get_json()
    body.pop("centre")
    for key in ("by_district", "by_centre"):  # the same figures, under the other centre's name
        body[key] = [
            {k: v for k, v in item.items() if k not in ("code", "name")} for item in body[key]
        ]
    return body


@pytest.mark.parametrize(
    ("kind", "vocabulary", "encoding"),
    [("xlsx", 0, None), ("xlsx", 1, None), ("csv", 0, "utf-8-sig"), ("csv", 1, "gb18030")],
)
def test_a_clerks_ledger_imports_to_the_same_statistics_as_the_ledger_format(
    client, db, centres, login_as, tmp_path, kind, vocabulary, encoding
):
    lawyers = [
        Lawyer(
            name=f"特约律师{n}", certificate_no=f"1440620103{n:07d}", firm_name="广东南天律师事务所"
        )
        for n in (1, 2)
    ]
    db.add_all(lawyers)
    db.flush()
    rows = generate_rows(
        120,
        {STANDARD: centres[STANDARD].short_name},
        [lawyer.certificate_no for lawyer in lawyers],
        seed=vocabulary,
        last_day=date(2026, 10, 31),
    )
    standard = import_ledger(
        db, write_csv(tmp_path / "标准.csv", rows), "标准.csv", actor=None, scope=CITY
    )
    assert standard.ok and standard.imported == 120

    if kind == "xlsx":
        path = write_clerk_xlsx(tmp_path / "里水台账.xlsx", rows, vocabulary)
    else:
        path = write_clerk_csv(tmp_path / "里水台账.csv", rows, vocabulary, encoding)
    choice = MappingChoice(centre_id=centres[CLERK].id)
    report = import_ledger(db, path, path.name, actor=None, scope=CITY, choice=choice)

    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.imported == 120 and report.rows == 120
    assert report.mapping.header_row == 3  # below the title row and a blank row
    assert any(note.startswith("合计行 1 行未导入（第124行）") for note in report.notes)
    by_header = {c.header: c.field for c in report.mapping.columns}
    assert by_header["序号"] == "" and by_header["联系电话"] == ""
    if vocabulary == 1:  # named 单位代码: told by its content
        assert by_header["单位代码"] == "统一社会信用代码"
        assert any("案件编号" in note for note in report.notes)  # numbered from the counter
    db.flush()
    login_as("admin")
    assert _stats(client, CLERK) == _stats(client, STANDARD)


def _clerk_rows(centres, count: int = 6, seed: int = 7):
    return generate_rows(
        count, {"NH-LS": centres["NH-LS"].short_name}, [], seed=seed, last_day=date(2026, 10, 31)
    )


def _upload(client, path, centre_id=None):
    token = csrf_from(client, "/ledger/")
    data = {"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), path.name)}
    if centre_id is not None:
        data["centre"] = str(centre_id)
    response = client.post("/ledger/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _form_fields(page: str) -> dict[str, str]:
    """The mapping form as the browser would post it: hidden inputs and selected options."""
    form = page[page.index('id="ledger-mapping-form"') :]
    form = form[: form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = selected.group(1) if selected else ""
    return fields


def test_a_clerk_corrects_a_column_in_the_preview_and_the_centre_remembers_it(
    client, db, centres, login_as, tmp_path, monkeypatch
):
    login_as("centre_supervisor", "NH-LS")
    path = write_clerk_xlsx(tmp_path / "里水台账.xlsx", _clerk_rows(centres))
    preview_url = _upload(client, path)
    page = client.get(preview_url).get_data(as_text=True)
    assert "表头在第 3 行" in page and "合计行 1 行未导入" in page
    assert '<strong id="ledger-new">6</strong>' in page
    fields = _form_fields(page)
    heads = {value: name[5:] for name, value in fields.items() if name.startswith("head-")}
    assert fields[f"col-{heads['受理时间']}"] == "受理日期"
    assert fields[f"col-{heads['序号']}"] == ""  # not imported

    # The clerk's 备注 holds nothing the centre wants: not imported.
    fields[f"col-{heads['备注']}"] = ""
    response = client.post(preview_url + "/mapping", data=fields)
    assert response.status_code == 302
    stored = db.exec(select(LedgerUpload)).one()
    db.refresh(stored)
    assert stored.choice["columns"] == {"备注": ""}
    assert stored.choice["centre_id"] == centres["NH-LS"].id
    # The correction was checked when sent: showing the preview again reads it back.
    with monkeypatch.context() as patch:
        patch.setattr(uploads, "check_ledger", _not_again)
        page = client.get(preview_url).get_data(as_text=True)
    assert "已指定" in page
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 302
    notes = db.exec(select(Case.note).where(Case.imported_from == path.name)).all()
    assert len(notes) == 6 and set(notes) == {""}

    # The next file of the same layout: the correction is applied without asking again.
    path = write_clerk_xlsx(tmp_path / "里水台账二.xlsx", _clerk_rows(centres, seed=8))
    page = client.get(_upload(client, path)).get_data(as_text=True)
    fields = _form_fields(page)
    assert fields[f"col-{heads['备注']}"] == "" and "沿用上次" in page


def _not_again(*_args, **_kw):
    raise AssertionError("the file was checked again")


def test_a_correction_past_the_time_limit_keeps_the_preview_as_it_was(
    client, db, app, centres, login_as, tmp_path, monkeypatch
):
    login_as("centre_supervisor", "NH-LS")
    path = write_clerk_xlsx(tmp_path / "里水台账.xlsx", _clerk_rows(centres))
    preview_url = _upload(client, path)
    fields = _form_fields(client.get(preview_url).get_data(as_text=True))
    heads = {value: name[5:] for name, value in fields.items() if name.startswith("head-")}
    fields[f"col-{heads['备注']}"] = ""
    monkeypatch.setitem(app.config, "LEDGER_PREVIEW_SECONDS", 0)
    monkeypatch.setattr(guard, "DEADLINE_EVERY", 1)
    response = client.post(preview_url + "/mapping", data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert guard.TIMEOUT_MESSAGE in page and '<strong id="ledger-new">6</strong>' in page
    stored = db.exec(select(LedgerUpload)).one()
    db.refresh(stored)
    assert stored.choice["columns"] == {} and "已指定" not in page


def test_a_correction_to_a_file_imported_meanwhile_is_refused(
    client, db, centres, login_as, tmp_path
):
    login_as("centre_supervisor", "NH-LS")
    path = write_clerk_xlsx(tmp_path / "里水台账.xlsx", _clerk_rows(centres))
    first, second = _upload(client, path), _upload(client, path)  # two tabs, one file
    token = csrf_from(client, first)
    assert client.post(first + "/confirm", data={"csrf_token": token}).status_code == 302
    fields = _form_fields(client.get(second).get_data(as_text=True))
    response = client.post(second + "/mapping", data=fields)
    assert response.status_code == 422
    assert re.search(r"该文件已于\d{4}-\d\d-\d\d \d\d:\d\d导入", response.get_data(as_text=True))
    assert len(db.exec(select(Case).where(Case.imported_from == path.name)).all()) == 6


def test_a_workbook_of_several_sheets_asks_which_and_a_file_without_a_channel_asks_for_one(
    client, db, centres, login_as, tmp_path
):
    login_as("admin")
    rows = _clerk_rows(centres, 3)
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "2021年"
    for line in clerk_table(rows):
        first.append([v for i, v in enumerate(line) if i != 7])  # without 来源
    workbook.create_sheet("统计").append(["月份", "件数"])
    path = tmp_path / "两表.xlsx"
    workbook.save(path)

    preview_url = _upload(client, path)
    page = client.get(preview_url).get_data(as_text=True)
    assert "工作簿有2个工作表（2021年、统计），请选择要导入的工作表" in page
    fields = {"csrf_token": csrf_from(client, preview_url), "sheet": "2021年"}
    client.post(preview_url + "/mapping", data=fields)
    page = client.get(preview_url).get_data(as_text=True)
    assert "缺少必填列「调解组织」：请选择本台账案件所属的调解组织" in page
    assert "缺少必填列「案件来源」：请为本台账选择案件来源" in page
    fields = _form_fields(page)
    fields.update(centre_id=str(centres["NH-LS"].id), channel="仲裁委托")
    client.post(preview_url + "/mapping", data=fields)
    page = client.get(preview_url).get_data(as_text=True)
    assert "全部案件的来源记为「仲裁委托」" in page and '<strong id="ledger-new">3</strong>' in page
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 302
    cases = db.exec(select(Case).where(Case.imported_from == path.name)).all()
    assert {(c.centre_id, c.channel) for c in cases} == {(centres["NH-LS"].id, "仲裁委托")}


def test_the_template_has_instructions_drop_downs_and_an_example_and_imports_empty(
    client, login_as, tmp_path
):
    login_as("centre_supervisor", "NH-LS")
    assert 'href="/ledger/template.xlsx"' in client.get("/ledger/").get_data(as_text=True)
    response = client.get("/ledger/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "模板.xlsx"
    path.write_bytes(response.data)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["调解案件", "填写说明"]
    sheet = workbook["调解案件"]
    assert [c.value for c in sheet[1]][:3] == ["案件编号", "调解组织", "收到申请日期"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "填写说明" in lists["E2"] and "填写说明" in lists["M2"]  # 案件来源, 调解结果
    notes = workbook["填写说明"]
    channels = [notes.cell(row=r, column=8).value for r in range(6, 13)]
    assert channels[0] == "现场申请" and "仲裁委托" in channels
    assert any(row[3] == "(2021)南里调字第15号" for row in notes.iter_rows(values_only=True))
    centres = [notes.cell(row=r, column=7).value for r in range(6, 8)]
    assert centres == ["NH-LS", None]  # only the user's own centre


def test_cli_maps_a_clerks_file_prints_the_mapping_and_takes_overrides(app, db, centres, tmp_path):
    runner = app.test_cli_runner()
    table = clerk_table(_clerk_rows(centres, 4))
    table[2] = ["性质" if h == "争议类型" else h for h in table[2]]
    path = tmp_path / "里水.csv"
    with open(path, "w", newline="", encoding="gb18030") as handle:
        csv.writer(handle).writerows(table)

    result = runner.invoke(args=["import-ledger", str(path), "--dry-run"])
    assert result.exit_code != 0
    assert "缺少必填列「调解组织」" in result.output and "--centre" in result.output

    args = ["import-ledger", str(path), "--centre", "NH-LS", "--map", "性质="]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "第3行：缺少必填列「争议类别」" in result.output
    assert "  性质 → 不导入（已指定）" in result.output

    result = runner.invoke(args=["import-ledger", str(path), "--map", "性质=类别"])
    assert result.exit_code != 0 and "「类别」不是台账的列" in result.output
    wrong = ["import-ledger", str(path), "--centre", "NH-LS", "--map", "性别=备注", "--dry-run"]
    result = runner.invoke(args=wrong)
    assert result.exit_code != 0 and "表头中没有「性别」" in result.output

    args[-1] = "性质=争议类别"
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "表头在第3行：" in result.output and "  受理时间 → 受理日期（常用列名）" in result.output
    assert "  序号 → 不导入（常用列名）" in result.output
    assert "已从「里水.csv」导入 4 件案件" in result.output

    result = runner.invoke(args=args)  # the same file again, however mapped
    assert result.exit_code != 0 and "该文件已于" in result.output


def test_the_preview_shows_the_unit_of_each_amount_column_and_imports_wan_exactly(
    client, db, centres, login_as, tmp_path
):
    login_as("centre_supervisor", "NH-LS")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["申请人", "被申请人", "争议类型", "受理时间", "来源", "涉及人数", "调解结果",
                  "标的额 万元", "协议金额（千元）", "结案时间"])  # fmt: skip
    sheet.append(["职工甲", "佛山市某五金制品有限公司", "欠薪", "2021-03-09", "现场", 1,
                  "达成协议", 1.2345, "9.5", "2021-03-20"])  # fmt: skip
    path = tmp_path / "万元台账.xlsx"
    workbook.save(path)
    preview_url = _upload(client, path)
    page = client.get(preview_url).get_data(as_text=True)
    assert "<th>金额单位</th>" in page
    units = re.findall(r'<td class="ledger-unit">([^<]*)</td>', page)
    assert units == ["", "", "", "", "", "", "", "万元（×10,000）", "千元（×1,000）", ""]
    assert '<strong id="ledger-new">1</strong>' in page
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 302
    claimed, agreed = db.exec(select(Case.claimed_fen, Case.agreed_fen)).one()
    assert (claimed, agreed) == (1_234_500, 950_000)  # 12,345.00元 and 9,500.00元
