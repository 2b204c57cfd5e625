"""The case page's part in the online services: sending the employer its answer link, and the
section showing the employer's answer and the messages sent on the case."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select

from forms import select_choices
from forms.online import ServeForm
from mediation.documents import papers
from mediation.errors import RuleViolation
from mediation.identifiers import mask_phone
from mediation.online import employers, service
from mediation.permissions import Permission, can
from models import Employer, Message, Worker
from views.cases import bp, load_case
from views.db import get_db
from views.helpers import require


@bp.route("/<int:case_id>/employer-link", methods=["POST"])
@require(Permission.CASE_WORK)
def employer_link(case_id: int):
    case = load_case(case_id)
    db = get_db()
    if not FlaskForm().validate_on_submit():  # CSRF
        flash("表单已过期，请重新提交", "danger")
        return redirect(url_for("cases.detail", case_id=case.id))
    try:
        employers.send_reply_link(db, case, current_user, _public_url)
        db.commit()
    except RuleViolation as violation:
        db.rollback()
        flash("；".join(message for _, message in violation.problems), "danger")
    else:
        flash("已向被申请单位发送答复链接", "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/serve", methods=["POST"])
@require(Permission.CASE_WORK)
def serve(case_id: int):
    """Serve a document electronically on the workers chosen on the case page."""
    case = load_case(case_id)
    db = get_db()
    form = ServeForm()
    if not form.validate_on_submit():
        flash("表单已过期，请重新提交", "danger")
        return redirect(url_for("cases.detail", case_id=case.id) + "#online")
    try:
        services = service.serve(db, case, current_user, form.doc.data, form.workers.data or [])
        db.commit()
    except RuleViolation as violation:
        db.rollback()
        flash("；".join(message for _, message in violation.problems), "danger")
    else:
        flash(f"已向{len(services)}名申请人发送电子送达链接", "success")
    return redirect(url_for("cases.detail", case_id=case.id) + "#online")


@bp.route("/<int:case_id>/workers/<int:worker_id>/consent", methods=["POST"])
@require(Permission.CASE_WORK)
def consent(case_id: int, worker_id: int):
    """Record that a worker agreed (or no longer agrees) to notices and electronic service."""
    case = load_case(case_id)
    db = get_db()
    worker = db.get(Worker, worker_id)
    if worker is None or worker.case_id != case.id:
        abort(404)
    if not FlaskForm().validate_on_submit():
        flash("表单已过期，请重新提交", "danger")
    else:
        try:
            service.record_consent(
                db, case, current_user, worker, request.form.get("consents") == "1"
            )
            db.commit()
        except RuleViolation as violation:
            db.rollback()
            flash("；".join(message for _, message in violation.problems), "danger")
    return redirect(url_for("cases.detail", case_id=case.id) + "#online")


def _public_url(token: str) -> str:
    return url_for("online.respond", token=token, _external=True)


@bp.app_context_processor
def inject_online():
    def case_online(case):
        db = get_db()
        messages = db.exec(
            select(Message).where(Message.case_id == case.id).order_by(Message.id.desc()).limit(50)
        ).all()
        employer = db.get(Employer, case.employer_id)
        may_work = can(current_user, Permission.CASE_WORK)
        return {
            "reply": employers.reply_of(db, case),
            "can_send_link": may_work
            and case.status == "received"
            and employers.mobile_of(employer) is not None,
            "messages": messages,
            "services": papers.electronic_services(db, case),
            "workers": db.exec(
                select(Worker).where(Worker.case_id == case.id).order_by(Worker.position)
            ).all(),
            "may_work": may_work,
            "serve_form": _serve_form(db, case) if may_work else None,
        }

    return {"case_online": case_online, "mask_phone": mask_phone}


def _serve_form(db, case) -> ServeForm | None:
    documents = service.servable(db, case)
    workers = service.consenting_workers(db, case)
    if not documents or not workers:
        return None
    form = ServeForm(formdata=None)
    form.doc.choices = select_choices(documents)
    form.workers.choices = select_choices([(w.id, w.name) for w in workers])
    form.workers.data = [w.id for w in workers]
    return form
