"""Uploaded ledger files, kept in the database (table ledger_upload, the bytes through
mediation.storage) from upload to import.

A file is checked once, when it is uploaded: the preview (counts, the first rows to import, the
problems, how its columns were mapped) is stored with the upload, and showing it again reads it
back instead of checking the file again. A large file is kept unchecked (`checked=False`, an
empty preview) and a job checks it (`check_upload`, then `keep_preview` in the job's finishing
transaction); its import is a job too (`check_import` reads, `write_import` writes). The
user's mapping choices (sheet, column corrections, centre, channel:
mediation.ledger.mapping.MappingChoice) are kept with the upload; changing them checks the file
again (change_choice). Confirming imports the stored bytes as chosen (the check runs again
inside the import, as the cases may have changed since). An imported upload keeps its content
hash and time, not its bytes: the same file (by SHA-256) is refused afterwards, on the web and
on the command line, so that a re-import never doubles cases. Uploads never confirmed are
deleted a day after, at the next upload (sweep_stale).
"""

import hashlib
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mediation import storage
from mediation.cases.attachments import format_size
from mediation.dates import TZ
from mediation.errors import RuleViolation
from mediation.ledger.checking import check_ledger
from mediation.ledger.columns import LedgerReport
from mediation.ledger.guard import PreviewTimeout, counting_rows, data_rows, time_limit
from mediation.ledger.importing import write_checked
from mediation.ledger.mapping import MappingChoice, SheetMapping
from mediation.scope import Scope
from models import LedgerUpload, LedgerUploadStatus, User
from models.base import utcnow

STALE_AFTER = timedelta(days=1)
ROWS_KEPT = 20  # rows shown in the preview
PROBLEMS_KEPT = 1000  # problems listed in the preview (all are counted)
FIELD = "file"  # the upload form's field, where refusals are shown
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class StoredPreview:
    """What the preview page shows of a checked file, as stored with the upload."""

    filename: str
    kind: str
    rows: int
    new_count: int
    skipped: int
    legal_new_count: int
    legal_skipped: int
    problem_count: int
    problems: list[str] = field(default_factory=list)  # the first PROBLEMS_KEPT
    new_rows: list[dict[str, Any]] = field(default_factory=list)  # the first ROWS_KEPT
    # The column mapping of the mediation sheet (SheetMapping.stored()), what was skipped or
    # assumed, and the sheets to choose from (report.mapping, notes, sheet_names).
    mapping: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def sheet_mapping(self) -> SheetMapping | None:
        return SheetMapping.loaded(self.mapping) if self.mapping else None

    @property
    def has_legal(self) -> bool:
        return bool(self.legal_new_count or self.legal_skipped)

    @property
    def imported(self) -> int:  # of an upload imported: what its import wrote
        return self.new_count

    @property
    def legal_imported(self) -> int:
        return self.legal_new_count

    @classmethod
    def of(cls, report: LedgerReport) -> "StoredPreview":
        return cls(
            filename=report.filename,
            kind=report.kind,
            rows=report.rows,
            new_count=len(report.new),
            skipped=report.skipped,
            legal_new_count=len(report.legal_new),
            legal_skipped=report.legal_skipped,
            problem_count=len(report.problems),
            problems=[str(problem) for problem in report.problems[:PROBLEMS_KEPT]],
            new_rows=[
                {
                    "row": record.row,
                    "number": record.number,
                    "centre_id": record.centre_id,
                    "accepted_on": record.accepted_on.isoformat() if record.accepted_on else "",
                    "outcome": record.outcome,
                    "worker_count": record.worker_count,
                    "employer_name": record.employer_name,
                    "claimed_fen": record.claimed_fen,
                    "agreed_fen": record.agreed_fen,
                }
                for record in report.new[:ROWS_KEPT]
            ],
            mapping=report.mapping.stored() if report.mapping else None,
            notes=list(report.notes),
            sheet_names=list(report.sheet_names),
        )

    @classmethod
    def loaded(cls, data: dict[str, Any]) -> "StoredPreview":
        return cls(**data)

    def stored(self) -> dict[str, Any]:
        return asdict(self)


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def refuse_if_imported(session: Session, sha256: str) -> None:
    """RuleViolation naming when, if a file with this content was imported before."""
    earlier = session.exec(
        select(LedgerUpload.imported_at)
        .where(LedgerUpload.sha256 == sha256, LedgerUpload.status == LedgerUploadStatus.IMPORTED)
        .order_by(LedgerUpload.imported_at)
    ).first()
    if earlier is not None:
        raise RuleViolation([(FIELD, f"该文件已于{earlier.astimezone(TZ):%Y-%m-%d %H:%M}导入")])


def upload_ledger(
    session: Session,
    user: User,
    filename: str,
    content: bytes,
    scope: Scope,
    *,
    max_bytes: int,
    seconds: float | None,
    choice: MappingChoice | None = None,
    checked: bool = True,
) -> LedgerUpload:
    """Check the file once (within `seconds`), read as `choice` says (at first, the centre
    chosen on the upload form), and keep it with the choice and its preview. Refused, at the
    file: over `max_bytes`, imported before, or a check running out of time (nothing kept).
    With checked=False the file is kept unchecked, for a job to check (check_upload).
    Flushes; sweeps the stale uploads."""
    if len(content) > max_bytes:
        limit = format_size(max_bytes)
        raise RuleViolation([(FIELD, f"文件超过 {limit} 的上限，请分成几个文件导入")])
    sha256 = content_hash(content)
    refuse_if_imported(session, sha256)
    choice = choice or MappingChoice()
    report = _previewed(session, content, filename, scope, choice, seconds) if checked else None
    sweep_stale(session)
    upload = LedgerUpload(
        token=secrets.token_urlsafe(24),
        user_id=user.id,
        centre_id=user.centre_id,
        filename=report.filename if report else filename[:200],
        size_bytes=len(content),
        sha256=sha256,
        choice=choice.stored(),
        preview=StoredPreview.of(report).stored() if report else {},
    )
    session.add(upload)
    storage.store.put(session, storage.ledger_key(upload.token), content, _media_type(filename))
    session.flush()
    return upload


def _media_type(filename: str) -> str:
    return CSV if Path(filename).suffix.lower() == ".csv" else XLSX


def content_of(session: Session, upload: LedgerUpload) -> bytes:
    """The uploaded file's bytes (b"" once imported: they are dropped)."""
    return storage.store.get(session, storage.ledger_key(upload.token)) or b""


def discard(session: Session, upload: LedgerUpload) -> None:
    """Delete an upload awaiting confirmation and its file. Flushes."""
    storage.store.delete(session, storage.ledger_key(upload.token))
    session.delete(upload)
    session.flush()


def check_upload(
    session: Session,
    upload: LedgerUpload,
    choice: MappingChoice,
    scope: Scope,
    *,
    seconds: float | None,
    progress: Callable[..., None] | None = None,
) -> dict[str, Any]:
    """The stored preview of the upload's file read as `choice` says, checked within `seconds`
    as on upload (RuleViolation at the file past them, or when the file was imported
    meanwhile); progress(rows read, rows) as it reads. Writes nothing."""
    refuse_if_imported(session, upload.sha256)
    content = content_of(session, upload)
    report = _previewed(
        session, content, upload.filename, scope, choice, seconds, progress=progress
    )
    return StoredPreview.of(report).stored()


def keep_preview(
    session: Session, upload: LedgerUpload, choice: MappingChoice, preview: dict[str, Any]
) -> None:
    """Keep a preview a job checked, with the choice it was checked with. Flushes."""
    if upload.status != LedgerUploadStatus.PREVIEWED:
        raise RuleViolation([(FIELD, "该文件已导入")])
    upload.choice = choice.stored()
    upload.preview = preview
    session.add(upload)
    session.flush()


def change_choice(
    session: Session,
    upload: LedgerUpload,
    choice: MappingChoice,
    scope: Scope,
    *,
    seconds: float | None,
) -> None:
    """Keep the user's new mapping choice and check the stored bytes again with it (within
    `seconds`): the preview shown next is this check's. Refused at the file when the same file
    was imported meanwhile (from another upload) or the check runs out of time; the choice and
    the preview then stay as they were. Flushes."""
    refuse_if_imported(session, upload.sha256)
    content = content_of(session, upload)
    report = _previewed(session, content, upload.filename, scope, choice, seconds)
    upload.choice = choice.stored()
    upload.preview = StoredPreview.of(report).stored()
    session.add(upload)
    session.flush()


def _previewed(
    session: Session,
    content: bytes,
    filename: str,
    scope: Scope,
    choice: MappingChoice,
    seconds: float | None,
    progress: Callable[..., None] | None = None,
) -> LedgerReport:
    """The check of a file for its preview, within `seconds` (RuleViolation past them)."""
    try:
        with time_limit(seconds):
            return _checked(
                content,
                filename,
                lambda path: check_ledger(session, path, filename, scope, choice=choice),
                progress,
            )
    except PreviewTimeout as timeout:
        raise RuleViolation([(FIELD, str(timeout))]) from None


def import_upload(
    session: Session, upload: LedgerUpload, actor: User, scope: Scope
) -> LedgerReport:
    """Import a stored upload (all or nothing), read as the user chose, and mark it imported,
    its bytes dropped; the mapping is remembered for the centre. When the import finds problems
    (the cases changed since the preview) nothing is written and the preview is replaced by the
    new report. Flushes."""
    report = check_import(session, upload, scope)
    write_import(session, upload, actor, report)
    return report


def check_import(
    session: Session,
    upload: LedgerUpload,
    scope: Scope,
    progress: Callable[..., None] | None = None,
) -> LedgerReport:
    """The import's check of a stored upload (refused when its file was imported before), with
    progress(rows read, rows) as it reads. Writes nothing."""
    refuse_if_imported(session, upload.sha256)
    choice = MappingChoice.loaded(upload.choice)
    return _checked(
        content_of(session, upload),
        upload.filename,
        lambda path: check_ledger(session, path, upload.filename, scope, choice=choice),
        progress,
    )


def write_import(session: Session, upload: LedgerUpload, actor: User, report: LedgerReport) -> None:
    """Write what check_import found when it found no problem (the cases, the remembered
    mapping) and mark the upload imported, its bytes dropped; keep the report as the upload's
    preview either way. Refused when the file was imported meanwhile. Flushes."""
    refuse_if_imported(session, upload.sha256)
    if upload.status != LedgerUploadStatus.PREVIEWED:
        raise RuleViolation([(FIELD, "该文件已导入")])
    if report.ok:
        write_checked(session, report, actor, choice=MappingChoice.loaded(upload.choice))
        upload.status = LedgerUploadStatus.IMPORTED
        upload.imported_at = utcnow()
        storage.store.delete(session, storage.ledger_key(upload.token))
    upload.preview = StoredPreview.of(report).stored()
    session.add(upload)
    try:
        session.flush()
    except IntegrityError:  # another confirmation of the same content won the race
        raise RuleViolation([(FIELD, "该文件已导入")]) from None


def record_import(session: Session, path: Path, filename: str, actor: User | None) -> None:
    """Keep the hash of a file imported from the command line, so that it is refused again.
    Flushes."""
    now = utcnow()
    session.add(
        LedgerUpload(
            token=secrets.token_urlsafe(24),
            user_id=actor.id if actor else None,
            centre_id=actor.centre_id if actor else None,
            filename=filename[:200],
            size_bytes=path.stat().st_size,
            sha256=file_hash(path),
            status=LedgerUploadStatus.IMPORTED,
            created_at=now,
            imported_at=now,
        )
    )
    session.flush()


def sweep_stale(session: Session, now: datetime | None = None) -> None:
    """Delete the uploads never confirmed that are older than STALE_AFTER, and their files.
    Flushes."""
    cutoff = (now or utcnow()) - STALE_AFTER
    stale = (
        LedgerUpload.status == LedgerUploadStatus.PREVIEWED,
        LedgerUpload.created_at < cutoff,
    )
    for token in session.exec(select(LedgerUpload.token).where(*stale)).all():
        storage.store.delete(session, storage.ledger_key(token))
    session.exec(delete(LedgerUpload).where(*stale))
    session.flush()


def _checked(content: bytes, filename: str, check, progress=None) -> LedgerReport:
    """check(path) on the bytes written to a temporary file named with the upload's suffix (the
    readers open files by path), removed afterwards; with progress(rows read, rows) as it
    reads, the rows counted first (guard.data_rows)."""
    suffix = Path(filename).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        if progress is None:
            return check(Path(handle.name))
        total = data_rows(content, suffix)
        progress(0, total)
        with counting_rows(lambda done: progress(min(done, total))):
            report = check(Path(handle.name))
        progress(total)
        return report
