"""The union's supervision letters (「一函两书」): an employer's supervision page (its cases in
scope and its letter history), issuing a letter, the letter's page where its service, the reply
and a referral to labour inspection are recorded, and the printable letter (HTML and PDF).

District and city supervisors and admins only (Permission.LETTER_ISSUE). An employer without a
case in the user's scope, or a letter listing none, answers 404; recording on another union's
letter answers 403.
"""

from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlmodel import select

from forms.letters import IssueLetterForm, ReferralForm, ReplyForm, ServiceForm
from mediation.dates import today
from mediation.logs import access
from mediation.permissions import Permission
from mediation.privacy import personal_data_access
from mediation.reference import employers as registry
from mediation.reports import letters, provisions
from models import (
    AccessKind,
    Case,
    Employer,
    LetterKind,
    ServiceMethod,
    SupervisionLetter,
    SupervisionLetterCase,
)
from views.db import get_db
from views.helpers import current_scope, form_status, log_access, require, submit
from views.sheets import render_pdf

bp = Blueprint("letters", __name__)


def _employer(employer_id: int) -> Employer:
    employer = registry.get_employer(get_db(), current_scope(), employer_id)
    if employer is None:
        abort(404)
    return employer


def _letter(letter_id: int) -> SupervisionLetter:
    letter = letters.get_letter(get_db(), current_scope(), letter_id)
    if letter is None:
        abort(404)
    return letter


@bp.route("/employers/<int:employer_id>/supervision")
@require(Permission.LETTER_ISSUE)
def employer(employer_id: int):
    db = get_db()
    found = _employer(employer_id)
    return render_template(
        "letters/employer.html",
        employer=found,
        cases=letters.employer_cases(db, current_scope(), found),
        history=letters.letters_of(db, current_scope(), found),
        issuer=letters.issuer_of(db, current_user),
        kinds=list(LetterKind),
        status_of=letters.status_of,
        today=today(),
    )


@bp.route("/employers/<int:employer_id>/letters/new", methods=["GET", "POST"])
@require(Permission.LETTER_ISSUE)
def new(employer_id: int):
    db = get_db()
    found = _employer(employer_id)
    cases = letters.employer_cases(db, current_scope(), found)
    form = IssueLetterForm()
    form.case_ids.choices = [(case.id, case.number) for case in cases]
    form.provisions.choices = [
        (code, provisions.PROVISIONS[code].citation) for code in provisions.SUBSTANTIVE
    ]
    if not form.is_submitted():
        form.issued_on.data = today()
        form.case_ids.data = [case.id for case in cases]
        form.provisions.data = provisions.default_provisions(cases)
        form.kind.data = request.args.get("kind", "")  # the button pressed on the employer page

    def operation():
        data = letters.LetterData(
            kind=form.kind.data or "",
            issued_on=form.issued_on.data,
            case_ids=list(form.case_ids.data or []),
            provisions=list(form.provisions.data or []),
            findings=form.findings.data or "",
            requests=form.requests.data or "",
            addressee=form.addressee.data or "",
            response_due_on=form.response_due_on.data,
        )
        return letters.issue_letter(db, current_user, current_scope(), found, data, today())

    done = submit(form, operation)
    if done:
        flash(f"已发出{done.value.kind_enum.label} {done.value.number}", "success")
        return redirect(url_for("letters.detail", letter_id=done.value.id))
    page = render_template(
        "letters/new.html",
        employer=found,
        form=form,
        cases={case.id: case for case in cases},
        provisions=provisions.PROVISIONS,
        common=letters.BASIS[LetterKind.NOTICE],
    )
    return page, form_status()


def _detail(letter: SupervisionLetter, forms: dict | None = None, status: int = 200):
    db = get_db()
    version = {"version": letter.version}
    shown = {
        "service": ServiceForm(formdata=None, obj=letter, data=version),
        "reply": ReplyForm(formdata=None, data=version),
        "referral": ReferralForm(formdata=None, data=version),
    } | (forms or {})
    page = render_template(
        "letters/detail.html",
        letter=letter,
        d=letters.document(db, letter, current_user),
        forms=shown,
        may_manage=letters.may_manage(db, current_user, letter),
        status=letters.status_of(letter, today()),
        methods={m.value: m.label for m in ServiceMethod},
    )
    return page, status


@bp.route("/letters/<int:letter_id>")
@require(Permission.LETTER_ISSUE)
def detail(letter_id: int):
    return _detail(_letter(letter_id))


def _record(letter_id: int, name: str, form, operation, message: str):
    letter = _letter(letter_id)
    if not letters.may_manage(get_db(), current_user, letter):
        abort(403)
    if submit(form, lambda: operation(letter), versioned=letter):
        flash(message, "success")
        return redirect(url_for("letters.detail", letter_id=letter.id) + f"#{name}")
    return _detail(letter, {name: form}, 422)


@bp.route("/letters/<int:letter_id>/service", methods=["POST"])
@require(Permission.LETTER_ISSUE)
def service(letter_id: int):
    form = ServiceForm()
    return _record(
        letter_id,
        "service",
        form,
        lambda letter: letters.record_service(
            get_db(),
            letter,
            current_user,
            form.served_on.data,
            form.method.data or "",
            form.served_to.data or "",
            today(),
        ),
        "已登记送达情况",
    )


@bp.route("/letters/<int:letter_id>/reply", methods=["POST"])
@require(Permission.LETTER_ISSUE)
def reply(letter_id: int):
    form = ReplyForm()
    return _record(
        letter_id,
        "reply",
        form,
        lambda letter: letters.record_reply(
            get_db(), letter, current_user, form.replied_on.data, form.summary.data or "", today()
        ),
        "已登记回复情况",
    )


@bp.route("/letters/<int:letter_id>/referral", methods=["POST"])
@require(Permission.LETTER_ISSUE)
def referral(letter_id: int):
    form = ReferralForm()
    return _record(
        letter_id,
        "referral",
        form,
        lambda letter: letters.record_referral(
            get_db(), letter, current_user, form.referred_on.data, form.note.data or "", today()
        ),
        "已登记移送劳动保障监察",
    )


def _sheet(letter: SupervisionLetter, pdf: bool) -> str:
    return render_template(
        "sheets/letter.html", d=letters.document(get_db(), letter, current_user), pdf=pdf
    )


def _log_print(letter: SupervisionLetter, kind: AccessKind, detail: str) -> None:
    """A letter names the workers of the cases it lists: one access record per case."""
    db = get_db()
    cases = db.exec(
        select(Case)
        .join(SupervisionLetterCase, SupervisionLetterCase.case_id == Case.id)
        .where(SupervisionLetterCase.letter_id == letter.id)
        .order_by(Case.id)
    ).all()
    if not personal_data_access(db, current_user).everyone:
        detail += access.MASKED
    log_access(access.reads(db, current_user, kind, cases, detail))


@bp.route("/letters/<int:letter_id>/print")
@require(Permission.LETTER_ISSUE)
def page(letter_id: int):
    letter = _letter(letter_id)
    html = _sheet(letter, pdf=False)
    _log_print(letter, AccessKind.DOCUMENT, f"打印{letter.kind_enum.label} {letter.number}")
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/letters/<int:letter_id>.pdf")
@require(Permission.LETTER_ISSUE)
def pdf(letter_id: int):
    letter = _letter(letter_id)
    body = render_pdf(_sheet(letter, pdf=True))
    _log_print(letter, AccessKind.DOCUMENT_PDF, f"下载{letter.kind_enum.label} {letter.number}")
    response = make_response(body)
    response.mimetype = "application/pdf"
    response.headers["Cache-Control"] = "no-store"
    name = quote(f"{letter.number}-{letter.kind_enum.label}.pdf")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"letter.pdf\"; filename*=UTF-8''{name}"
    )
    return response
