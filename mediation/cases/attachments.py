"""Scans attached to a case (signed agreements, returned 送达回证, evidence).

The type is read from the file's first bytes, never from its name; the bytes go to
mediation.storage under a random name, in the same transaction as the attachment row (so every
app node serves them and backups carry them); every upload and download is audited. Scans from
before that lived under instance/uploads/: `migrate_uploads` copies them in.
"""

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from mediation import audit, storage
from mediation.errors import RuleViolation
from models import Attachment, AttachmentKind, Case, FileType, User

MAX_BYTES = 10 * 1024 * 1024
MAX_NOTE = 200
_MAGIC = (
    (b"%PDF-", FileType.PDF),
    (b"\xff\xd8\xff", FileType.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileType.PNG),
)
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")
# Characters Windows and macOS refuse in file names, and anything that could split a header;
# and the bidirectional-text controls that make 「\u202eFDP.exe」 read as exe.PDF (issue 15).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]')


def sniff(head: bytes) -> FileType | None:
    """The file type its first bytes announce, or None for anything else (e.g. an .exe)."""
    for magic, file_type in _MAGIC:
        if head.startswith(magic):
            return file_type
    return None


def format_size(size: int) -> str:
    """1.5 MB, 10 MB, 0.3 KB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(size / 1024, 0.1):.1f} KB"


def check_upload(data: bytes, kind: str, note: str = "", max_bytes: int = MAX_BYTES) -> FileType:
    """The file's real type; RuleViolation with the problems at their fields otherwise.
    `data` may be one byte longer than allowed: that is how a too-large upload is recognised."""
    problems: list[tuple[str | None, str]] = []
    if kind not in {k.value for k in AttachmentKind}:
        problems.append(("kind", "请选择附件类别"))
    if len(note.strip()) > MAX_NOTE:
        problems.append(("note", f"说明不超过{MAX_NOTE}字"))
    file_type = sniff(data[:16])
    if not data:
        problems.append(("file", "文件是空的，请重新选择"))
    elif len(data) > max_bytes:
        problems.append(("file", f"文件超过{format_size(max_bytes)}，请压缩或分开上传"))
    elif file_type is None:
        problems.append(
            ("file", "只能上传PDF、JPEG或PNG格式的扫描件（按文件内容识别，与扩展名无关）")
        )
    if problems:
        raise RuleViolation(problems)
    return file_type


def clean_name(filename: str | None) -> str:
    """The name the user's computer gave the file, without any directory and unsafe character."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = " ".join(_UNSAFE.sub("", name).split()).lstrip(".")
    return name[:200] or "未命名文件"


def download_name(case: Case, attachment: Attachment) -> str:
    """A safe name to save under: case number, the original name, the real extension."""
    stem = Path(clean_name(attachment.original_name)).stem[:80] or attachment.kind_label
    number = _UNSAFE.sub("", case.number)
    return f"{number}-{stem}{attachment.file_type.extension}"


def stored_path(folder: Path, stored_name: str) -> Path:
    """Where a scan lived on disk before scans moved into storage; refuses any other name."""
    if not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored file name: {stored_name!r}")
    return Path(folder) / stored_name


def scan_of(session: Session, attachment: Attachment) -> bytes | None:
    """The scan's bytes, or None when they were never migrated from an old upload folder."""
    return storage.store.get(session, storage.scan_key(attachment.stored_name))


@dataclass(frozen=True)
class Migration:
    copied: int
    already: int
    stored: list[str]  # the stored names whose scan is now in storage (copied or already)
    missing: list[str]  # stored names with no file on disk, or a file whose hash differs


def migrate_uploads(session: Session, folder: Path) -> Migration:
    """Copy the scans of attachment rows from the old upload folder into storage, checking each
    against the SHA-256 recorded at upload. Idempotent: scans already stored are skipped."""
    copied, already, stored, missing = 0, 0, [], []
    for attachment in session.exec(select(Attachment).order_by(Attachment.id)):
        key = storage.scan_key(attachment.stored_name)
        if storage.store.exists(session, key):
            already += 1
            stored.append(attachment.stored_name)
            continue
        path = stored_path(folder, attachment.stored_name)
        data = path.read_bytes() if path.is_file() else None
        if data is None or hashlib.sha256(data).hexdigest() != attachment.sha256:
            missing.append(attachment.stored_name)
            continue
        storage.store.put(session, key, data, attachment.content_type)
        copied += 1
        stored.append(attachment.stored_name)
    return Migration(copied, already, stored, missing)


def add_attachment(
    session: Session,
    case: Case,
    actor: User,
    *,
    kind: str,
    original_name: str,
    file_type: FileType,
    data: bytes,
    note: str = "",
) -> Attachment:
    """Record the scan and store its bytes under a new random name, in the caller's transaction."""
    stored_name = secrets.token_hex(16) + file_type.extension
    storage.store.put(session, storage.scan_key(stored_name), data, file_type.value)
    attachment = Attachment(
        case_id=case.id,
        kind=kind,
        original_name=clean_name(original_name),
        stored_name=stored_name,
        content_type=file_type.value,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        note=note.strip(),
        uploaded_by_id=actor.id,
    )
    session.add(attachment)
    session.flush()
    audit.record_event(
        session,
        case,
        actor,
        "upload",
        f"上传附件「{attachment.kind_label}」：{attachment.original_name}"
        f"（{file_type.label}，{format_size(len(data))}）",
        {"attachment": [None, attachment.id]},
    )
    session.flush()
    return attachment


def download_summary(attachment: Attachment) -> str:
    """The access-log line of a download (the view records it)."""
    return f"下载附件「{attachment.kind_label}」：{attachment.original_name}"


def attachment_of(session: Session, case: Case, attachment_id: int) -> Attachment | None:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        return None
    return attachment


def attachments_of(session: Session, case: Case) -> list[tuple[Attachment, str]]:
    """The case's attachments, newest first, with the uploader's name."""
    rows = session.exec(
        select(Attachment, User)
        .join(User, User.id == Attachment.uploaded_by_id, isouter=True)
        .where(Attachment.case_id == case.id)
        .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())
    ).all()
    return [(attachment, user.name if user else "") for attachment, user in rows]
