"""Background jobs: the job page with its progress bar, the progress it polls, cancel and
download; and the requests that start jobs (batch printing; the ledger export above
JOB_EXPORT_ROWS starts from views.ledger).

GET  /jobs/                      the user's jobs (an admin: everyone's)
GET  /jobs/<id>                  the progress bar, polling … (once done, its result_url if any)
GET  /jobs/<id>/progress         … this JSON: state, rows done of total, seconds left
POST /jobs/<id>/cancel           stop it (a queued job at once, a running one at its next step)
GET  /jobs/<id>/download         the file it built, once done
POST /jobs/ledger-export.<kind>  export the case list's filters as a job (CASE_READ)
POST /cases/<id>/print-all       every document of the case as PDFs in one zip (CASE_READ)
GET|POST /jobs/agreements        every agreement of a month at a centre, in one zip (CASE_READ)

A user sees only their own jobs (an admin all): anyone else's answers 404, like a missing one.
"""

import io
from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Regexp

import jobs
from forms import select_choices
from forms.admin import EmptyForm
from jobs import records
from mediation import storage
from mediation.dates import today
from mediation.permissions import Permission
from mediation.scope import visible_centres
from models import JobState
from views.cases import load_case
from views.db import get_db
from views.helpers import current_scope, require

bp = Blueprint("jobs", __name__)


def _job(job_id: str):
    job = records.job_for(get_db(), current_user, job_id)
    if job is None:
        abort(404)
    return job


def progress_of(job) -> dict:
    """What the progress bar shows; the same on every node, read from the job's row."""
    total = job.rows_total
    percent = 100 if job.state == JobState.DONE.value else 0
    if total and job.state != JobState.DONE.value:
        percent = min(99, job.rows_done * 100 // total)
    ready = job.state == JobState.DONE.value and job.result_key is not None
    return {
        "state": job.state,
        "state_label": job.state_label,
        "rows_done": job.rows_done,
        "rows_total": total,
        "percent": percent,
        "seconds_left": records.time_left(job),
        "finished": job.finished,
        "cancel_requested": job.cancel_requested,
        "error": job.error if job.state == JobState.FAILED.value else "",
        "download_url": url_for("jobs.download", job_id=job.id) if ready else None,
        "result_url": job.result_url if job.state == JobState.DONE.value else None,
    }


@bp.route("/jobs/")
@login_required
def index():
    return render_template("jobs/index.html", jobs=records.jobs_of(get_db(), current_user))


@bp.route("/jobs/<job_id>")
@login_required
def detail(job_id: str):
    job = _job(job_id)
    if job.state == JobState.DONE.value and job.result_url:  # done: where it leads
        return redirect(job.result_url)
    return render_template("jobs/detail.html", job=job, progress=progress_of(job), form=EmptyForm())


@bp.route("/jobs/<job_id>/progress")
@login_required
def progress(job_id: str):
    response = jsonify(progress_of(_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<job_id>/cancel", methods=["POST"])
@login_required
def cancel(job_id: str):
    job = _job(job_id)
    if EmptyForm().validate_on_submit() and not job.finished:
        records.request_cancel(get_db(), job)
        get_db().commit()
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/jobs/<job_id>/download")
@login_required
def download(job_id: str):
    job = _job(job_id)
    data = storage.store.get(get_db(), job.result_key) if job.result_key else None
    if job.state != JobState.DONE.value or data is None:
        abort(404)
    response = send_file(io.BytesIO(data), as_attachment=True, download_name=job.result_name)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Starting jobs --------------------------------------------------------------------------


@bp.route("/jobs/ledger-export.<any(csv, xlsx):kind>", methods=["POST"])
@require(Permission.CASE_READ)
def export_ledger(kind: str):
    """The case list's filters (carried in the query string) exported by a job."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    args = [(name, value) for name, value in request.args.items(multi=True) if value]
    title = f"导出台账（{'Excel' if kind == 'xlsx' else 'CSV'}）"
    job = jobs.start(get_db(), "ledger_export", title, current_user, {"args": args, "format": kind})
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/cases/<int:case_id>/print-all", methods=["POST"])
@require(Permission.CASE_READ)
def print_case(case_id: int):
    case = load_case(case_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    title = f"批量打印 {case.number} 全部文书"
    job = jobs.start(get_db(), "print_case", title, current_user, {"case_id": case.id})
    return redirect(url_for("jobs.detail", job_id=job.id))


class AgreementsForm(FlaskForm):
    centre = SelectField("调解中心", validators=[DataRequired("请选择调解中心")])
    month = StringField(
        "月份",
        validators=[
            DataRequired("请选择月份"),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="月份格式应为 2026-11"),
        ],
        render_kw={"type": "month"},
    )


@bp.route("/jobs/agreements", methods=["GET", "POST"])
@require(Permission.CASE_READ)
def print_agreements():
    """Every agreement that took effect at a centre in a month, printed by a job."""
    db = get_db()
    centres = visible_centres(db, current_scope())
    form = AgreementsForm()
    form.centre.choices = select_choices(((c.code, c.name) for c in centres), blank="请选择")
    if not form.is_submitted():
        form.month.data = f"{today():%Y-%m}"
    if form.validate_on_submit():
        centre = next(c for c in centres if c.code == form.centre.data)
        month = date.fromisoformat(form.month.data + "-01")
        if month > today():
            form.month.errors.append("不能选择未来的月份")
        else:
            title = f"批量打印 {centre.name} {month:%Y年%m月} 调解协议书"
            params = {"centre_id": centre.id, "month": form.month.data}
            job = jobs.start(db, "print_agreements", title, current_user, params)
            return redirect(url_for("jobs.detail", job_id=job.id))
    status = 422 if form.is_submitted() else 200
    return render_template("jobs/agreements.html", form=form), status
