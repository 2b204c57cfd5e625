"""What each kind of job does. A kind reads in its own session, reports progress through
`ctx.progress(done, total)` (which also stops it when cancelled), and returns an `Outcome`: the
writes that are its effect, applied by the runner in one transaction with the job's completion.
So a rerun after a killed worker replaces nothing but its own, and the effect lands once.

To add a kind: a function here, its name in `KINDS`, a view that calls `jobs.start(...)`.
"""

import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app, render_template
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from jobs import records
from mediation import audit, storage
from mediation.cases.due import due_items, replace_due_items
from mediation.cases.intake import get_case
from mediation.cases.listing import filter_conditions
from mediation.dates import today
from mediation.documents import case_documents as documents
from mediation.errors import RuleViolation
from mediation.ledger import uploads
from mediation.ledger.exporting import (
    csv_chunks,
    ledger_count,
    ledger_filename,
    ledger_rows,
    legal_ledger_rows,
    write_xlsx,
)
from mediation.ledger.mapping import MappingChoice
from mediation.notices import outbox
from mediation.notices.catalogue import notify_deadlines_near
from mediation.notices.daily import send_due_notices
from mediation.permissions import Permission, can
from mediation.privacy import personal_data_access
from mediation.scope import scope_of
from models import (
    Agreement,
    Case,
    Centre,
    LedgerUpload,
    LedgerUploadStatus,
    Message,
    MessageStatus,
    User,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PROGRESS_EVERY = 500  # rows between progress reports of an export


class JobFailure(Exception):
    """A reason the job cannot be done that a retry would not change, shown to the user."""


@dataclass
class Context:
    job_id: str
    params: dict[str, Any]
    owner_id: int | None
    progress: Callable[..., None]  # progress(done, total=None)


@dataclass
class Outcome:
    apply: Callable[[Session], None]  # the job's effect, in the finishing transaction
    values: dict[str, Any] = field(default_factory=dict)  # the job row's result fields


def _owner(session: Session, ctx: Context) -> User:
    user = session.get(User, ctx.owner_id) if ctx.owner_id is not None else None
    if user is None or not user.active:
        raise JobFailure("提交任务的账户已停用")
    return user


def _stored(ctx: Context, data: bytes, media_type: str, name: str) -> Outcome:
    key = storage.job_key(ctx.job_id)
    return Outcome(
        apply=lambda session: storage.store.put(session, key, data, media_type),
        values={"result_key": key, "result_name": name},
    )


# --- The ledger export ----------------------------------------------------------------------


def _counted(rows: Iterable, ctx: Context) -> Iterator:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ctx.progress(done)


def export_ledger(ctx: Context, session: Session) -> Outcome:
    """The case list's filters as the user had them, in the user's scope and masking: the same
    rows the streamed export gives, written to a file the user downloads when it is done."""
    from views.cases.listing import requested_filter
    from views.ledger import _legal_conditions

    user = _owner(session, ctx)
    scope = scope_of(session, user)
    _, case_filter = requested_filter(session, scope, MultiDict(ctx.params["args"]))
    conditions = filter_conditions(case_filter, scope, today())
    total = ledger_count(session, conditions)
    ctx.progress(0, total)
    rows = _counted(ledger_rows(session, conditions, personal_data_access(session, user)), ctx)
    kind = ctx.params["format"]
    with tempfile.TemporaryFile() as handle:
        if kind == "csv":
            for chunk in csv_chunks(rows):
                handle.write(chunk)
        else:
            legal = legal_ledger_rows(session, _legal_conditions(case_filter, scope))
            write_xlsx(rows, handle, legal)
        handle.seek(0)
        data = handle.read()
    ctx.progress(total)
    media_type = "text/csv; charset=utf-8" if kind == "csv" else XLSX
    return _stored(ctx, data, media_type, ledger_filename(kind, today()))


# --- Large ledger imports: the preview, then the import ------------------------------------


def _ledger_upload(session: Session, ctx: Context) -> tuple[User, LedgerUpload]:
    """The job owner's upload awaiting confirmation, the owner still allowed to import."""
    user = _owner(session, ctx)
    upload = session.exec(
        select(LedgerUpload).where(LedgerUpload.token == ctx.params["token"])
    ).first()
    if (
        upload is None
        or upload.user_id != user.id
        or upload.status != LedgerUploadStatus.PREVIEWED
        or not can(user, Permission.LEDGER_IMPORT)
    ):
        raise JobFailure("上传的台账不存在、已导入或已放弃")
    return user, upload


def _refused(violation: RuleViolation) -> JobFailure:
    return JobFailure("；".join(message for _, message in violation.problems))


def _still_there(writing: Session, upload_id: int) -> LedgerUpload:
    """The upload again, in the finishing transaction: the user may have discarded it."""
    upload = writing.get(LedgerUpload, upload_id)
    if upload is None:
        raise JobFailure("上传的台账已放弃，未导入任何案件")
    return upload


def preview_ledger(ctx: Context, session: Session) -> Outcome:
    """Check an uploaded ledger as chosen (the upload's own checks, within
    LEDGER_PREVIEW_SECONDS, as in a request) and keep its preview with the choice."""
    user, upload = _ledger_upload(session, ctx)
    choice = MappingChoice.loaded(ctx.params["choice"])
    seconds = current_app.config["LEDGER_PREVIEW_SECONDS"]
    try:
        preview = uploads.check_upload(
            session, upload, choice, scope_of(session, user), seconds=seconds, progress=ctx.progress
        )
    except RuleViolation as violation:
        raise _refused(violation) from None

    def apply(writing: Session) -> None:
        try:
            uploads.keep_preview(writing, _still_there(writing, upload.id), choice, preview)
        except RuleViolation as violation:
            raise _refused(violation) from None

    return Outcome(apply)


def import_ledger(ctx: Context, session: Session) -> Outcome:
    """Import a previewed upload: checked again while reading (the progress bar follows the
    rows), written all or nothing in the job's finishing transaction. When the check finds
    problems (the cases changed since the preview) nothing is imported, the upload's preview
    shows the new report and the job sends the user back to it."""
    user, upload = _ledger_upload(session, ctx)
    try:
        report = uploads.check_import(session, upload, scope_of(session, user), ctx.progress)
    except RuleViolation as violation:
        raise _refused(violation) from None

    def apply(writing: Session) -> None:
        try:
            uploads.write_import(
                writing, _still_there(writing, upload.id), writing.get(User, user.id), report
            )
        except RuleViolation as violation:
            raise _refused(violation) from None

    values = {} if report.ok else {"result_url": ctx.params["preview_url"]}
    return Outcome(apply, values)


# --- Batch printing -------------------------------------------------------------------------


def _document_pdf(session: Session, case: Case, link, user: User) -> tuple[str, bytes]:
    """One document of the case as the print page's PDF: (file name, bytes)."""
    from views.sheets import render_pdf

    d = documents.document(session, case, link.code, user, link.session_id)
    with current_app.test_request_context():  # the templates build links with url_for
        html = render_template(f"sheets/{link.code}.html", d=d, pdf=True, pdf_url="")
    label = d.title + (f"（第{d.session_number}次）" if d.session is not None else "")
    label += "（草稿）" if d.draft else ""
    return f"{case.number}-{label}.pdf", render_pdf(html)


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def _render_all(session, user, pairs: list, ctx: Context) -> list[tuple[str, bytes]]:
    ctx.progress(0, len(pairs))
    files = []
    for done, (case, link) in enumerate(pairs, start=1):
        files.append(_document_pdf(session, case, link, user))
        ctx.progress(done)
    return files


def _audited(cases_and_summaries, user_id: int) -> Callable[[Session], None]:
    def write(session: Session) -> None:
        user = session.get(User, user_id)
        for case_id, summary in cases_and_summaries:
            audit.record_event(session, session.get(Case, case_id), user, "print", summary)
        session.flush()

    return write


def print_case(ctx: Context, session: Session) -> Outcome:
    """Every document that applies to the case now, as PDFs in one zip."""
    user = _owner(session, ctx)
    case = get_case(session, scope_of(session, user), ctx.params["case_id"])
    if case is None:
        raise JobFailure("案件不存在或不在您的查看范围内")
    files = _render_all(
        session, user, [(case, link) for link in documents.applicable(session, case)], ctx
    )
    stored = _stored(ctx, _zip(files), ZIP, f"{case.number}-全部文书.zip")
    audited = _audited([(case.id, f"批量下载本案文书（{len(files)}份PDF）")], user.id)
    return Outcome(lambda s: (stored.apply(s), audited(s)), stored.values)


def month_agreements(session: Session, centre_id: int, month: date) -> list[Case]:
    """The centre's cases whose agreement took effect in the month (superseded ones too: each
    was a signed agreement of that month), by date of effect."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return list(
        session.exec(
            select(Case)
            .join(Agreement, Agreement.case_id == Case.id)
            .where(
                Case.centre_id == centre_id,
                Agreement.effective_on >= month,
                Agreement.effective_on < end,
            )
            .order_by(Agreement.effective_on, Case.id)
        )
    )


def print_agreements(ctx: Context, session: Session) -> Outcome:
    """Every agreement that took effect at a centre in a month, as PDFs in one zip."""
    user = _owner(session, ctx)
    centre = session.get(Centre, ctx.params["centre_id"])
    if centre is None or not scope_of(session, user).includes(centre.id):
        raise JobFailure("调解中心不存在或不在您的查看范围内")
    month = date.fromisoformat(ctx.params["month"] + "-01")
    cases = month_agreements(session, centre.id, month)
    links = [documents.DocumentLink("agreement", "调解协议书") for _ in cases]
    files = _render_all(session, user, list(zip(cases, links, strict=True)), ctx)
    name = f"{centre.name}-{month:%Y年%m月}调解协议书.zip"
    stored = _stored(ctx, _zip(files), ZIP, name)
    summary = f"批量下载{month:%Y年%m月}调解协议书"
    audited = _audited([(case.id, summary) for case in cases], user.id)
    return Outcome(lambda s: (stored.apply(s), audited(s)), stored.values)


# --- The daily due computation --------------------------------------------------------------


def compute_due(ctx: Context, session: Session) -> Outcome:
    """What is due as seen on the job's day, stored (one set per day), the day's reminders to
    the workers (mediation.notices.daily) and the deadlines approaching to the mediators, each
    sent once, in the same transaction."""
    day = date.fromisoformat(ctx.params["day"])
    items = due_items(session, day)
    ctx.progress(len(items), len(items))

    def apply(writing: Session) -> None:
        replace_due_items(writing, day, items, ctx.job_id)
        send_due_notices(writing, day)
        notify_deadlines_near(writing, day)

    return Outcome(apply)


# --- Messages to the parties (mediation/notices) ------------------------------------------


def queue_delivery(session: Session, message: Message, attempt: int) -> None:
    """outbox.QUEUE: one attempt at delivering the message, as a job of its own (its id names
    the message and the attempt, so a duplicate is one job)."""
    records.new_job(
        session,
        "deliver_message",
        f"发送消息（{message.kind}）",
        None,
        {"message_id": message.id},
        f"message-{message.id}-{attempt}",
    )


def deliver_message(ctx: Context, session: Session) -> Outcome:
    """Hand the message to its provider, then record the outcome; a refusal while attempts
    remain queues the next attempt. A message already sent is not sent again."""
    message = session.get(Message, ctx.params["message_id"])
    if message is None or message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        return Outcome(lambda writing: None)
    attempt = outbox.try_delivery(message)

    def apply(writing: Session) -> None:
        stored = writing.get(Message, message.id)
        outbox.record_attempt(writing, stored, attempt)
        if stored.status == MessageStatus.RETRIED:
            queue_delivery(writing, stored, stored.attempts + 1)

    ctx.progress(1, 1)
    return Outcome(apply)


KINDS: dict[str, Callable[[Context, Session], Outcome]] = {
    "deliver_message": deliver_message,
    "ledger_export": export_ledger,
    "print_case": print_case,
    "print_agreements": print_agreements,
    "due": compute_due,
    "ledger_preview": preview_ledger,
    "ledger_import": import_ledger,
}
