"""Scans attached to a case: upload (CASE_WORK) and download (CASE_READ), within scope.

POST /cases/<id>/attachments/new   upload (the form is on the case page and on its own page)
GET  /cases/<id>/attachments/<n>   download, as an attachment under a safe name, for those who
                                   see the case's personal data (mediation.privacy); others see
                                   on the case page only that the scan exists
"""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from forms import select_choices
from mediation import retention
from mediation.cases import attachments
from mediation.cases.actions import Action
from mediation.errors import RuleViolation
from mediation.permissions import Permission, can
from mediation.privacy import shows_personal_data
from models import AccessKind, AttachmentKind
from views.cases import load_case
from views.db import get_db
from views.helpers import apply_violation, log_read, require, submit

bp = Blueprint("attachments", __name__, url_prefix="/cases")
# Uploading is refused on an archived case, with the page every refused case action shows.
UPLOAD = Action("upload", "上传附件", Permission.CASE_WORK, frozenset())


class AttachmentForm(FlaskForm):
    kind = SelectField(
        "附件类别",
        choices=select_choices(AttachmentKind.choices(), blank="请选择"),
        validators=[DataRequired("请选择附件类别")],
    )
    file = FileField(
        "扫描件",
        validators=[FileRequired("请选择要上传的文件")],
        description="PDF、JPEG或PNG格式，不超过10 MB",
    )
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不超过200字")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = f"PDF、JPEG或PNG格式；{upload_limits()}"


def upload_limits() -> str:
    """The limits as the form and the 413 page state them."""
    per_file = attachments.format_size(_max_bytes())
    per_request = attachments.format_size(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    return f"每个扫描件不超过{per_file}，每次上传合计不超过{per_request}"


def _max_bytes() -> int:
    return current_app.config.get("UPLOAD_MAX_BYTES") or attachments.MAX_BYTES


@bp.route("/<int:case_id>/attachments/new", methods=["GET", "POST"])
@require(Permission.CASE_WORK)
def upload(case_id: int):
    case = load_case(case_id)
    if retention.is_archived(case):
        reason = retention.ARCHIVED_REASON
        page = render_template("cases/refused.html", case=case, action=UPLOAD, reason=reason)
        return page, 422
    form = AttachmentForm()
    read = []

    def add():
        data = form.file.data.stream.read(_max_bytes() + 1)
        read.append(True)
        file_type = attachments.check_upload(
            data, form.kind.data, form.note.data or "", _max_bytes()
        )
        attachments.add_attachment(
            get_db(),
            case,
            current_user,
            kind=form.kind.data,
            original_name=form.file.data.filename,
            file_type=file_type,
            data=data,
            note=form.note.data or "",
        )

    if submit(form, add):
        flash("附件已上传", "success")
        return redirect(url_for("cases.detail", case_id=case.id, _anchor="attachments"))
    if form.is_submitted() and form.file.data and not read:
        _file_problems(form)  # a missing 附件类别 does not hide the file's own problems
    status = 422 if form.is_submitted() else 200
    return render_template("attachments/upload.html", form=form, case=case), status


def _file_problems(form: AttachmentForm) -> None:
    data = form.file.data.stream.read(_max_bytes() + 1)
    try:
        attachments.check_upload(data, form.kind.data or "", form.note.data or "", _max_bytes())
    except RuleViolation as violation:
        shown = {name: list(form[name].errors) for name in ("kind", "file", "note")}
        apply_violation(
            form,
            RuleViolation(
                [(f, m) for f, m in violation.problems if f not in shown or not shown[f]]
            ),
        )


@bp.route("/<int:case_id>/attachments/<int:attachment_id>")
@require(Permission.CASE_READ)
def download(case_id: int, attachment_id: int):
    case = load_case(case_id)
    db = get_db()
    attachment = attachments.attachment_of(db, case, attachment_id)
    if attachment is None:
        abort(404)
    if not shows_personal_data(db, current_user, case):
        abort(403)  # a scan carries ID numbers, phones and signatures in clear
    data = attachments.scan_of(db, attachment)
    if data is None:
        abort(404)  # an old scan not yet copied in by `flask --app app migrate-uploads`
    name = attachments.download_name(case, attachment)
    log_read(case, AccessKind.SCAN, attachments.download_summary(attachment))
    response = send_file(
        io.BytesIO(data),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=name,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- The case page's 「附件」 section ---------------------------------------------------------


@bp.app_context_processor
def inject_attachments():
    def case_attachments(case):
        return attachments.attachments_of(get_db(), case)

    def may_download_scans(case) -> bool:
        return shows_personal_data(get_db(), current_user, case)

    def attachment_form(case=None):
        if not can(current_user, Permission.CASE_WORK) or (case and retention.is_archived(case)):
            return None
        return AttachmentForm(formdata=None)

    return {
        "case_attachments": case_attachments,
        "may_download_scans": may_download_scans,
        "attachment_form": attachment_form,
        "format_size": attachments.format_size,
    }
