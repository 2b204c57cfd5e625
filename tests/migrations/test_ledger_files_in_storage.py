"""Migration 0023 moves the file of an upload awaiting confirmation into the storage interface
(stored_file, key "ledger/<token>"): after the upgrade the same bytes are read through
mediation.storage, the content hash still refuses a file imported before, and a downgrade puts
the bytes back in the upload's row."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from conftest import BACKENDS, fresh_database
from mediation import storage
from mediation.errors import RuleViolation
from mediation.ledger import uploads
from models import LedgerUpload
from models.db import downgrade, make_engine, upgrade

UPLOAD = sa.table(
    "ledger_upload",
    sa.column("token"),
    sa.column("filename"),
    sa.column("size_bytes"),
    sa.column("sha256"),
    sa.column("content", sa.LargeBinary),
    sa.column("choice", sa.JSON),
    sa.column("preview", sa.JSON),
    sa.column("status"),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("imported_at", sa.DateTime(timezone=True)),
)
WAITING = "案件编号,调解组织\n(2021)南里调字第15号,NH-LS\n".encode()
IMPORTED_HASH = "1" * 64


def _row(token: str, content: bytes, status: str, sha256: str) -> dict:
    at = datetime(2026, 11, 27, 8, tzinfo=UTC)
    return {
        "token": token,
        "filename": "台账.csv",
        "size_bytes": len(content),
        "sha256": sha256,
        "content": content,
        "choice": {},
        "preview": {"filename": "台账.csv"},
        "status": status,
        "created_at": at,
        "imported_at": at if status == "imported" else None,
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_0023_moves_waiting_files_into_storage_and_back(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url, "0021")
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    UPLOAD.insert(),
                    [
                        _row("w" * 32, WAITING, "previewed", uploads.content_hash(WAITING)),
                        _row("i" * 32, b"", "imported", IMPORTED_HASH),
                    ],
                )
            upgrade(url)
            with Session(engine) as session:
                waiting = session.exec(
                    select(LedgerUpload).where(LedgerUpload.token == "w" * 32)
                ).one()
                assert uploads.content_of(session, waiting) == WAITING
                assert not storage.store.exists(session, storage.ledger_key("i" * 32))
                with pytest.raises(RuleViolation, match="该文件已于2026-11-27 16:00导入"):
                    uploads.refuse_if_imported(session, IMPORTED_HASH)
            downgrade(url, "0021")
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT token, content FROM ledger_upload ORDER BY token")
                ).all()
                assert [(token, bytes(content)) for token, content in rows] == [
                    ("i" * 32, b""),
                    ("w" * 32, WAITING),
                ]
                stored = connection.execute(sa.text("SELECT count(*) FROM stored_file")).one()
                assert stored == (0,)
            upgrade(url)
        finally:
            engine.dispose()
