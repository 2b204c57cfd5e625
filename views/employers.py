"""Employers (被申请单位): the list shows repeat respondents within the user's scope; the edit page
corrects an employer's particulars and records the law firms acting for it, which is what makes
a union lawyer of such a firm recuse (回避) on assignment."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.roster import CounselForm, EmployerForm, EmployerSearchForm, RemoveCounselForm
from mediation.cases.intake import EmployerData
from mediation.dates import today
from mediation.errors import RuleViolation
from mediation.permissions import Permission
from mediation.reference import employers as registry
from mediation.reports import letters
from models import Employer
from views.db import get_db
from views.helpers import carried_args, current_scope, form_status, require, submit

bp = Blueprint("employers", __name__)


def _load_employer(employer_id: int) -> Employer:
    employer = registry.get_employer(get_db(), current_scope(), employer_id)
    if employer is None:
        abort(404)
    return employer


@bp.route("/employers")
@require(Permission.CASE_READ)
def index():
    form = EmployerSearchForm(request.args)
    page = registry.search_employers(
        get_db(),
        current_scope(),
        text=form.q.data or "",
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
    )
    args = carried_args(form)
    return render_template("employers/index.html", form=form, page=page, args=args)


def _render_edit(employer: Employer, form, counsel_form, status: int = 200):
    db = get_db()
    total, open_cases = registry.case_counts(db, current_scope(), employer)
    return render_template(
        "employers/edit.html",
        employer=employer,
        form=form,
        counsel_form=counsel_form,
        remove_form=RemoveCounselForm(formdata=None),
        counsel=registry.counsel_of(db, employer),
        conflicted=registry.conflicted_lawyers(db, employer),
        total_cases=total,
        open_cases=open_cases,
        history=letters.letters_of(db, current_scope(), employer),
        status_of=letters.status_of,
        today=today(),
    ), status


@bp.route("/employers/<int:employer_id>", methods=["GET", "POST"])
@require(Permission.CASE_WORK)
def edit(employer_id: int):
    db = get_db()
    employer = _load_employer(employer_id)
    form = EmployerForm(obj=employer)

    def save():
        data = EmployerData(
            name=form.name.data or "",
            credit_code=form.credit_code.data or "",
            legal_rep=form.legal_rep.data or "",
            address=form.address.data or "",
            phone=form.phone.data or "",
        )
        registry.update_employer(db, employer, data, current_user)

    if submit(form, save):
        flash(f"已保存被申请单位「{employer.name}」", "success")
        return redirect(url_for("employers.edit", employer_id=employer.id))
    return _render_edit(employer, form, CounselForm(formdata=None), form_status())


@bp.route("/employers/<int:employer_id>/counsel", methods=["POST"])
@require(Permission.CASE_WORK)
def add_counsel(employer_id: int):
    db = get_db()
    employer = _load_employer(employer_id)
    counsel_form = CounselForm()
    added = submit(
        counsel_form,
        lambda: registry.add_counsel(
            db,
            employer,
            counsel_form.firm_name.data,
            counsel_form.firm_credit_code.data or "",
            current_user,
        ),
    )
    if added:
        flash(f"已登记「{added.value.firm_name}」为{employer.name}的代理律所", "success")
        return redirect(url_for("employers.edit", employer_id=employer.id) + "#counsel")
    return _render_edit(employer, EmployerForm(formdata=None, obj=employer), counsel_form, 422)


@bp.route("/employers/<int:employer_id>/counsel/remove", methods=["POST"])
@require(Permission.CASE_WORK)
def remove_counsel(employer_id: int):
    db = get_db()
    employer = _load_employer(employer_id)
    form = RemoveCounselForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        removed = registry.remove_counsel(db, employer, form.firm_name.data, current_user)
    except RuleViolation as refused:
        db.rollback()
        flash(refused.problems[0][1], "warning")
        return redirect(url_for("employers.edit", employer_id=employer.id) + "#counsel")
    if removed:
        db.commit()
        flash(f"已删除代理律所「{form.firm_name.data}」", "success")
    else:
        flash("该律师事务所未登记为本单位的代理律所", "warning")
    return redirect(url_for("employers.edit", employer_id=employer.id) + "#counsel")
