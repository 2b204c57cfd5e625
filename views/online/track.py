"""A worker's own case: /track with a code to the phone on record, and the documents served
on the worker, opened with a code."""

import secrets
import time

from flask import abort, current_app, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import TooManyRequests

from forms.online import CodeForm, TrackForm
from mediation.dates import today
from mediation.documents import case_documents as documents
from mediation.identifiers import mask_phone
from mediation.logs import access
from mediation.online import codes, service, tracking
from models import AccessKind, Case, Centre, CodePurpose, Worker
from views.db import get_db
from views.helpers import form_status, log_access
from views.online import bp, limit_posts
from views.online.codes import TOO_MANY_CODES, may_request_code, send_code
from views.sheets import render_pdf

TRACK_MINUTES = 30  # how long a verified worker may look at their case without a new code


@bp.route("/track", methods=["GET", "POST"])
@limit_posts
def track():
    """Name the case and the ID number; a code goes to the phone on record. The answer is the
    same page whether or not they match anything."""
    form = TrackForm()
    if form.validate_on_submit():
        db = get_db()
        found = tracking.find_party(db, form.number.data, form.id_number.data)
        nonce = secrets.token_urlsafe(16)
        case_id = worker_id = 0
        if found is not None and found[1].phone:
            case, worker = found
            case_id, worker_id = case.id, worker.id
            send_code(nonce, worker.phone, CodePurpose.TRACK, case_id=case.id)
        elif not may_request_code(None):
            raise TooManyRequests(TOO_MANY_CODES)
        db.commit()
        token = _track_tokens().dumps({"n": nonce, "c": case_id, "w": worker_id})
        return redirect(url_for("online.track_verify", token=token))
    return render_template("online/track.html", form=form), form_status()


@bp.route("/track/verify/<token>", methods=["GET", "POST"])
@limit_posts
def track_verify(token: str):
    try:
        state = _track_tokens().loads(token, max_age=codes.CODE_MINUTES * 60)
    except BadSignature:
        abort(404)
    form = CodeForm()
    if form.validate_on_submit():
        db = get_db()
        secret = current_app.config["SECRET_KEY"]
        if codes.check_code(db, CodePurpose.TRACK, state["n"], form.code.data, secret):
            db.commit()
            session["track"] = {"c": state["c"], "w": state["w"], "at": int(time.time())}
            return redirect(url_for("online.track_case"))
        db.commit()  # the wrong try counts
        form.code.errors.append("验证码错误或已失效，请重新输入或重新获取")
    page = render_template("online/track_verify.html", form=form, minutes=codes.CODE_MINUTES)
    return page, form_status()


@bp.route("/track/case")
def track_case():
    party = _tracked_party()
    if party is None:
        return redirect(url_for("online.track"))
    case, worker = party
    db = get_db()
    view = tracking.own_view(db, case, worker, today())
    response = current_app.make_response(render_template("online/track_case.html", view=view))
    log_access(access.party_read(db, f"申请人{worker.name}", AccessKind.PARTY_CASE, case))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/track/end", methods=["POST"])
def track_end():
    session.pop("track", None)
    return redirect(url_for("online.track"))


SERVED_MINUTES = 30  # how long an opened document stays open in this browser


@bp.route("/served/<token>", methods=["GET", "POST"])
@limit_posts
def served(token: str):
    """A document served electronically: a code to the recipient's phone opens it. Nothing a
    link preview fetches (this page by GET) counts as opening."""
    db = get_db()
    record = service.open_service(db, token)
    if record is None:
        abort(404)
    case = db.get(Case, record.case_id)
    form = CodeForm()
    notice = None
    if request.method == "POST" and form.resend.data:
        send_code(f"served:{record.id}", record.phone, CodePurpose.SERVE, case_id=case.id)
        db.commit()
        notice = f"验证码已发送至 {mask_phone(record.phone)}"
        form.code.data = ""
    elif form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        if codes.check_code(db, CodePurpose.SERVE, f"served:{record.id}", form.code.data, secret):
            service.mark_opened(db, record)
            db.commit()
            session[f"served:{record.id}"] = int(time.time())
            return redirect(url_for("online.served_document", token=token))
        db.commit()  # the wrong try counts
        form.code.errors.append("验证码错误或已失效，请重新输入或重新获取")
    page = render_template(
        "online/served.html",
        form=form,
        record=record,
        case=case,
        centre=db.get(Centre, case.centre_id),
        notice=notice,
    )
    return page, form_status() if notice is None else 200


@bp.route("/served/<token>/document.pdf")
def served_document(token: str):
    """The served copy (PDF, every ID number and phone masked), for SERVED_MINUTES after the
    code was entered in this browser."""
    db = get_db()
    record = service.open_service(db, token)
    if record is None:
        abort(404)
    opened = session.get(f"served:{record.id}")
    if not opened or time.time() - opened > SERVED_MINUTES * 60:
        return redirect(url_for("online.served", token=token))
    case = db.get(Case, record.case_id)
    try:
        d = documents.document(db, case, record.doc_code, None)
    except documents.NotApplicable:
        abort(404)
    html = render_template(f"sheets/{record.doc_code}.html", d=d, pdf=True, pdf_url="")
    response = current_app.make_response(render_pdf(html))
    worker = db.get(Worker, record.worker_id)
    rows = access.party_read(
        db, f"申请人{worker.name}", AccessKind.PARTY_DOCUMENT, case, f"《{record.title}》"
    )
    log_access(rows)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{record.doc_code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _tracked_party() -> tuple[Case, Worker] | None:
    """The case and worker this browser proved, for TRACK_MINUTES after the code."""
    state = session.get("track")
    if not state or time.time() - state.get("at", 0) > TRACK_MINUTES * 60:
        session.pop("track", None)
        return None
    db = get_db()
    case, worker = db.get(Case, state["c"]), db.get(Worker, state["w"])
    if case is None or worker is None or worker.case_id != case.id:
        session.pop("track", None)
        return None
    return case, worker


def _track_tokens() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="track-code")
