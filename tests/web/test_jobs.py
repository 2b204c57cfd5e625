"""Background jobs through the web: exports above JOB_EXPORT_ROWS built by a job and downloaded,
batch printing, progress, cancel, who sees which job, and a killed worker's job run again with
its effect written once. The broker here is Huey's in-memory storage; `queue.drain` works its
messages the way a worker does (tests/broker/ runs the same against Redis)."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select, update

from conftest import csrf_from, succeed
from jobs import queue, records, runner
from mediation import storage
from mediation.cases import lifecycle
from models import AuditEvent, Job, JobState, StoredFile


@pytest.fixture
def three_cases(db, make_case, make_user):
    """Three accepted cases (cases awaiting acceptance are no ledger rows)."""
    actor = make_user("mediator", "NH-LS")
    cases = [make_case("NH-LS", workers=1, actor=actor) for _ in range(3)]
    for case in cases:
        lifecycle.accept(db, case, actor, case.received_on, today=case.received_on)
    return cases


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_EXPORT_ROWS", 2)
    monkeypatch.setitem(app.config, "JOB_PROGRESS_SECONDS", 0)


def _numbers(data: bytes) -> list[str]:
    return [row["案件编号"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]


def _start_export(client, query: str = "") -> str:
    """Ask for the export, confirm the job on the page it answers with; the job's id."""
    page = client.get(f"/ledger/export.csv{query}")
    assert page.status_code == 200 and "超过 2 件" in page.get_data(as_text=True)
    token = csrf_from(client, f"/ledger/export.csv{query}")
    response = client.post(f"/jobs/ledger-export.csv{query}", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def test_an_export_above_the_threshold_is_built_by_a_job_and_downloaded(
    app, db, client, login_as, three_cases, small_threshold
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-bar"' in page and "jobs.js" in page and "排队中" in page
    assert client.get(f"/jobs/{job_id}/progress").get_json()["state"] == "queued"

    assert queue.drain(app) == 1

    progress = client.get(f"/jobs/{job_id}/progress").get_json()
    assert progress["state"] == "done" and progress["finished"]
    assert progress["percent"] == 100
    assert (progress["rows_done"], progress["rows_total"]) == (3, 3)
    download = client.get(progress["download_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert sorted(_numbers(download.data)) == sorted(c.number for c in three_cases)

    app.config["JOB_EXPORT_ROWS"] = 10  # the same export, small enough to stream
    assert _numbers(client.get("/ledger/export.csv").data) == _numbers(download.data)


def test_the_export_job_keeps_the_filters_and_the_users_masking(
    app, db, client, login_as, make_case, three_cases, small_threshold
):
    login_as("city_supervisor")
    job_id = _start_export(client, "?centre=NH-LS")
    queue.drain(app)
    data = client.get(f"/jobs/{job_id}/download").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert all(row["申请人"] == "职*" for row in rows)  # masked for a city supervisor


def test_a_user_sees_only_their_own_jobs_and_an_admin_all(
    app, db, client, login_as, three_cases, small_threshold
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    queue.drain(app)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as("mediator", "NH-LS")  # a colleague at the same centre
    for path in ("", "/progress", "/download"):
        assert client.get(f"/jobs/{job_id}{path}").status_code == 404
    assert job_id not in client.get("/jobs/").get_data(as_text=True)
    token = csrf_from(client, "/jobs/")
    assert client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token}).status_code == 404
    client.post("/logout", data={"csrf_token": token})
    login_as("admin")
    assert job_id in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}/download").status_code == 200


def test_a_queued_job_cancelled_never_runs(app, db, client, login_as, three_cases, small_threshold):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    token = csrf_from(client, f"/jobs/{job_id}")
    assert client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token}).status_code == 302
    queue.drain(app)
    progress = client.get(f"/jobs/{job_id}/progress").get_json()
    assert progress["state"] == "cancelled" and progress["download_url"] is None
    assert db.get(StoredFile, storage.job_key(job_id)) is None


def test_a_running_job_stops_when_cancelled_and_writes_nothing(
    app, db, client, login_as, three_cases, small_threshold, monkeypatch
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    token = csrf_from(client, f"/jobs/{job_id}")
    real = records.heartbeat

    def user_clicks_cancel_meanwhile(session, *args):
        client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token})
        real(session, *args)

    monkeypatch.setattr(records, "heartbeat", user_clicks_cancel_meanwhile)
    queue.drain(app)
    db.expire_all()
    job = db.get(Job, job_id)
    assert job.state == JobState.CANCELLED.value and job.cancel_requested
    assert job.result_key is None and db.get(StoredFile, storage.job_key(job_id)) is None
    assert "已取消" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_a_killed_workers_job_runs_again_and_takes_effect_once(
    app, db, client, login_as, three_cases, small_threshold, monkeypatch
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    # A worker takes the message, claims the job, reports a row and is killed (Huey drops it).
    queue.engine(app).huey.flush()
    dead = records.claim(db, job_id)
    records.heartbeat(db, job_id, dead, 1, 3)
    assert client.get(f"/jobs/{job_id}/progress").get_json()["rows_done"] == 1
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    send = queue.engine(app).send
    with app.app_context():
        reaped = runner.reap(send)
    assert reaped.requeued == [job_id]
    send(job_id)  # a duplicate message is harmless
    assert queue.drain(app) == 2
    db.expire_all()
    job = db.get(Job, job_id)
    assert job.state == "done" and job.attempts == 2 and job.rows_done == 3
    key = storage.job_key(job_id)
    assert db.exec(select(func.count()).where(StoredFile.key == key)).one() == 1
    # the killed worker, were it only paused, can no longer write its effect
    with app.extensions["database"].session_factory() as paused:
        assert records.finish(paused, job_id, dead, result_key="stale") is False
    db.expire_all()
    assert db.get(Job, job_id).result_key == key


def test_a_job_out_of_attempts_fails_with_the_reason(
    app, db, client, login_as, three_cases, small_threshold, monkeypatch
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    db.exec(update(Job).where(Job.id == job_id).values(attempts=2))
    records.claim(db, job_id)  # the third attempt, killed
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    with app.app_context():
        reaped = runner.reap(lambda _: None)
    assert reaped.failed == [job_id]
    progress = client.get(f"/jobs/{job_id}/progress").get_json()
    assert progress["state"] == "failed" and "处理中断3次" in progress["error"]


def test_progress_reports_time_left_from_the_pace_so_far():
    started = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    job = Job(id="x", kind="ledger_export", title="t", state="running", rows_done=250,
              rows_total=1000, started_at=started)  # fmt: skip
    assert records.time_left(job, started + timedelta(seconds=10)) == 30


def _zip_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_every_document_of_a_case_in_one_zip(app, db, client, login_as, make_case, make_user):
    actor = make_user("mediator", "NH-LS")
    case = make_case("NH-LS", actor=actor)
    succeed(db, case, actor, date(2024, 5, 20))
    login_as("mediator", "NH-LS")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/print-all" in page
    token = csrf_from(client, f"/cases/{case.id}")
    response = client.post(f"/cases/{case.id}/print-all", data={"csrf_token": token})
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    queue.drain(app)
    progress = client.get(f"/jobs/{job_id}/progress").get_json()
    assert progress["state"] == "done", progress
    archive = zipfile.ZipFile(io.BytesIO(client.get(progress["download_url"]).data))
    names = archive.namelist()
    assert f"{case.number}-调解协议书.pdf" in names and f"{case.number}-调解申请书.pdf" in names
    assert progress["rows_total"] == len(names) >= 4
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)
    events = db.exec(select(AuditEvent.summary).where(AuditEvent.case_id == case.id)).all()
    assert sum("批量下载本案文书" in e for e in events) == 1


def test_print_all_outside_scope_is_404(app, db, client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "CC-ZC")
    token = csrf_from(client, "/jobs/")
    assert client.post(f"/cases/{case.id}/print-all", data={"csrf_token": token}).status_code == 404
    assert db.exec(select(func.count()).select_from(Job)).one() == 0


def test_every_agreement_of_a_month_at_a_centre_in_one_zip(
    app, db, client, login_as, make_case, make_user
):
    actor = make_user("mediator", "NH-LS")
    may = [make_case("NH-LS", actor=actor) for _ in range(2)]
    june = make_case("NH-LS", actor=actor)
    for case in may:
        succeed(db, case, actor, date(2024, 5, 20))
    succeed(db, june, actor, date(2024, 6, 3))
    login_as("centre_supervisor", "NH-LS")
    form = client.get("/jobs/agreements").get_data(as_text=True)
    assert 'type="month"' in form
    token = csrf_from(client, "/jobs/agreements")
    bad = client.post(
        "/jobs/agreements", data={"csrf_token": token, "centre": "NH-LS", "month": "2024-13"}
    )
    assert bad.status_code == 422 and "月份格式" in bad.get_data(as_text=True)
    response = client.post(
        "/jobs/agreements", data={"csrf_token": token, "centre": "NH-LS", "month": "2024-05"}
    )
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    queue.drain(app)
    names = _zip_names(client.get(f"/jobs/{job_id}/download").data)
    assert sorted(names) == sorted(f"{c.number}-调解协议书.pdf" for c in may)


def test_a_centre_outside_scope_is_not_offered(client, login_as):
    login_as("mediator", "CC-ZC")
    token = csrf_from(client, "/jobs/agreements")
    response = client.post(
        "/jobs/agreements", data={"csrf_token": token, "centre": "NH-LS", "month": "2024-05"}
    )
    assert response.status_code == 422


def test_a_built_file_is_deleted_after_the_keeping_period(
    app, db, client, login_as, three_cases, small_threshold, monkeypatch
):
    login_as("mediator", "NH-LS")
    job_id = _start_export(client)
    queue.drain(app)
    with app.app_context():
        runner.reap(queue.engine(app).send)
    assert client.get(f"/jobs/{job_id}/download").status_code == 200  # within JOB_KEEP_DAYS
    db.expire_all()
    job = db.get(Job, job_id)
    job.finished_at -= timedelta(days=8)  # JOB_KEEP_DAYS is 7
    db.add(job)
    db.commit()
    with app.app_context():
        runner.reap(queue.engine(app).send)
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert db.get(StoredFile, storage.job_key(job_id)) is None
    assert "超过保留期限" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
