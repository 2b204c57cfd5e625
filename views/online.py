"""The public pages for workers (no login): apply online and confirm with a code sent to the
phone. Hostile territory: every form has CSRF, every code request is rate-limited per phone and
per IP, codes are six digits valid ten minutes with five tries, and pages answer alike whether or
not a person or case is known."""

import secrets
import time
from datetime import datetime

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from markupsafe import Markup
from sqlmodel import select
from werkzeug.exceptions import TooManyRequests

from forms import select_choices
from forms.online import (
    ApplyForm,
    CodeForm,
    RateForm,
    ReplyForm,
    TrackForm,
    parse_roster,
    representative_names,
)
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData
from mediation.dates import TZ, today
from mediation.documents import case_documents as documents
from mediation.errors import RuleViolation, check_version
from mediation.identifiers import mask_phone
from mediation.logs import access
from mediation.money import InvalidAmount, parse_yuan
from mediation.notices import outbox
from mediation.online import applications, codes, employers, ratings, service, tracking
from mediation.permissions import Permission
from models import (
    AccessKind,
    ApplicationForm,
    ApplicationStatus,
    Case,
    Centre,
    Channel,
    CodePurpose,
    Worker,
)
from views.db import get_db
from views.extensions import limiter
from views.helpers import current_scope, form_status, log_access, require, submit
from views.sheets import render_pdf

bp = Blueprint("online", __name__)

TOO_MANY_CODES = "获取验证码过于频繁，请一小时后再试"
CODE_TEXT = "【劳动争议调解】您的验证码为{code}，{minutes}分钟内有效，请勿告诉他人。"
# Where a problem found by intake's checks is shown on the one-page form.
APPLICANT_FIELDS = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "claims": "amount",
    "representative": "representatives",
}


def page_limit() -> str:
    return current_app.config["PUBLIC_POSTS_PER_IP"]


@bp.route("/apply", methods=["GET", "POST"])
@bp.route("/apply/<code>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
def apply(code: str | None = None):
    db = get_db()
    centres = list(db.exec(select(Centre).where(Centre.active).order_by(Centre.code)))
    centre = next((c for c in centres if c.code == code), None) if code else None
    if code and centre is None:
        abort(404)
    form = ApplyForm()
    form.centre.choices = select_choices([(c.code, c.name) for c in centres], blank="请选择")
    if centre is not None:
        form.centre.data = centre.code

    def operation():
        chosen = centre or next((c for c in centres if c.code == form.centre.data), None)
        if chosen is None:
            raise RuleViolation([("centre", "请选择调解中心")])
        data, unread = _intake_data(form)
        try:
            application = applications.start_application(
                db,
                chosen,
                data,
                notices_consent=form.notices_consent.data,
                remote_addr=request.remote_addr or "",
            )
        except RuleViolation as violation:
            raise RuleViolation(unread + violation.problems) from None
        if unread:
            raise RuleViolation(unread)
        _send_code(application.token, application.phone)
        return application

    done = submit(form, operation, place=_place)
    if done:
        return redirect(url_for("online.confirm", token=done.value.token))
    return render_template("online/apply.html", form=form, centre=centre), form_status()


@bp.route("/apply/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
def confirm(token: str):
    db = get_db()
    application = applications.pending_application(db, token)
    if application is None:
        abort(404)
    if application.status == ApplicationStatus.SUBMITTED:
        return redirect(url_for("online.done", token=token))
    form = CodeForm()
    notice = None
    if request.method == "POST" and form.resend.data:  # CSRFProtect has checked the token
        _send_code(application.token, application.phone)
        db.commit()
        notice = "验证码已重新发送"
        form.code.data = ""
    elif form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        if codes.check_code(db, CodePurpose.APPLY, token, form.code.data, secret):
            applications.submit_application(db, application)
            db.commit()
            return redirect(url_for("online.done", token=token))
        db.commit()  # the wrong try counts
        form.code.errors.append("验证码错误或已失效，请重新输入或重新获取")
    return render_template(
        "online/confirm.html",
        form=form,
        phone=mask_phone(application.phone),
        minutes=codes.CODE_MINUTES,
        notice=notice,
    ), form_status() if notice is None else 200


@bp.route("/apply/done/<token>")
def done(token: str):
    db = get_db()
    application = applications.pending_application(db, token)
    if application is None or application.case_id is None:
        abort(404)
    case = db.get(Case, application.case_id)
    return render_template(
        "online/done.html",
        application=application,
        case=case,
        centre=db.get(Centre, application.centre_id),
    )


TRACK_MINUTES = 30  # how long a verified worker may look at their case without a new code


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
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
            _send_code(nonce, worker.phone, CodePurpose.TRACK, case_id=case.id)
        elif not _may_request_code(None):
            raise TooManyRequests(TOO_MANY_CODES)
        db.commit()
        token = _track_tokens().dumps({"n": nonce, "c": case_id, "w": worker_id})
        return redirect(url_for("online.track_verify", token=token))
    return render_template("online/track.html", form=form), form_status()


@bp.route("/track/verify/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
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


@bp.route("/respond/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
def respond(token: str):
    """The employer answers whether it agrees to mediate, by the link sent to its mobile."""
    db = get_db()
    opened = employers.open_reply(db, token)
    if opened is None:
        abort(404)
    reply, case = opened
    form = ReplyForm(data=_reply_data(reply) if request.method == "GET" else None)

    def operation():
        check_version(reply, form.version.data)
        agrees = {"yes": True, "no": False}.get(form.agrees.data)
        proposed = [field.data.replace(tzinfo=TZ) for field in form.proposed_fields() if field.data]
        employers.answer(
            db, reply, case, agrees, form.reason.data or "", proposed, form.contact_name.data or ""
        )

    saved = submit(form, operation)
    page = render_template(
        "online/respond.html",
        form=form,
        case=case,
        centre=db.get(Centre, case.centre_id),
        claimants=employers.claimants(db, case),
        reply=reply,
        saved=bool(saved),
    )
    response = current_app.make_response((page, form_status() if not saved else 200))
    response.headers["Cache-Control"] = "no-store"
    log_access(access.party_read(db, "被申请单位", AccessKind.EMPLOYER_PAGE, case))
    return response


@bp.route("/rate/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
def rate(token: str):
    """A worker rates the service after closure, once, by the link in the closing notice."""
    db = get_db()
    rating = ratings.open_rating(db, token)
    if rating is None:
        abort(404)
    form = RateForm()

    def operation():
        score = int(form.score.data) if (form.score.data or "").isdigit() else None
        ratings.rate(db, rating, score, form.comment.data or "")

    saved = rating.answered_at is None and submit(form, operation)
    case = db.get(Case, rating.case_id)
    page = render_template(
        "online/rate.html", form=form, rating=rating, case=case, saved=bool(saved)
    )
    return page, form_status() if not saved and rating.answered_at is None else 200


@bp.route("/centres/<code>/poster")
@require(Permission.CASE_READ)
def poster(code: str):
    """The A4 poster a centre puts up: its QR code to /apply/<code>, address and hours."""
    db = get_db()
    centre = db.exec(select(Centre).where(Centre.code == code, Centre.active)).first()
    if centre is None or not current_scope().includes(centre.id):
        abort(404)
    address = outbox.public_url(url_for("online.apply", code=centre.code))
    qr = segno.make(address, error="m").svg_inline(scale=8, dark="#000", light="#fff")
    return render_template("online/poster.html", centre=centre, address=address, qr=Markup(qr))


SERVED_MINUTES = 30  # how long an opened document stays open in this browser


@bp.route("/served/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")
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
        _send_code(f"served:{record.id}", record.phone, CodePurpose.SERVE, case_id=case.id)
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


def _reply_data(reply) -> dict:
    data = {"version": reply.version, "contact_name": reply.contact_name, "reason": reply.reason}
    if reply.agrees is not None:
        data["agrees"] = "yes" if reply.agrees else "no"
    for number, moment in enumerate(reply.proposed[:3], start=1):
        data[f"proposed_{number}"] = datetime.fromisoformat(moment).astimezone(TZ)
    return data


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


def _send_code(
    subject: str, phone: str, purpose: str = CodePurpose.APPLY, case_id: int | None = None
) -> None:
    """Issue and send a code, within the per-phone and per-IP limits (429 beyond them)."""
    if not _may_request_code(phone):
        raise TooManyRequests(TOO_MANY_CODES)
    db = get_db()
    code = codes.issue_code(db, purpose, subject, phone, current_app.config["SECRET_KEY"])
    text = CODE_TEXT.format(code=code, minutes=codes.CODE_MINUTES)
    params = {"code": code, "minutes": codes.CODE_MINUTES}
    outbox.send(db, phone, text, kind="code", case_id=case_id, params=params, urgent=True)


def _may_request_code(phone: str | None) -> bool:
    """Count one code request against the limits, unless one is already used up. Without a
    phone (nobody matched) only the address counts, so that both answers look alike."""
    config = current_app.config
    checks = [(parse(config["CODE_REQUESTS_PER_IP"]), "ip", request.remote_addr or "")]
    if phone:
        checks.append((parse(config["CODE_REQUESTS_PER_PHONE"]), "phone", phone))
    scope = config.get("RATELIMIT_KEY_PREFIX", "") + "code-request"
    strategy = limiter.limiter
    if not all(strategy.test(limit, scope, kind, key) for limit, kind, key in checks):
        return False
    for limit, kind, key in checks:
        strategy.hit(limit, scope, kind, key)
    return True


def _intake_data(form: ApplyForm) -> tuple[IntakeData, list[tuple[str, str]]]:
    """The form as intake's data, and the problems of what could not be read (amounts, names
    of representatives), to be shown together with intake's own."""
    problems: list[tuple[str, str]] = []
    kind = form.claim_kind.data
    fen = _amount(form.amount.data, "amount", "", problems)
    workers = [
        WorkerData(
            name=form.name.data or "",
            id_type=form.id_type.data,
            id_number=(form.id_number.data or "").strip(),
            phone=(form.phone.data or "").strip(),
            job=form.job.data or "",
            claims=[ClaimData(kind, fen)],
            notices_consent=form.notices_consent.data,  # the applicant speaks for himself only
        )
    ]
    for line, cells in parse_roster(form.co_workers.data):
        name, id_number, phone, amount = (cells + ["", "", "", ""])[:4]
        worker_fen = _amount(amount, "co_workers", f"第{line}行：", problems)
        workers.append(
            WorkerData(
                name=name, id_number=id_number, phone=phone, claims=[ClaimData(kind, worker_fen)]
            )
        )
    chosen = representative_names(form.representatives.data)
    for worker in workers:
        worker.representative = worker.name in chosen
    for name in sorted(chosen - {w.name for w in workers}):
        problems.append(("representatives", f"代表人“{name}”不在申请人名单中"))
    return IntakeData(
        channel=Channel.ONLINE.value,
        received_on=today(),
        category=form.category.data or "",
        application_form=ApplicationForm.WRITTEN.value,
        employer=EmployerData(
            name=form.employer_name.data or "",
            credit_code=(form.employer_credit_code.data or "").strip(),
            address=form.employer_address.data or "",
            phone=(form.employer_phone.data or "").strip(),
        ),
        workers=workers,
        facts=form.facts.data or "",
    ), problems


def _amount(text: str | None, field: str, prefix: str, problems: list) -> int:
    if not (text or "").strip():
        return 0
    try:
        return parse_yuan(text)
    except InvalidAmount as error:
        problems.append((field, f"{prefix}{error}"))
        return 0


def _place(form: ApplyForm, violation: RuleViolation) -> None:
    """Intake's field names (workers-3-phone…) onto this form: the applicant's own fields, or
    the roster line of a co-worker."""
    lines = [line for line, _ in parse_roster(form.co_workers.data)]
    for name, message in getattr(violation, "problems", [(None, str(violation))]):
        target, text = name, message
        if name and name.startswith("workers-"):
            _, index, column = name.split("-", 2)
            if index == "0":
                target = APPLICANT_FIELDS.get(column, "co_workers")
            else:
                position = int(index) - 1
                line = lines[position] if position < len(lines) else position + 1
                target, text = "co_workers", f"第{line}行：{message}"
        elif name == "workers":
            target = "co_workers"
        field = getattr(form, target or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, text]
        else:
            form.form_errors.append(text)
