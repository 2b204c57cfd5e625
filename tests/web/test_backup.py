"""Backup and restore, on a database of its own (the test's rolled-back data is not visible
to a second connection)."""

import pytest
from sqlmodel import Session, func, select

from app import create_app
from conftest import BACKENDS, fresh_database
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models import Centre, User
from models.db import make_engine, upgrade


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_then_restore_brings_the_data_back(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            create_user(session, "keeper", "secret-2026-tests", "admin")
            session.commit()
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
        runner = app.test_cli_runner()
        dump = tmp_path / "backup.dump"
        result = runner.invoke(args=["backup", str(dump)])
        assert result.exit_code == 0, result.output
        assert dump.stat().st_size > 0

        with Session(engine) as session:  # disaster: the users are gone
            for user in session.exec(select(User)):
                session.delete(user)
            session.commit()
            create_user(session, "intruder", "secret-2026-tests", "admin")
            session.commit()

        result = runner.invoke(args=["restore", str(dump), "--yes"])
        assert result.exit_code == 0, result.output
        with Session(engine) as session:
            names = session.exec(select(User.username)).all()
            assert names == ["keeper"]
            assert session.exec(select(func.count()).select_from(Centre)).one() == 10
        app.extensions["database"].engine.dispose()
        engine.dispose()


def test_restore_asks_before_overwriting(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "x.dump")], input="n\n")
    assert result.exit_code != 0
    assert "覆盖" in result.output
