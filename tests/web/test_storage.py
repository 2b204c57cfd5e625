"""Share nothing locally: scans live in the database (mediation.storage), so any node serves
them without instance/, backups carry them, and old scans under instance/uploads/ move in with
`flask --app app migrate-uploads`."""

import hashlib

import pytest
from sqlmodel import Session, select

from app import create_app
from conftest import BACKENDS, PDF, fresh_database, upload
from mediation import storage
from mediation.reference.districts import load_reference_data
from models import Attachment, StoredFile
from models.db import make_engine, upgrade


@pytest.fixture
def case(make_case, make_user):
    return make_case("NH-LS", actor=make_user("mediator", "NH-LS"))


def test_a_scan_is_served_without_the_nodes_instance_folder(
    app, db, client, login_as, case, tmp_path, monkeypatch
):
    login_as("mediator", "NH-LS")
    assert upload(client, case, PDF, "协议.pdf").status_code == 302
    [attachment] = db.exec(select(Attachment).where(Attachment.case_id == case.id))
    # another node: an empty instance folder of its own, no upload folder at all
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "another-node"))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "nowhere"))
    download = client.get(f"/cases/{case.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF


def _old_style(db, client, login_as, case, folder):
    """An attachment as uploaded before scans moved into the database: the file on disk only."""
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "旧扫描件.pdf")
    [attachment] = db.exec(select(Attachment).where(Attachment.case_id == case.id))
    key = storage.scan_key(attachment.stored_name)
    db.delete(db.get(StoredFile, key))
    db.flush()
    folder.mkdir(exist_ok=True)
    (folder / attachment.stored_name).write_bytes(PDF)
    return attachment


def test_migrate_uploads_moves_old_scans_in_once(app, db, client, login_as, case, tmp_path):
    folder = tmp_path / "uploads"
    attachment = _old_style(db, client, login_as, case, folder)
    url = f"/cases/{case.id}/attachments/{attachment.id}"
    assert client.get(url).status_code == 404  # not yet migrated

    runner = app.test_cli_runner()
    result = runner.invoke(args=["migrate-uploads", "--folder", str(folder)])
    assert result.exit_code == 0, result.output
    assert "已迁移 1 个扫描件，0 个此前已迁移，0 个缺失或校验不符" in result.output
    assert client.get(url).data == PDF

    result = runner.invoke(args=["migrate-uploads", "--folder", str(folder), "--remove"])
    assert "已迁移 0 个扫描件，1 个此前已迁移" in result.output
    assert not (folder / attachment.stored_name).exists()
    assert client.get(url).data == PDF


def test_migrate_uploads_refuses_a_file_that_does_not_match_its_hash(
    app, db, client, login_as, case, tmp_path
):
    folder = tmp_path / "uploads"
    attachment = _old_style(db, client, login_as, case, folder)
    (folder / attachment.stored_name).write_bytes(PDF + b"tampered")
    result = app.test_cli_runner().invoke(args=["migrate-uploads", "--folder", str(folder)])
    assert result.exit_code == 1
    assert "1 个缺失或校验不符" in result.output and attachment.stored_name in result.output
    assert storage.store.get(db, storage.scan_key(attachment.stored_name)) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_and_restore_carry_the_stored_files(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            storage.store.put(session, "scan/a.pdf", PDF, "application/pdf")
            session.commit()
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
        runner = app.test_cli_runner()
        dump = tmp_path / "backup.dump"
        assert runner.invoke(args=["backup", str(dump)]).exit_code == 0
        with Session(engine) as session:
            storage.store.delete(session, "scan/a.pdf")
            session.commit()
        assert runner.invoke(args=["restore", str(dump), "--yes"]).exit_code == 0
        with Session(engine) as session:
            row = session.get(StoredFile, "scan/a.pdf")
            assert row.content == PDF and row.sha256 == hashlib.sha256(PDF).hexdigest()
        app.extensions["database"].engine.dispose()
        engine.dispose()
