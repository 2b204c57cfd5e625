"""Retention on the pages: archived cases are marked and read-only, a centre supervisor
unarchives them with a reason, the retention command archives and anonymises, and no statistic
moves when personal data goes."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from conftest import PDF, TODAY, csrf_from, login, upload
from mediation import retention, storage
from mediation.cases import lifecycle
from models import Attachment, AuditEvent, CaseRollup, SavedForm, User, Worker, utcnow

POLICY = retention.Policy()


@pytest.fixture
def archived(db, make_case):
    case = make_case("NH-LS", workers=2, received_on=date(2021, 3, 9))
    mediator = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, mediator, date(2021, 3, 9), today=TODAY)
    lifecycle.withdraw(db, case, mediator, date(2021, 3, 12), today=TODAY)
    retention.archive(db, case, date(2022, 3, 12))
    db.flush()
    return case


def test_an_archived_case_is_marked_and_every_change_answers_archived(
    db, client, archived, login_as
):
    login_as("centre_supervisor", "NH-LS")
    page = client.get(f"/cases/{archived.id}").get_data(as_text=True)
    assert "已归档" in page and 'id="archived"' in page
    assert f"/cases/{archived.id}/unarchive" in page
    assert f"/cases/{archived.id}/reopen" not in page and f"/cases/{archived.id}/edit" not in page
    assert "上传扫描件" not in page
    listing = client.get("/cases/?q=" + archived.number).get_data(as_text=True)
    assert "已归档" in listing
    for path in ("edit", "reopen"):
        token = csrf_from(client, f"/cases/{archived.id}")
        response = client.post(
            f"/cases/{archived.id}/{path}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code == 422, path
        assert retention.ARCHIVED in response.get_data(as_text=True)
    refused = upload(client, archived, PDF, "协议.pdf")
    assert refused.status_code == 422 and retention.ARCHIVED in refused.get_data(as_text=True)
    db.expire_all()
    assert archived.status == "withdrawn" and archived.archived_on is not None
    assert client.get(f"/api/cases/{archived.id}").get_json()["archived_on"] == "2022-03-12"
    # still read: its documents print as before
    sheet = client.get(f"/cases/{archived.id}/print/sheet")
    assert sheet.status_code == 200 and archived.number in sheet.get_data(as_text=True)


def test_a_mediator_cannot_unarchive_and_a_supervisor_does_with_a_reason(
    db, client, archived, make_user
):
    mediator = make_user("mediator", "NH-LS")
    login(client, mediator.username)
    assert client.get(f"/cases/{archived.id}/unarchive").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    supervisor = make_user("centre_supervisor", "NH-LS")
    login(client, supervisor.username)
    url = f"/cases/{archived.id}/unarchive"
    token = csrf_from(client, url)
    empty = client.post(url, data={"csrf_token": token, "version": archived.version})
    assert empty.status_code == 422 and "取消归档须写明理由" in empty.get_data(as_text=True)
    done = client.post(
        url, data={"csrf_token": token, "version": archived.version, "reason": "须更正姓名"}
    )
    assert done.status_code == 302
    db.expire_all()
    assert archived.archived_on is None
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.case_id == archived.id, AuditEvent.action == "unarchive"
        )
    ).one()
    assert event.user_id == supervisor.id and "须更正姓名" in event.summary
    assert client.get(f"/cases/{archived.id}/reopen").status_code == 200


def test_the_retention_command_archives_anonymises_and_prints_counts(
    app, db, client, make_case, monkeypatch, tmp_path
):
    recent = make_case("NH-LS", workers=1, received_on=date(2025, 1, 6))
    old = make_case("NH-LS", workers=1, received_on=date(2015, 3, 2))  # closed over 10 years
    for case, day in ((recent, date(2025, 1, 8)), (old, date(2015, 3, 5))):
        mediator = db.get(User, case.created_by_id)
        lifecycle.accept(db, case, mediator, case.received_on, today=TODAY)
        lifecycle.withdraw(db, case, mediator, day, today=TODAY)
    login(client, db.get(User, old.created_by_id).username)
    assert upload(client, old, PDF, "申请书.pdf").status_code == 302
    [scan] = db.exec(select(Attachment).where(Attachment.case_id == old.id)).all()
    key = storage.scan_key(scan.stored_name)
    stale = SavedForm(token="t" * 20, username="x", path="/", expires_at=utcnow() - timedelta(1))
    db.add(stale)
    db.flush()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "将归档 1 件，将匿名化 1 件（删除扫描件 1 份）；试运行" in dry.output
    db.expire_all()
    assert recent.archived_on is None and old.archived_on is None
    assert storage.store.exists(db, key)
    done = runner.invoke(args=["retention"])
    assert done.exit_code == 0, done.output
    assert "已归档 1 件，已匿名化 1 件（删除扫描件 1 份）；删除过期的暂存表单 1 份" in done.output
    db.expire_all()
    assert recent.archived_on is not None and recent.anonymised_on is None
    assert old.anonymised_on is not None and not storage.store.exists(db, key)
    assert db.exec(select(SavedForm)).all() == []
    again = runner.invoke(args=["retention"])
    assert "已归档 0 件，已匿名化 0 件" in again.output


def _figures(client) -> dict:
    return {
        "stats": client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json(),
        "stats_year": client.get("/api/stats?from=2021-01-01&to=2021-12-31").get_json(),
        "period": client.get("/api/reports/period?from=2021-03-01&to=2021-03-31").get_json(),
        "quarter": client.get("/api/reports/period?from=2021-01-01&to=2021-06-30").get_json(),
        "warnings": client.get("/api/warnings").get_json(),
    }


def _rollup(db) -> list:
    rows = db.exec(select(CaseRollup)).all()
    return sorted(tuple(row.model_dump().items()) for row in rows)


def test_every_statistic_stays_unchanged_when_personal_data_is_anonymised(
    db, client, stats_dataset, login_as
):
    login_as("city_supervisor")
    before, rollup_before = _figures(client), _rollup(db)
    assert before["stats"]["mediation"]["handled"] == stats_dataset["handled"]
    outcome = retention.run(db, POLICY, today=date(2032, 1, 1))
    db.flush()
    # closed in 2021: anonymised; voided on TODAY (2026): only archived
    assert (outcome.anonymised, outcome.archived) == (5, 1)
    anonymous = db.exec(select(Worker).where(Worker.name.like("申请人%"))).all()
    assert len(anonymous) == 10 + 2 + 3 + 1 + 1  # the workers of the five cases
    db.expire_all()
    assert _figures(client) == before
    assert _rollup(db) == rollup_before


def test_an_admin_sets_a_centres_own_periods_and_clears_them_back_to_the_defaults(
    db, client, centres, login_as
):
    login_as("admin")
    centre = centres["NH-LS"]
    url = f"/admin/centres/{centre.id}"
    page = client.get(url).get_data(as_text=True)
    assert "（365天）" in page and "（10年）" in page  # the defaults, beside the fields
    form = {
        "code": centre.code,
        "name": centre.name,
        "short_name": centre.short_name,
        "district": "NH",
        "active": "y",
        "csrf_token": csrf_from(client, url),
    }
    wrong = client.post(url, data={**form, "archive_after_days": "0", "retention_years": "x"})
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert "归档期限为1至3650天" in text and "请填写整数年数" in text
    saved = client.post(url, data={**form, "archive_after_days": "180", "retention_years": "5"})
    assert saved.status_code == 302
    db.refresh(centre)
    assert (centre.archive_after_days, centre.retention_years) == (180, 5)
    cleared = {**form, "archive_after_days": "", "retention_years": ""}  # as a browser sends
    assert client.post(url, data=cleared).status_code == 302
    db.refresh(centre)
    assert (centre.archive_after_days, centre.retention_years) == (None, None)
