"""Applying online: the form, the code that proves the phone, the confirmation; and the
centre's QR poster that leads to it."""

import segno
from flask import abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlmodel import select

from forms import select_choices
from forms.online import ApplyForm, CodeForm, parse_roster, representative_names
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData
from mediation.dates import today
from mediation.errors import RuleViolation
from mediation.identifiers import mask_phone
from mediation.money import InvalidAmount, parse_yuan
from mediation.notices import outbox
from mediation.online import applications, codes
from mediation.permissions import Permission
from models import ApplicationForm, ApplicationStatus, Case, Centre, Channel, CodePurpose
from views.db import get_db
from views.helpers import current_scope, form_status, require, submit
from views.online import bp, limit_posts
from views.online.codes import send_code

# Where a problem found by intake's checks is shown on the one-page form.
APPLICANT_FIELDS = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "claims": "amount",
    "representative": "representatives",
}


@bp.route("/apply", methods=["GET", "POST"])
@bp.route("/apply/<code>", methods=["GET", "POST"])
@limit_posts
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
        send_code(application.token, application.phone)
        return application

    done = submit(form, operation, place=_place)
    if done:
        return redirect(url_for("online.confirm", token=done.value.token))
    return render_template("online/apply.html", form=form, centre=centre), form_status()


@bp.route("/apply/confirm/<token>", methods=["GET", "POST"])
@limit_posts
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
        send_code(application.token, application.phone)
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
