"""Ledger uploads kept in the database: checked once, refused when hostile, too large, too slow
or imported before; and the upload route's own request size limit."""

import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import views.ledger
from conftest import csrf_from
from mediation.ledger import guard, uploads
from models import Case, LedgerUpload

HEADER = (
    "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,"
    "统一社会信用代码,请求金额,调解结果,结案日期,协议金额,实际到位金额,原因\n"
)
ROWS = (
    "(2021)南里调字第15号,NH-LS,2021-03-09,2021-03-09,现场申请,劳动报酬,10,阿永、阿强,"
    '佛山市某包装印刷有限公司,91110108551385082Q,"250,000",调解成功,2021-03-09,'
    "227675,227675,\n"
    "(2021)南里调字第16号,NH-LS,,2021-03-10,电话,工伤,1,陈芳,佛山市乙五金有限公司,,8000,"
    "调解不成,2021-03-25,,,用人单位拒绝调解\n"
)
LEDGER = (HEADER + ROWS).encode("utf-8")


def upload(client, content: bytes, filename: str = "台账.csv"):
    token = csrf_from(client, "/ledger/")
    return client.post(
        "/ledger/",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, preview_url: str):
    return client.post(
        preview_url + "/confirm", data={"csrf_token": csrf_from(client, preview_url)}
    )


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_the_same_file_is_never_imported_twice(client, login_as, db, app, tmp_path):
    login_as("centre_supervisor", "NH-LS")
    first = upload(client, LEDGER).headers["Location"]
    assert confirm(client, first).status_code == 302 and count(db, Case) == 2

    again = upload(client, LEDGER, "改了名字.csv")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert re.search(r"该文件已于\d{4}-\d\d-\d\d \d\d:\d\d导入", page)
    assert count(db, LedgerUpload) == 1 and count(db, Case) == 2

    # The command line refuses it too, naming the same time.
    path = tmp_path / "台账.csv"
    path.write_bytes(LEDGER)
    result = app.test_cli_runner().invoke(args=["import-ledger", str(path)])
    assert result.exit_code != 0 and "该文件已于" in result.output
    assert count(db, Case) == 2


def test_a_file_imported_on_the_command_line_is_refused_on_the_web(
    client, login_as, db, app, tmp_path
):
    path = tmp_path / "台账.csv"
    path.write_bytes(LEDGER)
    result = app.test_cli_runner().invoke(args=["import-ledger", str(path)])
    assert result.exit_code == 0, result.output
    login_as("admin")
    assert "该文件已于" in upload(client, LEDGER).get_data(as_text=True)


def test_the_preview_is_stored_and_not_checked_again_on_reload(client, login_as, db, monkeypatch):
    login_as("centre_supervisor", "NH-LS")
    preview_url = upload(client, LEDGER).headers["Location"]

    def fail(*_args, **_kw):
        raise AssertionError("the file was checked again")

    monkeypatch.setattr(uploads, "check_ledger", fail)
    for _ in range(2):
        page = client.get(preview_url).get_data(as_text=True)
        assert '<strong id="ledger-new">2</strong>' in page and "(2021)南里调字第15号" in page
    stored = db.exec(select(LedgerUpload)).one()
    assert uploads.content_of(db, stored) == LEDGER and stored.size_bytes == len(LEDGER)
    assert stored.preview["new_count"] == 2 and stored.sha256 == uploads.content_hash(LEDGER)


def test_a_preview_past_its_time_limit_stops_and_keeps_nothing(
    client, login_as, db, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LEDGER_PREVIEW_SECONDS", 0)
    monkeypatch.setattr(guard, "DEADLINE_EVERY", 1)
    login_as("admin")
    response = upload(client, LEDGER)
    assert response.status_code == 422
    assert "预览超时：文件过大或格式异常" in response.get_data(as_text=True)
    assert count(db, LedgerUpload) == 0 and count(db, Case) == 0


def test_a_binary_file_named_csv_is_refused_in_one_line(client, login_as, db):
    login_as("admin")
    preview_url = upload(client, os.urandom(300_000)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "发现 1 处问题" in page and guard.NOT_TEXT in page and "确认导入" not in page


def test_the_upload_route_alone_takes_files_over_the_request_limit(
    client, login_as, app, monkeypatch
):
    login_as("admin")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    large = HEADER.encode() + ROWS.encode() * 40  # about 10 KB
    assert upload(client, large).status_code == 302
    token = csrf_from(client, "/account/password")
    elsewhere = client.post("/account/password", data={"csrf_token": token, "x": "y" * 10_000})
    assert elsewhere.status_code == 413

    monkeypatch.setitem(app.config, "LEDGER_MAX_BYTES", 5000)
    refused = upload(client, large)
    assert refused.status_code == 422
    assert "文件超过 4.9 KB 的上限，请分成几个文件导入" in refused.get_data(as_text=True)
    # Past the limit and the form's envelope: refused before the body is read. (A smaller
    # envelope, so that the test client keeps the body in memory.)
    monkeypatch.setattr(views.ledger, "FORM_OVERHEAD_BYTES", 1024)
    huge = upload(client, large * 2)
    assert huge.status_code == 413
    assert "台账文件不超过 4.9 KB，请分成几个文件导入" in huge.get_data(as_text=True)


def test_the_ledger_page_states_the_limits(client, login_as):
    login_as("admin")
    limits = client.get("/ledger/").get_data(as_text=True)
    assert "文件不超过 100 MB；每个工作表不超过 250,000 行数据、100 列。" in limits


def test_uploads_never_confirmed_are_swept_after_a_day(client, login_as, db):
    login_as("admin")
    stale_url = upload(client, LEDGER).headers["Location"]
    stale = db.exec(select(LedgerUpload)).one()
    stale.created_at -= timedelta(days=1, minutes=1)
    db.add(stale)
    db.commit()
    stale_token = stale.token
    fresh_url = upload(client, (HEADER + ROWS[: ROWS.index("\n") + 1]).encode()).headers["Location"]
    db.expire_all()
    assert [u.token for u in db.exec(select(LedgerUpload))] == [fresh_url.rsplit("/", 1)[1]]
    assert stale_token not in fresh_url and client.get(stale_url).status_code == 404


def test_of_two_previews_of_one_file_only_the_first_confirmed_imports(client, login_as, db):
    login_as("centre_supervisor", "NH-LS")
    first = upload(client, LEDGER).headers["Location"]
    second = upload(client, LEDGER).headers["Location"]
    assert confirm(client, first).status_code == 302
    refused = confirm(client, second)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/ledger/")
    assert re.search(r"该文件已于[\d-]+ [\d:]+导入", client.get("/ledger/").get_data(as_text=True))
    assert count(db, Case) == 2


def test_the_database_keeps_one_import_per_content(db):
    def imported(token: str) -> LedgerUpload:
        return LedgerUpload(
            token=token, filename="台账.csv", size_bytes=1, sha256="ab" * 32, status="imported"
        )

    db.add(imported("one"))
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(imported("two"))
        db.flush()


def test_a_hostile_file_name_is_shown_inert(client, login_as):
    login_as("admin")
    name = "<img src=x onerror=alert(1)>.csv"
    page = client.get(upload(client, LEDGER, name).headers["Location"]).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page and "<img src=x" not in page
