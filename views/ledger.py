"""The ledger (台账): upload → preview with the full report → confirm, for centre supervisors and
admins; and the streamed export of the case list's cases in the ledger format. The .xlsx
export holds a second sheet 法律服务案件 (the legal-service cases of the same centres and period
of acceptance); as CSV those are exported on their own with ?kind=legal.

An uploaded file is kept under the instance folder (ledger_uploads/<random token>), never in
the session cookie, beside a small JSON note of who uploaded it and its original name. It is
deleted once imported or discarded; files older than a day are swept away at each upload.

The preview shows how the file's columns were mapped onto the ledger's, with each column's first
values; the user corrects a column with its select, picks the sheet of a workbook with several,
and the centre and channel of a file without them. These choices are kept with the upload (its
note) until the import, which remembers the centre's mapping for its next file. The template
workbook is downloaded from the ledger page.
"""

import io
import json
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import (
    Blueprint,
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

from forms.ledger import LedgerConfirmForm, LedgerUploadForm
from mediation.cases.listing import filter_conditions
from mediation.dates import today
from mediation.ledger.checking import check_ledger, clean_filename
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
    ledger_filename,
    ledger_rows,
    legal_ledger_rows,
    write_xlsx,
)
from mediation.ledger.importing import import_ledger
from mediation.ledger.mapping import MappingChoice
from mediation.ledger.stored import legal_export_conditions
from mediation.ledger.template import write_template
from mediation.permissions import Permission
from mediation.privacy import personal_data_access
from mediation.scope import visible_centres
from models import Category, Channel
from views.cases.listing import requested_filter
from views.db import get_db
from views.helpers import current_scope, require

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

UPLOAD_FOLDER = "ledger_uploads"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
STALE_SECONDS = 24 * 3600
PREVIEW_ROWS = 20
PROBLEMS_SHOWN = 1000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path
    note: Path
    filename: str


def _folder() -> Path:
    folder = Path(current_app.instance_path) / UPLOAD_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _save(storage, centre_id: int | None) -> str:
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    filename = clean_filename(storage.filename or "台账")
    suffix = Path(filename).suffix.lower()
    storage.save(folder / f"{token}{suffix}")
    note = {
        "user_id": current_user.id,
        "filename": filename,
        "suffix": suffix,
        "choice": {"centre_id": centre_id},
    }
    (folder / f"{token}.json").write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    return token


def _load(token: str) -> Upload:
    """The upload with this token, if the current user made it (404 otherwise)."""
    if not TOKEN_RE.fullmatch(token):
        abort(404)
    folder = _folder()
    note_path = folder / f"{token}.json"
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        abort(404)
    path = folder / f"{token}{note.get('suffix', '')}"
    if note.get("user_id") != current_user.id or not path.is_file():
        abort(404)
    return Upload(token, path, note_path, note["filename"])


def _choice(upload: Upload) -> MappingChoice:
    """The user's choices for this upload: sheet, column corrections, centre, channel."""
    note = json.loads(upload.note.read_text(encoding="utf-8"))
    saved = note.get("choice") or {}
    return MappingChoice(
        sheet=saved.get("sheet", ""),
        columns=dict(saved.get("columns", {})),
        centre_id=saved.get("centre_id"),
        channel=saved.get("channel", ""),
    )


def _save_choice(upload: Upload, choice: MappingChoice) -> None:
    note = json.loads(upload.note.read_text(encoding="utf-8"))
    note["choice"] = {
        "sheet": choice.sheet,
        "columns": choice.columns,
        "centre_id": choice.centre_id,
        "channel": choice.channel,
    }
    upload.note.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")


def _discard(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.note.unlink(missing_ok=True)


def _render_preview(upload: Upload, report: LedgerReport, choice: MappingChoice, status: int = 200):
    centres = {c.id: c for c in visible_centres(get_db(), current_scope())}
    mapped = {c.field for c in report.mapping.mapped()} if report.mapping else set()
    return (
        render_template(
            "ledger/preview.html",
            upload=upload,
            report=report,
            choice=choice,
            columns=COLUMNS,
            channels=[c.value for c in Channel],
            asks_centre=report.mapping is not None and CENTRE not in mapped,
            asks_channel=report.mapping is not None and CHANNEL not in mapped,
            form=LedgerConfirmForm(),
            rows=report.new[:PREVIEW_ROWS],
            problems=report.problems[:PROBLEMS_SHOWN],
            hidden_problems=max(len(report.problems) - PROBLEMS_SHOWN, 0),
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
    if form.validate_on_submit():
        chosen = form.centre.data if form.centre.data in ids else current_user.centre_id
        token = _save(form.file.data, chosen if chosen in ids else None)
        return redirect(url_for("ledger.preview", token=token))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "ledger/index.html",
            form=form,
            asks_centre=len(centres) > 1,
            channels=[c.value for c in Channel],
            categories=[c.value for c in Category],
            outcomes=OUTCOMES,
        ),
        status,
    )


@bp.route("/<token>")
@require(Permission.LEDGER_IMPORT)
def preview(token: str):
    upload = _load(token)
    choice = _choice(upload)
    report = check_ledger(get_db(), upload.path, upload.filename, current_scope(), choice=choice)
    return _render_preview(upload, report, choice)


MAX_MAPPED_COLUMNS = 200


@bp.route("/<token>/mapping", methods=["POST"])
@require(Permission.LEDGER_IMPORT)
def mapping(token: str):
    """The preview's corrections: the sheet, each column's ledger column, the centre and the
    channel of a file without them. Kept with the upload; the preview is then checked again."""
    upload = _load(token)
    if not LedgerConfirmForm().validate_on_submit():
        abort(400)
    choice = _choice(upload)
    form = request.form
    sheet = form.get("sheet", choice.sheet)
    if sheet != choice.sheet:
        choice.sheet, choice.columns = sheet[:100], {}  # another sheet: another header
    else:
        for index in range(MAX_MAPPED_COLUMNS):
            field = form.get(f"col-{index}")
            header = form.get(f"head-{index}", "")[:200]
            if field is None or not header or (field and field not in COLUMNS):
                continue
            if field != form.get(f"was-{index}"):
                choice.columns[header] = field
    centres = {c.id for c in visible_centres(get_db(), current_scope())}
    centre_id = form.get("centre_id", type=int)
    if centre_id in centres:
        choice.centre_id = centre_id
    channel = form.get("channel")
    if channel in [c.value for c in Channel] or channel == "":
        choice.channel = channel
    _save_choice(upload, choice)
    return redirect(url_for("ledger.preview", token=token))


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
    db = get_db()
    choice = _choice(upload)
    report = import_ledger(
        db, upload.path, upload.filename, actor=current_user, scope=current_scope(), choice=choice
    )
    if not report.ok:  # the data changed since the preview
        db.rollback()
        return _render_preview(upload, report, choice, 422)
    db.commit()
    _discard(upload)
    flash(import_summary(report), "success")
    return redirect(url_for("cases.index"))


@bp.route("/<token>/discard", methods=["POST"])
@require(Permission.LEDGER_IMPORT)
def discard(token: str):
    upload = _load(token)
    if not LedgerConfirmForm().validate_on_submit():
        abort(400)
    _discard(upload)
    flash("已放弃导入，上传的文件已删除。", "info")
    return redirect(url_for("ledger.index"))


def import_summary(report: LedgerReport) -> str:
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
    _, case_filter = requested_filter(db, scope)
    conditions = filter_conditions(case_filter, scope, today())
    legal_conditions = _legal_conditions(case_filter, scope)
    if kind == "csv" and request.args.get("kind") == "legal":
        filename = ledger_filename(kind, today(), SHEET_LEGAL_SERVICE)
        chunks = csv_chunks(legal_ledger_rows(db, legal_conditions), columns=LEGAL_COLUMNS)
        return _attachment(_streamed(db, chunks), filename)
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
