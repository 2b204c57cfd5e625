"""ID numbers and phones are stored encrypted (models.crypto), found again by keyed hashes, and
readable only with the key that encrypted them; files the app writes are its owner's only."""

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app import create_app
from conftest import BACKENDS, DATA_KEY, PASSWORD, fresh_database, resident_id
from mediation import audit
from mediation.cases.intake import (
    ClaimData,
    EmployerData,
    IntakeData,
    WorkerData,
    intake,
    repeat_claims,
)
from mediation.cases.listing import CaseFilter, list_cases
from mediation.cases.search import matched_workers
from mediation.encryption import encrypted_tables
from mediation.identifiers import lookup_key
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from mediation.scope import scope_of
from models import AuditEvent, Centre, Employer, Lawyer, Worker, crypto
from models.backup import backup
from models.db import ROOT, make_engine, upgrade

TODAY = date(2026, 11, 24)
OTHER_KEY = "a7" * 32


@pytest.fixture(autouse=True)
def test_key_restored():
    """Apps started here install other keys process-wide; every other test uses DATA_KEY."""
    yield
    crypto.install(crypto.KeyRing(crypto.DataKey(DATA_KEY)))


def _raw(db, sql: str, **params):
    return db.exec(text(sql), params=params).one()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _found(db, scope, q: str) -> set[int]:
    return {row.id for row in list_cases(db, scope, CaseFilter(text=q), TODAY).rows}


def test_the_database_holds_no_id_number_or_phone_in_clear(db, make_case):
    case = make_case("NH-LS", workers=1, employer="佛山市南海恒通五金厂")
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).one()
    employer = db.get(Employer, case.employer_id)
    employer.phone = "0757-86281234"
    lawyer = Lawyer(name="周律师", certificate_no="14406201810012345", firm_name="某律所")
    lawyer.phone = "13922223333"
    db.add_all([employer, lawyer])
    db.flush()
    raw = _raw(
        db,
        "SELECT id_number, phone, id_key, phone_key FROM case_worker WHERE id = :id",
        id=worker.id,
    )
    key_id = crypto.DataKey(DATA_KEY).id
    for stored, plain in ((raw.id_number, worker.id_number), (raw.phone, worker.phone)):
        assert plain and plain not in stored and stored.startswith(f"{key_id}$")
    assert worker.id_number not in raw.id_key and worker.phone not in raw.phone_key
    assert (
        "86281234" not in _raw(db, "SELECT phone FROM employer WHERE id = :id", id=employer.id)[0]
    )
    assert "13922223333" not in _raw(db, "SELECT phone FROM lawyer WHERE id = :id", id=lawyer.id)[0]
    db.expire_all()  # read back from the database, decrypted
    assert db.get(Employer, employer.id).phone == "0757-86281234"
    assert db.get(Worker, worker.id).id_number == worker.id_number


def test_the_audit_trail_keeps_corrected_numbers_encrypted_too(db, make_case, make_user):
    """A correction records the ID number and phone before and after (mediation/audit.py)."""
    case = make_case("NH-LS", workers=1)
    number = resident_id(515)
    changes = {"name": ["甲", "乙"], "id_number": [None, number], "phone": ["13800138000", ""]}
    event = audit.record_event(
        db, case, make_user("mediator", "NH-LS"), "add_worker", "增加", changes
    )
    db.flush()
    stored = _raw(db, "SELECT CAST(changes AS TEXT) FROM audit_event WHERE id = :id", id=event.id)
    assert number not in stored[0] and "13800138000" not in stored[0]
    db.expire_all()
    assert db.get(AuditEvent, event.id).changes == changes


def test_equal_numbers_encrypt_differently_but_share_their_lookup_key(db, make_case):
    number = resident_id(777)
    cases = [make_case("NH-LS", workers=1) for _ in range(2)]
    for case in cases:
        worker = db.exec(select(Worker).where(Worker.case_id == case.id)).one()
        worker.id_number = number
        db.add(worker)
    db.flush()
    rows = db.exec(
        text("SELECT id_number, id_key FROM case_worker WHERE case_id IN (:a, :b)"),
        params={"a": cases[0].id, "b": cases[1].id},
    ).all()
    assert rows[0].id_number != rows[1].id_number  # a fresh nonce each time: no frequencies
    assert rows[0].id_key == rows[1].id_key == lookup_key("id", number)


def test_a_changed_ciphertext_is_refused_not_misread():
    ring = crypto.KeyRing(crypto.DataKey(DATA_KEY))
    token = ring.encrypt("440605199001011234")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.DataKeyError):
        ring.decrypt(flipped)
    with pytest.raises(crypto.DataKeyError):  # another key cannot open it either
        crypto.KeyRing(crypto.DataKey(OTHER_KEY)).decrypt(token)


def test_search_by_id_number_and_phone_and_the_repeat_claim_check_still_work(
    db, make_case, make_user
):
    case = make_case("NH-LS", workers=2)
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).first()
    city = scope_of(db, make_user("city_supervisor"))
    assert _found(db, city, worker.id_number.lower()) == {case.id}
    assert _found(db, city, worker.phone) == {case.id}
    assert _found(db, city, f"+86 {worker.phone[:3]} {worker.phone[3:]}") == {case.id}
    hits = matched_workers(db, worker.phone, [case.id])[case.id]
    assert [(hit.id_number, hit.phone) for hit in hits] == [(worker.id_number, worker.phone)]
    repeats = repeat_claims(db, [worker.id_number], centre_id=case.centre_id)
    assert [(r.name, r.id_number, r.case_number) for r in repeats] == [
        (worker.name, worker.id_number, case.number)
    ]


def test_a_core_insert_is_encrypted_too(db, make_case):
    """The ledger import writes workers with executemany on the table, bypassing the ORM."""
    case = make_case("NH-LS", workers=1)
    number = resident_id(4242)
    db.exec(
        insert(Worker.__table__),
        params=[
            {"case_id": case.id, "position": 9, "name": "甲", "id_number": number, "phone": ""},
        ],
    )
    stored = _raw(db, "SELECT id_number FROM case_worker WHERE position = 9")[0]
    assert number not in stored and stored.startswith(crypto.DataKey(DATA_KEY).id)


# -- the key at startup ---------------------------------------------------------------------------


def test_a_wrong_key_is_refused_at_startup(database_url):
    with pytest.raises(crypto.DataKeyError, match="不是加密该数据库所用的密钥"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "DATA_KEY": OTHER_KEY})


def test_a_missing_key_is_refused_once_the_database_is_encrypted(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.delenv("DATA_KEY")
    absent = tmp_path / "data_key"
    with pytest.raises(crypto.DataKeyError, match="未提供密钥"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "DATA_KEY_FILE": absent})


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_a_database_down_at_startup_is_checked_once_it_answers(tmp_path):
    """The app starts while the database is down (/healthz reports it); the first connection
    that succeeds checks the key, so a wrong key still never reads or writes."""
    from tests.security.test_faults import FlakyProxy

    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)
        parsed = make_url(url)
        proxy = FlakyProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        proxied = parsed.set(host="127.0.0.1", port=proxy.port)
        proxy.cut()
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": proxied.render_as_string(hide_password=False),
                "DATA_KEY": OTHER_KEY,
            }
        )
        try:
            client = app.test_client()
            assert client.get("/healthz").status_code == 503
            proxy.restore()
            with pytest.raises(crypto.DataKeyError, match="不是加密该数据库所用的密钥"):
                client.get("/healthz")
        finally:
            proxy.close()
            app.extensions["database"].engine.dispose()


def test_every_command_refuses_to_start_without_the_key(database_url, tmp_path):
    """A real `flask --app app …` process, as an operator runs it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x",
        "DATA_KEY_FILE": str(tmp_path / "absent"),
    }
    env.pop("DATA_KEY")
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "app", "backup", str(tmp_path / "copy")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "已加密" in result.stderr and "DATA_KEY" in result.stderr
    assert not (tmp_path / "copy").exists()


def _key_app(url: str, key_file: Path):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DATA_KEY_FILE": key_file})


def test_init_db_writes_a_key_only_its_owner_reads_and_keeps_it(backend, tmp_path, monkeypatch):
    monkeypatch.delenv("DATA_KEY")
    key_file = tmp_path / "instance" / "data_key"
    old_umask = os.umask(0o022)
    try:
        with fresh_database(backend, tmp_path) as url:
            app = _key_app(url, key_file)
            result = app.test_cli_runner().invoke(args=["init-db"])
            assert result.exit_code == 0, result.output
            assert "已生成数据加密密钥" in result.output
            assert _mode(key_file) == 0o600
            if backend == "sqlite":
                assert _mode(url.removeprefix("sqlite:///")) == 0o600
            key = key_file.read_text()
            app.extensions["database"].engine.dispose()

            again = _key_app(url, key_file)  # the same key opens the database
            result = again.test_cli_runner().invoke(args=["init-db"])
            assert result.exit_code == 0 and "已生成" not in result.output
            assert key_file.read_text() == key
            again.extensions["database"].engine.dispose()

            key_file.unlink()
            with pytest.raises(crypto.DataKeyError):
                _key_app(url, key_file)
    finally:
        os.umask(old_umask)


# -- rotation -------------------------------------------------------------------------------------


def _seed(url: str) -> tuple[str, str, str]:
    """A case with a worker (ID number, phone) and an employer's phone; returns them."""
    number, phone = resident_id(31), "13712345678"
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session)
        actor = accounts.create_user(session, "m", PASSWORD, "mediator", "NH-LS")
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        data = IntakeData(
            channel="现场申请",
            received_on=date(2026, 3, 2),
            category="劳动报酬",
            employer=EmployerData(name="佛山市顺达物流有限公司", phone="0757-86281234"),
            workers=[
                WorkerData("梁敏", id_number=number, phone=phone, claims=[ClaimData("工资", 1)])
            ],
        )
        case = intake(session, actor, centre, data, today=date(2026, 3, 2))
        audit.record_event(session, case, actor, "edit", "更正", {"id_number": ["", number]})
        case_number = case.number
        session.commit()
    engine.dispose()
    return case_number, number, phone


def _stored_key_ids(url: str) -> set[str]:
    """The key id of every encrypted value in the database."""
    engine = make_engine(url)
    found = set()
    with engine.connect() as connection:
        for table, names in encrypted_tables().items():
            for name in names:
                sql = f"SELECT CAST({name} AS TEXT) FROM {table.name}"
                for value in connection.execute(text(sql)).scalars():
                    tokens = [value or ""]
                    if tokens[0].startswith("{"):  # an audit event's changes
                        changes = json.loads(value)
                        tokens = [t for n in crypto.PERSONAL_CHANGES for t in changes.get(n, [])]
                    found |= {token.partition("$")[0] for token in tokens if token}
    engine.dispose()
    return found


def test_rotation_reencrypts_every_value_and_search_keeps_working(backend, tmp_path, monkeypatch):
    monkeypatch.delenv("DATA_KEY")
    key_file, new_file = tmp_path / "data_key", tmp_path / "new_key"
    crypto.write_key_file(key_file, DATA_KEY)
    old_id = crypto.DataKey(DATA_KEY).id
    with fresh_database(backend, tmp_path) as url:
        app = _key_app(url, key_file)
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        case_number, number, phone = _seed(url)
        assert _stored_key_ids(url) == {old_id}

        result = app.test_cli_runner().invoke(
            args=["rotate-data-key", "--new-key-file", str(new_file)]
        )
        assert result.exit_code == 0, result.output
        app.extensions["database"].engine.dispose()
        new_id = crypto.DataKey(new_file.read_text()).id
        assert _mode(new_file) == _mode(key_file) == 0o600
        assert key_file.read_text().strip() == new_file.read_text().strip()
        assert (tmp_path / f"data_key.{old_id}").read_text().strip() == DATA_KEY
        assert _stored_key_ids(url) == {new_id}

        with pytest.raises(crypto.DataKeyError):  # the old key no longer opens the database
            create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DATA_KEY": DATA_KEY})
        rotated = _key_app(url, key_file)
        with rotated.app_context():
            session = rotated.extensions["database"].session_factory()
            worker = session.exec(select(Worker)).one()
            assert (worker.id_number, worker.phone) == (number, phone)
            assert session.exec(select(Employer)).one().phone == "0757-86281234"
            event = session.exec(select(AuditEvent).where(AuditEvent.action == "edit")).one()
            assert event.changes == {"id_number": ["", number]}
            city = scope_of(
                session, accounts.create_user(session, "c", PASSWORD, "city_supervisor")
            )
            for query in (number, phone):
                assert [
                    row.number
                    for row in list_cases(session, city, CaseFilter(text=query), TODAY).rows
                ] == [case_number]
            assert [r.case_number for r in repeat_claims(session, [number])] == [case_number]
            session.rollback()
            session.close()
        rotated.extensions["database"].engine.dispose()


def test_a_bad_new_key_changes_nothing(database_url, tmp_path, db):
    bad = tmp_path / "new_key"
    bad.write_text("not a key\n")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "DATA_KEY": DATA_KEY})
    result = app.test_cli_runner().invoke(args=["rotate-data-key", "--new-key-file", str(bad)])
    app.extensions["database"].engine.dispose()
    assert result.exit_code != 0 and "格式不正确" in result.output
    assert _raw(db, "SELECT key_id FROM data_key_check")[0] == crypto.DataKey(DATA_KEY).id


# -- files the app writes -------------------------------------------------------------------------


def test_backups_and_exports_are_readable_by_their_owner_only(app, db, make_case, tmp_path):
    """(Scans live in the database: mediation/storage.py.)"""
    old_umask = os.umask(0o022)  # as a shell or a service manager commonly leaves it
    try:
        if db.get_bind().dialect.name == "sqlite":
            copy = backup(app.config["DATABASE_URL"], str(tmp_path / "backups" / "copy.sqlite3"))
            assert _mode(copy) == 0o600
        make_case("NH-LS")
        for name in ("ledger.csv", "ledger.xlsx"):
            result = app.test_cli_runner().invoke(args=["export-ledger", str(tmp_path / name)])
            assert result.exit_code == 0, result.output
            assert _mode(tmp_path / name) == 0o600
    finally:
        os.umask(old_umask)


def test_comparing_an_encrypted_column_with_a_value_fails_loudly():
    """A fresh nonce each time: `id_number == x` would silently find nothing."""
    with pytest.raises(TypeError, match="lookup key"):
        select(Worker).where(Worker.id_number == resident_id(1))
    with pytest.raises(TypeError, match="lookup key"):
        select(Worker).where(Worker.phone.in_(["13800000000"]))
    select(Worker).where(Worker.phone != "", Worker.id_number.is_not(None))  # "has one" works
