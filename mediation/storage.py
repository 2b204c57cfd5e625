"""Where files live: scans attached to cases, uploaded ledger files and the files jobs build.

One small interface (put, get, delete, exists) so that an S3-compatible store can take the
bytes later without touching its callers. Today's store is the database (`stored_file`): a file
written here is part of the same transaction as the row that refers to it (a scan and its
attachment row commit or roll back together), every app node serves it, and `backup`/`restore`
carry it. Like the rest of the domain it flushes and never commits.
"""

import hashlib
from typing import Protocol

from sqlmodel import Session, delete, select

from models import StoredFile


class FileStore(Protocol):
    def put(self, session: Session, key: str, data: bytes, media_type: str) -> None: ...
    def get(self, session: Session, key: str) -> bytes | None: ...
    def exists(self, session: Session, key: str) -> bool: ...
    def delete(self, session: Session, key: str) -> None: ...


class DatabaseStore:
    """Files as rows of `stored_file`, in the caller's transaction."""

    def put(self, session: Session, key: str, data: bytes, media_type: str) -> None:
        """Store `data` under `key`, replacing what was there (a retried job writes the same
        key again and the last write wins, so its effect is there once)."""
        row = session.get(StoredFile, key)
        if row is None:
            row = StoredFile(key=key, media_type=media_type, size_bytes=0, sha256="", content=b"")
            session.add(row)
        row.content = data
        row.media_type = media_type
        row.size_bytes = len(data)
        row.sha256 = hashlib.sha256(data).hexdigest()
        session.flush()

    def get(self, session: Session, key: str) -> bytes | None:
        return session.exec(select(StoredFile.content).where(StoredFile.key == key)).first()

    def exists(self, session: Session, key: str) -> bool:
        return session.exec(select(StoredFile.key).where(StoredFile.key == key)).first() is not None

    def delete(self, session: Session, key: str) -> None:
        session.exec(delete(StoredFile).where(StoredFile.key == key))
        session.flush()


store: FileStore = DatabaseStore()


def scan_key(stored_name: str) -> str:
    """The key of a case's scan, from the random name its attachment row keeps."""
    return f"scan/{stored_name}"


def ledger_key(token: str) -> str:
    """The key of an uploaded ledger file awaiting confirmation, from its upload's token."""
    return f"ledger/{token}"


def job_key(job_id: str) -> str:
    """The key of the file a job built: one per job, so a retried job overwrites its own."""
    return f"job/{job_id}"
