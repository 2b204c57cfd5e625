"""Legal services (法律服务): the list, a new legal case, a legal case's page, the one-click
conversion of a failed mediation, and the stage and result forms. Every legal case is loaded
through the user's scope (404 outside it); lawyers see their own caseload."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from forms import select_choices
from forms.legal import (
    ConvertForm,
    NewLegalForm,
    StageForm,
    amounts_from,
    parse_worker_lines,
    result_form,
)
from mediation.bounds import parse_id
from mediation.dates import today
from mediation.legal import cases as legal_domain
from mediation.legal.listing import list_legal_cases
from mediation.logs import access
from mediation.permissions import Permission, can
from mediation.privacy import MASKS, is_assigned_lawyer, shown, shows_personal_data
from mediation.reference.roster import lawyer_of
from models import Case, Centre, Employer, Lawyer, LegalCase, Role
from views.cases import load_case
from views.db import get_db
from views.helpers import current_scope, form_status, log_access, require, submit

bp = Blueprint("legal", __name__)


def load_legal(legal_id: int) -> LegalCase:
    legal = legal_domain.get_legal_case(get_db(), current_scope(), legal_id)
    if legal is None:
        abort(404)
    return legal


@bp.app_context_processor
def inject_legal_helpers():
    """For the mediation case page: the legal case it became, and the conversion form."""

    def legal_case_of(case):
        found = legal_domain.legal_case_of(get_db(), case)
        if found is None or not current_scope().includes(found.centre_id):
            return None
        return found

    return {
        "legal_case_of": legal_case_of,
        "legal_convertible": legal_domain.convertible,
        "legal_convert_form": ConvertForm,
    }


@bp.route("/legal")
@require(Permission.CASE_READ)
def index():
    db = get_db()
    lawyer_view = current_user.role == Role.LAWYER
    own = lawyer_of(db, current_user) if lawyer_view else None
    cursor = request.args.get("cursor") or None
    page = list_legal_cases(
        db,
        current_scope(),
        lawyer_id=own.id if own else None,
        only_lawyer=lawyer_view,  # a lawyer's own caseload, across the centres where stationed
        cursor=cursor,
    )
    hearings = legal_domain.next_hearing(db, [row.legal.id for row in page.rows], today())
    return render_template(
        "legal/index.html",
        page=page,
        cursor=cursor,
        hearings=hearings,
        lawyer_view=lawyer_view,
        may_create=can(current_user, Permission.CASE_WORK),
    )


@bp.route("/legal/new", methods=["GET", "POST"])
@require(Permission.CASE_WORK)
def new():
    """A legal case from scratch: mediators and centre supervisors at their own centre, admins
    at an active centre they choose. The lawyer must be stationed at that centre."""
    db = get_db()
    chooses_centre = current_user.role == Role.ADMIN
    own_centre = None if chooses_centre else db.get(Centre, current_user.centre_id)
    if not chooses_centre and own_centre is None:
        abort(403)
    centres = (
        list(db.execute(select(Centre).where(Centre.active).order_by(Centre.id)).scalars())
        if chooses_centre
        else [own_centre]
    )
    stationed = {c.id: legal_domain.lawyers_at(db, c.id) for c in centres}
    lawyers = {lawyer.id: lawyer for group in stationed.values() for lawyer in group}
    form = NewLegalForm() if request.method == "POST" else NewLegalForm(accepted_on=today())
    if chooses_centre:
        form.centre.choices = select_choices([(c.code, c.name) for c in centres], blank="请选择")
    else:
        del form.centre
    form.lawyer_id.choices = select_choices(
        [(str(lawyer.id), f"{lawyer.name}（{lawyer.firm_name}）") for lawyer in lawyers.values()],
        blank="（暂不指派）",
    )
    if form.validate_on_submit():
        centre = own_centre or next((c for c in centres if c.code == form.centre.data), None)
        workers, problems = parse_worker_lines(form.workers.data)
        form.workers.errors = [*form.workers.errors, *problems]
        if centre is None:
            form.centre.errors = [*form.centre.errors, "请选择调解中心"]

    def create():
        lawyer_id = parse_id(form.lawyer_id.data)
        employer = legal_domain.employer_named(db, form.employer_name.data or "")
        return legal_domain.create_legal_case(
            db,
            current_user,
            centre,
            form.service_type.data,
            form.accepted_on.data,
            workers,
            lawyer_id=lawyer_id,
            employer_id=employer.id if employer is not None else None,
            note=form.note.data or "",
            today=today(),
        )

    checked = request.method == "POST" and not any(f.errors for f in form)
    if checked and (created := submit(form, create)):
        flash(f"已登记法律服务案件 {created.value.number}", "success")
        return redirect(url_for("legal.detail", legal_id=created.value.id))
    return render_template("legal/new.html", form=form, own_centre=own_centre), form_status()


@bp.route("/legal/<int:legal_id>")
@require(Permission.CASE_READ)
def detail(legal_id: int):
    db = get_db()
    legal = load_legal(legal_id)
    show = shows_personal_data(db, current_user, legal)
    workers = [
        {
            "worker": w,
            **{field: shown(getattr(w, field), field, show) for field in MASKS},
        }
        for w in legal_domain.workers_of(db, legal)
    ]
    mediation_case = db.get(Case, legal.mediation_case_id) if legal.mediation_case_id else None
    if mediation_case is not None and not current_scope().includes(mediation_case.centre_id):
        mediation_case = None
    page = render_template(
        "legal/detail.html",
        legal=legal,
        workers=workers,
        stages=legal_domain.stages(db, legal),
        centre=db.get(Centre, legal.centre_id),
        lawyer=db.get(Lawyer, legal.lawyer_id) if legal.lawyer_id else None,
        employer=db.get(Employer, legal.employer_id) if legal.employer_id else None,
        mediation_case=mediation_case,
        next_hearing=legal_domain.next_hearing(db, [legal.id], today()).get(legal.id),
        may_stage=_may_stage(legal),
        may_result=can(current_user, Permission.CASE_WORK),
        totals={
            key: sum(getattr(w["worker"], key) for w in workers)
            for key in ("claimed_fen", "awarded_fen", "recovered_fen")
        },
    )
    log_access(access.legal_read(db, current_user, legal, masked=not show))
    return page


def _may_stage(legal: LegalCase) -> bool:
    if not can(current_user, Permission.CASE_RECORD_SESSION):
        return False
    return current_user.role != Role.LAWYER or is_assigned_lawyer(get_db(), current_user, legal)


@bp.route("/cases/<int:case_id>/legal", methods=["POST"])
@require(Permission.CASE_WORK)
def convert(case_id: int):
    db = get_db()
    case = load_case(case_id)
    form = ConvertForm()
    converted = submit(
        form,
        lambda: legal_domain.convert_failed_mediation(
            db,
            case,
            current_user,
            service_type=form.service_type.data,
            accepted_on=form.accepted_on.data,
            today=today(),
        ),
    )
    if converted:
        legal = converted.value
        flash(f"已转为法律服务案件 {legal.number}，申请职工和请求金额已带入", "success")
        return redirect(url_for("legal.detail", legal_id=legal.id))
    return render_template("legal/convert.html", form=form, case=case), 422


@bp.route("/legal/<int:legal_id>/stage", methods=["GET", "POST"])
@require(Permission.CASE_RECORD_SESSION)
def stage_new(legal_id: int):
    legal = load_legal(legal_id)
    if not _may_stage(legal):
        abort(403)  # lawyers record stages only on the cases they handle
    form = StageForm()
    added = submit(
        form,
        lambda: legal_domain.add_stage(
            get_db(), legal, current_user, form.stage.data, form.on.data, form.note.data or ""
        ),
    )
    if added:
        flash("已登记办理环节", "success")
        return redirect(url_for("legal.detail", legal_id=legal.id))
    page = render_template("legal/form.html", form=form, legal=legal, title="登记办理环节")
    return page, form_status()


@bp.route("/legal/<int:legal_id>/result", methods=["GET", "POST"])
@require(Permission.CASE_WORK)
def result(legal_id: int):
    db = get_db()
    legal = load_legal(legal_id)
    workers = legal_domain.workers_of(db, legal)
    form = result_form(workers)
    if request.method == "GET":
        form.version.data = legal.version
        form.outcome.data = legal.outcome
        form.closed_on.data = legal.closed_on
        for worker, awarded, recovered in form.worker_rows:
            awarded.data, recovered.data = worker.awarded_fen, worker.recovered_fen
    recorded = submit(
        form,
        lambda: legal_domain.record_result(
            db,
            legal,
            current_user,
            form.outcome.data,
            form.closed_on.data,
            amounts_from(form),
            today=today(),
        ),
        versioned=legal,
    )
    if recorded:
        flash("已登记办理结果", "success")
        return redirect(url_for("legal.detail", legal_id=legal.id))
    page = render_template("legal/result.html", form=form, legal=legal, title="登记办理结果")
    return page, form_status()
