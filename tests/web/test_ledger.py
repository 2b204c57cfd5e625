"""The ledger pages (upload → preview → confirm), the case list's export and the CLI commands."""

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, func
from sqlmodel import select

from conftest import csrf_from
from mediation import storage
from models import AuditEvent, Case, LedgerUpload, LegalCase, LegalWorker, Worker

HEADER = (
    "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,"
    "统一社会信用代码,请求金额,调解结果,结案日期,协议金额,实际到位金额,原因\n"
)
GOOD_ROWS = (
    "(2021)南里调字第15号,NH-LS,2021-03-09,2021-03-09,现场申请,劳动报酬,10,阿永、阿强,"
    '佛山市某包装印刷有限公司,91110108551385082Q,"250,000",调解成功,2021-03-09,'
    "227675,227675,\n"
    "(2021)南里调字第16号,NH-LS,,2021-03-10,电话,工伤,1,陈芳,佛山市乙五金有限公司,,8000,"
    "调解不成,2021-03-25,,,用人单位拒绝调解\n"
)
OTHER_CENTRE_ROW = (
    "(2021)禅张调字第3号,CC-ZC,,2021-04-01,网上申请,其他,1,李娜,佛山市丙陶瓷有限公司,,100,"
    "调解中,,,,\n"
)


@pytest.fixture(autouse=True)
def instance_folder(app, tmp_path, monkeypatch):
    """A temporary instance folder: the ledger must write nothing there."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance" / "ledger_uploads"


def logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})


def case_count(db) -> int:
    return db.exec(select(func.count()).select_from(Case)).one()


def upload(client, content: bytes, filename: str = "台账.csv"):
    token = csrf_from(client, "/ledger/")
    return client.post(
        "/ledger/",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_upload_preview_confirm(client, login_as, db, instance_folder):
    supervisor = login_as("centre_supervisor", "NH-LS", display_name="梁主任")
    response = upload(client, (HEADER + GOOD_ROWS).encode("utf-8-sig"), "里水2021台账.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    stored = db.exec(select(LedgerUpload)).one()  # in the database, not the cookie nor instance/
    assert stored.filename == "里水2021台账.csv" and stored.user_id == supervisor.id
    assert not instance_folder.exists()

    page = client.get(preview_url).get_data(as_text=True)
    assert '<strong id="ledger-new">2</strong>' in page
    assert "(2021)南里调字第15号" in page and "确认导入 2 件案件" in page
    assert case_count(db) == 0  # the preview writes nothing

    token = csrf_from(client, preview_url)
    confirmed = client.post(preview_url + "/confirm", data={"csrf_token": token})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/cases/")
    assert "已从「里水2021台账.csv」导入 2 件案件" in client.get("/cases/").get_data(as_text=True)
    assert case_count(db) == 2
    db.refresh(stored)  # imported: its bytes dropped, its hash kept
    assert stored.status == "imported" and stored.imported_at
    assert not storage.store.exists(db, storage.ledger_key(stored.token))
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "import")).first()
    assert event.user_id == supervisor.id and "梁主任" in event.summary
    assert "里水2021台账.csv" in event.summary
    assert client.get(preview_url).status_code == 404

    again = upload(client, (HEADER + GOOD_ROWS).encode("utf-8"), "再次.csv")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert '<span id="ledger-skipped">2</span>' in page and "均已登记，无需导入" in page


def test_confirm_needs_the_csrf_token(client, login_as, db):
    login_as("admin")
    preview_url = upload(client, (HEADER + GOOD_ROWS).encode()).headers["Location"]
    assert client.post(preview_url + "/confirm", data={}).status_code == 400
    assert case_count(db) == 0


def test_a_bad_file_shows_every_problem_and_cannot_be_confirmed(client, login_as, db):
    login_as("admin")
    bad = GOOD_ROWS.replace("91110108551385082Q", "91110108551385082A").replace(
        "2021-03-25", "2021-03-01"
    )
    preview_url = upload(client, (HEADER + bad).encode()).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "发现 2 处问题，未导入任何案件" in page
    assert "第2行「统一社会信用代码」校验位错误" in page
    assert "第3行「结案日期」不能早于受理日期" in page
    assert "确认导入" not in page
    token = csrf_from(client, preview_url)
    response = client.post(preview_url + "/confirm", data={"csrf_token": token})
    assert response.status_code == 422 and case_count(db) == 0
    discarded = client.post(preview_url + "/discard", data={"csrf_token": token})
    assert discarded.status_code == 302
    assert client.get(preview_url).status_code == 404


def test_upload_form_errors(client, login_as):
    login_as("admin")
    token = csrf_from(client, "/ledger/")
    response = client.post("/ledger/", data={"csrf_token": token})
    assert response.status_code == 422
    assert "请选择台账文件" in response.get_data(as_text=True)
    response = upload(client, b"x", "ledger.xls")
    assert response.status_code == 422
    assert "只支持 .xlsx 或 .csv 格式的台账文件" in response.get_data(as_text=True)


def test_a_centre_supervisor_cannot_import_into_another_centre(client, login_as, db):
    login_as("centre_supervisor", "NH-LS")
    preview_url = upload(client, (HEADER + GOOD_ROWS + OTHER_CENTRE_ROW).encode()).headers[
        "Location"
    ]
    page = client.get(preview_url).get_data(as_text=True)
    assert (
        "第4行「调解组织」无权导入到「禅城区张槎街道劳动争议联合调解中心」：不在您的管理范围内"
        in page
    )
    response = client.post(
        preview_url + "/confirm", data={"csrf_token": csrf_from(client, preview_url)}
    )
    assert response.status_code == 422 and case_count(db) == 0


def test_who_may_import(client, login_as, make_user):
    for role, centre, district in (
        ("mediator", "NH-LS", None),
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
    ):
        login_as(role, centre, district)
        assert client.get("/ledger/").status_code == 403
        assert "台账导入导出" not in client.get("/").get_data(as_text=True)
        logout(client)
    login_as("centre_supervisor", "NH-LS")
    assert "台账导入导出" in client.get("/").get_data(as_text=True)


def test_an_upload_belongs_to_its_uploader(client, login_as):
    login_as("centre_supervisor", "NH-LS")
    preview_url = upload(client, (HEADER + GOOD_ROWS).encode()).headers["Location"]
    logout(client)
    login_as("centre_supervisor", "NH-LS")
    assert client.get(preview_url).status_code == 404
    assert client.get("/ledger/..%2F..%2Fsecret_key").status_code == 404


def _import(client, rows: str) -> None:
    preview_url = upload(client, (HEADER + rows).encode()).headers["Location"]
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 302


def _csv(response) -> list[dict[str, str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_export_follows_the_case_list_filters_and_scope(client, login_as):
    login_as("admin")
    _import(client, GOOD_ROWS + OTHER_CENTRE_ROW)
    index = client.get("/cases/?status=failed").get_data(as_text=True)
    assert 'href="/ledger/export.csv?status=failed"' in index
    response = client.get("/ledger/export.csv?status=failed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert [row["案件编号"] for row in _csv(response)] == ["(2021)南里调字第16号"]
    rows = _csv(client.get("/ledger/export.csv"))
    assert [row["案件编号"] for row in rows] == [
        "(2021)南里调字第15号",
        "(2021)南里调字第16号",
        "(2021)禅张调字第3号",
    ]
    assert rows[0]["申请人"] == "阿永、阿强" and rows[0]["协议金额"] == "227675.00"

    logout(client)
    login_as("mediator", "CC-ZC")
    assert [row["案件编号"] for row in _csv(client.get("/ledger/export.csv"))] == [
        "(2021)禅张调字第3号"
    ]
    logout(client)
    login_as("city_supervisor")
    rows = _csv(client.get("/ledger/export.csv?centre=NH-LS"))
    assert [row["申请人"] for row in rows] == ["阿*、阿*", "陈*"]


def test_export_of_a_district_drill_down_lists_that_district_only(client, login_as):
    """The statistics page's district link opens the list; its export holds the same cases."""
    login_as("admin")
    _import(client, GOOD_ROWS + OTHER_CENTRE_ROW)
    listing = client.get("/cases/?district=CC").get_data(as_text=True)
    assert 'href="/ledger/export.csv?district=CC"' in listing
    rows = _csv(client.get("/ledger/export.csv?district=CC"))
    assert [row["案件编号"] for row in rows] == ["(2021)禅张调字第3号"]


def test_export_as_xlsx(client, login_as):
    login_as("admin")
    _import(client, GOOD_ROWS)
    response = client.get("/ledger/export.xlsx", buffered=True)  # closes the spooled file
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()))["调解案件"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "调解组织", "收到申请日期")
    assert rows[1][0] == "(2021)南里调字第15号" and rows[1][3].date() == date(2021, 3, 9)
    assert len(rows) == 3


def test_export_needs_login(client):
    assert client.get("/ledger/export.csv").status_code == 302


# -- the command line -------------------------------------------------------------------------


def _write(tmp_path: Path, rows: str, name: str = "台账.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_cli_dry_run_writes_nothing(app, db, tmp_path):
    runner = app.test_cli_runner()
    good = _write(tmp_path, GOOD_ROWS)
    result = runner.invoke(args=["import-ledger", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "检查通过（试运行，未写入）" in result.output and "可新增 2 件" in result.output
    assert case_count(db) == 0

    bad = _write(tmp_path, GOOD_ROWS.replace("调解不成", "已调解"), "坏.csv")
    result = runner.invoke(args=["import-ledger", str(bad), "--dry-run"])
    assert result.exit_code != 0
    assert "第3行「调解结果」无效「已调解」" in result.output
    assert case_count(db) == 0


def test_cli_import_names_the_command_line_or_the_user(app, db, tmp_path, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-ledger", str(_write(tmp_path, GOOD_ROWS))])
    assert result.exit_code == 0, result.output
    assert "已从「台账.csv」导入 2 件案件" in result.output
    actors = set(db.exec(select(AuditEvent.actor).where(AuditEvent.action == "import")))
    assert actors == {"命令行 import-ledger"}
    again = runner.invoke(args=["import-ledger", str(_write(tmp_path, GOOD_ROWS))])
    assert again.exit_code != 0 and "该文件已于" in again.output and case_count(db) == 2
    # The same cases in another file: each row identical to a stored case is skipped.
    again = runner.invoke(args=["import-ledger", str(_write(tmp_path, GOOD_ROWS + "\n"))])
    assert "跳过 2 件" in again.output and case_count(db) == 2

    make_user("centre_supervisor", "NH-LS", username="liang", display_name="梁敏")
    other = _write(tmp_path, OTHER_CENTRE_ROW, "禅张.csv")
    refused = runner.invoke(args=["import-ledger", str(other), "--user", "liang"])
    assert refused.exit_code != 0 and "无权导入到" in refused.output
    make_user("mediator", "NH-LS", username="xiao")
    result = runner.invoke(args=["import-ledger", str(other), "--user", "xiao"])
    assert result.exit_code != 0 and "无权导入台账" in result.output
    make_user("centre_supervisor", "CC-ZC", username="chen", display_name="陈主任")
    result = runner.invoke(args=["import-ledger", str(other), "--user", "chen"])
    assert result.exit_code == 0, result.output
    event = db.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.actor == "陈主任"


def test_cli_export(app, db, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["import-ledger", str(_write(tmp_path, GOOD_ROWS + OTHER_CENTRE_ROW))])
    target = tmp_path / "导出.csv"
    result = runner.invoke(
        args=["export-ledger", str(target), "--centre", "NH-LS", "--from", "2021-03-10"]
    )
    assert result.exit_code == 0, result.output
    assert "已导出 1 件案件" in result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [row["案件编号"] for row in rows] == ["(2021)南里调字第16号"]
    assert rows[0]["申请人"] == "陈芳"

    workbook = tmp_path / "全部.xlsx"
    result = runner.invoke(args=["export-ledger", str(workbook)])
    assert result.exit_code == 0 and "已导出 3 件案件" in result.output
    assert openpyxl.load_workbook(workbook)["调解案件"].max_row == 4
    # The export imports again as "nothing new".
    result = runner.invoke(args=["import-ledger", str(workbook)])
    assert result.exit_code == 0 and "跳过 3 件" in result.output
    assert db.exec(select(func.count()).select_from(Worker)).one() == 12

    assert runner.invoke(args=["export-ledger", str(tmp_path / "x.txt")]).exit_code != 0
    result = runner.invoke(args=["export-ledger", str(target), "--centre", "XX"])
    assert result.exit_code != 0 and "未知调解中心代码「XX」" in result.output


# -- 法律服务案件 ----------------------------------------------------------------------------

LEGAL_HEADER = ["案件编号", "承办单位", "服务类型", "受理日期", "受援职工人数", "特约律师",
                "结果", "结案日期", "挽回金额", "备注"]  # fmt: skip
LEGAL_ROWS = [
    ["(2021)南里法援字第1号", "NH-LS", "仲裁代理", "2021-03-09", 3, "", "胜诉", "2021-05-20",
     "12,345.67", ""],
    ["(2021)南里法援字第2号", "NH-LS", "诉讼代理", "2021-03-15", 2, "", "办理中", None, None, ""],
    ["(2021)禅张法援字第1号", "CC-ZC", "仲裁代理", "2021-03-20", 4, "", "调解结案", "2021-04-01",
     3000, "工伤"],
]  # fmt: skip
LEGAL_TOTALS = {"cases": 3, "worker_times": 9, "recovered_fen": 1_534_567}


def _both_sheets(legal_rows=LEGAL_ROWS) -> bytes:
    workbook = openpyxl.Workbook()
    mediation = workbook.active
    mediation.title = "调解案件"
    for line in csv.reader(io.StringIO(HEADER + GOOD_ROWS)):
        mediation.append(line)
    legal = workbook.create_sheet("法律服务案件")
    legal.append(LEGAL_HEADER)
    for row in legal_rows:
        legal.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def legal_count(db) -> int:
    return db.exec(select(func.count()).select_from(LegalCase)).one()


def _legal_totals(client) -> dict[str, int]:
    block = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()["legal_services"]
    return {key: block[key] for key in LEGAL_TOTALS}


def test_a_workbook_with_both_sheets_imports_and_the_statistics_agree(client, login_as, db):
    login_as("admin")
    preview_url = upload(client, _both_sheets(), "两类台账.xlsx").headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert '<strong id="ledger-new">2</strong>' in page
    assert '<strong id="ledger-legal-new">3</strong>' in page
    assert "确认导入 2 件案件、3 件法律服务案件" in page
    assert legal_count(db) == 0
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 302
    assert "法律服务案件导入 3 件" in client.get("/cases/").get_data(as_text=True)
    assert (case_count(db), legal_count(db)) == (2, 3)
    assert _legal_totals(client) == LEGAL_TOTALS

    again = upload(client, _both_sheets(LEGAL_ROWS[::-1]), "再次.xlsx").headers["Location"]
    page = client.get(again).get_data(as_text=True)
    assert '<span id="ledger-legal-skipped">3</span>' in page and "均已登记，无需导入" in page


def test_broken_legal_rows_show_in_the_preview_and_nothing_is_written(client, login_as, db):
    login_as("admin")
    broken = [list(row) for row in LEGAL_ROWS]
    broken[0][2] = "法律援助"
    broken[1][7] = "2021-03-20"
    broken[2][4] = 0
    preview_url = upload(client, _both_sheets(broken), "坏.xlsx").headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "发现 3 处问题，未导入任何案件" in page
    assert "「法律服务案件」工作表第2行「服务类型」无效「法律援助」" in page
    assert "「法律服务案件」工作表第3行「结案日期」办理中的案件不填写结案日期" in page
    assert "「法律服务案件」工作表第4行「受援职工人数」应为不小于1的整数" in page
    token = csrf_from(client, preview_url)
    response = client.post(preview_url + "/confirm", data={"csrf_token": token})
    assert response.status_code == 422
    assert (case_count(db), legal_count(db)) == (0, 0)


def test_the_export_writes_legal_cases_and_they_import_again(client, login_as, db, app, tmp_path):
    login_as("admin")
    preview_url = upload(client, _both_sheets(), "两类台账.xlsx").headers["Location"]
    client.post(preview_url + "/confirm", data={"csrf_token": csrf_from(client, preview_url)})
    response = client.get("/ledger/export.xlsx", buffered=True)
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook["法律服务案件"].iter_rows(values_only=True))
    assert rows[0] == tuple(LEGAL_HEADER)
    assert [row[0] for row in rows[1:]] == [row[0] for row in LEGAL_ROWS]
    assert rows[1][4] == 3 and rows[1][8] == 12345.67
    # The CSV holds the mediation cases unless asked for the legal-service ones.
    assert "受援职工人数" not in client.get("/ledger/export.csv").get_data(as_text=True)
    legal = _csv(client.get("/ledger/export.csv?kind=legal&centre=CC-ZC"))
    assert legal == [
        {
            **dict(zip(LEGAL_HEADER, map(str, LEGAL_ROWS[2]), strict=True)),
            "挽回金额": "3000.00",
        }
    ]
    # A district drill-down's legal-service cases are that district's.
    legal = _csv(client.get("/ledger/export.csv?kind=legal&district=CC"))
    assert [row["案件编号"] for row in legal] == ["(2021)禅张法援字第1号"]
    logout(client)
    login_as("mediator", "CC-ZC")
    legal = _csv(client.get("/ledger/export.csv?kind=legal"))
    assert [row["案件编号"] for row in legal] == ["(2021)禅张法援字第1号"]

    # Round trip through the command line, into an empty legal-service table.
    runner = app.test_cli_runner()
    target = tmp_path / "法律服务.csv"
    result = runner.invoke(args=["export-ledger", str(target), "--kind", "legal"])
    assert result.exit_code == 0 and "已导出 3 件法律服务案件" in result.output
    workbook_path = tmp_path / "全部.xlsx"
    result = runner.invoke(args=["export-ledger", str(workbook_path)])
    assert result.exit_code == 0 and "另有法律服务案件 3 件" in result.output
    result = runner.invoke(args=["import-ledger", str(workbook_path)])
    assert "跳过 2 件" in result.output and "法律服务案件导入 0 件" in result.output
    db.exec(delete(LegalWorker))
    db.exec(delete(LegalCase))
    db.flush()
    result = runner.invoke(args=["import-ledger", str(target)])
    assert result.exit_code == 0, result.output
    assert "法律服务案件导入 3 件" in result.output
    logout(client)
    login_as("city_supervisor")
    assert _legal_totals(client) == LEGAL_TOTALS
