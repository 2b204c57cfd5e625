"""Alembic is the only source of the schema: it must go up, down and up again, and match the
models exactly (no drift) on every database."""

import pytest
from alembic import command
from sqlalchemy import inspect

from conftest import BACKENDS, fresh_database
from models.db import alembic_config, downgrade, make_engine, upgrade


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_and_no_drift(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        assert "case" in _tables(url) or "user" in _tables(url)
        downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        upgrade(url)
        command.check(alembic_config(url))  # raises when models and migrations differ


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
