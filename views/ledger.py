"""The ledger (台账): upload → preview with the full report → confirm, for centre supervisors and
admins; and the streamed export of the case list's cases in the ledger format. The .xlsx
export holds a second sheet 法律服务案件 (the legal-service cases of the same centres and period
of acceptance); as CSV those are exported on their own with ?kind=legal.

An uploaded file is checked once and kept in the database with its preview
(mediation.ledger.uploads), never in the session cookie nor on disk; the preview page shows the
stored preview. The upload route alone accepts requests up to LEDGER_MAX_BYTES (see
LedgerRequest); every other route keeps MAX_CONTENT_LENGTH.

The preview shows how the file's columns were mapped onto the ledger's, with each column's first
values; the user corrects a column with its select, picks the sheet of a workbook with several,
and the centre and channel of a file without them. These choices are kept with the upload, and
sending them checks the file again (ledger.mapping): a plain reload shows the stored preview. The
import remembers the centre's mapping for its next file. The template workbook is downloaded
from the ledger page.

A file with more data rows than JOB_IMPORT_ROWS is checked by a job (jobs.kinds.preview_ledger),
and so is a change of its mapping; its import is a job too (jobs.kinds.import_ledger). The job's
page shows the progress and, once done, sends the user on: to the preview, or to `imported`,
which shows the same summary on the case list as the import in the request.
"""

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from flask import (
    Blueprint,
    Request,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlmodel import select

import jobs
from forms.admin import EmptyForm
from forms.ledger import LedgerConfirmForm, LedgerUploadForm
from mediation.cases.attachments import format_size
from mediation.cases.listing import filter_conditions
from mediation.cases.search import is_identifier_query
from mediation.dates import today
from mediation.ledger import guard
from mediation.ledger.checking import clean_filename
from mediation.ledger.columns import (
    CENTRE,
    CHANNEL,
    COLUMNS,
    LEGAL_COLUMNS,
    OUTCOMES,
    SHEET_LEGAL_SERVICE,
    LedgerReport,
)
from mediation.ledger.exporting import (
    csv_chunks,
    ledger_count,
    ledger_filename,
    ledger_rows,
    legal_ledger_rows,
    write_xlsx,
)
from mediation.ledger.mapping import MappingChoice
from mediation.ledger.stored import legal_export_conditions
from mediation.ledger.template import write_template
from mediation.ledger.uploads import (
    StoredPreview,
    change_choice,
    import_upload,
    upload_ledger,
)
from mediation.ledger.uploads import discard as discard_upload
from mediation.logs import access
from mediation.permissions import Permission
from mediation.privacy import personal_data_access
from mediation.scope import visible_centres
from models import Category, Channel, LedgerUpload, LedgerUploadStatus
from views.cases.listing import requested_filter
from views.db import get_db
from views.helpers import carried_args, current_scope, form_status, log_access, require, submit

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

UPLOAD_ENDPOINT = "ledger.index"
FORM_OVERHEAD_BYTES = 1024 * 1024  # the multipart envelope and the CSRF token around the file
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerRequest(Request):
    """The app's request: the ledger upload may be as large as LEDGER_MAX_BYTES (and its form
    envelope); every other request keeps MAX_CONTENT_LENGTH. Decided by the matched endpoint,
    which is known before anything (CSRF protection included) reads the body."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.endpoint == UPLOAD_ENDPOINT:
            return current_app.config["LEDGER_MAX_BYTES"] + FORM_OVERHEAD_BYTES
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def too_large() -> str:
    """The message of a ledger upload refused for its size before it was read."""
    limit = format_size(current_app.config["LEDGER_MAX_BYTES"])
    return f"上传的文件过大：台账文件不超过 {limit}，请分成几个文件导入。"


def _load(token: str, status: LedgerUploadStatus = LedgerUploadStatus.PREVIEWED) -> LedgerUpload:
    """The upload in this status (awaiting confirmation) with this token, if the current user
    made it (404 otherwise). Its bytes are read only when checked or imported."""
    query = select(LedgerUpload).where(LedgerUpload.token == token)
    upload = get_db().exec(query).first()
    if upload is None or upload.user_id != current_user.id or upload.status != status:
        abort(404)
    return upload


def _large(rows: int) -> bool:
    """Whether a file of this many data rows is checked and imported by a job."""
    return rows > current_app.config["JOB_IMPORT_ROWS"]


def _job(kind: str, title: str, params: dict, result_url: str):
    """Start a ledger job for the current user; the redirect to its progress page."""
    job = jobs.start(get_db(), kind, title, current_user, params, result_url=result_url)
    return redirect(url_for("jobs.detail", job_id=job.id))


def _check_by_job(upload: LedgerUpload, choice: MappingChoice):
    preview_url = url_for("ledger.preview", token=upload.token)
    params = {"token": upload.token, "choice": choice.stored()}
    return _job("ledger_preview", f"检查台账「{upload.filename}」", params, preview_url)


def _render_preview(upload: LedgerUpload, status: int = 200, form=None):
    centres = {c.id: c for c in visible_centres(get_db(), current_scope())}
    report = StoredPreview.loaded(upload.preview)
    mapping = report.sheet_mapping
    mapped = {c.field for c in mapping.mapped()} if mapping else set()
    return (
        render_template(
            "ledger/preview.html",
            upload=upload,
            report=report,
            mapping=mapping,
            choice=MappingChoice.loaded(upload.choice),
            columns=COLUMNS,
            channels=[c.value for c in Channel],
            asks_centre=mapping is not None and CENTRE not in mapped,
            asks_channel=mapping is not None and CHANNEL not in mapped,
            form=form or LedgerConfirmForm(),
            rows=report.new_rows,
            problems=report.problems,
            hidden_problems=max(report.problem_count - len(report.problems), 0),
            centres=centres,
        ),
        status,
    )


@bp.route("/", methods=["GET", "POST"])
@require(Permission.LEDGER_IMPORT)
def index():
    form = LedgerUploadForm()
    centres = visible_centres(get_db(), current_scope())
    ids = {c.id for c in centres}
    form.centre.choices = [("", "（按台账中的「调解组织」列）")] + [(c.id, c.name) for c in centres]
    if request.method == "GET" and current_user.centre_id in ids:
        form.centre.data = current_user.centre_id

    def operation() -> LedgerUpload:
        storage = form.file.data
        limit = current_app.config["LEDGER_MAX_BYTES"]
        chosen = form.centre.data if form.centre.data in ids else current_user.centre_id
        filename = clean_filename(storage.filename or "台账")
        content = storage.read(limit + 1)
        at_most = current_app.config["JOB_IMPORT_ROWS"]
        return upload_ledger(
            get_db(),
            current_user,
            filename,
            content,
            current_scope(),
            max_bytes=limit,
            seconds=current_app.config["LEDGER_PREVIEW_SECONDS"],
            choice=MappingChoice(centre_id=chosen if chosen in ids else None),
            checked=not _large(guard.data_rows(content, Path(filename).suffix, at_most)),
        )

    if done := submit(form, operation):
        upload = done.value
        if not upload.preview:  # a large file: a job checks it
            return _check_by_job(upload, MappingChoice.loaded(upload.choice))
        return redirect(url_for("ledger.preview", token=upload.token))
    return (
        render_template(
            "ledger/index.html",
            form=form,
            asks_centre=len(centres) > 1,
            channels=[c.value for c in Channel],
            categories=[c.value for c in Category],
            outcomes=OUTCOMES,
            max_upload=format_size(current_app.config["LEDGER_MAX_BYTES"]),
            max_rows=guard.MAX_ROWS,
            max_columns=guard.MAX_COLUMNS,
        ),
        form_status(),
    )


@bp.route("/<token>")
@require(Permission.LEDGER_IMPORT)
def preview(token: str):
    upload = _load(token)
    if not upload.preview:  # its job has not checked it (yet): the jobs list shows where it is
        flash(f"「{upload.filename}」正在检查，完成后即可预览。", "info")
        return redirect(url_for("jobs.index"))
    return _render_preview(upload)


@bp.route("/<token>/mapping", methods=["POST"])
@require(Permission.LEDGER_IMPORT)
def mapping(token: str):
    """The preview's corrections: the sheet, each column's ledger column, the centre and the
    channel of a file without them. Kept with the upload, whose preview is checked again."""
    upload = _load(token)
    form = LedgerConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    choice = _chosen(upload)
    if not upload.preview or _large(upload.preview["rows"]):
        return _check_by_job(upload, choice)
    db = get_db()
    seconds = current_app.config["LEDGER_PREVIEW_SECONDS"]
    if submit(form, lambda: change_choice(db, upload, choice, current_scope(), seconds=seconds)):
        return redirect(url_for("ledger.preview", token=token))
    # Refused (out of time, or the file imported meanwhile): the preview as it was.
    return _render_preview(_load(token), 422, form)


def _chosen(upload: LedgerUpload) -> MappingChoice:
    """The upload's choice with the corrections sent from the preview's mapping form."""
    choice = MappingChoice.loaded(upload.choice)
    sent = request.form
    sheet = sent.get("sheet", choice.sheet)
    if sheet != choice.sheet:
        choice.sheet, choice.columns = sheet[:100], {}  # another sheet: another header
    else:
        for index in range(guard.MAX_COLUMNS):  # no file has more (the guard refuses it)
            field = sent.get(f"col-{index}")
            header = sent.get(f"head-{index}", "")[:200]
            if field is None or not header or (field and field not in COLUMNS):
                continue
            if field != sent.get(f"was-{index}"):
                choice.columns[header] = field
    centres = {c.id for c in visible_centres(get_db(), current_scope())}
    centre_id = sent.get("centre_id", type=int)
    if centre_id in centres:
        choice.centre_id = centre_id
    channel = sent.get("channel")
    if channel in [c.value for c in Channel] or channel == "":
        choice.channel = channel
    return choice


@bp.route("/template.xlsx")
@require(Permission.LEDGER_IMPORT)
def template():
    """The template workbook, with the user's centres in the 调解组织 drop-down."""
    buffer = io.BytesIO()  # a small workbook: built in memory
    write_template(buffer, visible_centres(get_db(), current_scope()))
    response = Response(buffer.getvalue(), mimetype=XLSX_MIMETYPE)
    return _attachment(response, "台账模板.xlsx")


@bp.route("/<token>/confirm", methods=["POST"])
@require(Permission.LEDGER_IMPORT)
def confirm(token: str):
    upload = _load(token)
    form = LedgerConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not upload.preview:  # not checked yet: nothing to confirm
        return redirect(url_for("ledger.preview", token=token))
    if _large(upload.preview["rows"]):
        params = {"token": token, "preview_url": url_for("ledger.preview", token=token)}
        result_url = url_for("ledger.imported", token=token)
        return _job("ledger_import", f"导入台账「{upload.filename}」", params, result_url)
    db = get_db()
    done = submit(form, lambda: import_upload(db, upload, current_user, current_scope()))
    if done is None:  # imported meanwhile (another tab): say when
        flash("；".join(form.form_errors), "warning")
        return redirect(url_for("ledger.index"))
    report = done.value
    if not report.ok:  # the data changed since the preview: nothing written, the new report
        return _render_preview(upload, 422)
    flash(import_summary(report), "success")
    return redirect(url_for("cases.index"))


@bp.route("/<token>/imported")
@require(Permission.LEDGER_IMPORT)
def imported(token: str):
    """Where an import job sends its user once done: the import's summary on the case list,
    as after an import in the request."""
    upload = _load(token, LedgerUploadStatus.IMPORTED)
    flash(import_summary(StoredPreview.loaded(upload.preview)), "success")
    return redirect(url_for("cases.index"))


@bp.route("/<token>/discard", methods=["POST"])
@require(Permission.LEDGER_IMPORT)
def discard(token: str):
    upload = _load(token)
    if not LedgerConfirmForm().validate_on_submit():
        abort(400)
    db = get_db()
    discard_upload(db, upload)
    db.commit()
    flash("已放弃导入，上传的文件已删除。", "info")
    return redirect(url_for("ledger.index"))


def import_summary(report: LedgerReport | StoredPreview) -> str:
    """The message after an import, with the legal-service cases when the file had any."""
    text = (
        f"已从「{report.filename}」导入 {report.imported} 件案件；"
        f"与已登记案件相同而跳过 {report.skipped} 件。"
    )
    if report.has_legal:
        text += (
            f"法律服务案件导入 {report.legal_imported} 件，"
            f"与已登记案件相同而跳过 {report.legal_skipped} 件。"
        )
    return text


def _legal_conditions(case_filter, scope) -> list:
    """The legal-service cases that go with the case list's filters: the same scope, centres
    (one, a district, or the city-level ones) and period (of acceptance, or the statistics
    period of a drill-down)."""
    return legal_export_conditions(
        scope,
        centre_id=case_filter.centre_id,
        period_from=case_filter.accepted_from or case_filter.period_from,
        period_to=case_filter.accepted_to or case_filter.period_to,
        centre_ids=case_filter.centre_ids,
        district_id=case_filter.district_id,
    )


def export_description(kind: str, legal_only: bool, filters: dict[str, str]) -> str:
    """What an export held, for its access-log record: the sheets and the case list's filters
    (a search by ID number or phone is named as such, never by the number)."""
    if legal_only:
        sheets = "法律服务案件台账（CSV）"
    elif kind == "csv":
        sheets = "调解案件台账（CSV）"
    else:
        sheets = "调解案件及法律服务案件台账（Excel）"
    shown = {**filters}
    if "q" in shown and is_identifier_query(shown["q"]):
        shown["q"] = "（证件号或电话）"
    described = "，".join(f"{name}={value}" for name, value in shown.items())
    return f"{sheets}；筛选：{described or '无'}"


def _attachment(response: Response, filename: str) -> Response:
    ascii_name = f"ledger-{today():%Y%m%d}{Path(filename).suffix}"
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=ascii_name,
        **{"filename*": f"UTF-8''{quote(filename)}"},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _streamed(db, chunks: Iterator[bytes]) -> Response:
    """A CSV response that gives the session's connection back when it ends, read to the end or
    abandoned. The request's teardown has already closed the session when the body is sent, so
    the rows read afterwards check out a connection that only this `close` returns (issue 15:
    without it each CSV download held one until the garbage collector ran)."""

    def body():
        try:
            yield from chunks
        finally:
            db.close()

    return Response(stream_with_context(body()), mimetype="text/csv; charset=utf-8")


@bp.route("/export.<any(csv, xlsx):kind>")
@require(Permission.CASE_READ)
def export(kind: str):
    """The cases of the case list's current filters (within the user's scope), streamed;
    ?kind=legal with .csv: the legal-service cases instead."""
    db = get_db()
    scope = current_scope()
    form, case_filter = requested_filter(db, scope)
    conditions = filter_conditions(case_filter, scope, today())
    legal_conditions = _legal_conditions(case_filter, scope)
    legal_only = kind == "csv" and request.args.get("kind") == "legal"
    what = export_description(kind, legal_only, carried_args(form))
    log_access(access.export(db, current_user, what))
    if legal_only:
        filename = ledger_filename(kind, today(), SHEET_LEGAL_SERVICE)
        chunks = csv_chunks(legal_ledger_rows(db, legal_conditions), columns=LEGAL_COLUMNS)
        return _attachment(_streamed(db, chunks), filename)
    limit = current_app.config["JOB_EXPORT_ROWS"]
    if ledger_count(db, conditions, limit) > limit:  # too long for one request: a job builds it
        args = {name: value for name, value in request.args.items() if value}
        form = EmptyForm()
        return render_template(
            "jobs/export_confirm.html", kind=kind, args=args, limit=limit, form=form
        )
    rows = ledger_rows(db, conditions, personal_data_access(db, current_user))
    filename = ledger_filename(kind, today())
    if kind == "csv":
        return _attachment(_streamed(db, csv_chunks(rows)), filename)
    # openpyxl's write-only mode spools rows to a temporary file as they come; the finished
    # workbook is then sent from disk and the file removed when the response closes.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it)
    write_xlsx(rows, handle, legal_ledger_rows(db, legal_conditions))
    handle.seek(0)
    return _attachment(send_file(handle, mimetype=XLSX_MIMETYPE), filename)
