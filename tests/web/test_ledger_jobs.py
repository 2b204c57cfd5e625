"""Ledger uploads above JOB_IMPORT_ROWS: the preview is checked by a job, the import is a job,
and the job page leads to the same preview and the same result as in the request. A failed or
cancelled import writes nothing. The broker is Huey's in-memory storage, worked by queue.drain
as a worker would (tests/broker/ runs it against Redis on two nodes)."""

from datetime import date

import pytest
from sqlmodel import func, select

from bench.ledger_bench import generate_rows, write_csv, write_xlsx
from conftest import csrf_from
from jobs import queue, records, runner
from mediation import storage
from mediation.ledger import guard, importing, uploads
from models import AuditEvent, Case, Centre, Job, JobState, LedgerUpload
from tests.web.test_ledger_mapping import _form_fields
from tests.web.test_ledger_uploads import LEDGER, confirm, upload

ROWS = 30


@pytest.fixture
def large(app, monkeypatch):
    """Two rows are already "large"; progress written at every step."""
    monkeypatch.setitem(app.config, "JOB_IMPORT_ROWS", 1)
    monkeypatch.setitem(app.config, "JOB_PROGRESS_SECONDS", 0)


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def job_of(response) -> str:
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_large_upload_is_previewed_and_imported_by_jobs(app, db, client, login_as, large):
    login_as("centre_supervisor", "NH-LS")
    preview_job = job_of(upload(client, LEDGER))
    waiting = db.exec(select(LedgerUpload)).one()
    preview_url = f"/ledger/{waiting.token}"
    assert waiting.preview == {} and uploads.content_of(db, waiting) == LEDGER
    # Before the job has checked it, the preview is not there yet.
    early = client.get(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "正在检查，完成后即可预览" in early and "检查台账「台账.csv」" in early
    assert "排队中" in client.get(f"/jobs/{preview_job}").get_data(as_text=True)

    assert queue.drain(app) == 1
    progress = client.get(f"/jobs/{preview_job}/progress").get_json()
    assert progress["state"] == "done" and progress["result_url"] == preview_url
    assert (progress["rows_done"], progress["rows_total"], progress["percent"]) == (2, 2, 100)
    done = client.get(f"/jobs/{preview_job}")
    assert done.status_code == 302 and done.headers["Location"] == preview_url
    page = client.get(preview_url).get_data(as_text=True)
    assert '<strong id="ledger-new">2</strong>' in page and "确认导入 2 件案件" in page
    assert count(db, Case) == 0  # the preview writes nothing

    import_job = job_of(confirm(client, preview_url))
    assert count(db, Case) == 0
    assert queue.drain(app) == 1
    assert count(db, Case) == 2
    progress = client.get(f"/jobs/{import_job}/progress").get_json()
    assert progress["result_url"] == f"{preview_url}/imported"
    landed = client.get(f"/jobs/{import_job}", follow_redirects=True).get_data(as_text=True)
    assert "已从「台账.csv」导入 2 件案件；与已登记案件相同而跳过 0 件。" in landed
    assert "(2021)南里调字第15号" in landed  # the case list
    db.expire_all()
    stored = db.exec(select(LedgerUpload)).one()
    assert stored.status == "imported"
    assert not storage.store.exists(db, storage.ledger_key(stored.token))
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "import")).first()
    assert "台账.csv" in event.summary
    # The same file again is refused in the request, as always.
    assert "该文件已于" in upload(client, LEDGER).get_data(as_text=True)


def test_the_progress_follows_the_rows_read(
    app, db, client, login_as, large, monkeypatch, tmp_path
):
    centres = {c.code: c.short_name for c in db.exec(select(Centre).where(Centre.code == "NH-LS"))}
    rows = generate_rows(ROWS, centres, [], seed=7, last_day=date(2026, 10, 31))
    content = write_csv(tmp_path / "三十件.csv", rows).read_bytes()
    monkeypatch.setattr(guard, "DEADLINE_EVERY", 5)
    seen: list[tuple[int, int | None]] = []
    real = records.heartbeat

    def watched(session, job_id, token, done, total):
        seen.append((done, total))
        real(session, job_id, token, done, total)

    monkeypatch.setattr(records, "heartbeat", watched)
    login_as("admin")
    job_of(upload(client, content, "三十件.csv"))
    queue.drain(app)
    assert seen[0] == (0, ROWS) and seen[-1] == (ROWS, ROWS)
    assert any(0 < done < ROWS for done, _ in seen)  # the bar moved between the ends
    preview_url = f"/ledger/{db.exec(select(LedgerUpload)).one().token}"
    seen.clear()
    job_of(confirm(client, preview_url))
    queue.drain(app)
    assert any(0 < done < ROWS for done, _ in seen) and seen[-1] == (ROWS, ROWS)
    assert count(db, Case) == ROWS


def test_an_import_that_fails_half_way_writes_nothing(
    app, db, client, login_as, large, monkeypatch
):
    monkeypatch.setitem(app.config, "JOB_MAX_ATTEMPTS", 1)
    login_as("centre_supervisor", "NH-LS")
    job_of(upload(client, LEDGER))
    queue.drain(app)
    preview_url = f"/ledger/{db.exec(select(LedgerUpload)).one().token}"
    import_job = job_of(confirm(client, preview_url))

    def broken(*_args, **_kwargs):  # after the cases' rows are inserted
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(importing, "apply_deltas", broken)
    queue.drain(app)
    db.expire_all()
    assert db.get(Job, import_job).state == JobState.FAILED.value
    page = client.get(f"/jobs/{import_job}").get_data(as_text=True)
    assert "处理出错" in page and "磁盘已满" in page
    assert count(db, Case) == 0 and count(db, AuditEvent) == 0
    waiting = db.exec(select(LedgerUpload)).one()
    assert waiting.status == "previewed" and uploads.content_of(db, waiting) == LEDGER
    # The preview is still there, and the import can be confirmed again.
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "JOB_IMPORT_ROWS", 1)
    assert "确认导入 2 件案件" in client.get(preview_url).get_data(as_text=True)
    job_of(confirm(client, preview_url))
    queue.drain(app)
    assert count(db, Case) == 2


def test_an_import_cancelled_while_it_runs_imports_nothing(
    app, db, client, login_as, large, monkeypatch
):
    login_as("centre_supervisor", "NH-LS")
    job_of(upload(client, LEDGER))
    queue.drain(app)
    preview_url = f"/ledger/{db.exec(select(LedgerUpload)).one().token}"
    import_job = job_of(confirm(client, preview_url))
    token = csrf_from(client, f"/jobs/{import_job}")
    real = uploads.check_ledger

    def user_clicks_cancel_meanwhile(*args, **kwargs):
        client.post(f"/jobs/{import_job}/cancel", data={"csrf_token": token})
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads, "check_ledger", user_clicks_cancel_meanwhile)
    queue.drain(app)
    db.expire_all()
    assert db.get(Job, import_job).state == JobState.CANCELLED.value
    assert "已取消" in client.get(f"/jobs/{import_job}").get_data(as_text=True)
    assert count(db, Case) == 0
    assert db.exec(select(LedgerUpload)).one().status == "previewed"


def test_small_uploads_still_run_in_the_request(app, db, client, login_as):
    login_as("centre_supervisor", "NH-LS")
    response = upload(client, LEDGER)
    assert response.status_code == 302 and "/jobs/" not in response.headers["Location"]
    assert confirm(client, response.headers["Location"]).headers["Location"].endswith("/cases/")
    assert count(db, Case) == 2 and count(db, Job) == 0


def test_an_import_job_is_its_owners_only(app, db, client, login_as, large):
    login_as("centre_supervisor", "NH-LS")
    job_of(upload(client, LEDGER))
    queue.drain(app)
    preview_url = f"/ledger/{db.exec(select(LedgerUpload)).one().token}"
    import_job = job_of(confirm(client, preview_url))
    client.post("/logout", data={"csrf_token": csrf_from(client, "/jobs/")})
    login_as("centre_supervisor", "CC-ZC")
    assert client.get(f"/jobs/{import_job}").status_code == 404
    assert client.get(f"{preview_url}/imported").status_code == 404
    assert client.post(f"{preview_url}/confirm", data={"csrf_token": "x"}).status_code in (
        400,
        404,
    )


def test_the_row_count_decides_without_parsing(tmp_path):
    assert guard.data_rows(LEDGER, ".csv") == 2
    assert guard.data_rows(b"not a zip", ".xlsx") == 0
    centres = {"NH-LS": "南里"}
    path = write_xlsx(tmp_path / "台账.xlsx", generate_rows(40, centres, [], seed=3))
    assert guard.data_rows(path.read_bytes(), ".xlsx") == 40
    assert 11 <= guard.data_rows(path.read_bytes(), ".xlsx", at_most=10) <= 41


def test_a_mapping_correction_of_a_large_upload_is_checked_by_a_job(
    app, db, client, login_as, large
):
    login_as("centre_supervisor", "NH-LS")
    job_of(upload(client, LEDGER))
    queue.drain(app)
    stored = db.exec(select(LedgerUpload)).one()
    preview_url = f"/ledger/{stored.token}"
    fields = _form_fields(client.get(preview_url).get_data(as_text=True))
    heads = {value: name[5:] for name, value in fields.items() if name.startswith("head-")}
    fields[f"col-{heads['原因']}"] = ""  # not imported
    check_job = job_of(client.post(preview_url + "/mapping", data=fields))
    assert stored.choice.get("columns", {}) == {}  # nothing changes before the job is done
    queue.drain(app)
    db.refresh(stored)
    assert stored.choice["columns"] == {"原因": ""}
    assert client.get(f"/jobs/{check_job}").headers["Location"] == preview_url
    page = client.get(preview_url).get_data(as_text=True)
    assert '<strong id="ledger-new">2</strong>' in page and "确认导入 2 件案件" in page


def test_an_upload_discarded_while_its_import_waits_imports_nothing(
    app, db, client, login_as, large
):
    login_as("centre_supervisor", "NH-LS")
    preview_job = job_of(upload(client, LEDGER))
    stored = db.exec(select(LedgerUpload)).one()
    preview_url = f"/ledger/{stored.token}"
    # Confirming before the check is done confirms nothing: back to the preview, still waiting.
    early = client.post(preview_url + "/confirm", data={"csrf_token": csrf_from(client, "/jobs/")})
    assert early.headers["Location"] == preview_url and count(db, Job) == 1
    queue.drain(app)
    assert client.get(f"/jobs/{preview_job}").headers["Location"] == preview_url
    import_job = job_of(confirm(client, preview_url))
    token = csrf_from(client, preview_url)
    assert client.post(preview_url + "/discard", data={"csrf_token": token}).status_code == 302
    queue.drain(app)
    assert "上传的台账不存在、已导入或已放弃" in client.get(f"/jobs/{import_job}").get_data(
        as_text=True
    )
    assert count(db, Case) == 0 and count(db, LedgerUpload) == 0
    assert not storage.store.exists(db, storage.ledger_key(stored.token))


def test_the_reaper_leaves_an_import_writing_its_cases_alone(
    app, db, client, login_as, large, monkeypatch
):
    """The write of a large import sends no heartbeat (on SQLite it holds the write lock): the
    runner leases JOB_WRITE_SECONDS first, so the reaper does not take its worker for dead and
    start a second attempt meanwhile."""
    login_as("centre_supervisor", "NH-LS")
    job_of(upload(client, LEDGER))
    queue.drain(app)
    preview_url = f"/ledger/{db.exec(select(LedgerUpload)).one().token}"
    import_job = job_of(confirm(client, preview_url))
    queue.engine(app).huey.flush()
    writing = records.claim(db, import_job)  # an attempt now writing its effect
    records.lease(db, import_job, writing, app.config["JOB_WRITE_SECONDS"])
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    with app.app_context():
        assert runner.reap(lambda _: None).requeued == []
    monkeypatch.setitem(app.config, "JOB_WRITE_SECONDS", -1)  # its lease has run out
    records.lease(db, import_job, writing, app.config["JOB_WRITE_SECONDS"])
    with app.app_context():
        assert runner.reap(lambda _: None).requeued == [import_job]
