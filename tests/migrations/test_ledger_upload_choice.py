"""Migration 0021 gives the uploads waiting for confirmation an empty mapping choice (the file's
own mapping, as before), which the upload's preview then reads as such."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from conftest import BACKENDS, fresh_database
from mediation.ledger.mapping import MappingChoice
from models import LedgerUpload
from models.db import downgrade, make_engine, upgrade

UPLOAD = sa.table(
    "ledger_upload",
    sa.column("token"),
    sa.column("filename"),
    sa.column("size_bytes"),
    sa.column("sha256"),
    sa.column("content", sa.LargeBinary),
    sa.column("preview", sa.JSON),
    sa.column("status"),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_0021_keeps_waiting_uploads_with_no_choice(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url, "0020")
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    UPLOAD.insert().values(
                        token="t" * 32,
                        filename="台账.csv",
                        size_bytes=3,
                        sha256="0" * 64,
                        content=b"a,b",
                        preview={"filename": "台账.csv"},
                        status="previewed",
                        created_at=datetime(2026, 11, 27, 8, tzinfo=UTC),
                    )
                )
            upgrade(url, "0021")
            with Session(engine) as session:
                upload = session.get(LedgerUpload, 1)
                assert upload.choice == {}
                assert MappingChoice.loaded(upload.choice) == MappingChoice()
            downgrade(url, "0020")
            with engine.connect() as connection:
                assert connection.execute(sa.text("SELECT token FROM ledger_upload")).all() == [
                    ("t" * 32,)
                ]
            upgrade(url)
        finally:
            engine.dispose()
